"""HTTP for the live sources: timeouts, bounded retries, same-origin links, streaming to disk.

* Every request has a timeout. Connection errors, timeouts, a body cut short, HTTP 429 and 5xx
  are retried with exponential backoff and jitter, honouring ``Retry-After``, at most
  ``max_attempts`` times. A retry repeats only the failed request (one page), never a whole table.
* A URL is only requested if its scheme, host and port are those of the configured base URL, so a
  ``nextLink`` cannot lead the client elsewhere.
* Responses are streamed to a file (``.part`` first, renamed when complete), so memory does not
  grow with the response; JSON responses are then parsed from disk and must be JSON objects.
* Every failure raises :class:`FetchError` naming what was fetched, the URL and the cause.
"""

from __future__ import annotations

import email.utils
import functools
import hashlib
import logging
import random
import ssl
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

# httpx imports its command-line client when click, rich and pygments are installed (dagster installs
# them): about 75 ms and 8 MB of every `bbl fetch` for a CLI nothing here runs. Without it, httpx.main
# only says to install httpx[cli]. (A process that imported httpx before this module keeps it.)
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
import httpx  # noqa: E402
import orjson  # noqa: E402

log = logging.getLogger(__name__)
RETRY_STATUS = {429, 500, 502, 503, 504}


class FetchError(RuntimeError):
    """A fetch failed; the message names the subject (e.g. the CBS table), the URL and the cause."""

    def __init__(self, subject: str, url: str, cause: str) -> None:
        super().__init__(f"{subject}: {url}: {cause}")
        self.subject, self.url, self.cause = subject, url, cause


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5
    backoff_base_s: float = 0.5
    backoff_max_s: float = 30.0
    max_retry_after_s: float = 120.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return retry_after
        return min(self.backoff_max_s, self.backoff_base_s * 2 ** (attempt - 1)) * random.uniform(0.5, 1.5)


def parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port


@functools.cache
def _tls() -> ssl.SSLContext:
    """One TLS context (certifi's CA bundle) for every client of the process: building one costs ~30 ms."""
    return httpx.create_ssl_context()


class Http:
    """A small HTTP client bound to one origin (the configured base URL)."""

    def __init__(
        self,
        base_url: str,
        subject: str,
        timeout_s: float = 60.0,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        client: httpx.Client | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.subject = subject
        self.retry = retry or RetryPolicy()
        self.sleep = sleep
        self.retries_done = 0
        self.written: dict[Path, tuple[str, int]] = {}  # file -> (sha256, size) of every download, hashed as written
        self._origin = origin(self.base_url)
        self._client = client or httpx.Client(
            timeout=httpx.Timeout(timeout_s), follow_redirects=False, headers={"Accept": "application/json"},
            verify=_tls(),
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Http:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def check_url(self, url: str) -> None:
        if origin(url) != self._origin:
            scheme, host, port = self._origin
            raise FetchError(self.subject, url, f"refusing to follow a link off the configured host {scheme}://{host}:{port}")

    def download(self, url: str, dest: Path, params: dict[str, str] | None = None) -> int:
        """GET ``url`` into ``dest`` (streamed; retried as a whole request). Returns the byte count."""
        self.check_url(url)
        part = dest.with_name(dest.name + ".part")
        shown = str(httpx.URL(url, params=params)) if params else url
        attempt = 0
        while True:
            attempt += 1
            retry_after: float | None = None
            try:
                with self._client.stream("GET", url, params=params) as resp:
                    if resp.status_code in RETRY_STATUS:
                        retry_after = parse_retry_after(resp.headers.get("Retry-After"))
                        raise _Retryable(f"HTTP {resp.status_code}")
                    if resp.status_code != 200:
                        raise FetchError(self.subject, shown, f"HTTP {resp.status_code} {resp.reason_phrase}")
                    ctype = resp.headers.get("Content-Type", "")
                    size = 0
                    digest = hashlib.sha256()
                    with part.open("wb") as fh:
                        for chunk in resp.iter_bytes():  # as received: re-chunking to a fixed size copies every byte
                            fh.write(chunk)
                            digest.update(chunk)
                            size += len(chunk)
                    self._check_type(shown, ctype, part)
                part.replace(dest)
                self.written[dest] = (digest.hexdigest(), size)
                return size
            except FetchError:
                part.unlink(missing_ok=True)
                raise
            except (_Retryable, httpx.TransportError) as exc:
                part.unlink(missing_ok=True)
                cause = _describe(exc)
                if attempt >= self.retry.max_attempts:
                    raise FetchError(self.subject, shown, f"{cause}; gave up after {attempt} attempts") from exc
                if retry_after is not None and retry_after > self.retry.max_retry_after_s:
                    raise FetchError(
                        self.subject, shown, f"{cause} with Retry-After {retry_after:.0f} s, longer than allowed"
                    ) from exc
                wait = self.retry.delay(attempt, retry_after)
                self.retries_done += 1
                log.warning("%s: %s (%s); retry %d/%d in %.1f s", self.subject, shown, cause, attempt,
                            self.retry.max_attempts - 1, wait)
                self.sleep(wait)

    def _check_type(self, url: str, ctype: str, path: Path) -> None:
        with path.open("rb") as fh:
            head = fh.read(64).lstrip()
        if "html" in ctype.lower() or head[:1] == b"<":
            raise FetchError(self.subject, url, f"expected JSON or CSV, got an HTML page ({ctype or 'no Content-Type'})")

    def get_json(self, url: str, dest: Path, params: dict[str, str] | None = None) -> dict[str, Any]:
        """Download a JSON object to ``dest`` and return it parsed."""
        self.download(url, dest, params)
        return read_json_object(dest, self.subject, url)


class _Retryable(Exception):
    pass


def _describe(exc: BaseException) -> str:
    if isinstance(exc, _Retryable):
        return str(exc)
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out ({type(exc).__name__})"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"connection closed mid-response ({exc})"
    return f"{type(exc).__name__}: {exc}"


def read_json_object(path: Path, subject: str, url: str) -> dict[str, Any]:
    try:
        doc = orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError as exc:
        raise FetchError(subject, url, f"malformed JSON ({exc}); {path.stat().st_size} bytes received") from exc
    if not isinstance(doc, dict):
        raise FetchError(subject, url, f"expected a JSON object, got {type(doc).__name__}")
    return doc
