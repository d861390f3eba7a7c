"""Asset keys, in one place. A key mirrors the warehouse table it builds (`marts.vacancies` is
`marts/vacancies`); each registered CBS table and DUO dataset has a raw asset of its own
(`raw/cbs/<table id>`, `raw/duo/<dataset>`). Paths are tuples here; the Dagster layer wraps them
(assets/keys.py), the suites and quality.check_results name assets by `user_string`."""

from __future__ import annotations

Path = tuple[str, ...]

FIGURES: Path = ("raw", "published_figures")
INDICATORS: Path = ("meta", "indicators")
CLAIM_CHECKS: Path = ("marts", "claim_checks")
CLAIM_READINGS: Path = ("marts", "claim_readings")
ANALYST_DATABASE: Path = ("publish", "analyst_database")
REPORT: Path = ("publish", "report")


def cbs(table_id: str) -> Path:
    return ("raw", "cbs", table_id)


def duo(dataset: str) -> Path:
    return ("raw", "duo", dataset.replace("-", "_"))


def table(name: str) -> Path:
    """The asset of a warehouse table: `staging.cpi_yearly` -> ("staging", "cpi_yearly")."""
    schema, _, rest = name.partition(".")
    if not schema or not rest:
        raise ValueError(f"not a schema-qualified table name: {name!r}")
    return (schema, rest)


def user_string(path: Path) -> str:
    return "/".join(path)
