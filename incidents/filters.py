"""Filter state for the dashboard: what an analyst chose, how it is applied, and how it travels in a URL.

Pure functions only (no streamlit): the dashboard turns widgets into a `FilterState`, calls
`apply`, and mirrors the state into the page's query parameters with `to_query`/`from_query`
so a view can be shared as a link and reopens identically.

Conventions:
* an empty tuple means "no restriction" for every multi-choice filter;
* the border filter starts on the Tajik–Afghan border (`DEFAULT_BORDERS`); an explicit
  `border=all` in the URL means every border;
* date presets are rolling windows that end *today* (the day the page is viewed), so a shared
  "last 90 days" link stays a last-90-days link; a custom range is stored as fixed dates;
* an incident matches a date range when its date interval overlaps it: a month-precision
  event dated 2026-01-01 covers all of January (see `date_interval`).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass, field, replace
from datetime import date, timedelta
from typing import Iterable, Mapping

import pandas as pd

from .schema import DATE_PRECISIONS, EVENT_TYPES, GEO_PRECISIONS, ORIGINS

PRESETS = {"all": None, "30": 30, "90": 90, "365": 365, "custom": None}
PRESET_LABELS = {"all": "All", "30": "30 d", "90": "90 d", "365": "365 d", "custom": "Custom"}
FOCUS_BORDER = "AFG-TJK"
DEFAULT_BORDERS = (FOCUS_BORDER,)
NO_BORDER = "none"  # incidents not on (or not assigned to) any border
UNKNOWN_GEO = "unknown"  # blank geo_precision
LANES = ("type", "border")
AGGS = ("week", "month")

# URL parameter names (kept short: links get pasted into chats and reports).
Q_PRESET, Q_FROM, Q_TO = "preset", "from", "to"
Q_MULTI = {  # FilterState field -> query parameter
    "borders": "border",
    "countries": "country",
    "provinces": "province",
    "event_types": "type",
    "actors": "actor",
    "origins": "origin",
    "date_precisions": "dprec",
    "geo_precisions": "gprec",
}
Q_MIN_KILLED, Q_TEXT, Q_LANES, Q_AGG, Q_INCIDENT = "min_killed", "q", "lanes", "agg", "incident"
ALL = "all"
QUERY_KEYS = (Q_PRESET, Q_FROM, Q_TO, *Q_MULTI.values(), Q_MIN_KILLED, Q_TEXT, Q_LANES, Q_AGG, Q_INCIDENT)


@dataclass(frozen=True)
class FilterState:
    """Everything that decides what the dashboard shows. Defaults = the view a new visitor gets."""

    preset: str = "all"
    start: date | None = None  # used when preset == "custom"
    end: date | None = None
    borders: tuple[str, ...] = DEFAULT_BORDERS
    countries: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()
    event_types: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    min_killed: int = 0
    origins: tuple[str, ...] = ()
    date_precisions: tuple[str, ...] = ()
    geo_precisions: tuple[str, ...] = ()
    text: str = ""
    # view settings (not filters, but part of a shared view)
    lanes: str = "type"
    agg: str = "month"
    incident: str = ""  # the incident whose detail is open
    warnings: tuple[str, ...] = field(default=(), compare=False)

    def date_range(self, today: date) -> tuple[date | None, date | None]:
        """The resolved (start, end) of the date filter; (None, None) means all dates."""
        days = PRESETS.get(self.preset)
        if days:
            return today - timedelta(days=days - 1), today
        if self.preset == "custom":
            return self.start, self.end
        return None, None

    def key(self) -> str:
        """Short stable hash of the filters (not the view settings): changes whenever the shown set may."""
        d = asdict(self)
        for k in ("lanes", "agg", "incident", "warnings"):
            d.pop(k)
        return hashlib.sha1(repr(sorted(d.items())).encode()).hexdigest()[:10]


# --- options ----------------------------------------------------------------------------------

def _distinct(*columns: pd.Series) -> list[str]:
    """The distinct non-blank values of some text columns (hash-based: fast at a million rows)."""
    values = pd.unique(pd.concat([c.astype(str) for c in columns], ignore_index=True)) if columns else []
    return [v for v in values if isinstance(v, str) and v.strip()]


def options(df: pd.DataFrame) -> dict[str, list[str]]:
    """The choices each filter offers, from the data (enums in schema order, the rest sorted)."""
    borders = sorted(_distinct(df["border"]))
    # The focus border is always offered (and first): it is the default choice even in data without it.
    borders = [FOCUS_BORDER] + [b for b in borders if b != FOCUS_BORDER]
    if (df["border"].astype(str) == "").any():
        borders.append(NO_BORDER)
    present_geo = set(_distinct(df["geo_precision"]))
    geo = [g for g in GEO_PRECISIONS if g in present_geo]
    if (df["geo_precision"].astype(str) == "").any():
        geo.append(UNKNOWN_GEO)
    return {
        "borders": borders,
        "countries": sorted(_distinct(df["country"])),
        "provinces": sorted(_distinct(df["admin1"]), key=str.casefold),
        "event_types": list(EVENT_TYPES),
        "actors": sorted(_distinct(df["actor1"], df["actor2"]), key=str.casefold),
        "origins": list(ORIGINS),
        "date_precisions": list(DATE_PRECISIONS),
        "geo_precisions": geo or list(GEO_PRECISIONS),
    }


def provinces_for(df: pd.DataFrame, countries: Iterable[str]) -> list[str]:
    """Province choices, narrowed to the chosen countries (all when none is chosen)."""
    countries = list(countries)
    sub = df if not countries else df[df["country"].isin(countries)]
    return sorted(_distinct(sub["admin1"]), key=str.casefold)


# --- applying ---------------------------------------------------------------------------------

def date_interval(df: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """(first day, last day) each incident may have happened on, from its dates and date precision.

    day: event_date .. end_date (or the same day); week: the 7 days from event_date;
    month: to the end of that month; year: to 31 December. An explicit later end_date wins.
    """
    start = df["event_date"]
    prec = df["date_precision"]
    implied = start.copy()
    # Calendar offsets are slow per element, so they are applied only to the (few) coarse rows.
    for value, shift in (("week", pd.Timedelta(days=6)), ("month", pd.offsets.MonthEnd(0)),
                         ("year", pd.offsets.YearEnd(0))):
        m = (prec == value).to_numpy()
        if m.any():
            implied[m] = start[m] + shift
    end = df["end_date"].where(df["end_date"].notna() & (df["end_date"] > implied), implied)
    return start, end


def fold(text: str) -> str:
    """Case- and accent-insensitive form for search ('Khŭjand' matches 'khujand')."""
    text = unicodedata.normalize("NFKD", str(text)).casefold()
    return "".join(ch for ch in text if not unicodedata.combining(ch))


INCIDENT_TEXT_COLUMNS = ("incident_id", "summary", "location", "admin1", "admin2", "sub_event_type",
                         "actor1", "actor2", "tags")
SOURCE_TEXT_COLUMNS = ("source_name", "url", "claim_location", "quote", "note")


def haystack(df: pd.DataFrame, sources: pd.DataFrame | None = None) -> pd.Series:
    """Per incident, the folded text the free-text search looks in: its own text fields plus every
    ledger row's outlet, address, place, quote and note."""
    parts = _joined(df, INCIDENT_TEXT_COLUMNS)
    if sources is not None and len(sources):
        ledger = _joined(sources, SOURCE_TEXT_COLUMNS).groupby(sources["incident_id"]).agg(" ".join)
        parts = parts + " " + df["incident_id"].map(ledger).fillna("")
    return parts.map(fold)


