"""The GX worker process: the real suites' frames cross to it unchanged and validate there as here,
and it runs without the modules it does not need (bbl/quality/worker.py)."""

import dataclasses
import pickle
from pathlib import Path

import pandas as pd
import pytest

from bbl.quality import gx
from bbl.quality.suites import SUITES
from bbl.quality.worker import NOT_IN_WORKER, ValidationWorker, _WireFrame


@pytest.fixture(scope="module")
def suite_frames(published):
    return [(suite.asset_name, suite.frames(published)) for suite in SUITES]


def test_every_suite_frame_crosses_unchanged_and_without_pyarrow(suite_frames):
    crossed = 0
    for _, frames in suite_frames:
        for name, df, _ in frames:
            wire = pickle.dumps(_WireFrame.of(df))
            assert b"pyarrow" not in wire, name
            back = pickle.loads(wire).frame()
            assert list(back.columns) == list(df.columns), name
            assert [str(t) for t in back.dtypes] == [str(t) for t in df.dtypes], name
            pd.testing.assert_frame_equal(back, df, check_dtype=False, check_index_type=False)
            crossed += 1
    assert crossed > 50


def _failing_frames():
    """Text with nulls, nullable ints, a failure of each kind: the counts and samples must match too."""
    df = pd.DataFrame({"period": pd.array(["2023KW01", None, "2023XX01"], dtype="str"),
                       "n": pd.array([1, None, -4], dtype="Int32")})
    return [("rows", df, lambda gxe: [gxe.ExpectColumnValuesToMatchRegex(column="period", regex=r"^\d{4}KW0\d$"),
                                      gxe.ExpectColumnValuesToNotBeNull(column="n"),
                                      gxe.ExpectColumnValuesToBeBetween(column="n", min_value=0)])]


def test_the_worker_validates_every_suite_as_this_process_does_without_pyarrow_or_sqlalchemy(suite_frames):
    """...and after it crashes, this process validates instead, with the same result."""
    with ValidationWorker() as worker:
        for suite, frames in [*suite_frames, ("demo", _failing_frames())]:
            there = gx.validate(suite, frames)
            here = gx.validate_here(suite, frames)
            assert dataclasses.asdict(there) == dataclasses.asdict(here), suite
            assert here.evaluated > 0, suite
        loaded = Path(f"/proc/{worker._proc.pid}/maps").read_text()
        worker._proc.kill()  # a crashed worker: the next suite is validated here, with the same result
        worker._proc.wait(5)
        after_crash = gx.validate("demo", _failing_frames())
    assert dataclasses.asdict(after_crash) == dataclasses.asdict(here)
    assert here.unsuccessful == 3 and "'2023XX01'" in here.message()
    assert "/pandas/" in loaded
    for name in NOT_IN_WORKER:
        assert f"/{name}/" not in loaded, f"the GX worker loaded {name}"
