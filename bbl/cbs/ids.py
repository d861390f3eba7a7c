"""CBS table identifiers: letters and digits, with CBS's own case (80472ned and 86141NED differ)."""

from __future__ import annotations

import re

TABLE_ID = re.compile(r"^[A-Za-z0-9]{4,12}$")


def validate_table_id(table_id: str) -> str:
    """CBS table ids are letters and digits; their case is kept (80472ned and 86141NED differ)."""
    if not isinstance(table_id, str) or not TABLE_ID.match(table_id):
        raise ValueError(f"invalid CBS table id {table_id!r}: expected 4-12 letters and digits, e.g. 80472ned")
    return table_id
