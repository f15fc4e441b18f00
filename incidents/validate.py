"""Checks on the raw (string) tables: every rule, every row, all problems at once.

Column rules are derived from the schema's column kinds and run by pandera (lazily, so one bad
cell never hides another); rules that span columns, rows or tables are vectorised pandas below.
Each finding is a `Problem` located as file:row:column with what was found and what is expected.

Speed (a million rows): pandera stays the engine for the column rules - measured, its own cost per
check is small; the time went into the rule bodies. So each rule runs on a column's distinct values
when they are few (every rule judges a cell on its own, so the answer spread back over the rows is
the same), stripping and date/number parsing are memoised per column within one validation, set
membership uses Arrow's is_in (pandas' isin on Arrow strings builds a Python object per value),
and the two regexes pandas would hand to Python's re run in Arrow with the same meaning.
"""

from __future__ import annotations

import re
import unicodedata
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Callable, Iterator

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.compute as pc
from rapidfuzz import process

from . import schema as S
from .errors import Problem

MAX_CELL_CHARS = 10_000
# Hints ("did you mean ...?") for at most this many unknown ids; beyond, the report stays fast.
MAX_ID_HINTS = 200

# Invisible characters no cell should hold: C0/C1 controls (tab, line feed and carriage return are
# allowed in text) and the bidirectional embeddings/overrides/isolates that can make text display in
# an order other than the stored one ("Trojan source"). Right-to-left marks (U+200E/U+200F) are fine.
CONTROL_CLASS = "[" + "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069" + "]"
_CONTROL_RE = re.compile(CONTROL_CLASS)
# A spreadsheet runs a cell starting with one of these as a formula (or a DDE command).
FORMULA_START = r"^[ \t\r\n]*[=+\-@\uff1d\uff0b\uff0d\uff20]"
_ASCII_COUNT = r"\+?[0-9]{1,9}"
_ASCII_NUMBER = r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
_ISO_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"


@dataclass(frozen=True)
class Rule:
    """A vectorised check on one column of strings; `ok` returns True where the cell passes."""

    name: str
    message: str
    expected: str
    ok: Callable[[pd.Series], pd.Series]
    explain: Callable[[str], tuple[str, str]] | None = None  # value -> (message, expected), for hints


# --- Vectorised helpers, memoised per column within one validation -------------------------------
#
# Every rule judges each cell on its own, so a rule run on a column's distinct values and spread
# back over the rows gives exactly the per-row answer; columns with few distinct values (enums,
# countries, dates, counts, coordinates) are checked that way. Stripping, date and number parsing
# and the distinct values are computed once per column per validation (`_memo_scope`), not once per
# rule. Memo entries are keyed by the identity of the column's (immutable) array and hold a
# reference to it, so an entry can never be confused with another column.

_MEMO: ContextVar[dict | None] = ContextVar("borderwatch_validate_memo", default=None)


@contextmanager
def _memo_scope() -> Iterator[None]:
    """Share stripped/parsed columns between the rules of one validation."""
    if _MEMO.get() is not None:
        yield
        return
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def _memoised(kind: str, s: pd.Series, compute: Callable[[pd.Series], object]) -> object:
    memo = _MEMO.get()
    if memo is None:
        return compute(s)
    array = s.array
    data = getattr(array, "_pa_array", array)  # pandas may re-wrap the same Arrow data per access
    key = (kind, id(data), len(s))
    hit = memo.get(key)
    if hit is not None and hit[0] is data:
        return hit[1]
    value = compute(s)
    memo[key] = (data, value)
    return value


def _arrow(s: pd.Series):
    """The column's Arrow data when it is an Arrow-backed string column, else None."""
    array = s.array
    if isinstance(array, pd.arrays.ArrowStringArray) and hasattr(array, "_pa_array"):
        return array._pa_array
    return None


def _stripped(s: pd.Series) -> pd.Series:
    values = _memoised("strip", s, lambda x: x.str.strip().array)
    return pd.Series(values, index=s.index, name=s.name, copy=False)


def _distinct(s: pd.Series) -> tuple[np.ndarray, pd.Series] | None:
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
    return _memoised("distinct", s, compute)