def _joined(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.Series:
    """The columns' text joined with spaces, row by row (vectorised; a Series even when empty)."""
    out = pd.Series("", index=frame.index, dtype=object)
    for col in columns:
        out = out + " " + frame[col].astype(str)
    return out


def search_terms(text: str) -> list[str]:
    """Words to find (all must match); "double quotes" keep a phrase together."""
    terms = re.findall(r'"([^"]+)"|(\S+)', text or "")
    return [fold(a or b) for a, b in terms if (a or b).strip()]


def isin(s: pd.Series, values) -> pd.Series:
    """`s.isin(values)`, but through Arrow for Arrow-backed text (pandas loops in Python there)."""
    if isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow":
        import pyarrow as pa
        import pyarrow.compute as pc

        mask = pc.is_in(pa.array(s.array), value_set=pa.array([str(v) for v in values], pa.string()))
        return pd.Series(mask.to_numpy(zero_copy_only=False), index=s.index).fillna(False).astype(bool)
    return s.isin(values)


def apply(df: pd.DataFrame, state: FilterState, today: date, sources: pd.DataFrame | None = None,
          ignore_dates: bool = False) -> pd.DataFrame:
    """The incidents matching every filter, in the input order.

    `sources` is the ledger (searched by the free-text filter). With `ignore_dates` the date
    filter is skipped (used to compare with the previous period).
    """
    keep = pd.Series(True, index=df.index)
    if not ignore_dates:
        lo, hi = state.date_range(today)
        if lo is not None or hi is not None:
            start, end = date_interval(df)
            if lo is not None:
                keep &= end >= pd.Timestamp(lo)
            if hi is not None:
                keep &= start <= pd.Timestamp(hi)
    if state.borders:
        hit = isin(df["border"], state.borders)
        keep &= (hit | (df["border"] == "")) if NO_BORDER in state.borders else hit
    if state.countries:
        keep &= isin(df["country"], state.countries)
    if state.provinces:
        keep &= isin(df["admin1"], state.provinces)
    if state.event_types:
        keep &= isin(df["event_type"], state.event_types)
    if state.actors:
        keep &= isin(df["actor1"], state.actors) | isin(df["actor2"], state.actors)
    if state.min_killed > 0:
        keep &= (df["killed"].fillna(-1) >= state.min_killed).astype(bool)
    if state.origins:
        keep &= isin(df["origin"], state.origins)
    if state.date_precisions:
        keep &= isin(df["date_precision"], state.date_precisions)
    if state.geo_precisions:
        hit = isin(df["geo_precision"], state.geo_precisions)
        keep &= (hit | (df["geo_precision"] == "")) if UNKNOWN_GEO in state.geo_precisions else hit
    terms = search_terms(state.text)
    if terms:
        hay = haystack(df[keep], sources)
        hit = pd.Series(True, index=hay.index)
        for t in terms:
            hit &= hay.str.contains(t, regex=False)
        keep &= hit.reindex(df.index, fill_value=False)
    return df if keep.all() else df[keep]  # no copy when nothing is filtered out (frames are read-only)


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period of equal length just before [start, end] (both inclusive)."""
    days = (end - start).days + 1
    return start - timedelta(days=days), start - timedelta(days=1)


# --- URL query parameters --------------------------------------------------------------------

def to_query(state: FilterState) -> dict[str, str | list[str]]:
    """Query parameters for a state; parameters at their default are left out (short links)."""
    d = FilterState()
    q: dict[str, str | list[str]] = {}
    if state.preset != d.preset:
        q[Q_PRESET] = state.preset
    if state.preset == "custom":
        if state.start:
            q[Q_FROM] = state.start.isoformat()
        if state.end:
            q[Q_TO] = state.end.isoformat()
    for attr, key in Q_MULTI.items():
        value = tuple(getattr(state, attr))
        if value != getattr(d, attr):
            q[key] = list(value) if value else [ALL]
    if state.min_killed != d.min_killed:
        q[Q_MIN_KILLED] = str(int(state.min_killed))
    if state.text.strip():
        q[Q_TEXT] = state.text.strip()
    if state.lanes != d.lanes:
        q[Q_LANES] = state.lanes
    if state.agg != d.agg:
        q[Q_AGG] = state.agg
    if state.incident:
        q[Q_INCIDENT] = state.incident
    return q


def _values(params: Mapping, key: str) -> list[str]:
    """All values of a parameter, from a plain dict, a dict of lists or st.query_params."""
    if hasattr(params, "get_all"):
        return [str(v) for v in params.get_all(key)]
    v = params.get(key)
    if v is None:
        return []
    return [str(x) for x in v] if isinstance(v, (list, tuple)) else [str(v)]


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        return None


def from_query(params: Mapping, opts: dict[str, list[str]] | None = None) -> FilterState:
    """Rebuild a state from query parameters. Unknown or invalid values are dropped, never fatal;
    each drop is described in `state.warnings` so the page can say what it ignored."""
    d = FilterState()
    warn: list[str] = []
    kw: dict = {}
    preset = (_values(params, Q_PRESET) or [d.preset])[0]
    start, end = _date((_values(params, Q_FROM) or [""])[0]), _date((_values(params, Q_TO) or [""])[0])
    if preset not in PRESETS:
        warn.append(f"unknown date preset {preset!r}")
        preset = d.preset
    if (start or end) and preset != "custom":
        preset = "custom"
    if start and end and start > end:
        start, end = end, start
    kw.update(preset=preset, start=start, end=end)
    allowed_enums = {"event_types": EVENT_TYPES, "origins": ORIGINS, "date_precisions": DATE_PRECISIONS,
                     "geo_precisions": (*GEO_PRECISIONS, UNKNOWN_GEO)}
    for attr, key in Q_MULTI.items():
        raw = _values(params, key)
        if not raw:
            continue
        if raw == [ALL]:
            kw[attr] = ()
            continue
        allowed = (opts or {}).get(attr) or allowed_enums.get(attr)
        good = []
        for v in raw:
            if allowed is not None and v not in allowed:
                warn.append(f"{key}={v!r} matches nothing in the data and was ignored")
            elif v not in good:
                good.append(v)
        kw[attr] = tuple(good)
    mk = (_values(params, Q_MIN_KILLED) or [""])[0]
    if mk:
        if mk.isdigit():
            kw["min_killed"] = int(mk)
        else:
            warn.append(f"min_killed={mk!r} is not a whole number")
    kw["text"] = (_values(params, Q_TEXT) or [""])[0][:200]
    lanes = (_values(params, Q_LANES) or [d.lanes])[0]
    kw["lanes"] = lanes if lanes in LANES else d.lanes
    agg = (_values(params, Q_AGG) or [d.agg])[0]
    kw["agg"] = agg if agg in AGGS else d.agg
    kw["incident"] = (_values(params, Q_INCIDENT) or [""])[0]
    return replace(d, **kw, warnings=tuple(warn))


def query_equal(a: Mapping, b: Mapping) -> bool:
    """Whether two sets of query parameters encode the same thing (order of keys ignored)."""
    keys = set(a) | set(b)
    return all(_values(a, k) == _values(b, k) for k in keys)
