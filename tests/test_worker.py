"""The GX worker process: the real suites' frames cross to it unchanged and validate there as here,
and it runs without the modules it does not need (bbl/quality/worker.py)."""

import ast
import dataclasses
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from bbl.quality import gx
from bbl.quality.columns import Columns
from bbl.quality.suites import SUITES
from bbl.quality.worker import LAZY_IN_WORKER, NOT_IN_WORKER, ValidationWorker, _WireFrame


@pytest.fixture(scope="module")
def suite_frames(published):
    return [(suite.asset_name, suite.frames(published)) for suite in SUITES]


def test_every_suite_frame_crosses_as_the_frame_duckdb_would_build_without_pandas_or_pyarrow(published, monkeypatch):
    """A suite's frame is its query's numpy arrays (Columns); the worker builds the pandas frame. It must
    be the frame DuckDB's .df() builds here: the same columns, dtypes and values, for every real frame
    read by a query (a few are rows of one: tests/test_columns.py)."""
    queries = {}
    fetch = Columns.fetch.__func__

    def recording(cls, con, sql, params=None):
        columns = fetch(cls, con, sql, params)
        queries[id(columns)] = (columns, sql, params)
        return columns

    monkeypatch.setattr(Columns, "fetch", classmethod(recording))
    frames = [f for suite in SUITES for f in suite.frames(published)]
    read = [(name, *queries[id(columns)]) for name, columns, _ in frames if id(columns) in queries]
    assert len(read) > 50 and len(frames) - len(read) <= 4
    for name, columns, sql, params in read:
        wire = pickle.dumps(columns)
        assert b"pandas" not in wire and b"pyarrow" not in wire and b"duckdb" not in wire, name
        pd.testing.assert_frame_equal(pickle.loads(wire).to_pandas(), published.execute(sql, params or []).df(),
                                      obj=name)


def test_a_pandas_frame_crosses_unchanged_and_without_pyarrow():
    (_, df, _), = _failing_frames()
    wire = pickle.dumps(_WireFrame.of(df))
    assert b"pyarrow" not in wire
    back = pickle.loads(wire).to_pandas()
    assert [str(t) for t in back.dtypes] == [str(t) for t in df.dtypes]
    pd.testing.assert_frame_equal(back, df, check_dtype=False)


def _failing_frames():
    """Text with nulls, nullable ints, a failure of each kind: the counts and samples must match too."""
    df = pd.DataFrame({"period": pd.array(["2023KW01", None, "2023XX01"], dtype="str"),
                       "n": pd.array([1, None, -4], dtype="Int32")})
    return [("rows", df, lambda gxe: [gxe.ExpectColumnValuesToMatchRegex(column="period", regex=r"^\d{4}KW0\d$"),
                                      gxe.ExpectColumnValuesToNotBeNull(column="n"),
                                      gxe.ExpectColumnValuesToBeBetween(column="n", min_value=0)])]


def test_the_worker_validates_every_suite_as_this_process_does_without_the_modules_it_does_not_need(suite_frames):
    """...and after it crashes, this process validates instead, with the same result."""
    with ValidationWorker() as worker:
        for suite, frames in [*suite_frames, ("demo", _failing_frames())]:
            there = gx.validate(suite, frames)
            here = gx.validate_here(suite, frames)
            assert dataclasses.asdict(there) == dataclasses.asdict(here), suite
            assert here.evaluated > 0, suite
        loaded = Path(f"/proc/{worker._proc.pid}/maps").read_text()
        assert worker._proc.poll() is None
        worker._proc.kill()  # a crashed worker: the next suite is validated here, with the same result
        worker._proc.wait(5)
        after_crash = gx.validate("demo", _failing_frames())
    assert dataclasses.asdict(after_crash) == dataclasses.asdict(here)
    assert here.unsuccessful == 3 and "'2023XX01'" in here.message()
    assert "/pandas/" in loaded
    for name in NOT_IN_WORKER:
        assert f"/{name}/" not in loaded, f"the GX worker loaded {name}"
    assert "/scipy/stats/" not in loaded, "scipy.stats is lazy in the worker and no suite uses it"


LAZY_PROBE = """
import sys, importlib.util
from bbl.quality.worker import LAZY_IN_WORKER, prepare_worker_process
prepare_worker_process()
from bbl.quality import gx
import pandas as pd
def lazy():
    return [n for n in LAZY_IN_WORKER if isinstance(sys.modules.get(n), importlib.util._LazyModule)]
gx.warm()
frame = pd.DataFrame({"kind": ["a", "b", "a", "b"], "n": [1, 2, 3, 4]})
plain = gx.validate_here("plain", [("f", frame, lambda gxe: [gxe.ExpectColumnValuesToBeBetween(column="n", min_value=0)])])
before = lazy()
kl = gx.validate_here("kl", [("f", frame, lambda gxe: [gxe.ExpectColumnKLDivergenceToBeLessThan(
    column="kind", partition_object={"values": ["a", "b"], "weights": [0.5, 0.5]}, threshold=0.1)])])
print(repr((before, plain.message(), kl.message(), lazy())))
"""