def _per_value(fn: Callable[[pd.Series], pd.Series], s: pd.Series) -> pd.Series:
    """fn(s) for an elementwise fn, computed on the distinct values when they are few."""
    d = _distinct(s)
    if d is None:
        return fn(s)
    codes, uniques = d
    result = fn(uniques)
    values = pd.api.extensions.take(result.array, codes, allow_fill=True)
    return pd.Series(values, index=s.index, name=s.name, copy=False)


def _isin(s: pd.Series, values) -> pd.Series:
    """s.isin(values) for strings, in Arrow (pandas' isin builds a Python scalar per value)."""
    data = _arrow(s)
    if data is None:
        return s.isin(values)
    if isinstance(values, pd.Series):
        other = _arrow(values)
        value_set = other.combine_chunks() if other is not None else pyarrow.array(values.dropna().astype(str).tolist(), pyarrow.string())
    else:
        value_set = pyarrow.array([v for v in values if isinstance(v, str)], type=pyarrow.string())
    value_set = value_set.cast(data.type)
    result = pc.fill_null(pc.is_in(data, value_set=value_set), False)
    return pd.Series(result.to_numpy(zero_copy_only=False), index=s.index, name=s.name, copy=False)


def _blank(s: pd.Series) -> pd.Series:
    values = _memoised("blank", s, lambda x: (_stripped(x) == "").to_numpy())
    return pd.Series(values, index=s.index, copy=False)


def _converted(kind: str, s: pd.Series, convert: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """convert(s) (elementwise), memoised for the column and for its distinct values, so a rule
    run on the distinct values and a row check run on the column share one conversion."""
    def compute(x: pd.Series):
        d = _distinct(x)
        if d is None:
            return convert(x).array
        codes, uniques = d
        values = _memoised(kind, uniques, lambda u: convert(u).array)
        return pd.api.extensions.take(values, codes, allow_fill=True)
    return pd.Series(_memoised(kind, s, compute), index=s.index, copy=False)


def _parsed_dates(s: pd.Series) -> pd.Series:
    return _converted("dates", s, lambda v: pd.to_datetime(v.str.strip(), format="%Y-%m-%d", errors="coerce"))


def _numbers(s: pd.Series) -> pd.Series:
    return _converted("numbers", s, lambda v: pd.to_numeric(v.str.strip(), errors="coerce"))


# Python-regex patterns that pandas cannot hand to Arrow, rewritten for RE2 with the same meaning.
# FORMULA_START is character classes only, so spelling \uXXXX as \x{XXXX} changes nothing
# (tests/test_perf_load.py checks every code point).
_FORMULA_START_RE2 = r"^[ \t\r\n]*[=+\-@\x{ff1d}\x{ff0b}\x{ff0d}\x{ff20}]"


def _contains(s: pd.Series, pattern: str, re2_pattern: str) -> pd.Series:
    data = _arrow(s)
    if data is None:
        return s.str.contains(pattern)
    result = pc.match_substring_regex(data, re2_pattern)
    return pd.Series(result.to_numpy(zero_copy_only=False), index=s.index, name=s.name, copy=False)


def _fullmatch_url(s: pd.Series) -> pd.Series:
    """s.str.fullmatch(URL_PATTERN, case=False), exactly as Python's re decides it.

    The pattern uses \\s and \\w, which RE2 reads as ASCII classes (and its \\s lacks \\x0b). On
    cells that are pure ASCII without \\x0b both engines agree, so those go to Arrow; the rest (rare)
    go through Python's re."""
    data = _arrow(s)
    if data is None:
        return s.str.fullmatch(S.URL_PATTERN, case=False)
    ascii_ok = pc.and_(pc.string_is_ascii(data), pc.invert(pc.match_substring(data, "\x0b")))
    fast = pc.match_substring_regex(data, "^(?:" + S.URL_PATTERN + r")\z", ignore_case=True)
    out = pc.fill_null(fast, False).to_numpy(zero_copy_only=False).copy()
    rest = ~pc.fill_null(ascii_ok, False).to_numpy(zero_copy_only=False)
    if rest.any():
        out[rest] = s[rest].str.fullmatch(S.URL_PATTERN, case=False).to_numpy(dtype=bool, na_value=False)
    return pd.Series(out, index=s.index, name=s.name, copy=False)


def _date_hint(value: str) -> tuple[str, str]:
    v = value.strip()
    m = re.fullmatch(r"(\d{1,2})[./](\d{1,2})[./](\d{4})", v)
    if m:
        a, b, y = m.groups()
        sep = "." if "." in v else "/"
        order = "day.month.year" if sep == "." else "month/day/year" if int(b) > 12 else "day/month or month/day"
        guess = f"{y}-{int(b):02d}-{int(a):02d}" if sep == "." else (
            f"{y}-{int(a):02d}-{int(b):02d}" if int(b) > 12 else "YYYY-MM-DD")
        return f"date looks like {order}; write it as YYYY-MM-DD", guess
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", v):
        return "no such calendar date", "a real date in YYYY-MM-DD"
    if not v.isascii() and re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", v):
        return "date is written with non-ASCII digits; use 0-9", _iso_guess(v)
    m = re.fullmatch(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})", v)
    if m:
        return "month and day need two digits each", _iso_guess(v)
    return "not an ISO date", "YYYY-MM-DD, e.g. 2025-12-25"


