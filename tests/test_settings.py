"""One list of environment variables (bbl.settings.ENV_VARS): Settings reads it, the CLI's --help and
the README's table are made from it."""

import re
import subprocess
import sys

import pytest
from conftest import PROJECT

from bbl.settings import ENV_VARS, ConfigError, Settings, env_markdown_table


def test_readme_configuration_table_is_the_env_var_list():
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    assert env_markdown_table() in readme, "regenerate the README table: python -c " \
        "'from bbl.settings import env_markdown_table; print(env_markdown_table())'"


def test_cli_help_lists_every_variable_with_its_default():
    out = subprocess.run([sys.executable, "-m", "pipelines.cli", "--help"], cwd=PROJECT, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0
    for var in ENV_VARS:
        assert re.search(rf"^\s+{var.name}\s.*\(default {re.escape(var.default)}\)$", out.stdout, re.M), var.name


def test_every_settings_field_has_one_variable():
    fields = [v.field for v in ENV_VARS if v.field]
    assert sorted(fields) == sorted(Settings.__dataclass_fields__) and len(fields) == len(set(fields))


def test_settings_from_the_environment():
    s = Settings.from_env({"BBL_MODE": " LIVE ", "BBL_HOME": "/tmp/x", "BBL_HTTP_TIMEOUT_S": "2.5",
                           "BBL_CBS_V4_URL": "http://127.0.0.1:1/v4/"})
    assert (s.mode, str(s.home), s.http_timeout_s, s.cbs_v4_url) == ("live", "/tmp/x", 2.5, "http://127.0.0.1:1/v4")
    assert Settings.from_env({}) == Settings()
    with pytest.raises(ConfigError, match="BBL_HTTP_MAX_ATTEMPTS must be a number"):
        Settings.from_env({"BBL_HTTP_MAX_ATTEMPTS": "many"})
    with pytest.raises(ConfigError, match="BBL_MODE must be one of"):
        Settings.from_env({"BBL_MODE": "offline"})


def test_duckdb_memory_limit_is_an_amount():
    assert Settings.from_env({"BBL_DUCKDB_MEMORY_LIMIT": "1.5GB"}).duckdb_memory_limit == "1.5GB"
    for bad in ("lots", "0MB", "-1GB", "256", "80%"):
        with pytest.raises(ConfigError, match="BBL_DUCKDB_MEMORY_LIMIT must be an amount"):
            Settings.from_env({"BBL_DUCKDB_MEMORY_LIMIT": bad})


def test_the_dagster_resource_opens_the_warehouse_with_the_memory_limit(tmp_path):
    from assets.resources import BblResource

    resource = BblResource.from_settings(Settings(home=tmp_path, duckdb_memory_limit="96MB"))
    assert resource.settings().duckdb_memory_limit == "96MB"
    with resource.warehouse().connect() as con:
        assert con.execute("SELECT current_setting('memory_limit')").fetchall() == [("91.5 MiB",)]
