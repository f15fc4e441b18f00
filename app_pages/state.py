"""The overview page's widget state: which widget holds which filter, and how state moves between the
widgets, the session and the URL. Streamlit wiring only; what a state means is incidents.view."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import streamlit as st

from incidents.schema import EARLIEST_DATE
from incidents.view import query
from incidents.view.filters import FilterState

# Widget keys, one per FilterState field.
K = {
    "preset": "f_preset", "dates": "f_dates", "borders": "f_borders", "countries": "f_countries",
    "provinces": "f_provinces", "event_types": "f_types", "actors": "f_actors", "min_killed": "f_min_killed",
    "origins": "f_origins", "date_precisions": "f_dprec", "geo_precisions": "f_gprec", "text": "f_text",
    "lanes": "f_lanes", "agg": "f_agg", "incident": "f_incident", "candidates": "f_cand",
    "sub_event_types": "f_sub", "shade": "f_shade", "in_view": "f_in_view", "at": "f_at", "trail": "f_trail",
}
MULTI = ("borders", "countries", "provinces", "event_types", "actors", "origins", "date_precisions", "geo_precisions",
         "sub_event_types")
SELECTED = "_selected"  # incident ids selected on a chart or in a table (not a widget: set by chart events)
SAVED = "_filter_state"  # last FilterState, survives a visit to another page
EPOCH = "_selection_epoch"  # bumped to clear chart selections
CHART_KEYS = "_chart_keys"  # current widget keys of the charts and table (tests inject selections here)
URL_WARNINGS = "_url_warnings"
BBOX = "_bbox"  # the map area the 'only incidents in the map view' toggle applies (minlon, minlat, maxlon, maxlat)
MAP_FRAME = "_map_frame"  # the area the map showed last (the toggle starts from it)
PLAYING = "_playing"  # the time slider is playing


def preset_dates(preset: str, today: date, first: date, start=None, end=None) -> tuple[date, date]:
    """What the date widget shows for a preset (the resolved window, or the data's span for 'all')."""
    lo, hi = FilterState(preset=preset, start=start, end=end).date_range(today)
    lo, hi = lo or min(first, today), hi or today
    # the widget refuses values outside EARLIEST_DATE..today (a link may hold any date): show them clamped
    clamp = lambda d: min(max(d, EARLIEST_DATE), today)  # noqa: E731
    return clamp(lo), clamp(hi)


def seed(state: FilterState, today: date, first: date) -> None:
    """Put a state into the widgets (only before they are drawn, or from a callback)."""
    ss = st.session_state
    ss[K["preset"]] = state.preset
    ss[K["dates"]] = preset_dates(state.preset, today, first, state.start, state.end)
    for attr in MULTI:
        ss[K[attr]] = list(getattr(state, attr))
    ss[K["min_killed"]] = int(state.min_killed)
    ss[K["text"]] = state.text
    ss[K["candidates"]] = bool(state.candidates)
    ss[K["lanes"]] = state.lanes
    ss[K["agg"]] = state.agg
    ss[K["incident"]] = state.incident
    ss[K["shade"]] = state.shade
    ss[K["in_view"]] = bool(state.bbox)
    ss[BBOX] = tuple(state.bbox)
    ss[K["at"]] = state.at
    ss[K["trail"]] = bool(state.trail)
    ss[PLAYING] = False
    ss[SELECTED] = list(state.selected)
    ss[SAVED] = state


def current() -> FilterState:
    """The state the widgets hold now."""
    ss = st.session_state
    preset = ss.get(K["preset"]) or "all"
    saved: FilterState = ss.get(SAVED, FilterState())
    start, end = saved.start, saved.end
    dates = ss.get(K["dates"]) or ()
    if preset == "custom" and len(dates) == 2:
        start, end = dates
    return FilterState(
        preset=preset, start=start if preset == "custom" else None, end=end if preset == "custom" else None,
        **{a: tuple(ss.get(K[a]) or ()) for a in MULTI},
        min_killed=int(ss.get(K["min_killed"]) or 0), text=(ss.get(K["text"]) or "").strip(),
        candidates=bool(ss.get(K["candidates"])),
        lanes=ss.get(K["lanes"]) or "type", agg=ss.get(K["agg"]) or "month", incident=ss.get(K["incident"]) or "",
        selected=tuple(ss.get(SELECTED) or ()), shade=ss.get(K["shade"]) or "none",
        bbox=tuple(ss.get(BBOX) or ()) if ss.get(K["in_view"]) else (), at=ss.get(K["at"]) or "",
        trail=bool(ss.get(K["trail"], True)),
    )


def start(opts: dict, known_ids: set[str], today: date, first: date) -> None:
    """On a fresh session, take the state from the URL (else the last one, else the defaults)."""
    ss = st.session_state
    if K["preset"] in ss:
        return
    from_url = query.from_query(st.query_params, opts) if len(st.query_params) else None
    initial = from_url or ss.get(SAVED) or FilterState()
    if initial.incident and initial.incident not in known_ids:
        initial = replace(initial, incident="",
                          warnings=initial.warnings + (f"incident {initial.incident!r} is not in the data",))
    unknown = [i for i in initial.selected if i not in known_ids]
    if unknown:
        initial = replace(initial, selected=tuple(i for i in initial.selected if i in known_ids),
                          warnings=initial.warnings + (f"selected {', '.join(map(repr, unknown))}: not in the data",))
    seed(initial, today, first)
    if initial.warnings:
        ss[URL_WARNINGS] = initial.warnings


def on_preset(today: date, first: date) -> None:
    p = st.session_state[K["preset"]]
    if p and p != "custom":
        st.session_state[K["dates"]] = preset_dates(p, today, first)


def on_dates() -> None:
    if len(st.session_state[K["dates"]] or ()) == 2:
        st.session_state[K["preset"]] = "custom"


def clear_selection() -> None:
    st.session_state[EPOCH] = st.session_state.get(EPOCH, 0) + 1
    st.session_state[SELECTED] = []


def select(ids: list[str]) -> None:
    """Make `ids` the selection (charts highlight them, the table lists them)."""
    st.session_state[SELECTED] = list(dict.fromkeys(ids))


def toggle_province(name: str) -> None:
    """Add a province to the province filter, or take it out again."""
    chosen = list(st.session_state.get(K["provinces"]) or [])
    st.session_state[K["provinces"]] = [p for p in chosen if p != name] if name in chosen else chosen + [name]


def on_in_view() -> None:
    """The area toggle: on, it takes the area the map shows now; off, it forgets it."""
    ss = st.session_state
    ss[BBOX] = tuple(ss.get(MAP_FRAME) or ()) if ss.get(K["in_view"]) else ()


def set_area(box) -> None:
    """A pan or zoom of the map, reported by the map bridge: the new area (used while the toggle is on)."""
    if st.session_state.get(K["in_view"]):
        st.session_state[BBOX] = tuple(box)


def on_reset(today: date, first: date) -> None:
    seed(FilterState(), today, first)
    clear_selection()


def sync_url() -> None:
    """Mirror the widgets into the query string (called last, after every widget of the page)."""
    final = current()
    st.session_state[SAVED] = final
    q = query.to_query(final)
    if not query.query_equal(q, st.query_params):
        st.query_params.from_dict(q)
