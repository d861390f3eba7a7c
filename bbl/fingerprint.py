"""A fingerprint of everything a bundled run reads: snapshot files (their bytes, not their manifests)
and the pipeline's own code, SQL and configuration. Equal fingerprints mean a run would publish the
same database, so `bbl run` can skip it (`--force` runs anyway)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from bbl.settings import PROJECT_ROOT, Settings

CODE_DIRS = ("assets", "bbl", "checks", "pipelines", "warehouse")
CODE_SUFFIXES = {".py", ".sql", ".yaml"}


def _snapshot_folders(settings: Settings) -> list[Path]:
    from bbl.cbs.source import offline_snapshot
    from bbl.registry import cbs_tables, duo_datasets

    candidates = [*(offline_snapshot(settings, "cbs", t.id) for t in cbs_tables()),
                  *(offline_snapshot(settings, "duo", d.dataset) for d in duo_datasets())]
    return [settings.data_dir / "figures", *(f for f in candidates if f is not None)]


def input_fingerprint(settings: Settings) -> str:
    digest = hashlib.sha256(settings.mode.encode())
    files: list[Path] = []
    for folder in _snapshot_folders(settings):
        files += sorted(p for p in folder.rglob("*") if p.is_file())
    files += sorted((settings.data_dir / "published").glob("*")) + sorted((settings.data_dir / "reference").glob("*"))
    for d in CODE_DIRS:
        files += sorted(p for p in (PROJECT_ROOT / d).rglob("*") if p.suffix in CODE_SUFFIXES and p.is_file())
    for path in files:
        digest.update(str(path.name).encode())
        with path.open("rb") as fh:
            while block := fh.read(1 << 20):
                digest.update(block)
    return digest.hexdigest()