def _iso_guess(v: str) -> str:
    y, m, d = (int(x) for x in v.split("-"))
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return "a real date in YYYY-MM-DD"


def _count_hint(value: str) -> tuple[str, str]:
    v = value.strip()
    if v.isdigit() and not v.isascii():
        return "count is written with non-ASCII digits; use 0-9", str(int(v))
    if re.fullmatch(r"-0+", v):
        return "count is negative zero; write 0", "0"
    if re.fullmatch(r"\+?[0-9]{10,}", v):
        return "count is implausibly large", "a whole number up to 999,999,999"
    if re.fullmatch(r"[0-9]{1,3}(?:[,'’ \u00a0\u202f][0-9]{3})+", v):
        return "count has a thousands separator; write digits only", re.sub(r"[^0-9]", "", v)
    num = pd.to_numeric(pd.Series([v]), errors="coerce").iloc[0]
    if pd.isna(num):
        if v.casefold().lstrip("+-") in ("nan", "inf", "infinity"):
            return "count is not a finite number", "a whole number >= 0, or empty if unknown"
        return "count is not a number; write digits", "a whole number >= 0, or empty if unknown"
    if num < 0:
        return "count is negative", "a whole number >= 0"
    return "count is not a whole number", "a whole number >= 0"


def _number_hint(value: str) -> tuple[str, str]:
    v = value.strip()
    if v.casefold().lstrip("+-") in ("nan", "inf", "infinity"):
        return "not a finite number", "decimal degrees, e.g. 37.8414"
    if re.fullmatch(r"-?[0-9]+,[0-9]+", v):
        return "decimal comma; write a point", v.replace(",", ".")
    if not v.isascii() and re.fullmatch(r"-?\d+(?:\.\d+)?", v):
        return "number is written with non-ASCII digits; use 0-9", str(float(v))
    if re.search(r"[°'\"′″]", v):
        return "degrees, minutes and seconds; write decimal degrees", "decimal degrees, e.g. 37.8414"
    return "not a number", "a decimal number"


def _id_hint(value: str) -> tuple[str, str]:
    v = value.strip()
    allowed = "letters, digits, '-', '_', '.', ':'; at most 100 characters"
    if len(v) > 100:
        return f"id is too long ({len(v):,} characters)", allowed
    bad = next((c for c in v if not re.fullmatch(r"[A-Za-z0-9_.:-]", c)), None)
    if bad is not None:
        return f"id contains {bad!r}, which is not allowed", allowed
    return "id must start with a letter or digit", allowed


def _control_hint(value: str) -> tuple[str, str]:
    ch = _CONTROL_RE.search(value).group()
    name = {"\x00": "NUL"}.get(ch) or unicodedata.name(ch, "control character")
    return (f"cell contains an invisible control character (U+{ord(ch):04X} {name})",
            "visible text only; delete the character")


def _formula_hint(value: str) -> tuple[str, str]:
    first = value.lstrip(" \t\r\n")[:1]
    return (f"text starts with {first!r}, so a spreadsheet would run it as a formula",
            "text that does not start with =, +, -, @ (reword the start)")


