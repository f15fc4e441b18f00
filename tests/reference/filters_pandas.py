"""The pandas filters the dashboard used before the query layer, kept only as the reference the SQL path is
proven against (tests/view/test_sql_equivalence.py). Not used by the package."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd

from incidents import periods
from incidents.text import fold
from incidents.vector import isin
from incidents.view.filters import FilterState
from incidents.view.params import NO_BORDER, UNKNOWN_GEO
from incidents.view.search import INCIDENT_TEXT_COLUMNS, SOURCE_TEXT_COLUMNS, _joined  # what is searched is shared


def haystack(df: pd.DataFrame, sources: pd.DataFrame | None = None) -> pd.Series:
    """Per incident, the folded text the free-text search looks in: its own text fields plus every
    ledger row's outlet, address, place, quote and note."""
    parts = _joined(df, INCIDENT_TEXT_COLUMNS)
    if sources is not None and len(sources):
        ledger = _joined(sources, SOURCE_TEXT_COLUMNS).groupby(sources["incident_id"]).agg(" ".join)
        parts = parts + " " + df["incident_id"].map(ledger).fillna("")
    return parts.map(fold)


def search_terms(text: str) -> list[str]:
    """Words to find (all must match); "double quotes" keep a phrase together."""
    terms = re.findall(r'"([^"]+)"|(\S+)', text or "")
    return [fold(a or b) for a, b in terms if (a or b).strip()]


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
            start, end = periods.windows(df)
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
    if state.sub_event_types:
        keep &= isin(df["sub_event_type"], state.sub_event_types)
    if state.geo_precisions:
        hit = isin(df["geo_precision"], state.geo_precisions)
        keep &= (hit | (df["geo_precision"] == "")) if UNKNOWN_GEO in state.geo_precisions else hit
    if state.bbox:  # the map's area: incidents without coordinates are outside any box
        x0, y0, x1, y1 = state.bbox
        lon, lat = df["longitude"], df["latitude"]
        keep &= (lon >= x0).fillna(False) & (lon <= x1).fillna(False) & (lat >= y0).fillna(False) \
            & (lat <= y1).fillna(False)
    terms = search_terms(state.text)
    if terms:
        hay = haystack(df[keep], sources)
        hit = pd.Series(True, index=hay.index)
        for t in terms:
            hit &= hay.str.contains(t, regex=False)
        keep &= hit.reindex(df.index, fill_value=False)
    return df if keep.all() else df[keep]  # no copy when nothing is filtered out (frames are read-only)
