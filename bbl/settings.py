"""Settings from the environment: the one list of environment variables (`ENV_VARS`) and the one
place that reads them. The CLI's `--help` epilog is generated from `ENV_VARS`, and a test checks
the README's configuration table against it. A leaf module: it imports nothing of the project.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
MODES = ("bundled", "live")
MEMORY_LIMIT = re.compile(r"[1-9][0-9]*(\.[0-9]+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)  # DuckDB's units


class ConfigError(ValueError):
    """A setting has a value the pipeline cannot use."""


@dataclass(frozen=True)
class EnvVar:
    name: str
    default: str  # as documented
    meaning: str
    field: str | None = None  # the Settings field it sets (None: read by another tool, e.g. Dagster)


ENV_VARS = (
    EnvVar("BBL_MODE", "bundled", "`bundled`: the real snapshot in `data/`, never touches the network. "
           "`live`: fetch from CBS/DUO (see \"Running live\")", "mode"),
    EnvVar("BBL_HOME", "warehouse/", "folder of the working database (`work.duckdb`), the published one "
           "(`bbl.duckdb`), the snapshot store and the reports", "home"),
    EnvVar("BBL_CBS_V4_URL", "https://datasets.cbs.nl/odata/v1/CBS", "CBS OData v4 base", "cbs_v4_url"),
    EnvVar("BBL_CBS_V3_URL", "https://opendata.cbs.nl", "CBS OData v3 host", "cbs_v3_url"),
    EnvVar("BBL_DUO_URL", "https://onderwijsdata.duo.nl", "DUO CKAN host", "duo_url"),
    EnvVar("BBL_HTTP_TIMEOUT_S", "60", "timeout of one HTTP request, in seconds (live mode)", "http_timeout_s"),
    EnvVar("BBL_HTTP_MAX_ATTEMPTS", "5", "attempts per request before a fetch gives up", "http_max_attempts"),
    EnvVar("BBL_DUCKDB_MEMORY_LIMIT", "256MB", "memory DuckDB may use in the pipeline's own warehouse connections "
           "(fetch, load, checks, marts), e.g. `1GB`; bigger work spills to `work.duckdb.tmp/` instead of growing "
           "the process (analysts' sessions on `bbl.duckdb` keep DuckDB's own default)", "duckdb_memory_limit"),
    EnvVar("BBL_DATA_DIR", "data/", "the bundled snapshot (tests point it at a copy)", "data_dir"),
    EnvVar("BBL_SCHEDULE_CRON", "unset", "if set, every schedule runs on this cron instead of its own (a staging instance, "
           "the team-mode test)", "schedule_cron"),
    EnvVar("BBL_AS_OF", "unset", "a date (YYYY-MM-DD): build from what was published on or before it, into "
           "`$BBL_HOME/asof-DATE/` (set by `bbl run --as-of`; offline, reads the snapshot store of `$BBL_HOME`)",
           "as_of"),
    EnvVar("DAGSTER_HOME", ".dagster_home/", "Dagster instance; `make` writes its `dagster.yaml` (sqlite storage, "
           "the `bbl_warehouse` pool limited to 1 step, telemetry off)"),
)


@dataclass(frozen=True)
class Settings:
    mode: str = "bundled"
    home: Path = PROJECT_ROOT / "warehouse"
    cbs_v4_url: str = "https://datasets.cbs.nl/odata/v1/CBS"
    cbs_v3_url: str = "https://opendata.cbs.nl"
    duo_url: str = "https://onderwijsdata.duo.nl"
    data_dir: Path = DATA_DIR
    http_timeout_s: float = 60.0
    http_max_attempts: int = 5
    duckdb_memory_limit: str = "256MB"
    schedule_cron: str = ""
    as_of: str = ""  # an as-of build: the date (ISO); home is then $BBL_HOME/asof-<date>

    def __post_init__(self) -> None:
        if self.as_of:
            try:
                date.fromisoformat(self.as_of)
            except ValueError as exc:
                raise ConfigError(f"BBL_AS_OF must be a date YYYY-MM-DD, got {self.as_of!r}") from exc
            if self.mode != "bundled":
                raise ConfigError("BBL_AS_OF builds from the snapshots already kept; it never fetches: "
                                  "use BBL_MODE=bundled (the default)")
        if self.mode not in MODES:
            raise ConfigError(f"BBL_MODE must be one of {', '.join(MODES)}, got {self.mode!r}")
        if not MEMORY_LIMIT.fullmatch(self.duckdb_memory_limit):
            raise ConfigError("BBL_DUCKDB_MEMORY_LIMIT must be an amount such as 256MB or 2GB, "
                              f"got {self.duckdb_memory_limit!r}")
        if self.http_timeout_s <= 0 or self.http_max_attempts < 1:
            raise ConfigError("BBL_HTTP_TIMEOUT_S must be > 0 and BBL_HTTP_MAX_ATTEMPTS >= 1")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        types = {f.name: f.type for f in fields(cls)}
        for var in ENV_VARS:
            raw = env.get(var.name, "").strip()
            if var.field is None or not raw:
                continue
            kind = types[var.field]
            try:
                if kind == "Path":
                    path = Path(raw)
                    values[var.field] = path if path.is_absolute() else (Path.cwd() / path).resolve()
                elif kind == "float":
                    values[var.field] = float(raw)
                elif kind == "int":
                    values[var.field] = int(raw)
                elif var.field == "mode":
                    values[var.field] = raw.lower()
                elif var.field == "as_of":
                    values[var.field] = raw
                else:
                    values[var.field] = raw.rstrip("/")
            except ValueError as exc:
                raise ConfigError(f"{var.name} must be a number, got {raw!r}") from exc
        if values.get("as_of"):
            values["home"] = Path(values.get("home", cls.home)) / f"asof-{values['as_of']}"  # type: ignore[arg-type]
        return cls(**values)  # type: ignore[arg-type]

    @property
    def work_db(self) -> Path:
        return self.home / "work.duckdb"

    @property
    def published_db(self) -> Path:
        return self.home / "bbl.duckdb"

    @property
    def archive(self) -> Path | None:
        """An as-of build: the BBL_HOME whose snapshot store it reads (home is <archive>/asof-<date>)."""
        return self.home.parent if self.as_of else None

    @property
    def snapshot_root(self) -> Path:
        """The snapshot store: $BBL_HOME/snapshots (an as-of build reads its archive's)."""
        return (self.archive or self.home) / "snapshots"

    @property
    def as_of_date(self) -> date | None:
        return date.fromisoformat(self.as_of) if self.as_of else None


def env_markdown_table() -> str:
    """The README's configuration table."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    rows += [f"| `{v.name}` | `{v.default}` | {v.meaning} |" for v in ENV_VARS]
    return "\n".join(rows)


def env_help() -> str:
    """The CLI's `--help` epilog section on the environment."""
    width = max(len(v.name) for v in ENV_VARS)
    return "environment:\n" + "\n".join(
        f"  {v.name:<{width}}  {v.meaning.replace('`', '')} (default {v.default})" for v in ENV_VARS)