def _enum_hint(allowed: tuple[str, ...]) -> Callable[[str], tuple[str, str]]:
    def explain(value: str) -> tuple[str, str]:
        listing = "one of " + ", ".join(allowed)
        guess = process.extractOne(value.strip().casefold().replace(" ", "_").replace("-", "_"), allowed,
                                   score_cutoff=70)
        if guess:
            return f"unknown value; did you mean {guess[0]!r}?", listing
        return "unknown value", listing
    return explain


def _country_hint(value: str) -> tuple[str, str]:
    v = value.strip()
    if v.upper() in S.COUNTRY_CODES:
        return f"country code must be upper case; write {v.upper()!r}", "ISO 3166-1 alpha-3, e.g. TJK"
    import pycountry
    try:
        hit = pycountry.countries.lookup(v)
        return f"not an alpha-3 code; did you mean {hit.alpha_3!r} ({hit.name})?", "ISO 3166-1 alpha-3, e.g. TJK"
    except LookupError:
        return "unknown country code", "ISO 3166-1 alpha-3, e.g. TJK, AFG, KGZ, UZB, TKM"


def _border_ok(s: pd.Series) -> pd.Series:
    parts = _stripped(s).str.split("-", n=1, expand=True).reindex(columns=[0, 1], fill_value="").fillna("")
    a, b = parts[0], parts[1]
    return (_stripped(s).str.fullmatch(S.BORDER_PATTERN)
            & _isin(a, S.COUNTRY_CODES) & _isin(b, S.COUNTRY_CODES) & (a < b))


def _border_hint(value: str) -> tuple[str, str]:
    v = value.strip().upper()
    m = re.fullmatch(r"([A-Z]{3})\W+([A-Z]{3})", v)
    if m and m.group(1) > m.group(2):
        return "border codes must be in alphabetical order", f"{m.group(2)}-{m.group(1)}"
    return "not a border pair", "two ISO alpha-3 codes in alphabetical order joined by '-', e.g. AFG-TJK"


def rules_for(col: S.Column) -> list[Rule]:
    """The single-column rules a column's kind and constraints imply (empty cells pass here)."""
    nonblank = lambda ok: (lambda s: _blank(s) | ok(s))  # noqa: E731 - rules only judge filled cells
    rules = [Rule("length", f"cell is longer than {MAX_CELL_CHARS:,} characters", f"at most {MAX_CELL_CHARS:,}",
                  lambda s: s.str.len() <= MAX_CELL_CHARS)]
    if col.required:
        rules.append(Rule("required", "required value is missing", "a value", lambda s: ~_blank(s)))
    k = col.kind
    if k in (S.TEXT, S.URL):
        rules.append(Rule("control", "cell contains an invisible control character", "visible text only",
                          lambda s: ~_contains(s, CONTROL_CLASS, CONTROL_CLASS), _control_hint))
    if k == S.TEXT:
        rules.append(Rule("formula", "text would run as a spreadsheet formula", "text not starting with =, +, -, @",
                          lambda s: ~_contains(s, FORMULA_START, _FORMULA_START_RE2), _formula_hint))
    if k == S.ID:
        rules.append(Rule("id", "not a valid id", "letters, digits, '-', '_', '.', ':'; at most 100 characters",
                          nonblank(lambda s: _stripped(s).str.fullmatch(S.ID_PATTERN)), _id_hint))
    elif k == S.DATE:
        today = pd.Timestamp(date.today())
        rules += [
            Rule("date", "not an ISO date", "YYYY-MM-DD",
                 nonblank(lambda s: _stripped(s).str.fullmatch(_ISO_DATE) & _parsed_dates(s).notna()), _date_hint),
            Rule("date_range", "date is before 1991", "1991-01-01 or later",
                 lambda s: ~(_parsed_dates(s) < pd.Timestamp(S.EARLIEST_DATE))),
            Rule("date_future", "date is in the future", "today or earlier",
                 lambda s: ~(_parsed_dates(s) > today)),
        ]
    elif k == S.INT:
        rules.append(Rule("count", "not a whole number", "a whole number >= 0",
                          nonblank(lambda s: _stripped(s).str.fullmatch(_ASCII_COUNT)), _count_hint))
    elif k == S.FLOAT:
        lo, hi = col.minimum, col.maximum
        rules.append(Rule("number", "not a number", "a decimal number",
                          nonblank(lambda s: np.isfinite(_numbers(s)) & _stripped(s).str.fullmatch(_ASCII_NUMBER)),
                          _number_hint))
        if lo is not None:
            rules.append(Rule("range", f"outside {lo} to {hi}", f"between {lo} and {hi}",
                              lambda s: ~(np.isfinite(_numbers(s)) & ((_numbers(s) < lo) | (_numbers(s) > hi)))))
    elif k == S.ENUM:
        rules.append(Rule("enum", "unknown value", "one of " + ", ".join(col.allowed),
                          nonblank(lambda s: _isin(_stripped(s), col.allowed)), _enum_hint(col.allowed)))
    elif k == S.COUNTRY:
        rules.append(Rule("country", "unknown country code", "ISO 3166-1 alpha-3",
                          nonblank(lambda s: _isin(_stripped(s), S.COUNTRY_CODES)), _country_hint))
    elif k == S.BORDER:
        rules.append(Rule("border", "not a border pair", "e.g. AFG-TJK", nonblank(_border_ok), _border_hint))
    elif k == S.URL:
        rules.append(Rule("url", "not a web address", "an http:// or https:// URL without spaces, or an article file such as seeds/<file>.txt",
                          nonblank(lambda s: _fullmatch_url(_stripped(s)))))
    return rules


