"""Speed-ups for the checks at a million rows: per-validation memos, distinct-value evaluation, Arrow regexes.

Every rule judges a cell on its own, so running it on a column's distinct values and spreading the
answer back over the rows gives exactly the per-row result; stripping and date/number parsing are
memoised per column within one validation. Only public pandas and pyarrow APIs are used.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Callable, Iterator

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from .. import schema as S
from ..vector import arrow_data

ASCII_COUNT = r"\+?[0-9]{1,9}"

# --- Vectorised helpers, memoised per column within one validation -------------------------------
#
# Every rule judges each cell on its own, so a rule run on a column's distinct values and spread
# back over the rows gives exactly the per-row answer; columns with few distinct values (enums,
# countries, dates, counts, coordinates) are checked that way. Stripping, date and number parsing
# and the distinct values are computed once per column per validation (`memo_scope`), not once per
# rule. Memo entries are keyed by the identity of the column's (immutable) array and hold a
# reference to it, so an entry can never be confused with another column.

_MEMO: ContextVar[dict | None] = ContextVar("borderwatch_validate_memo", default=None)


@contextmanager
def memo_scope() -> Iterator[None]:
    """Share stripped/parsed columns between the rules of one validation."""
    if _MEMO.get() is not None:
        yield
        return
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def memoised(kind: str, s: pd.Series, compute: Callable[[pd.Series], object]) -> object:
    memo = _MEMO.get()
    if memo is None:
        return compute(s)
    # pandas may re-wrap the same Arrow data on each access: key on the data itself when there is some
    data = arrow_data(s)
    data = s.array if data is None else data
    key = (kind, id(data), len(s))
    hit = memo.get(key)
    if hit is not None and hit[0] is data:
        return hit[1]
    value = compute(s)
    memo[key] = (data, value)
    return value


def stripped(s: pd.Series) -> pd.Series:
    values = memoised("strip", s, lambda x: x.str.strip().array)
    return pd.Series(values, index=s.index, name=s.name, copy=False)


def distinct(s: pd.Series) -> tuple[np.ndarray, pd.Series] | None:
    """(codes, distinct values) of a column, or None when nearly every value differs (then rules
    run on the column itself). Decided on a sample first, so long unique texts are not hashed."""
    def compute(x: pd.Series):
        n = len(x)
        if n < 1000:
            return None
        sample = x.iloc[: 20_000] if n > 40_000 else x
        if sample.nunique() > 0.5 * len(sample):
            return None
        codes, uniques = pd.factorize(x.array)
        if len(uniques) > 0.5 * n:
            return None
        return codes, pd.Series(uniques, copy=False)
    return memoised("distinct", s, compute)


def per_value(fn: Callable[[pd.Series], pd.Series], s: pd.Series) -> pd.Series:
    """fn(s) for an elementwise fn, computed on the distinct values when they are few."""
    d = distinct(s)
    if d is None:
        return fn(s)
    codes, uniques = d
    result = fn(uniques)
    values = pd.api.extensions.take(result.array, codes, allow_fill=True)
    return pd.Series(values, index=s.index, name=s.name, copy=False)


def blank(s: pd.Series) -> pd.Series:
    values = memoised("blank", s, lambda x: (stripped(x) == "").to_numpy())
    return pd.Series(values, index=s.index, copy=False)


def converted(kind: str, s: pd.Series, convert: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """convert(s) (elementwise), memoised for the column and for its distinct values, so a rule
    run on the distinct values and a row check run on the column share one conversion."""
    def compute(x: pd.Series):
        d = distinct(x)
        if d is None:
            return convert(x).array
        codes, uniques = d
        values = memoised(kind, uniques, lambda u: convert(u).array)
        return pd.api.extensions.take(values, codes, allow_fill=True)
    return pd.Series(memoised(kind, s, compute), index=s.index, copy=False)


def parsed_dates(s: pd.Series) -> pd.Series:
    return converted("dates", s, lambda v: pd.to_datetime(v.str.strip(), format="%Y-%m-%d", errors="coerce"))


def numbers(s: pd.Series) -> pd.Series:
    return converted("numbers", s, lambda v: pd.to_numeric(v.str.strip(), errors="coerce"))


# Python-regex patterns that pandas cannot hand to Arrow, rewritten for RE2 with the same meaning.
# FORMULA_START is character classes only, so spelling \uXXXX as \x{XXXX} changes nothing
# (tests/test_perf_load.py checks every code point).
# columns.FORMULA_START for RE2: the same blanks (spelled as \x{...}) and signs.
_BLANK_POINTS = [*range(0x09, 0x0e), *range(0x1c, 0x21), 0x85, 0xa0, 0x1680, *range(0x2000, 0x200c), 0x2028, 0x2029,
                 0x202f, 0x205f, 0x3000, 0xfeff]
FORMULA_START_RE2 = ("^[" + "".join(f"\\x{{{c:x}}}" for c in _BLANK_POINTS) + "]*"
                     + r"[=+\-@\x{ff1d}\x{ff0b}\x{ff0d}\x{ff20}]")


def contains(s: pd.Series, pattern: str, re2_pattern: str) -> pd.Series:
    data = arrow_data(s)
    if data is None:
        return s.str.contains(pattern)
    result = pc.match_substring_regex(data, re2_pattern)
    return pd.Series(result.to_numpy(zero_copy_only=False), index=s.index, name=s.name, copy=False)


def fullmatch_url(s: pd.Series) -> pd.Series:
    """s.str.fullmatch(URL_PATTERN, case=False), exactly as Python's re decides it.

    The pattern uses \\s and \\w, which RE2 reads as ASCII classes (and its \\s lacks \\x0b). On
    cells that are pure ASCII without \\x0b both engines agree, so those go to Arrow; the rest (rare)
    go through Python's re."""
    data = arrow_data(s)
    if data is None:
        return s.str.fullmatch(S.URL_PATTERN, case=False)
    ascii_ok = pc.and_(pc.string_is_ascii(data), pc.invert(pc.match_substring(data, "\x0b")))
    fast = pc.match_substring_regex(data, "^(?:" + S.URL_PATTERN + r")\z", ignore_case=True)
    out = pc.fill_null(fast, False).to_numpy(zero_copy_only=False).copy()
    rest = ~pc.fill_null(ascii_ok, False).to_numpy(zero_copy_only=False)
    if rest.any():
        out[rest] = s[rest].str.fullmatch(S.URL_PATTERN, case=False).to_numpy(dtype=bool, na_value=False)
    return pd.Series(out, index=s.index, name=s.name, copy=False)



def counts(s: pd.Series) -> pd.Series:
    return per_value(lambda v: pd.to_numeric(v.where(v.str.strip().str.fullmatch(ASCII_COUNT), None),
                                              errors="coerce"), s)




def rows(mask: pd.Series) -> list[int]:
    """Index values where `mask` is True."""
    return [int(i) for i in mask[mask].index]
