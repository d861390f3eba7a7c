"""The layering contract (import-linter, pyproject.toml) holds, and it really fails when a lower
layer imports a higher one or the library imports dagster: both shown on a copy of the code."""

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import PROJECT

LAYERS = ("bbl", "warehouse", "assets", "checks", "pipelines")
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--config", str(root / "pyproject.toml")], cwd=root,
                          env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=120)


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    for layer in LAYERS:
        shutil.copytree(PROJECT / layer, root / layer, ignore=shutil.ignore_patterns("__pycache__", "*.duckdb*"))
    shutil.copy(PROJECT / "pyproject.toml", root / "pyproject.toml")
    return root


def test_the_project_keeps_its_layers():
    out = _lint(PROJECT)
    assert out.returncode == 0, out.stdout[-3000:]
    assert "2 kept, 0 broken" in out.stdout


def test_a_lower_layer_importing_a_higher_one_breaks_the_contract(tmp_path):
    root = _copy(tmp_path)
    (root / "bbl" / "shortcut.py").write_text("from assets.keys import FIGURES  # the library reaching up\n")
    out = _lint(root)
    assert out.returncode != 0
    assert "bbl.shortcut -> assets.keys" in out.stdout and "BROKEN" in out.stdout


def test_the_library_importing_dagster_breaks_the_contract(tmp_path):
    root = _copy(tmp_path)
    (root / "warehouse" / "ui.py").write_text("import dagster\n")
    out = _lint(root)
    assert out.returncode != 0 and "warehouse.ui -> dagster" in out.stdout