def _pandera_schema(table: S.Table, columns: list[str]) -> tuple[pa.DataFrameSchema, list[Rule]]:
    """A pandera schema for the raw string frame; each check's error text is its index in `rules`."""
    rules: list[Rule] = []
    spec = {}
    for name in columns:
        checks = []
        for rule in rules_for(table.by_name[name]):
            checks.append(pa.Check(partial(_per_value, rule.ok), name=rule.name, error=str(len(rules))))
            rules.append(rule)
        spec[name] = pa.Column(str, checks=checks, nullable=True, required=False)
    return pa.DataFrameSchema(spec, strict=False), rules


def check_columns(frame: pd.DataFrame, table: S.Table, file: str) -> list[Problem]:
    """Run every single-column rule on a raw table; one Problem per failing cell and rule."""
    present = [c for c in table.names if c in frame.columns]
    schema, rules = _pandera_schema(table, present)
    try:
        with _memo_scope():
            schema.validate(frame, lazy=True)
        return []
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    problems = []
    hints: dict[tuple[int, str], tuple[str, str]] = {}  # the same bad value in 10,000 rows is explained once
    for case in cases.itertuples(index=False):
        if not str(case.check).isdigit():  # a pandera-level failure (e.g. dtype); report verbatim
            problems.append(Problem(file, None, case.column, f"schema check failed: {case.check}", str(case.failure_case)))
            continue
        rule = rules[int(case.check)]
        value = str(case.failure_case)
        key = (int(case.check), value)
        if key not in hints:
            hints[key] = rule.explain(value) if rule.explain else (rule.message, rule.expected)
        message, expected = hints[key]
        problems.append(Problem(file, int(case.index) + 2, str(case.column), message, value, expected))
    return problems


def check_header(frame: pd.DataFrame, table: S.Table, file: str, allowed_extra: tuple[str, ...] = ()) -> list[Problem]:
    """Missing required columns and unknown columns (with the closest valid name)."""
    problems = []
    for name in table.required:
        if name not in frame.columns:
            problems.append(Problem(file, 1, name, "required column is missing from the header",
                                    expected=f"a column named {name!r}"))
    for name in frame.columns:
        if re.fullmatch(r"\(column \d+\)", name):  # store's name for a column with values but no header
            problems.append(Problem(file, 1, name, "column has no name in the header but holds values", "",
                                    "a column name from the schema, or delete the column"))
            continue
        if name not in table.by_name and name not in allowed_extra:
            guess = process.extractOne(name, table.names, score_cutoff=75)
            hint = f"; did you mean {guess[0]!r}?" if guess else ""
            problems.append(Problem(file, 1, name, f"unknown column{hint}", name,
                                    "one of " + ", ".join(table.names)))
    return problems


def _rows(mask: pd.Series) -> list[int]:
    return [int(i) for i in mask[mask].index]


