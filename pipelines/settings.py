"""Settings from the environment: one place that reads BBL_* variables.

| variable         | default                                   | meaning                                   |
|------------------|-------------------------------------------|-------------------------------------------|
| BBL_MODE         | bundled                                   | bundled (the real snapshot in data/, no network) or live |
| BBL_HOME         | warehouse/ (in the project)               | working + published databases, snapshot store |
| BBL_CBS_V4_URL   | https://datasets.cbs.nl/odata/v1/CBS      | CBS OData v4 base                         |
| BBL_CBS_V3_URL   | https://opendata.cbs.nl                   | CBS OData v3 host                         |
| BBL_DUO_URL      | https://onderwijsdata.duo.nl              | DUO CKAN host                             |
| BBL_HTTP_TIMEOUT_S | 60                                      | timeout per HTTP request (connect/read)   |
| BBL_HTTP_MAX_ATTEMPTS | 5                                    | attempts per request before giving up     |
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
MODES = ("bundled", "live")


class ConfigError(ValueError):
    """A setting has a value the pipeline cannot use."""


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

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ConfigError(f"BBL_MODE must be one of {', '.join(MODES)}, got {self.mode!r}")
        if self.http_timeout_s <= 0 or self.http_max_attempts < 1:
            raise ConfigError("BBL_HTTP_TIMEOUT_S must be > 0 and BBL_HTTP_MAX_ATTEMPTS >= 1")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        home = Path(env.get("BBL_HOME") or PROJECT_ROOT / "warehouse")
        if not home.is_absolute():
            home = (Path.cwd() / home).resolve()
        defaults = cls()
        try:
            timeout = float(env.get("BBL_HTTP_TIMEOUT_S", defaults.http_timeout_s))
            attempts = int(env.get("BBL_HTTP_MAX_ATTEMPTS", defaults.http_max_attempts))
        except ValueError as exc:
            raise ConfigError(f"BBL_HTTP_TIMEOUT_S / BBL_HTTP_MAX_ATTEMPTS must be numbers: {exc}") from exc
        return cls(
            mode=env.get("BBL_MODE", "bundled").strip().lower() or "bundled",
            home=home,
            cbs_v4_url=env.get("BBL_CBS_V4_URL", defaults.cbs_v4_url).rstrip("/"),
            cbs_v3_url=env.get("BBL_CBS_V3_URL", defaults.cbs_v3_url).rstrip("/"),
            duo_url=env.get("BBL_DUO_URL", defaults.duo_url).rstrip("/"),
            data_dir=Path(env.get("BBL_DATA_DIR") or DATA_DIR),
            http_timeout_s=timeout,
            http_max_attempts=attempts,
        )

    @property
    def work_db(self) -> Path:
        return self.home / "work.duckdb"

    @property
    def published_db(self) -> Path:
        return self.home / "bbl.duckdb"

    @property
    def snapshot_root(self) -> Path:
        return self.home / "snapshots"
