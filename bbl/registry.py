"""The source registry (bbl/sources.yaml), parsed and validated."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from bbl import keys
from bbl.cbs.ids import validate_table_id
from bbl.yamlsafe import load_yaml

SOURCES_YAML = Path(__file__).with_name("sources.yaml")
APIS = ("v4", "v3", "auto")


@dataclass(frozen=True)
class CbsTable:
    id: str
    purpose: str
    filter: str | None = None
    api: str = "auto"
    cadence: str = "monthly"
    checks: dict = field(default_factory=dict, hash=False, compare=False)


def parse_registry(text: str) -> list[CbsTable]:
    doc = load_yaml(text) or {}
    tables = []
    seen: set[str] = set()
    for entry in doc.get("cbs", []):
        table = CbsTable(
            id=validate_table_id(str(entry["id"])),
            purpose=" ".join(str(entry.get("purpose", "")).split()),
            filter=entry.get("filter"),
            api=entry.get("api", "auto"),
            cadence=entry.get("cadence", "monthly"),
            checks=entry.get("checks") or {},
        )
        if table.api not in APIS:
            raise ValueError(f"sources.yaml: table {table.id}: api must be one of {APIS}, got {table.api!r}")
        if table.id in seen:
            raise ValueError(f"sources.yaml: table {table.id} is listed twice")
        seen.add(table.id)
        tables.append(table)
    return tables


@dataclass(frozen=True)
class DuoDataset:
    dataset: str
    purpose: str
    resource: str
    cadence: str = "yearly"

    @property
    def asset_name(self) -> str:
        return keys.duo(self.dataset)[-1]


def parse_duo(text: str) -> list[DuoDataset]:
    from bbl.duo.client import validate_dataset

    doc = load_yaml(text) or {}
    return [
        DuoDataset(validate_dataset(str(e["dataset"])), " ".join(str(e.get("purpose", "")).split()),
                   str(e["resource"]), e.get("cadence", "yearly"))
        for e in doc.get("duo", [])
    ]


@cache
def duo_datasets() -> tuple[DuoDataset, ...]:
    return tuple(parse_duo(SOURCES_YAML.read_text(encoding="utf-8")))


@cache
def cbs_tables() -> tuple[CbsTable, ...]:
    return tuple(parse_registry(SOURCES_YAML.read_text(encoding="utf-8")))
