"""Single-column rules derived from the schema (run by pandera), the header check, and the hints that
say what a bad value should have been."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Callable

import numpy as np
import pandas as pd
import pandera.pandas as pa
from rapidfuzz import process

from .. import schema as S
from ..errors import Problem
from ..vector import isin
from .fast import (ASCII_COUNT, FORMULA_START_RE2, blank, contains, fullmatch_url, memo_scope, numbers,
                   parsed_dates, per_value, stripped)

MAX_CELL_CHARS = 10_000

# Invisible characters no cell should hold: C0/C1 controls (tab, line feed and carriage return are
# allowed in text) and the bidirectional embeddings/overrides/isolates that can make text display in
# an order other than the stored one ("Trojan source"). Right-to-left marks (U+200E/U+200F) are fine.
# Unicode noncharacters (U+FDD0-U+FDEF, U+FFFE, U+FFFF) are refused too: spreadsheets cannot store them.
CONTROL_CLASS = "[" + "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufdd0-\ufdef\ufffe\uffff" + "]"
_CONTROL_RE = re.compile(CONTROL_CLASS)
# A spreadsheet runs a cell starting with one of these as a formula (or a DDE command), also after blanks
# of any kind: loading strips every Unicode space (NBSP, U+2028, U+3000, ...), so the stored value would start
# with the sign.
BLANKS = "".join(map(chr, [*range(0x09, 0x0e), *range(0x1c, 0x21), 0x85, 0xa0, 0x1680, *range(0x2000, 0x200c),
                            0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff]))  # Unicode spaces, ZWSP, BOM
FORMULA_START = "^[" + re.escape(BLANKS) + r"]*[=+\-@\uff1d\uff0b\uff0d\uff20]"
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
    name = {"\x00": "NUL"}.get(ch) or unicodedata.name(ch, "") or (
        "Unicode noncharacter" if ch in "\ufffe\uffff" or "\ufdd0" <= ch <= "\ufdef" else "control character")
    return (f"cell contains an invisible control character (U+{ord(ch):04X} {name})",
            "visible text only; delete the character")


def _formula_hint(value: str) -> tuple[str, str]:
    first = value.lstrip(BLANKS)[:1]
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
    parts = stripped(s).str.split("-", n=1, expand=True).reindex(columns=[0, 1], fill_value="").fillna("")
    a, b = parts[0], parts[1]
    return (stripped(s).str.fullmatch(S.BORDER_PATTERN)
            & isin(a, S.COUNTRY_CODES) & isin(b, S.COUNTRY_CODES) & (a < b))


def _border_hint(value: str) -> tuple[str, str]:
    v = value.strip().upper()
    m = re.fullmatch(r"([A-Z]{3})\W+([A-Z]{3})", v)
    if m and m.group(1) > m.group(2):
        return "border codes must be in alphabetical order", f"{m.group(2)}-{m.group(1)}"
    return "not a border pair", "two ISO alpha-3 codes in alphabetical order joined by '-', e.g. AFG-TJK"


def rules_for(col: S.Column) -> list[Rule]:
    """The single-column rules a column's kind and constraints imply (empty cells pass here)."""
    nonblank = lambda ok: (lambda s: blank(s) | ok(s))  # noqa: E731 - rules only judge filled cells
    rules = [Rule("length", f"cell is longer than {MAX_CELL_CHARS:,} characters", f"at most {MAX_CELL_CHARS:,}",
                  lambda s: s.str.len() <= MAX_CELL_CHARS)]
    if col.required:
        rules.append(Rule("required", "required value is missing", "a value", lambda s: ~blank(s)))
    k = col.kind
    if k in (S.TEXT, S.URL):
        rules.append(Rule("control", "cell contains an invisible control character", "visible text only",
                          lambda s: ~contains(s, CONTROL_CLASS, CONTROL_CLASS), _control_hint))
    if k == S.TEXT:
        rules.append(Rule("formula", "text would run as a spreadsheet formula", "text not starting with =, +, -, @",
                          lambda s: ~contains(s, FORMULA_START, FORMULA_START_RE2), _formula_hint))
    if k == S.ID:
        rules.append(Rule("id_spaces", "id has spaces around it; write it without them (ids must match exactly)",
                          "the id without leading or trailing spaces", lambda s: s == stripped(s)))
        rules.append(Rule("id", "not a valid id", "letters, digits, '-', '_', '.', ':'; at most 100 characters",
                          nonblank(lambda s: stripped(s).str.fullmatch(S.ID_PATTERN)), _id_hint))
    elif k == S.DATE:
        today = pd.Timestamp(date.today())
        rules += [
            Rule("date", "not an ISO date", "YYYY-MM-DD",
                 nonblank(lambda s: stripped(s).str.fullmatch(_ISO_DATE) & parsed_dates(s).notna()), _date_hint),
            Rule("date_range", "date is before 1991", "1991-01-01 or later",
                 lambda s: ~(parsed_dates(s) < pd.Timestamp(S.EARLIEST_DATE))),
            Rule("date_future", "date is in the future", "today or earlier",
                 lambda s: ~(parsed_dates(s) > today)),
        ]
    elif k == S.INT:
        rules.append(Rule("count", "not a whole number", "a whole number >= 0",
                          nonblank(lambda s: stripped(s).str.fullmatch(ASCII_COUNT)), _count_hint))
    elif k == S.FLOAT:
        lo, hi = col.minimum, col.maximum
        rules.append(Rule("number", "not a number", "a decimal number",
                          nonblank(lambda s: np.isfinite(numbers(s)) & stripped(s).str.fullmatch(_ASCII_NUMBER)),
                          _number_hint))
        if lo is not None:
            rules.append(Rule("range", f"outside {lo} to {hi}", f"between {lo} and {hi}",
                              lambda s: ~(np.isfinite(numbers(s)) & ((numbers(s) < lo) | (numbers(s) > hi)))))
    elif k == S.ENUM:
        rules.append(Rule("enum", "unknown value", "one of " + ", ".join(col.allowed),
                          nonblank(lambda s: isin(stripped(s), col.allowed)), _enum_hint(col.allowed)))
    elif k == S.COUNTRY:
        rules.append(Rule("country", "unknown country code", "ISO 3166-1 alpha-3",
                          nonblank(lambda s: isin(stripped(s), S.COUNTRY_CODES)), _country_hint))
    elif k == S.BORDER:
        rules.append(Rule("border", "not a border pair", "e.g. AFG-TJK", nonblank(_border_ok), _border_hint))
    elif k == S.URL:
        rules.append(Rule("url", "not a web address", "an http:// or https:// URL without spaces, or an article file inside seeds/ or articles/ (e.g. seeds/<file>.txt)",
                          nonblank(lambda s: fullmatch_url(stripped(s)))))
    return rules


def _pandera_schema(table: S.Table, columns: list[str]) -> tuple[pa.DataFrameSchema, list[Rule]]:
    """A pandera schema for the raw string frame; each check's error text is its index in `rules`."""
    rules: list[Rule] = []
    spec = {}
    for name in columns:
        checks = []
        for rule in rules_for(table.by_name[name]):
            checks.append(pa.Check(partial(per_value, rule.ok), name=rule.name, error=str(len(rules))))
            rules.append(rule)
        spec[name] = pa.Column(str, checks=checks, nullable=True, required=False)
    return pa.DataFrameSchema(spec, strict=False), rules


def check_columns(frame: pd.DataFrame, table: S.Table, file: str) -> list[Problem]:
    """Run every single-column rule on a raw table; one Problem per failing cell and rule."""
    present = [c for c in table.names if c in frame.columns]
    schema, rules = _pandera_schema(table, present)
    try:
        with memo_scope():
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
