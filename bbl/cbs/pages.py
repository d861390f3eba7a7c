"""Follow an OData feed's next links page by page, checking each page as it arrives
(``follow_pages``); the observation pages of a table, staged and counted against the service's
``$count`` (``observation_pages``, ``announced_count``).

An observation page is not parsed in Python: its envelope (everything but the ``value`` array) is
read to find the next link, and the array itself goes to the stager (bbl/cbs/stage.py), which parses
it with DuckDB's JSON reader while the next page downloads. A page whose envelope is unusual is parsed
whole, as the small code-list pages always are.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from bbl.cbs.parse import page_value_span
from bbl.cbs.stage import PageStager, Staged, StageError
from bbl.http import FetchError, Http, read_json_object


@dataclass
class Progress:
    table_id: str
    pages: int = 0
    rows: int = 0
    bytes: int = 0
    announced: int | None = None
    started: float = 0.0

    def line(self) -> str:
        total = f"/{self.announced:,}" if self.announced is not None else ""
        rate = self.rows / max(time.monotonic() - self.started, 1e-6)
        return (f"{self.table_id}: page {self.pages}, {self.rows:,}{total} rows, {self.bytes / 1e6:.1f} MB, "
                f"{rate:,.0f} rows/s")


def read_envelope(path: Path, http: Http, url: str) -> tuple[dict[str, Any], tuple[int, int] | None, int | None]:
    """(the page without its rows, the byte span of its ``value`` array, its row count).

    The usual page gives its envelope and the span, read from the page's two ends, and no count (the
    stager counts the rows). A page whose envelope is unusual is parsed whole: its envelope, no span,
    and the length of its list."""
    found = page_value_span(path)
    if found is not None:
        span, rest = found
        i = span[0]
        return orjson.loads(rest[:i] + b"null" + rest[i:]), span, None  # page_value_span checked both ends
    return _whole_page(path, http, url)


def _whole_page(path: Path, http: Http, url: str) -> tuple[dict[str, Any], None, int]:
    """A page parsed whole: (its envelope, no span, the length of its ``value`` list)."""
    doc = read_json_object(path, http.subject, url)
    rows = doc.get("value")
    if not isinstance(rows, list):
        raise FetchError(http.subject, url, "page has no 'value' list")
    return {k: v for k, v in doc.items() if k != "value"}, None, len(rows)


def follow_pages(
    http: Http, url: str, params: dict[str, str] | None, tmp: Path, stem: str, link_key: str,
    progress: Progress | None = None, on_progress: Callable[[Progress], None] | None = None,
    stager: PageStager | None = None,
) -> tuple[list[str], bool, int]:
    """Follow the next links from ``url``, writing page n to ``<stem>-00000n.json``.

    Returns the pages' paths, whether the stager holds every one of them, and the rows counted here:
    those of the pages not given to the stager (which counts its own)."""
    rels: list[str] = []
    counted = 0  # rows of the pages not given to the stager
    seen: set[str] = set()
    staged_all = stager is not None
    next_url: str | None = url
    while next_url:
        key = next_url + "?" + "&".join(f"{k}={v}" for k, v in sorted((params or {}).items()))
        if key in seen:
            raise FetchError(http.subject, next_url, f"next link loops back to a page already fetched (page {len(rels) + 1})")
        seen.add(key)
        rel = f"{stem}-{len(rels) + 1:06d}.json"
        nbytes = http.download(next_url, tmp / rel, params)
        envelope, span, rows = (read_envelope if staged_all else _whole_page)(tmp / rel, http, next_url)
        if staged_all and span is None:
            staged_all = False  # an unusual page: the loader reads the raw pages instead
        if staged_all:
            assert stager is not None and span is not None
            stager.submit(rel, tmp / rel, span, next_url)
        rels.append(rel)
        link = envelope.get(link_key)
        if link is not None and not isinstance(link, str):
            raise FetchError(http.subject, next_url, f"{link_key} is not a URL")
        if link:
            http.check_url(link)
        if progress is not None:
            progress.pages += 1
            counted += rows or 0
            progress.rows = counted + (stager.records_done if stager is not None else 0)  # the stager lags a little
            progress.bytes += nbytes
            if on_progress:
                on_progress(progress)
        next_url, params = link, None  # a next link carries its own query
    return rels, staged_all, counted


def announced_count(http: Http, url: str, row_filter: str | None, tmp: Path) -> int | None:
    """The number of rows the service announces for the (filtered) table; None if it does not say."""
    dest = tmp / "count.txt"
    try:
        http.download(url, dest, {"$filter": row_filter} if row_filter else None)
    except FetchError as exc:
        if exc.cause.startswith("HTTP 4"):
            return None  # this service has no $count: the pages are still checked for consistency
        raise
    text = dest.read_text(encoding="utf-8", errors="replace").strip().lstrip("\ufeff")
    dest.unlink()
    if not text.isdigit():
        raise FetchError(http.subject, url, f"$count answered {text[:40]!r}, not a number")
    return int(text)


def observation_pages(
    http: Http, url: str, params: dict[str, str] | None, tmp: Path, stem: str, link_key: str,
    progress: Progress, stager: PageStager | None, on_progress: Callable[[Progress], None] | None = None,
) -> tuple[list[str], Staged | None]:
    """The observation pages, parsed by the stager while the next ones download; the count checked
    against the announced one. On any failure the stager is stopped and its files removed."""
    try:
        pages, staged_all, counted = follow_pages(http, url, params, tmp, stem, link_key, progress,
                                                  on_progress, stager)
        staged = None
        if stager is not None:
            staged = stager.finish()
            progress.rows = counted + staged.records
            if not staged_all or staged.unusable:  # the loader parses the raw pages instead
                staged.discard()
                staged = None
    except BaseException as exc:
        if stager is not None:
            stager.abandon()  # its thread stopped, its files removed
        if isinstance(exc, StageError):
            raise FetchError(http.subject, exc.url, exc.cause) from exc
        raise
    if on_progress and progress.pages:
        on_progress(progress)
    if progress.announced is not None and progress.rows != progress.announced:
        if staged is not None:
            staged.discard()
        raise FetchError(
            http.subject, url,
            f"received {progress.rows:,} rows in {progress.pages} pages, the service announced {progress.announced:,}",
        )
    return pages, staged
