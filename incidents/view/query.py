"""A filter state in a URL: query parameters to and from `FilterState`, so a view can be shared as a link.

Unknown or invalid values are dropped, never fatal; each drop is described in `state.warnings` so
the page can say what it ignored.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import Mapping

from ..schema import DATE_PRECISIONS, EARLIEST_DATE, EVENT_TYPES, GEO_PRECISIONS, ID_PATTERN, ORIGINS
from .filters import FilterState
from ..periods import parse_period
from .params import (AGGS, ALL, LANES, PRESETS, Q_AGG, Q_AT, Q_BBOX, Q_CANDIDATES, Q_FROM, Q_INCIDENT, Q_LANES,
                     Q_MIN_KILLED, Q_MULTI, Q_PRESET, Q_SHADE, Q_TEXT, Q_TO, Q_TRAIL, SHADES, UNKNOWN_GEO)


def bbox_text(box) -> str:
    """'69,37,71,38.5': a box as written in a link (at most 4 decimals, ~10 m)."""
    return ",".join(f"{v:.4f}".rstrip("0").rstrip(".") for v in box)


def parse_bbox(text: str) -> tuple[tuple[float, ...], str | None]:
    """(minlon, minlat, maxlon, maxlat) from 'minlon,minlat,maxlon,maxlat', or ((), why not)."""
    parts = [p.strip() for p in (text or "").split(",")]
    if len(parts) != 4 or not all(re.fullmatch(r"-?[0-9]{1,3}(\.[0-9]+)?", p) for p in parts):
        return (), "is not four numbers minlon,minlat,maxlon,maxlat"
    x0, y0, x1, y1 = (float(p) for p in parts)
    if not (-180 <= x0 < x1 <= 180 and -90 <= y0 < y1 <= 90):
        return (), "needs -180 <= minlon < maxlon <= 180 and -90 <= minlat < maxlat <= 90"
    return (x0, y0, x1, y1), None


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
    if state.candidates:
        q[Q_CANDIDATES] = "1"
    if state.shade != d.shade:
        q[Q_SHADE] = state.shade
    if state.incident:
        q[Q_INCIDENT] = state.incident
    if state.bbox:
        q[Q_BBOX] = bbox_text(state.bbox)
    if state.at:
        q[Q_AT] = state.at
    if not state.trail:
        q[Q_TRAIL] = "0"
    return q


def _values(params: Mapping, key: str) -> list[str]:
    """All values of a parameter, from a plain dict, a dict of lists or st.query_params."""
    if hasattr(params, "get_all"):
        return [str(v) for v in params.get_all(key)]
    v = params.get(key)
    if v is None:
        return []
    return [str(x) for x in v] if isinstance(v, (list, tuple)) else [str(v)]


def _date(params: Mapping, key: str, today: date, warn: list[str]) -> date | None:
    """A date parameter, EARLIEST_DATE or later; anything else is dropped (or raised to it) with a warning."""
    text = (_values(params, key) or [""])[0].strip()
    if not text:
        return None
    try:
        value = date.fromisoformat(text) if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text) else None
    except ValueError:
        value = None
    if value is None:
        warn.append(f"{key}={text!r} is not a date (YYYY-MM-DD) and was ignored")
        return None
    if value < EARLIEST_DATE:
        warn.append(f"{key}={text!r} is before {EARLIEST_DATE.isoformat()}; {EARLIEST_DATE.isoformat()} used")
        return EARLIEST_DATE
    return value  # a date after today is harmless in a filter; the page's date widget shows today instead


def from_query(params: Mapping, opts: dict[str, list[str]] | None = None, today: date | None = None) -> FilterState:
    """Rebuild a state from query parameters. Unknown or invalid values are dropped, never fatal;
    each drop is described in `state.warnings` so the page can say what it ignored."""
    d = FilterState()
    today = today or date.today()
    warn: list[str] = []
    kw: dict = {}
    preset = (_values(params, Q_PRESET) or [d.preset])[0]
    start, end = _date(params, Q_FROM, today, warn), _date(params, Q_TO, today, warn)
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
            if attr == "selected" and not re.fullmatch(ID_PATTERN, v):  # ids are checked against the data by the page
                warn.append(f"{key}={v!r} is not an incident id and was ignored")
            elif allowed is not None and v not in allowed:
                warn.append(f"{key}={v!r} matches nothing in the data and was ignored")
            elif v not in good:
                good.append(v)
        kw[attr] = tuple(good)
    mk = (_values(params, Q_MIN_KILLED) or [""])[0]
    if mk:
        if re.fullmatch(r"[0-9]{1,9}", mk):  # ASCII digits only: '²' is a digit to str.isdigit, not to int()
            kw["min_killed"] = int(mk)
        else:
            warn.append(f"min_killed={mk!r} is not a whole number")
    kw["text"] = (_values(params, Q_TEXT) or [""])[0][:200]
    lanes = (_values(params, Q_LANES) or [d.lanes])[0]
    kw["lanes"] = lanes if lanes in LANES else d.lanes
    agg = (_values(params, Q_AGG) or [d.agg])[0]
    kw["agg"] = agg if agg in AGGS else d.agg
    cand = (_values(params, Q_CANDIDATES) or [""])[0]
    if cand in ("1", "0"):
        kw["candidates"] = cand == "1"
    elif cand:
        warn.append(f"{Q_CANDIDATES}={cand!r} is not 1 or 0")
    kw["incident"] = (_values(params, Q_INCIDENT) or [""])[0]
    shade = (_values(params, Q_SHADE) or [d.shade])[0]
    if shade in SHADES:
        kw["shade"] = shade
    else:
        warn.append(f"{Q_SHADE}={shade!r} is not one of {', '.join(SHADES)}")
    box = (_values(params, Q_BBOX) or [""])[0]
    if box:
        kw["bbox"], why = parse_bbox(box)
        if why:
            warn.append(f"{Q_BBOX}={box[:60]!r} {why}")
    at = (_values(params, Q_AT) or [""])[0]
    if at:
        if parse_period(at):
            kw["at"] = at
        else:
            warn.append(f"{Q_AT}={at[:20]!r} is not a month (2026-01) or an ISO week (2026-W03)")
    trail = (_values(params, Q_TRAIL) or [""])[0]
    if trail in ("0", "1"):
        kw["trail"] = trail == "1"
    elif trail:
        warn.append(f"{Q_TRAIL}={trail[:10]!r} is not 1 or 0")
    return replace(d, **kw, warnings=tuple(warn))


def query_equal(a: Mapping, b: Mapping) -> bool:
    """Whether two sets of query parameters encode the same thing (order of keys ignored)."""
    keys = set(a) | set(b)
    return all(_values(a, k) == _values(b, k) for k in keys)
