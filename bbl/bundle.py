"""Maintain the bundled snapshot in ``data/``: build the figures register and write the manifests.

    python -m bbl.bundle

Run it after adding or changing a file under ``data/``. It never fetches anything; it records what
is there (sha256 and size per file) together with the provenance stated in each folder's
``SOURCE.txt`` / ``.source.txt``. Tests fail while a manifest does not match its files.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from bbl.figures.build import write_register
from bbl.snapshot import CBS_LICENSE, file_entries, sha256_file, write_manifest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
FIGURES_DIR = DATA / "figures"
REGISTER = FIGURES_DIR / "published_figures.csv"


def cbs_v4_manifest(folder: Path, obtained_via: str) -> dict[str, Any]:
    """Manifest of a folder of raw CBS OData v4 responses (bundled from a capture)."""
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    props = json.loads((folder / "properties.json").read_text(encoding="utf-8"))
    table_id = props["Identifier"]
    roles = [("properties.json", "properties"), ("dimensions.json", "dimensions"), ("measure-codes.json", "measures")]
    roles += [(f"codes-{dim}.json", f"codes:{dim}") for dim in sorted(
        p.name.removeprefix("codes-").removesuffix(".json") for p in folder.glob("codes-*.json"))]
    roles += [(page, "observations") for page in index["observationPages"]]
    roles += [("index.json", "capture_index"), ("SOURCE.txt", "provenance")]
    version = props["Version"]
    return {
        "snapshot_id": f"cbs/{table_id}/{version}",
        "source": "cbs",
        "table_id": table_id,
        "api": "v4",
        "producer": "Centraal Bureau voor de Statistiek (CBS)",
        "title": props["Title"],
        "url": index["source"],
        "url_main": f"https://dataportal.cbs.nl/detail/CBS/{table_id}",
        "row_filter": index.get("sliceFilter"),
        "date_accessed": index["capturedAt"],
        "date_published": props.get("Modified"),
        "modified": props.get("Modified"),
        "version": version,
        "license": {"name": CBS_LICENSE["name"], "url": props.get("License") or CBS_LICENSE["url"]},
        "citation": f"CBS ({props.get('Modified', '')[:4]}). {props['Title']}. StatLine, tabel {table_id}.",
        "row_count": index["observationRows"],
        "obtained_via": obtained_via,
        "files": file_entries(folder, roles),
    }


def figures_manifest(data: Path = DATA) -> dict[str, Any]:
    """Manifest of the register in ``data/figures``, with the sha256 of every source file it is built from."""
    figures = data / "figures"
    sources = sorted(
        [*(data / "published").glob("*"), *(data / "reference").glob("*"), figures / "publication_dates.csv"],
        key=lambda p: str(p),
    )
    digest = sha256_file(figures / "published_figures.csv")
    return {
        "snapshot_id": f"figures/published_figures/{digest[:12]}",
        "source": "figures",
        "table_id": None,
        "producer": "bbl-stats (register of published figures)",
        "title": "Register of published figures on the Subsidieregeling praktijkleren, bbl, vacancies, CPI and SEO 2019",
        "url": "data/figures/published_figures.csv",
        "date_accessed": "2026-11-27",
        "license": {"name": "per figure: see citation_url", "url": ""},
        "description": "Built by bbl/figures/ (build.py) from the source files listed under 'sources' "
        "(paths relative to data/), "
        "each transcribed or extracted from the publication named in its .source.txt and in citation_url.",
        "files": file_entries(figures, [("published_figures.csv", "register")]),
        "sources": [
            {"path": str(p.relative_to(data)), "sha256": sha256_file(p), "size": p.stat().st_size}
            for p in sources
        ],
    }


def rebuild_figures(data: Path = DATA) -> int:
    """Rebuild the register from the source files under ``data`` and rewrite its manifest."""
    n = write_register(data.parent, data / "figures" / "published_figures.csv")
    write_manifest(data / "figures", figures_manifest(data))
    return n


def main() -> None:
    n = rebuild_figures()
    print(f"register: {n} figures -> {REGISTER.relative_to(ROOT)}", file=sys.stderr)
    for folder in sorted(DATA.glob("cbs/*/*/")):
        if (folder / "index.json").is_file():
            source_txt = (folder / "SOURCE.txt").read_text(encoding="utf-8").strip().splitlines()
            via = " ".join(line.strip() for line in source_txt[:3])
            path = write_manifest(folder, cbs_v4_manifest(folder, via))
            print(f"manifest: {path.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
