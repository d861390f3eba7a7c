"""Versions of tables in the CBS catalogues, for change detection without downloading a table.

v4: `GET {v4}/Datasets?$select=Identifier,Modified` (all tables in one response, following
`@odata.nextLink` if any). v3: `GET {v3}/ODataCatalog/Tables?$format=json` for tables not on v4.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bbl.http import FetchError, Http, RetryPolicy, read_json_object


def _pages(http: Http, url: str, params: dict[str, str] | None, link_key: str, tmp: Path) -> list[dict]:
    rows: list[dict] = []
    seen: set[str] = set()
    n = 0
    while url:
        if url in seen:
            raise FetchError(http.subject, url, "catalogue next link loops")
        seen.add(url)
        n += 1
        dest = tmp / f"catalog-{n}.json"
        http.download(url, dest, params)
        doc = read_json_object(dest, http.subject, url)
        value = doc.get("value")
        if not isinstance(value, list):
            raise FetchError(http.subject, url, "catalogue page has no 'value' list")
        rows.extend(value)
        url, params = doc.get(link_key), None
        if url:
            http.check_url(url)
    return rows


def catalog_versions(v4_url: str, v3_url: str, table_ids: list[str], timeout_s: float = 60.0,
                     max_attempts: int = 3) -> dict[str, str]:
    """{table_id: Modified at the source} for the tables found (case as registered)."""
    wanted = set(table_ids)
    out: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        with Http(v4_url, "CBS catalogue (v4)", timeout_s, RetryPolicy(max_attempts=max_attempts)) as http:
            for row in _pages(http, f"{v4_url.rstrip('/')}/Datasets",
                              {"$select": "Identifier,Modified"}, "@odata.nextLink", Path(tmp)):
                tid = str(row.get("Identifier"))
                if tid in wanted and row.get("Modified"):
                    out[tid] = str(row["Modified"])
        missing = wanted - set(out)
        if missing:
            with Http(v3_url, "CBS catalogue (v3)", timeout_s, RetryPolicy(max_attempts=max_attempts)) as http:
                for row in _pages(http, f"{v3_url.rstrip('/')}/ODataCatalog/Tables", {"$format": "json"},
                                  "odata.nextLink", Path(tmp)):
                    tid = str(row.get("Identifier"))
                    if tid in missing and row.get("Modified"):
                        out[tid] = str(row["Modified"])
    return out
