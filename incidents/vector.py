"""Vectorised column operations on Arrow-backed text, shared by the checks, the derivations and the filters.

pandas' own `isin` and `duplicated` on Arrow strings build a Python object per value; these run in
Arrow (or on integer codes) with the same results, which matters at a million rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow
import pyarrow.compute as pc


def is_arrow_text(s: pd.Series) -> bool:
    return isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow"


def arrow_data(s: pd.Series):
    """The column's Arrow data (a ChunkedArray, through the public `__arrow_array__` protocol) when it
    is an Arrow-backed string column, else None."""
    return s.array.__arrow_array__() if is_arrow_text(s) else None


def isin(s: pd.Series, values) -> pd.Series:
    """s.isin(values) for strings, in Arrow (pandas' isin builds a Python scalar per value)."""
    data = arrow_data(s)
    if data is None:
        return s.isin(values)
    if isinstance(values, pd.Series):
        other = arrow_data(values)
        value_set = other.combine_chunks() if other is not None else pyarrow.array(values.dropna().astype(str).tolist(), pyarrow.string())
    else:
        value_set = pyarrow.array([v for v in values if isinstance(v, str)], type=pyarrow.string())
    value_set = value_set.cast(data.type)
    result = pc.fill_null(pc.is_in(data, value_set=value_set), False)
    return pd.Series(result.to_numpy(zero_copy_only=False), index=s.index, name=s.name, copy=False)



def duplicated(*columns: pd.Series) -> pd.Series:
    """Rows whose tuple of values appeared on an earlier row (keep='first'), on integer codes.

    Same as joining the columns with a separator and calling duplicated(), without building the strings."""
    for c in columns:  # a column without repeats has no repeated tuples (the usual case)
        data = arrow_data(c)
        if data is not None and pc.count_distinct(data, mode="all").as_py() == len(c):
            return pd.Series(np.zeros(len(c), dtype=bool), index=columns[0].index)
    key = np.zeros(len(columns[0]), dtype=np.int64)
    for c in columns:
        codes, uniques = pd.factorize(c.array)
        key = key * (len(uniques) + 1) + (codes + 1)
        key = pd.factorize(key)[0].astype(np.int64)  # keep the combined key small
    return pd.Series(pd.Series(key).duplicated(keep="first").to_numpy(), index=columns[0].index)
