"""A loaded table of incidents seen by the query layer: the columns the filters and aggregates use, in an
SQL engine, with the position of each row in the frame it came from.

`index_for(df, sources)` gives the index of a frame (built once per frame object and kept while the frame
lives; frames are read-only by convention), on the embedded engine (DuckDB, in memory). `publish` loads
the same two tables into any engine (PostgreSQL too), so the same SQL (`view/sql.py`) runs on both.
The search table (`hay`: folded text of each incident and its ledger) is built on the first text search.
"""

from __future__ import annotations

import threading
import weakref

import numpy as np
import pandas as pd

from .. import periods

TEXT = ("incident_id", "date_precision", "event_type", "sub_event_type", "country", "border", "admin1",
        "actor1", "actor2", "geo_precision", "origin", "review_status")
INTS = ("killed", "injured", "killed_low", "killed_high")
FLOATS = ("latitude", "longitude")
DATES = ("event_date", "end_date", "window_end")
COLUMNS = ("_row", *TEXT, *INTS, *FLOATS, *DATES)
SQL_TYPES = {"_row": "bigint", **{c: "text" for c in TEXT}, **{c: "bigint" for c in INTS},
             **{c: "double precision" for c in FLOATS}, **{c: "date" for c in DATES}}
HAY_TYPES = {"_row": "bigint", "haystack": "text"}


def _dates(values: pd.Series):
    import pyarrow as pa

    v = pd.to_datetime(values).dt.normalize().to_numpy(dtype="datetime64[us]")
    return pa.array(v, pa.timestamp("us")).cast(pa.date32())


def arrow_table(df: pd.DataFrame):
    """The `inc` table of a frame, as Arrow with SQL types: blank text '', unknown numbers and dates NULL,
    `_row` the position in the frame, `window_end` the last day of each incident's date window."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(df)

    def col(name, default):
        return df[name] if name in df else pd.Series(default, index=df.index)

    arrays = [pa.array(np.arange(n, dtype=np.int64))]
    for c in TEXT:
        values = col(c, "")
        arr = pa.array(values.astype(object) if isinstance(values.dtype, pd.CategoricalDtype) or values.dtype == object
                       else values, from_pandas=True)
        if not pa.types.is_string(arr.type) and not pa.types.is_large_string(arr.type):
            arr = pa.array(values.astype(str).where(values.notna(), ""), pa.string())
        arrays.append(pc.fill_null(arr.cast(pa.string()), ""))
    for c in INTS:
        arrays.append(pa.array(pd.to_numeric(col(c, None), errors="coerce").astype("Int64"), pa.int64()))
    for c in FLOATS:
        arrays.append(pa.array(pd.to_numeric(col(c, None), errors="coerce").astype("float64").to_numpy(),
                               pa.float64(), from_pandas=True))
    if n and {"event_date", "date_precision", "end_date"} <= set(df.columns):
        _, end = periods.windows(df)
    else:
        end = col("event_date", pd.NaT)
    for values in (col("event_date", pd.NaT), col("end_date", pd.NaT), end):
        arrays.append(_dates(values))
    return pa.Table.from_arrays(arrays, names=list(COLUMNS))


def query_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The `inc` table of a frame as pandas (for loading it into PostgreSQL)."""
    return arrow_table(df).to_pandas(integer_object_nulls=True)


class Index:
    """The `inc` (and, on demand, `hay`) tables of one frame in one engine; queries under a lock, since a
    dashboard's reruns run in threads and share it."""

    def __init__(self, df: pd.DataFrame, sources: pd.DataFrame | None = None, engine=None):
        from ..store.engines import DuckEngine

        self.n = len(df)
        self.engine = engine or DuckEngine()
        self._lock = threading.RLock()
        self._df = weakref.ref(df)
        self._sources = sources
        self._hay = False
        self.engine.load("inc", arrow_table(df))

    def ensure_search(self) -> None:
        """Build the `hay` table (folded text of each incident and its ledger) once."""
        with self._lock:
            if self._hay:
                return
            import pyarrow as pa

            from .search import haystack

            df = self._df()
            hay = haystack(df, self._sources) if df is not None else pd.Series([], dtype=str)
            self.engine.load("hay", pa.table({"_row": pa.array(np.arange(len(hay), dtype=np.int64)),
                                              "haystack": pa.array(hay.astype(str).tolist(), pa.string())}))
            self._hay = True

    def rows(self, sql: str, params=()) -> list[tuple]:
        if "FROM hay" in sql:
            self.ensure_search()
        with self._lock:
            return self.engine.rows(sql, params)

    def column(self, sql: str, params=()) -> np.ndarray:
        if "FROM hay" in sql:
            self.ensure_search()
        with self._lock:
            return self.engine.column(sql, params)

    def frame(self, sql: str, params=()) -> pd.DataFrame:
        if "FROM hay" in sql:
            self.ensure_search()
        with self._lock:
            return self.engine.frame(sql, params)


def publish_postgres(url: str, df: pd.DataFrame, sources: pd.DataFrame | None = None) -> "Index":
    """Load a frame's `inc` and `hay` tables into a PostgreSQL database and return an Index over them there,
    so the query layer's SQL runs on PostgreSQL (benchmarks, the engine-parity tests)."""
    from ..store.engines import PgEngine
    from ..store.postgres import connect, publish_index
    from .search import haystack

    hay = haystack(df, sources)
    hay_frame = pd.DataFrame({"_row": np.arange(len(hay), dtype=np.int64), "haystack": hay.astype(str).to_numpy()})
    publish_index(url, {"inc": (query_frame(df), SQL_TYPES), "hay": (hay_frame, HAY_TYPES)},
                  indexes=(("inc", "window_end"), ("inc", "event_date"), ("inc", "border")))
    index = Index.__new__(Index)
    index.n, index.engine, index._lock, index._hay = len(df), PgEngine(connect(url, autocommit=True)), threading.RLock(), True
    index._df, index._sources = weakref.ref(df), sources
    return index


_CACHE: dict[tuple[int, int], tuple[weakref.ref, weakref.ref | None, Index]] = {}
_CACHE_LOCK = threading.Lock()


def index_for(df: pd.DataFrame, sources: pd.DataFrame | None = None) -> Index:
    """The index of this frame (and ledger, for the search), built on first use and kept while both live."""
    key = (id(df), id(sources))
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None and hit[0]() is df and (sources is None or (hit[1] and hit[1]() is sources)):
            return hit[2]
    index = Index(df, sources)
    with _CACHE_LOCK:
        for k in [k for k, (r, s, _) in _CACHE.items() if r() is None or (s is not None and s() is None)]:
            del _CACHE[k]
        _CACHE[key] = (weakref.ref(df), weakref.ref(sources) if sources is not None else None, index)
    return index