def _probe(script: str, *args: str, timeout: int = 120):
    """Run ``script`` in a fresh Python process; the value its last line prints."""
    out = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=timeout,
                         cwd=Path(__file__).resolve().parent.parent)
    assert out.returncode == 0, out.stderr[-2000:]
    return ast.literal_eval(out.stdout.strip().splitlines()[-1])


def test_scipy_stats_and_altair_load_in_the_worker_only_when_an_expectation_uses_them():
    before, plain, kl, after = _probe(LAZY_PROBE)
    assert sorted(before) == sorted(LAZY_IN_WORKER), "imported by GX, not yet run"
    assert plain == "plain: 1 expectations passed" and kl == "kl: 1 expectations passed"
    assert "scipy.stats" not in after, "the KL divergence expectation ran scipy.stats"


RUN_PROBE = """
import sys
import dagster as dg
from assets.resources import BblResource
from pipelines.definitions import all_assets, all_checks
result = dg.materialize([*all_assets, *all_checks], selection=dg.AssetSelection.assets(["raw", "published_figures"]),
                        resources={"bbl": BblResource(mode="bundled", home=sys.argv[1])}, raise_on_error=False)
checks = [e.event_specific_data.passed for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"]
print(repr((result.success, checks, "great_expectations" in sys.modules)))
"""


@pytest.mark.slow
def test_a_dagster_run_validates_in_a_worker_process_as_bbl_run_does(tmp_path):
    """Runs the daemon or the UI launch: the resource starts the worker when the run starts."""
    success, checks, gx_here = _probe(RUN_PROBE, str(tmp_path / "home"), timeout=300)
    assert success and checks == [True]
    assert not gx_here, "the run's checks should have been validated in the worker process, not in the run's"


RUN_WORKER_PROBE = """
import multiprocessing, os, sys, threading, time


def child(queue):
    import pipelines.definitions  # noqa: F401 - what a run worker imports to load the code location
    from bbl.quality import gx

    worker = gx._WORKER
    for thread in threading.enumerate():
        if thread.name == "bbl-matplotlib-preload":
            thread.join(timeout=60)
    queue.put((worker is not None, worker._proc.pid if worker else None, worker._proc.poll() if worker else None,
               "matplotlib.pyplot" in sys.modules, "great_expectations" in sys.modules))


if __name__ == "__main__":
    sys.argv[1:] = ["api", "grpc"]  # a code server's argv, which the children it spawns for runs inherit
    from pipelines import is_run_worker

    import pipelines.definitions  # noqa: F401 - the code server itself loads the code location
    from bbl.quality import gx

    here = (gx.worker_in_use(), "matplotlib.pyplot" in sys.modules)
    queue = multiprocessing.get_context("spawn").Queue()
    proc = multiprocessing.get_context("spawn").Process(target=child, args=(queue,))
    proc.start()
    in_child = queue.get(timeout=120)
    proc.join(timeout=60)
    for _ in range(100):  # the child's GX worker ends with it
        try:
            os.kill(in_child[1], 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        raise SystemExit("the run worker's GX worker outlived it")
    argvs = [is_run_worker(["dagster", *a.split()]) for a in ("api execute_run {}", "api resume_run {}", "api grpc",
                                                                "dev", "run")]
    print(repr((here, in_child, proc.exitcode, argvs)))
"""


def test_a_run_worker_starts_its_gx_worker_and_matplotlib_before_the_code_location_loads(tmp_path):
    """The child a code server spawns for a run (and `dagster api execute_run`) starts the GX worker and the
    matplotlib import when it imports `pipelines`; the code server itself, `bbl` and the tests do not."""
    script = tmp_path / "probe.py"
    script.write_text(RUN_WORKER_PROBE)
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300,
                         cwd=Path(__file__).resolve().parent.parent,
                         env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)})
    assert out.returncode == 0, out.stderr[-2000:]
    here, (child_worker, _pid, child_alive_code, child_preload, child_gx), exitcode, argvs = ast.literal_eval(
        out.stdout.strip().splitlines()[-1])
    assert here == (False, False), "the code server itself starts neither"
    assert child_worker and child_alive_code is None, "the run's child should validate in a running GX worker"
    assert child_preload and not child_gx
    assert exitcode == 0
    assert argvs == [True, True, False, False, False]
