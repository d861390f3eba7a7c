"""Great Expectations in a worker process, for `bbl fetch` and `bbl run`.

Importing GX and building its context takes about 3 s of Python that holds the GIL. In a thread of
the fetching process it slows the download and the load by about as much as it takes. In a worker
process it runs on the other core while this process downloads and loads, and the suite's small
frames are then sent over to it:

    with validation_worker():     # started first thing; GX imports over there
        ... fetch, load ...
        run_suite(...)            # bbl.quality.gx.validate sends the frames to the worker

Expectations cross the process boundary as data: each suite's builder (``gxe -> [gxe.Expect...(...)]``)
is called here with a recorder, and the worker builds the same expectations from the record. The
worker answers with the same SuiteResult as an in-process validation. If it dies, the validation
runs in this process instead (and says so in the log).

The worker imports only what validating pandas frames needs. GX imports SQLAlchemy and psycopg2
when they are installed (dagster and team mode install them) and pandas imports pyarrow for its text
columns: about 75 MB and half a second of the warm-up that `bbl fetch` waits for. Over there all
three are blocked (NOT_IN_WORKER). A suite's frames cross as its queries' numpy arrays
(bbl/quality/columns.py), so this process imports neither pandas nor pyarrow either; the worker builds
the pandas frames DuckDB would have built, text in pandas' own Python storage, which is what pandas
uses without pyarrow: the same `str` dtype, the same values. A pandas frame given as it is crosses as
its arrays (`_WireFrame`). GX's core expectations also
import scipy.stats and altair when GX is imported, for a few statistical expectations and for
rendering charts; over there they are lazy (LAZY_IN_WORKER: importlib's LazyLoader runs a module when
it is first used), about 80 MB and half a second more that none of our suites needs.
"""

from __future__ import annotations

import atexit
import importlib.abc
import importlib.machinery
import importlib.util
import logging
import os
import subprocess
import sys
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from bbl.quality import gx
from bbl.quality.columns import Columns

log = logging.getLogger(__name__)

NOT_IN_WORKER = ("pyarrow", "sqlalchemy", "psycopg2")  # see the module doc
LAZY_IN_WORKER = ("scipy.stats", "altair")


