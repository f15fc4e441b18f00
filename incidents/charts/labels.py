"""How incidents read in charts, hovers, tables and briefs: dates, places, killed, border names."""

# Every piece of data text that goes into plotly's HTML-like labels passes through `text.html` first;
# our own tags (<br>, <b>) are added after escaping.

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..text import html
from ..view.filters import NO_BORDER
from . import palette as P

HOVER_SUMMARY_LIMIT = 300  # above this many incidents the hover leaves out the summary (the table has it)
NO_BORDER_LABEL = "no border"


def wrap(text: str, width: int = 60, max_lines: int = 5) -> str:
    """Escape then wrap with <br> (our own tags are added after escaping)."""
    return wraps(pd.Series([str(text)], dtype=object), width, max_lines).iloc[0]


def wraps(texts: pd.Series, width: int = 60, max_lines: int = 5) -> pd.Series:
    """`wrap` for a whole column at once: text broken about every `width` visible characters, each line
    escaped on its own (so an entity is never split) and joined with <br>."""
    flat = texts.astype(str).str.replace(r"\s+", " ", regex=True)
    broken = flat.str.replace(rf"(.{{1,{width}}})(?:\s+|$)", "\\1\n", regex=True).str.rstrip()
    lines = broken.str.split("\n")
    cut = lines.str.len() > max_lines
    joined = lines.str.slice(0, max_lines).map(lambda parts: "<br>".join(html(x) for x in parts))
    return joined.where(~cut, joined + " …")


def border_label(pair: str) -> str:
    return NO_BORDER_LABEL if pair in ("", NO_BORDER) else str(pair).replace("-", "–")


def marker_size(killed: pd.Series) -> np.ndarray:
    """Marker diameter in px: grows with the square root of killed (area ~ killed); unknown = smallest."""
    k = pd.to_numeric(killed, errors="coerce").astype("float64").fillna(0).clip(lower=0).to_numpy()
    return np.minimum(8 + 3.5 * np.sqrt(k), 36)


def _int(v) -> str:
    return "" if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) else str(int(v))


def _text(s: pd.Series) -> pd.Series:
    """A column as plain strings ('' for missing)."""
    return s.astype(object).where(s.notna(), "").astype(str)


def _ints(s: pd.Series) -> pd.Series:
    """Whole numbers as text, '' when unknown."""
    return s.astype("Int64").astype("str").fillna("").astype(object)


def date_texts(df: pd.DataFrame) -> pd.Series:
    """How each incident's date reads: a day, a day range, or the week/month/year it is known to."""
    d, e, prec = df["event_date"], df["end_date"], df["date_precision"]
    day = d.dt.strftime("%Y-%m-%d").astype(object)
    out = day.where(~(e.notna() & (e != d)), day + " – " + e.dt.strftime("%Y-%m-%d").astype(object))
    out = out.where(prec != "week", "week of " + day + " (known to the week)")
    out = out.where(prec != "month", d.dt.strftime("%B %Y").astype(object) + " (known to the month)")
    out = out.where(prec != "year", d.dt.strftime("%Y").astype(object) + " (known to the year)")
    return out.where(d.notna(), "date unknown").astype(str)


def place_texts(df: pd.DataFrame) -> pd.Series:
    """The named place from most to least precise (repeats dropped), with its precision."""
    parts = [_text(df[c]).str.strip() for c in ("location", "admin2", "admin1", "country")]
    out = parts[0]
    seen = [parts[0]]
    for p in parts[1:]:
        new = (p != "") & ~pd.concat([q == p for q in seen], axis=1).any(axis=1)
        out = out.where(~new, (out + ", ").where(out != "", "") + p)
        seen.append(p)
    prec = _text(df["geo_precision"]).replace("", "unknown")
    return out.replace("", "no place given") + " (place precision: " + prec + ")"


def killed_texts(df: pd.DataFrame) -> pd.Series:
    """Best estimate with the sources' range when it differs: '5 (sources: 3–5)'."""
    best, lo, hi = _ints(df["killed"]), _ints(df["killed_low"]), _ints(df["killed_high"])
    text = best.where(best != "", "?")
    show = (lo != "") & (hi != "") & ((lo != hi) | (lo != best))
    rng = (" (sources: " + lo + "–" + hi + ")").where(lo != hi, " (sources: " + lo + ")")
    text = text.where(~show, text + rng)
    return text.where((best != "") | (lo != ""), "no figure")


def _one(texts, row) -> str:
    """A per-incident text for a single row (detail views), from the same vectorised function."""
    return texts(pd.DataFrame([row]).reset_index(drop=True)).iloc[0]


def date_text(row) -> str:
    return _one(date_texts, row)


def place_text(row) -> str:
    return _one(place_texts, row)


def killed_text(row) -> str:
    return _one(killed_texts, row)


def hover_text(df: pd.DataFrame, width: int = 60) -> pd.Series:
    """One hover label per incident: date, place, type, killed, summary wrapped at `width` characters
    (all data text escaped)."""
    if df.empty:
        return pd.Series([], dtype=str, index=df.index)
    e = lambda s: _text(s).map(html)  # noqa: E731 - every piece of data text is escaped
    sub = _text(df["sub_event_type"]).str.strip()
    injured = _ints(df["injured"]).replace("0", "")
    disputed = df["disputed"].fillna(False).astype(bool) if "disputed" in df else pd.Series(False, index=df.index)
    return ("<b>" + e(date_texts(df)) + "</b><br>" + wraps(place_texts(df), width, 4)
            + "<br>type: " + e(_text(df["event_type"]).map(P.label)) + (" — " + e(sub)).where(sub != "", "")
            + "<br>killed: " + e(killed_texts(df)) + (" · injured: " + injured).where(injured != "", "")
            + ("<br>" + wraps(_text(df["summary"]), width) if len(df) <= HOVER_SUMMARY_LIMIT else "")
            + "<br><i>" + e(_text(df["incident_id"])) + " · " + e(_text(df["origin"]))
            + np.where(disputed, " · sources disagree", "") + "</i>").astype(str)


