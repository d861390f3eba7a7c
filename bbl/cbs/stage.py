"""Parse observation pages while the next ones download: the overlapped half of a CBS fetch.

    stager = PageStager(api, dimensions, measures)
    stager.submit(rel, page_path, span, url)      # per page, as it arrives; blocks if 4 pages wait
    staged = stager.finish()                        # the pages' records in Parquet, and their counts

Two worker threads read each page's ``value`` array with DuckDB's JSON reader, with the fields and
types the loader reads the raw pages with (``rows_source`` in bbl/cbs/parse.py: the same reader, the
same types), and write the records to a Parquet file; the loader then runs the same long-format SQL
over those files instead of over the pages. DuckDB parses outside the GIL, so parsing overlaps with the
download; the queue is bounded, so memory stays flat however large the table. The raw pages stay the
snapshot; the Parquet files are a throw-away cache that only this process uses, for the load that
follows the fetch (``load_cbs_snapshot(..., staged=...)``), and they are removed when it is done.

Why DuckDB and not polars, which staged the pages before: for the same pages it costs about a fifth
less CPU on v4 (one JSON object per observation) and as much on v3, and `bbl fetch` then imports no
polars at all (0.2 s and about 38 MB of every fetch).

Strictness: a page that is not JSON fails the fetch (StageError names it), as a whole-page parse
did. A page that is JSON but that the reader refuses (a text where a number belongs, say) is counted
with orjson and leaves the staging unusable: the loader then reads the raw pages with the same reader,
whose error the load reports.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import weakref
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import orjson

from bbl.cbs.parse import rows_source, v3_fields, v4_fields

MAX_PENDING = 4  # pages downloaded and waiting for the parsers, at most
PARSERS = 2  # pages parsed at once: a v4 page (one JSON object per observation) takes longer to parse than to download
MEMORY_LIMIT = "256MB"  # of the parsers' DuckDB instance (a page's records are streamed to Parquet, not held)


class StageError(RuntimeError):
    """A page could not be parsed; ``url`` says which one."""

    def __init__(self, url: str, cause: str) -> None:
        super().__init__(cause)
        self.url = url
        self.cause = cause


@dataclass
class Staged:
    """Parsed observation pages: Parquet files in ``directory``, one per page, in page order."""

    directory: Path
    files: list[Path] = field(default_factory=list, repr=False)
    sources: dict[str, int] = field(default_factory=dict, repr=False)  # page (path in the snapshot) -> records in it
    records: int = 0  # rows of the pages (v3: one per row of the wide table; v4: one per observation)
    observations: int = 0  # long rows written
    unusable: str | None = None  # why the loader must read the raw pages instead

    def __post_init__(self) -> None:
        self._cleanup = weakref.finalize(self, shutil.rmtree, str(self.directory), True)

    def matches(self, manifest: dict[str, Any]) -> bool:
        """True if these are the observation pages the manifest lists, in its order."""
        pages = [f["path"] for f in manifest.get("files", []) if f.get("role") == "observations"]
        return pages == list(self.sources) and len(self.files) == len(pages)

    def source_sql(self) -> str:
        """A FROM clause of the staged records, typed as the loader reads the raw pages."""
        file_list = ", ".join("'" + str(f).replace("'", "''") + "'" for f in self.files)
        return f"(SELECT * FROM read_parquet([{file_list}]))"

    def discard(self) -> None:
        self._cleanup()


class PageStager:
    """PARSERS worker threads parsing pages into Parquet (one file per page, in page order), at most
    MAX_PENDING pages behind the download."""

    def __init__(self, api: str, dimensions: list[dict[str, str]], measures: list[dict[str, Any]],
                 directory: Path | None = None) -> None:
        self.fields = v4_fields(dimensions) if api == "v4" else v3_fields(dimensions, measures)
        self.width = 1 if api == "v4" else max(len(measures), 1)  # long rows per record
        self.staged = Staged(Path(directory) if directory else Path(tempfile.mkdtemp(prefix="bbl-stage-")))
        self.staged.directory.mkdir(parents=True, exist_ok=True)
        # one thread per query: the two parsers' queries run side by side, each on its own thread
        self._db = duckdb.connect(config={"threads": 1, "memory_limit": MEMORY_LIMIT})
        self._local = threading.local()
        self._slots = threading.BoundedSemaphore(MAX_PENDING)
        self._pool = ThreadPoolExecutor(max_workers=PARSERS, thread_name_prefix="bbl-stage")
        self._futures: list[tuple[str, str, Future[tuple[int, int]]]] = []
        self._failed: StageError | None = None
        self._lock = threading.Lock()
        self.records_done = 0  # rows of the pages parsed so far

    def submit(self, rel: str, page: Path, span: tuple[int, int], url: str) -> None:
        """Queue a downloaded page; ``span`` is the byte span of its ``value`` array."""
        self._raise_failure()
        self._slots.acquire()  # bounded: wait while MAX_PENDING pages are queued
        n = len(self._futures)
        target = self.staged.directory / f"page-{n:06d}.parquet"
        future = self._pool.submit(self._stage, page, span, n, target)
        future.add_done_callback(lambda _f: self._slots.release())
        self._futures.append((rel, url, future))
        self.staged.files.append(target)

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        con = getattr(self._local, "con", None)
        if con is None:
            con = self._local.con = self._db.cursor()
        return con

    def _stage(self, page: Path, span: tuple[int, int], n: int, target: Path) -> tuple[int, int]:
        data = page.read_bytes()
        array = target.with_suffix(".json")  # the value array alone: DuckDB reads a JSON array ~25x faster
        array.write_bytes(memoryview(data)[span[0]: span[1]])  # than the object around it
        try:
            target_sql = "'" + str(target).replace("'", "''") + "'"
            written = self._cursor().execute(
                f"COPY (SELECT * FROM {rows_source([array], self.fields, True)}) TO {target_sql} "
                "(FORMAT parquet, COMPRESSION uncompressed)").fetchall()[0][0]
        except duckdb.Error as exc:
            target.unlink(missing_ok=True)
            try:
                records = orjson.loads(memoryview(data)[span[0]: span[1]])  # strict: is it JSON at all?
            except orjson.JSONDecodeError as bad:
                raise StageError("", f"malformed JSON in the value list ({bad})") from bad
            if not isinstance(records, list):
                raise StageError("", "the page's 'value' is not a list") from exc
            self.staged.unusable = f"page {n + 1} is JSON that the loader's reader refuses ({str(exc)[:200]})"
            return self._counted(len(records))
        finally:
            array.unlink(missing_ok=True)
        return self._counted(int(written))

    def _counted(self, records: int) -> tuple[int, int]:
        with self._lock:
            self.records_done += records
        return records, records * self.width

    def _raise_failure(self) -> None:
        if self._failed is None:
            for _, url, future in self._futures:
                if future.done() and future.exception() is not None:
                    self._failed = _named(future.exception(), url)
                    break
        if self._failed is not None:
            raise self._failed

    def finish(self) -> Staged:
        """Wait for every page; the staged pages, or StageError naming the first page that failed."""
        try:
            for rel, url, future in self._futures:
                try:
                    records, written = future.result()
                except Exception as exc:
                    raise _named(exc, url) from exc
                self.staged.sources[rel] = records
                self.staged.records += records
                self.staged.observations += written
        except BaseException:
            self.abandon()
            raise
        self._shutdown()
        return self.staged

    def abandon(self) -> None:
        """Stop and remove what was staged (a failed or cancelled fetch)."""
        self._shutdown(cancel=True)
        self.staged.discard()

    def _shutdown(self, cancel: bool = False) -> None:
        self._pool.shutdown(wait=True, cancel_futures=cancel)
        self._db.close()  # the parsers' cursors with it


def _named(exc: BaseException | None, url: str) -> StageError:
    """The worker's error, naming the page's URL."""
    if isinstance(exc, StageError):
        return StageError(url, exc.cause)
    return StageError(url, f"the page could not be parsed: {type(exc).__name__}: {exc}")