def check_incident_rows(frame: pd.DataFrame, file: str) -> list[Problem]:
    """Rules across the columns of one incident row, and across incident rows."""
    problems: list[Problem] = []
    get = lambda c: _stripped(frame[c]) if c in frame.columns else pd.Series("", index=frame.index)  # noqa: E731
    raw = lambda c: frame[c] if c in frame.columns else pd.Series("", index=frame.index)  # noqa: E731
    lat_s, lon_s = get("latitude"), get("longitude")
    lat, lon = _numbers(raw("latitude")), _numbers(raw("longitude"))
    for i in _rows((lat_s == "") ^ (lon_s == "")):
        col = "latitude" if lat_s[i] == "" else "longitude"
        problems.append(Problem(file, i + 2, col, "latitude and longitude must be given together",
                                found="", expected="both or neither"))
    ok = lat.between(-90, 90) & lon.between(-180, 180)
    outside = ok & ~(lat.between(*S.REGION_LAT) & lon.between(*S.REGION_LON))
    for i in _rows(outside):
        swapped = S.in_region(lon[i], lat[i])
        msg = ("point is outside the region; latitude and longitude look swapped" if swapped
               else "point is far outside the region covered (Central Asia and Afghanistan)")
        expected = (f"latitude {lon[i]}, longitude {lat[i]}" if swapped
                    else f"latitude {S.REGION_LAT[0]}–{S.REGION_LAT[1]}, longitude {S.REGION_LON[0]}–{S.REGION_LON[1]}")
        problems.append(Problem(file, i + 2, "latitude", msg, f"{lat_s[i]}, {lon_s[i]}", expected))
    start, end = _parsed_dates(raw("event_date")), _parsed_dates(raw("end_date"))
    for i in _rows(end < start):
        problems.append(Problem(file, i + 2, "end_date", "end_date is before event_date",
                                get("end_date")[i], f"{get('event_date')[i]} or later"))
    ids = get("incident_id")
    dup = _duplicated(ids) & (ids != "")
    first_row = {}
    if dup.any():
        repeated = ids[_isin(ids, list(set(ids[dup])))]
        first_row = {v: int(i) + 2 for i, v in repeated[~repeated.duplicated(keep="first")].items()}
    for i in _rows(dup):
        problems.append(Problem(file, i + 2, "incident_id", f"duplicate id; first used on row {first_row[ids[i]]}",
                                ids[i], "a unique id"))
    return problems


def check_ledger(incidents: pd.DataFrame, sources: pd.DataFrame, inc_file: str, src_file: str) -> list[Problem]:
    """Rules between the two tables: unknown ids, unsourced incidents, best estimate within the claims."""
    problems: list[Problem] = []
    ids = _stripped(incidents["incident_id"]) if "incident_id" in incidents else pd.Series(dtype=str)
    refs = _stripped(sources["incident_id"]) if "incident_id" in sources else pd.Series(dtype=str)
    known: list[str] | None = None
    hinted: dict[str, str] = {}
    for i in _rows(~_isin(refs, ids) & (refs != "")):
        if known is None:
            known = list(ids[ids != ""].unique())
        if refs[i] not in hinted and len(hinted) < MAX_ID_HINTS:
            guess = process.extractOne(refs[i], known, score_cutoff=80) if known else None
            hinted[refs[i]] = f"; did you mean {guess[0]!r}?" if guess else ""
        hint = hinted.get(refs[i], "")
        problems.append(Problem(src_file, i + 2, "incident_id", f"ledger row points at an unknown incident{hint}",
                                refs[i], f"an incident_id from {inc_file}"))
    for i in _rows(~_isin(ids, refs) & (ids != "")):
        problems.append(Problem(inc_file, i + 2, "incident_id", "incident has no source in the ledger",
                                ids[i], f"at least one row in {src_file}"))
    if "url" in sources:
        urls = _stripped(sources["url"])
        if refs.str.contains("\x1f", regex=False).any() or urls.str.contains("\x1f", regex=False).any():
            repeated = (refs + "\x1f" + urls).duplicated()  # the joined key's exact meaning, kept for this case
        else:
            repeated = _duplicated(refs, urls)
        for i in _rows(repeated & (refs != "")):
            problems.append(Problem(src_file, i + 2, "url", "the same source is listed twice for this incident",
                                    sources["url"][i], "one ledger row per source and incident"))
    if "killed" in incidents and "claim_killed" in sources:
        claims = pd.DataFrame({"incident_id": refs, "k": _counts(sources["claim_killed"])}).dropna()
        span = claims.groupby("incident_id")["k"].agg(["min", "max"])
        killed = _counts(incidents["killed"])
        lo, hi = ids.map(span["min"]), ids.map(span["max"])
        for i in _rows((killed < lo) | (killed > hi)):
            problems.append(Problem(inc_file, i + 2, "killed",
                                    "best estimate lies outside the range the sources claim (killed_low..killed_high)",
                                    incidents["killed"][i], f"between {int(lo[i])} and {int(hi[i])}"))
    return problems


