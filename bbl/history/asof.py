"""As-of builds: which version of each source had been published by a date.

A date means the end of that day in Dutch time (CBS and DUO publish in the Netherlands): as of
2023-05-25 is everything published before 2023-05-26 00:00 Europe/Amsterdam. A CBS or DUO version
counts from its own publication time (history/cbs.py, history/duo.py); a register figure from its
``date_published`` (history/figures.py, ``known_at``). The snapshots come from the bundled data and
the snapshot store; nothing is fetched.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from bbl.history.cbs import publication_time
from bbl.history.duo import duo_time
from bbl.history.intervals import AMSTERDAM
from bbl.settings import Settings
from bbl.snapshot import load_manifest, snapshot_folders


def cutoff(day: date) -> datetime:
    """The first moment after ``day`` in Dutch time, as naive UTC: versions published before it count."""
    nxt = datetime.combine(day + timedelta(days=1), time(0), tzinfo=AMSTERDAM)
    return nxt.astimezone(UTC).replace(tzinfo=None)


def version_time(folder: Path, manifest: dict) -> datetime:
    return duo_time(manifest) if manifest.get("source") == "duo" else publication_time(folder, manifest).valid_from


def versions(settings: Settings, source: str, name: str) -> list[tuple[datetime, Path]]:
    """Every kept version of a source (bundled and fetched), in publication order."""
    seen: dict[str, tuple[datetime, str, Path]] = {}
    for root in (settings.data_dir, settings.snapshot_root):
        for folder in snapshot_folders(root, source, name):
            manifest = load_manifest(folder)
            seen.setdefault(manifest["snapshot_id"], (version_time(folder, manifest), manifest["date_accessed"], folder))
    return [(t, f) for t, _, f in sorted(seen.values(), key=lambda v: (v[0], v[1]))]


def snapshot_as_of(settings: Settings, source: str, name: str, day: date) -> Path | None:
    """The newest version published by the end of ``day``, or None."""
    ok = [f for t, f in versions(settings, source, name) if t < cutoff(day)]
    return ok[-1] if ok else None


def first_version_time(settings: Settings, source: str, name: str) -> datetime | None:
    kept = versions(settings, source, name)
    return kept[0][0] if kept else None
