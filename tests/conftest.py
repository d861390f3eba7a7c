import os
import shutil
from pathlib import Path

import dagster as dg
import pytest

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

PROJECT = Path(__file__).resolve().parent.parent
DATA = PROJECT / "data"
LETTER = DATA / "letter" / "brief-industriecoalitie-2023-05.txt"
CPI_SNAPSHOT = DATA / "cbs" / "86141NED" / "202607020000"


def all_assets() -> list:
    """Every asset and every asset check (the checks are blocking: a failure stops publication)."""
    from pipelines.definitions import all_assets as assets
    from pipelines.definitions import all_checks

    return [*assets, *all_checks]


def materialize_all(home: Path, data_dir: Path = DATA) -> dg.ExecuteInProcessResult:
    """Run every asset in process into BBL_HOME=home, reading the bundled snapshot from data_dir."""
    from assets.resources import BblResource

    resource = BblResource(mode="bundled", home=str(home), data_dir=str(data_dir))
    return dg.materialize(all_assets(), resources={"bbl": resource}, raise_on_error=False)


@pytest.fixture(scope="session")
def built_home(tmp_path_factory) -> Path:
    """A BBL_HOME with one complete bundled run published (shared, read-only for tests)."""
    home = tmp_path_factory.mktemp("bbl_home")
    result = materialize_all(home)
    assert result.success, [e.message for e in result.all_events if e.is_step_failure]
    return home


@pytest.fixture(scope="session")
def published(built_home):
    import duckdb

    con = duckdb.connect(str(built_home / "bbl.duckdb"), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="session", autouse=True)
def _gx_in_this_process():
    """GX imported once per session in the test process, so an in-process `bbl fetch` validates here
    rather than starting a GX worker process per fetch (tests/test_stage.py tests the worker itself;
    the subprocess tests run `bbl fetch` as users do, with its worker)."""
    from bbl.quality.gx import warm

    warm()


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A writable copy of data/ (for fault tests that corrupt the bundled snapshot)."""
    target = tmp_path / "project" / "data"
    shutil.copytree(DATA, target)
    return target


@pytest.fixture
def server():
    """The loopback CBS/DUO server (tests/http_server.py), v3 pages of 500 rows."""
    from http_server import FakeOpenData

    with FakeOpenData(page_size_v3=500) as srv:
        yield srv


@pytest.fixture
def fetch(server, tmp_path, monkeypatch, capsys):
    """`bbl fetch cbs ...` in this process (GX imported once) against ``server``, BBL_HOME=tmp_path/home;
    returns (exit code, stdout, stderr)."""
    from pipelines.cli import main

    env = {"BBL_MODE": "live", "BBL_HOME": str(tmp_path / "home"), "DAGSTER_HOME": str(tmp_path / "dagster"),
           "BBL_CBS_V4_URL": server.v4_url, "BBL_CBS_V3_URL": server.v3_url, "BBL_DUO_URL": server.duo_url,
           "BBL_HTTP_MAX_ATTEMPTS": "2"}
    for k, v in env.items():
        monkeypatch.setenv(k, v)

    def run(*args):
        code = main(["fetch", "cbs", *args])
        out = capsys.readouterr()
        return code, out.out, out.err
    return run