class _LazyImports(importlib.abc.MetaPathFinder):
    """Finds the modules in ``names`` as the other finders do, with a loader that runs them when they
    are first used rather than when they are imported."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = set(names)

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if fullname not in self.names:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = importlib.util.LazyLoader(spec.loader)
                return spec
        return None


def prepare_worker_process() -> None:
    """What the worker does before it imports GX (see the module doc)."""
    for name in NOT_IN_WORKER:  # `import pyarrow` raises ImportError here: pandas and GX take it as not installed
        sys.modules.setdefault(name, None)  # type: ignore[assignment]
    sys.meta_path.insert(0, _LazyImports(LAZY_IN_WORKER))


@dataclass(frozen=True)
class _WireFrame:
    """A pandas frame as arrays that unpickle without pyarrow (a suite's `Columns` crosses as it is)."""

    columns: list[str]
    arrays: list[Any]
    index: Any

    @classmethod
    def of(cls, df: Any) -> _WireFrame:
        import pandas as pd

        arrays = []
        for i in range(df.shape[1]):
            array = df.iloc[:, i].array
            if isinstance(array.dtype, pd.StringDtype) and array.dtype.storage != "python":
                array = array.astype(pd.StringDtype("python", na_value=array.dtype.na_value))
            arrays.append(array)
        return cls([str(c) for c in df.columns], arrays, df.index.to_numpy())

    def to_pandas(self) -> Any:
        import pandas as pd

        df = pd.DataFrame(dict(enumerate(self.arrays)), index=pd.Index(self.index))
        df.columns = self.columns
        return df


def _wire(frame: Any) -> Any:
    return frame if isinstance(frame, Columns) else _WireFrame.of(frame)


@dataclass(frozen=True)
class Expectation:
    """A recorded ``gxe.<name>(**kwargs)`` call."""

    name: str
    kwargs: dict[str, Any]


class _Recorder:
    """Stands in for ``great_expectations.expectations`` in a suite's builder."""

    def __getattr__(self, name: str) -> Any:
        if not name.startswith("Expect"):
            raise AttributeError(f"a suite's builder may only build expectations, not use gxe.{name}")
        return lambda **kwargs: Expectation(name, kwargs)


def record(build: Any) -> list[Expectation]:
    return list(build(_Recorder()))


def _rebuild(recorded: list[Expectation]) -> Any:
    return lambda gxe: [getattr(gxe, e.name)(**e.kwargs) for e in recorded]


class ValidationWorker:
    """A process that imports GX at once and then validates suites sent to it (see the module doc).

    It is `python -m bbl.quality.worker` with two pipes, not a multiprocessing child: nothing of the
    calling program is imported again over there (a spawned child would import its main module), and
    the worker ends when the pipe closes, even if this process is killed."""

    def __init__(self) -> None:
        to_worker, from_here = os.pipe()
        to_here, from_worker = os.pipe()
        self._proc = subprocess.Popen([sys.executable, "-m", "bbl.quality.worker", str(to_worker), str(from_worker)],
                                      pass_fds=(to_worker, from_worker), stdin=subprocess.DEVNULL)
        os.close(to_worker)
        os.close(from_worker)
        self._out = Connection(from_here, readable=False)
        self._in = Connection(to_here, writable=False)
        self._broken = False

    def validate(self, suite: str, frames: Sequence[gx.Frame]) -> gx.SuiteResult:
        if not self._broken:
            try:
                self._out.send((suite, [(name, _wire(df), record(build)) for name, df, build in frames]))
                reply = self._in.recv()
            except (EOFError, OSError, BrokenPipeError) as exc:
                self._broken = True
                log.warning("GX worker process %s stopped (%s); validating %s in this process",
                            self._proc.pid, exc or type(exc).__name__, suite)
            else:
                if isinstance(reply, gx.SuiteResult):
                    return reply
                raise RuntimeError(f"GX worker could not validate {suite}: {reply}")
        return gx.validate_here(suite, frames)

    def close(self) -> None:
        """Stop the worker. It holds nothing but GX's import and waits for the next suite, so it is
        terminated rather than asked to exit: its interpreter's orderly shutdown costs about a second."""
        self._proc.terminate()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait(timeout=10)
        self._out.close()
        self._in.close()

    def __enter__(self) -> ValidationWorker:
        gx.use_worker(self)
        return self

    def __exit__(self, *exc: object) -> None:
        gx.use_worker(None)
        self.close()


def validation_worker() -> AbstractContextManager[Any]:
    """A ValidationWorker to validate in, or nothing to enter when this process has one in use already
    or has GX imported (a long-lived process, a test session): then validating here costs nothing more."""
    return ValidationWorker() if _worker_wanted() else nullcontext()


def _worker_wanted() -> bool:
    return not gx.worker_in_use() and "great_expectations" not in sys.modules


def validate_in_worker_until_exit() -> None:
    """Start a ValidationWorker now and validate in it for the rest of this process's life (a Dagster
    run worker, see pipelines/__init__.py), unless validation_worker() would give none. It ends with
    this process: closed at exit, or its pipe closes if this process is killed."""
    if not _worker_wanted():
        return
    worker = ValidationWorker()
    gx.use_worker(worker)
    atexit.register(worker.close)


def _serve(requests: Connection, replies: Connection) -> None:
    prepare_worker_process()
    gx.warm()
    while True:
        try:
            message = requests.recv()
        except EOFError:  # the caller is gone
            return
        if message is None:
            return
        suite, frames = message
        try:
            replies.send(gx.validate_here(suite, [(name, wire, _rebuild(recorded))
                                                 for name, wire, recorded in frames]))
        except Exception as exc:  # the caller raises it with the suite's name
            replies.send(f"{type(exc).__name__}: {exc}")


if __name__ == "__main__":
    _serve(Connection(int(sys.argv[1]), writable=False), Connection(int(sys.argv[2]), readable=False))
