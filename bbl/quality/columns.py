"""A suite's frame as numpy arrays: what the warehouse's reader hands to GX, without pandas.

No import of duckdb or pandas at module level: the GX worker unpickles these and imports neither
duckdb nor (until it builds the frame) anything but numpy for it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb


@dataclass(frozen=True)
class Columns:
    """A query's result as numpy arrays by column (DuckDB's ``fetchnumpy``), masked where NULL: what a
    suite's frame holds until GX validates it.

    GX validates pandas frames, but the process that reads the warehouse need not import pandas (and
    with it pyarrow: about 65 MB of `bbl fetch`'s memory) when GX runs in a worker process
    (bbl/quality/worker.py): the arrays pickle without either, and `to_pandas()` over there builds the
    frame DuckDB's ``.df()`` would have built here, the same dtypes and values (tests/test_columns.py)."""

    names: tuple[str, ...]
    types: tuple[str, ...]  # DuckDB's type of each column
    arrays: tuple[Any, ...]
    timezone: str | None = None  # the connection's TimeZone, for TIMESTAMP WITH TIME ZONE columns

    @classmethod
    def fetch(cls, con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> Columns:
        cursor = con.execute(sql, params or [])
        types = tuple(str(d[1]) for d in cursor.description)
        arrays = cursor.fetchnumpy()  # names made unique as in .df() (a, a_1)
        for name, type_ in zip(arrays, types, strict=True):
            if type_.startswith(("ENUM", "MAP")):
                raise ValueError(f"frame column {name} is {type_}: cast it to text in the suite's SQL")
        timezone = None
        if "TIMESTAMP WITH TIME ZONE" in types:
            timezone = str(con.execute("SELECT current_setting('TimeZone')").fetchall()[0][0])
        return cls(tuple(arrays), types, tuple(arrays.values()), timezone)

    def __len__(self) -> int:
        return len(self.arrays[0]) if self.arrays else 0

    def column(self, name: str) -> list[Any]:
        """A column's values as Python objects, None where NULL."""
        return self.arrays[self.names.index(name)].tolist()

    def rows(self, keep: Sequence[bool]) -> Columns:
        """The rows where ``keep`` is true."""
        import numpy as np

        index = np.asarray(keep, dtype=bool)
        return replace(self, arrays=tuple(array[index] for array in self.arrays))

    def to_pandas(self) -> Any:
        """The pandas frame DuckDB's ``.df()`` builds from the same result."""
        import numpy as np
        import pandas as pd

        data: dict[str, Any] = {}
        for name, type_, array in zip(self.names, self.types, self.arrays, strict=True):
            values = np.ma.getdata(array)
            if isinstance(array, np.ma.MaskedArray):
                mask = np.ma.getmaskarray(array)
                kind = values.dtype.kind
                if kind in "iu":
                    values = pd.arrays.IntegerArray(values, mask)
                elif kind == "b":
                    values = pd.arrays.BooleanArray(values, mask)
                elif mask.any():
                    values = values.copy()
                    if kind in "fc":
                        values[mask] = np.nan
                    elif kind in "mM":
                        values[mask] = values.dtype.type("NaT")
                    else:  # text as None (pandas makes it its str dtype), other objects as pd.NA
                        values[mask] = None if type_ in ("VARCHAR", "JSON", '"NULL"') else pd.NA
            if type_ == "TIMESTAMP WITH TIME ZONE":
                values = pd.DatetimeIndex(values).tz_localize("UTC").tz_convert(self.timezone)
            data[name] = values
        return pd.DataFrame(data, columns=list(self.names))