def _counts(s: pd.Series) -> pd.Series:
    return _per_value(lambda v: pd.to_numeric(v.where(v.str.strip().str.fullmatch(_ASCII_COUNT), None),
                                              errors="coerce"), s)


def _duplicated(*columns: pd.Series) -> pd.Series:
    """Rows whose tuple of values appeared on an earlier row (keep='first'), on integer codes.

    Same as joining the columns with a separator and calling duplicated(), without building the strings."""
    for c in columns:  # a column without repeats has no repeated tuples (the usual case)
        data = _arrow(c)
        if data is not None and pc.count_distinct(data, mode="all").as_py() == len(c):
            return pd.Series(np.zeros(len(c), dtype=bool), index=columns[0].index)
    key = np.zeros(len(columns[0]), dtype=np.int64)
    for c in columns:
        codes, uniques = pd.factorize(c.array)
        key = key * (len(uniques) + 1) + (codes + 1)
        key = pd.factorize(key)[0].astype(np.int64)  # keep the combined key small
    return pd.Series(pd.Series(key).duplicated(keep="first").to_numpy(), index=columns[0].index)


def check_geography(frame: pd.DataFrame, file: str) -> list[Problem]:
    """Warnings where the point disagrees with the stated country or province (needs the bundled geography)."""
    from .geo import Geography

    lat, lon = _numbers(frame.get("latitude", pd.Series("", index=frame.index))), _numbers(
        frame.get("longitude", pd.Series("", index=frame.index)))
    located = lat.notna() & lon.notna() & lat.between(*S.REGION_LAT) & lon.between(*S.REGION_LON)
    if not located.any():
        return []
    geo = Geography.load()
    where = pd.Series(geo.country_at(lat[located].to_numpy(), lon[located].to_numpy()), index=lat[located].index)
    stated = frame["country"].str.strip()[located] if "country" in frame else None
    problems = []
    if stated is not None:
        for i in _rows((where != "") & (stated != "") & (where != stated) & stated.isin(S.COUNTRY_CODES)):
            problems.append(Problem(file, i + 2, "country", f"the point lies in {where[i]}, not in the stated country",
                                    stated[i], where[i], severity="warning"))
    return problems


def check_dataset(incidents: pd.DataFrame | None, sources: pd.DataFrame | None,
                  inc_file: str = "incidents.csv", src_file: str = "sources.csv") -> list[Problem]:
    """Every rule on a pair of raw tables. Problems are sorted by file, row and column."""
    with _memo_scope():
        return _check_dataset(incidents, sources, inc_file, src_file)


def _check_dataset(incidents: pd.DataFrame | None, sources: pd.DataFrame | None,
                   inc_file: str, src_file: str) -> list[Problem]:
    problems: list[Problem] = []
    if incidents is not None:
        problems += check_header(incidents, S.INCIDENTS, inc_file)
        problems += check_columns(incidents, S.INCIDENTS, inc_file)
        problems += check_incident_rows(incidents, inc_file)
        problems += check_geography(incidents, inc_file)
    if sources is not None:
        problems += check_header(sources, S.SOURCES, src_file)
        problems += check_columns(sources, S.SOURCES, src_file)
    if incidents is not None and sources is not None and "incident_id" in incidents and "incident_id" in sources:
        problems += check_ledger(incidents, sources, inc_file, src_file)
    return sort_problems(problems)


def sort_problems(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.file, p.row if p.row is not None else -1, p.column or "", p.message))


def bad_rows(problems: list[Problem], file: str) -> set[int]:
    """Record positions (index values) of rows in `file` with at least one error."""
    return {p.row - 2 for p in problems if p.is_error and p.file == file and p.row is not None and p.row >= 2}
