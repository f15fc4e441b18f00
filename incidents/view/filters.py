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
* an incident matches a date range when its date window overlaps it: a month-precision
  event dated 2026-01-01 covers all of January (the one rule in `incidents.periods`).
The URL form of a state (to_query/from_query) lives in `query.py`.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Iterable

import numpy as np
import pandas as pd

from .. import periods
from ..schema import DATE_PRECISIONS, EVENT_TYPES, GEO_PRECISIONS, ORIGINS
from . import sql
from .index import index_for
from .search import INCIDENT_TEXT_COLUMNS, SOURCE_TEXT_COLUMNS, haystack, search_terms  # noqa: F401
from .params import (AGGS, ALL, DEFAULT_BORDERS, DEFAULT_PRESET, FOCUS_BORDER, LANES, NO_BORDER,  # noqa: F401
                     PRESET_LABELS, PRESETS, Q_AGG, Q_CANDIDATES, Q_FROM, Q_INCIDENT, Q_LANES, Q_MIN_KILLED, Q_MULTI,
                     Q_PRESET, Q_SHADE, Q_TEXT, Q_TO, QUERY_KEYS, SHADES, UNKNOWN_GEO)


@dataclass(frozen=True)
class FilterState:
    """Everything that decides what the dashboard shows. Defaults = the view a new visitor gets."""

    preset: str = DEFAULT_PRESET
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
    sub_event_types: tuple[str, ...] = ()
    text: str = ""
    candidates: bool = False  # also draw unreviewed machine-extracted candidates (never in any total)
    # view settings (not filters, but part of a shared view)
    lanes: str = "type"
    agg: str = "month"
    incident: str = ""  # the incident whose detail is open
    selected: tuple[str, ...] = ()  # incidents selected on a chart or in the table: highlighted, table limited
    shade: str = "none"  # provinces on the map shaded by: none, incidents, killed
    bbox: tuple[float, ...] = ()  # (minlon, minlat, maxlon, maxlat): only incidents inside; () = off
    at: str = ""  # the time slider's period code (periods.parse_period); "" = no period picked
    trail: bool = True  # with a period picked, the earlier incidents of the range are drawn faintly
    warnings: tuple[str, ...] = field(default=(), compare=False)

    def date_range(self, today: date) -> tuple[date | None, date | None]:
        """The resolved (start, end) of the date filter; (None, None) means all dates."""
        days = PRESETS.get(self.preset)
        if days:
            return periods.rolling(days, today)
        if self.preset == "custom":
            return self.start, self.end
        return None, None

    def focus_border(self) -> str:
        """The border the map draws thick: the one border chosen, else the Tajik–Afghan border."""
        return self.borders[0] if len(self.borders) == 1 and self.borders[0] != NO_BORDER else FOCUS_BORDER

    def key(self) -> str:
        """Short stable hash of the filters (not the view settings): changes whenever the shown set may."""
        d = asdict(self)
        for k in ("lanes", "agg", "incident", "selected", "shade", "at", "trail", "warnings"):
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
        "sub_event_types": sorted(_distinct(df["sub_event_type"]), key=str.casefold),
    }


def provinces_for(df: pd.DataFrame, countries: Iterable[str]) -> list[str]:
    """Province choices, narrowed to the chosen countries (all when none is chosen)."""
    countries = list(countries)
    sub = df if not countries else df[df["country"].isin(countries)]
    return sorted(_distinct(sub["admin1"]), key=str.casefold)


# --- applying ---------------------------------------------------------------------------------


def apply(df: pd.DataFrame, state: FilterState, today: date, sources: pd.DataFrame | None = None,
          ignore_dates: bool = False) -> pd.DataFrame:
    """The incidents matching every filter, in the input order.

    The filters are one parameterised SQL condition (`view/sql.py`) run on the frame's index
    (`view/index.py`, DuckDB in process). `sources` is the ledger (searched by the free-text filter).
    With `ignore_dates` the date filter is skipped (used to compare with the previous period).
    """
    return take(df, matching_rows(df, state, today, sources, ignore_dates))


def matching_rows(df: pd.DataFrame, state: FilterState, today: date, sources: pd.DataFrame | None = None,
                  ignore_dates: bool = False, extra: str = "") -> np.ndarray:
    """Positions (ascending) of the rows of `df` matching every filter (and the SQL condition `extra`)."""
    if not len(df):
        return np.zeros(0, dtype=np.int64)
    condition, params = sql.where(state, today, ignore_dates)
    if extra:
        condition = f"{condition} AND {extra}"
    return index_for(df, sources).column(sql.positions(condition), params)


def take(df: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """The rows at `rows`, in order; the frame itself when that is every row (frames are read-only)."""
    return df if len(rows) == len(df) else df.iloc[rows]
