# bbl-stats: `make run` runs the whole pipeline on the bundled real snapshot (no network);
# `make test` runs the test suite. Both create .venv and install the project when needed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

# Dagster keeps its instance (run history, dagster.yaml) inside the project, git-ignored.
export DAGSTER_HOME := $(CURDIR)/.dagster_home
export GX_ANALYTICS_ENABLED := False

.PHONY: help install lock instance run test test-slow test-team lint dev status bench docs clean

help:
	@echo "make run        run the whole pipeline on the bundled snapshot and publish warehouse/bbl.duckdb"
	@echo "make test       run the tests (pytest, on every core), without those marked slow"
	@echo "make test-slow  the slow tests (Data Docs, crash and concurrency tests); CI runs them too"
	@echo "make test-team  team mode: Dagster on a real PostgreSQL, webserver and daemon, a scheduled run; CI runs it"
	@echo "make lint       ruff and the layering contract (import-linter)"
	@echo "make dev        Dagster UI and daemon (dagster dev -w workspace.yaml)"
	@echo "make status     what the published database holds"
	@echo "make bench      benchmarks (bench/): pipeline run vs import floor; ingest vs cbsodata on loopback; history store; publication"
	@echo "make docs       Great Expectations Data Docs of the published warehouse (gx/, git-ignored)"
	@echo "make clean      remove the working/published databases and the Dagster instance"
	@echo "make lock       re-resolve requirements.lock from pyproject.toml (installs come from the lock)"

# Installs are reproducible: every dependency at the version in requirements.lock, then the project
# itself without resolving anything. `make lock` re-resolves the lock after a change to pyproject.toml.
LOCK_ARGS := pyproject.toml --extra dev --python-version 3.11 --python-platform x86_64-unknown-linux-gnu -o requirements.lock

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

lock:
	@test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile $(LOCK_ARGS)
	@echo "requirements.lock updated; run make install"

install: $(STAMP)

instance: $(STAMP)
	@$(BIN)/python -m pipelines.instance >/dev/null

run: install instance
	$(BIN)/bbl run

test: install instance
	$(BIN)/python -m pytest -n auto -m "not slow and not team"

test-slow: install instance
	$(BIN)/python -m pytest -m "slow and not team"

# PostgreSQL from the Debian packages if missing; the test starts it on a temporary data directory and port.
test-team: install instance
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null)
	$(BIN)/python -m pytest -m team

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

dev: install instance
	$(BIN)/python -m pipelines.dev -w workspace.yaml $(DEV_ARGS)

status: install
	$(BIN)/bbl status

docs: install
	@test -f warehouse/bbl.duckdb || $(MAKE) run
	$(BIN)/python -m bbl.quality.docs

bench: install instance
	$(BIN)/python bench/pipeline.py
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/history.py
	$(BIN)/python bench/publish.py

clean:
	rm -rf warehouse/*.duckdb warehouse/.bbl.duckdb.tmp-* .dagster_home
