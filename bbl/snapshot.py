"""Immutable source snapshots with an OWID-style manifest.

A snapshot is a folder ``<root>/<source>/<table_id>/<version>/`` holding the raw files as the
source delivered them and a ``manifest.json``: producer, title, url, date accessed, version at the
source, license, row count, and sha256 + size per file. Loading verifies every checksum first, so
a changed or truncated file stops the run with the file named.

The bundled snapshot (``data/``) and the live store (``$BBL_HOME/snapshots/``) share this layout.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bbl.pids import pid_alive
from bbl.settings import Settings

MANIFEST = "manifest.json"
REQUIRED_KEYS = (
    "snapshot_id",
    "source",
    "producer",
    "title",
    "url",
    "date_accessed",
    "license",
    "files",
)
CBS_LICENSE = {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}


class SnapshotError(RuntimeError):
    """A snapshot is missing, incomplete or does not match its manifest."""


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def file_entries(folder: Path, roles: Iterable[tuple[str, str]],
                 known: dict[Path, tuple[str, int]] | None = None) -> list[dict[str, Any]]:
    """Manifest entries (path, role, sha256, size) for the files of ``folder``. ``known``: (sha256, size) of
    files hashed as they were written (a download); a file is read back only when its size on disk differs."""
    entries = []
    for rel, role in roles:
        path = folder / rel
        size = path.stat().st_size
        digest, written = (known or {}).get(path, (None, -1))
        entries.append({"path": rel, "role": role, "sha256": digest if written == size else sha256_file(path),
                        "size": size})
    return entries


def write_manifest(folder: Path, manifest: dict[str, Any]) -> Path:
    missing = [k for k in REQUIRED_KEYS if k not in manifest]
    if missing:
        raise SnapshotError(f"manifest for {folder} lacks {', '.join(missing)}")
    path = folder / MANIFEST
    path.write_text(json.dumps(manifest, indent=1, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8")
    return path


def load_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    if not path.is_file():
        raise SnapshotError(f"snapshot {folder} has no {MANIFEST}")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SnapshotError(f"{path} is not valid JSON: {exc}") from exc
    missing = [k for k in REQUIRED_KEYS if k not in manifest]
    if missing:
        raise SnapshotError(f"{path} lacks {', '.join(missing)}")
    return manifest


def verify_snapshot(folder: Path, manifest: dict[str, Any]) -> None:
    """Raise SnapshotError naming the first file whose size or sha256 differs from the manifest."""
    sid = manifest["snapshot_id"]
    for entry in manifest["files"]:
        path = folder / entry["path"]
        if not path.is_file():
            raise SnapshotError(f"snapshot {sid}: file {entry['path']} listed in the manifest is missing")
        size = path.stat().st_size
        if size != entry["size"]:
            raise SnapshotError(
                f"snapshot {sid}: file {entry['path']} has {size} bytes, the manifest says {entry['size']}"
            )
        digest = sha256_file(path)
        if digest != entry["sha256"]:
            raise SnapshotError(
                f"snapshot {sid}: file {entry['path']} has sha256 {digest}, the manifest says {entry['sha256']}"
            )


def files_with_role(manifest: dict[str, Any], role: str) -> list[str]:
    return [e["path"] for e in manifest["files"] if e["role"] == role]


def one_file(manifest: dict[str, Any], role: str) -> str:
    paths = files_with_role(manifest, role)
    if len(paths) != 1:
        raise SnapshotError(f"snapshot {manifest['snapshot_id']}: expected one {role} file, found {len(paths)}")
    return paths[0]


LEGACY_TMP_MAX_AGE_S = 3600  # .tmp-<hex> folders (no pid in the name) of older versions: removed after an hour


def new_fetch_folder(base: Path) -> Path:
    """A temporary folder for a fetch in progress, ``<base>/.tmp-<pid>-<random>``, renamed into place when
    the fetch is complete. Leftovers of fetches whose process is gone (killed mid-download) go first."""
    base.mkdir(parents=True, exist_ok=True)
    remove_dead_fetch_folders(base)
    tmp = base / f".tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    return tmp


def remove_dead_fetch_folders(base: Path) -> list[Path]:
    removed = []
    for path in base.glob(".tmp-*"):
        parts = path.name.split("-")
        if len(parts) == 3 and parts[1].isdigit():
            dead = not pid_alive(int(parts[1]))
        else:
            dead = time.time() - path.stat().st_mtime > LEGACY_TMP_MAX_AGE_S
        if dead and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def discard_fetch_folder(tmp: Path) -> None:
    """Remove a failed fetch's folder, and the table's folder too if the fetch was its first: nothing stays."""
    shutil.rmtree(tmp, ignore_errors=True)
    with contextlib.suppress(OSError):
        tmp.parent.rmdir()  # only when empty


def snapshot_folders(root: Path, source: str, table_id: str) -> list[Path]:
    """Every complete snapshot folder of a table under ``root``, oldest version first."""
    base = root / source / table_id
    if not base.is_dir():
        return []
    return sorted(p for p in base.iterdir() if p.is_dir() and not p.name.startswith(".") and (p / MANIFEST).is_file())


def latest_snapshot(root: Path, source: str, table_id: str) -> Path | None:
    """The newest complete snapshot folder of a table (versions sort as text), or None."""
    versions = snapshot_folders(root, source, table_id)
    return versions[-1] if versions else None


@dataclass(frozen=True)
class Acquired:
    folder: Path | None
    origin: str  # bundled | local store | fetched | unchanged | stale | none
    fetch: Any = None  # the source's fetch result (bbl.cbs.client.FetchResult, bbl.duo.client.DuoFetchResult)
    error: str | None = None  # live mode: why the fetch failed (origin 'stale' with the last good snapshot, or 'none')

    @property
    def snapshot_id(self) -> str | None:
        return None if self.folder is None else load_manifest(self.folder)["snapshot_id"]


def offline_snapshot(settings: Settings, source: str, name: str) -> Path | None:
    """The snapshot an offline (bundled) run uses: the bundled one in data/ if there is one, else the newest
    fetched into the local snapshot store earlier, else None."""
    return latest_snapshot(settings.data_dir, source, name) or latest_snapshot(settings.snapshot_root, source, name)


def last_good(settings: Settings, source: str, name: str, error: Exception) -> Acquired:
    """A live fetch failed: the last good snapshot (fetched earlier, else bundled), marked stale; or none."""
    folder = latest_snapshot(settings.snapshot_root, source, name) or latest_snapshot(settings.data_dir, source, name)
    return Acquired(folder, "stale" if folder is not None else "none", error=str(error))


def display_path(folder: Path, settings: Settings) -> str:
    for base in (settings.data_dir.parent, settings.home, *([settings.archive] if settings.archive else [])):
        if folder.is_relative_to(base):
            return str(folder.relative_to(base))
    return str(folder)
