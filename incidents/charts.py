"""Figure builders for the dashboard: timeline (+ per-period aggregates) and the border map.

Pure plotly: never import streamlit here (importing it changes plotly's default template).
Every figure sets its template explicitly.

Offline rule: the map is a `scattergeo` whose base layers are ALL switched off and which never
uses `locationmode`; countries, provinces and border lines are drawn as our own traces from the
bundled GeoJSON (data/geo). Any plotly base layer or locationmode makes plotly.js fetch topojson
from cdn.plot.ly, which fails offline (see docs in ../shared/docs/stack-notes.md §8.17).

Text from the data goes into hover labels and annotations only after `esc()`: plotly renders a
subset of HTML in those strings, so '<' and '&' are turned into entities and show as text.
"""

from __future__ import annotations

import html
import json
import math
import textwrap
from functools import cache

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import shapely
from plotly.subplots import make_subplots

from . import palette as P
from .filters import FOCUS_BORDER, NO_BORDER, date_interval
from .geo import GEO_DIR
from .schema import EVENT_TYPES

TEMPLATE = "plotly_white"
FONT = dict(family="Liberation Sans, DejaVu Sans, Arial, sans-serif", size=12)

# The opening view: the Tajik–Afghan border (lon 67.3–75.1, lat 36.6–38.6 plus context).
FOCUS_LON = (66.9, 75.4)
FOCUS_LAT = (34.9, 41.3)

# Radius in km of the halo drawn around a point whose place is known only approximately.
HALO_KM = {"district": 20.0, "province": 60.0, "border_area": 30.0}
PRECISE = ("exact", "near")
NOT_MAPPED = ("country",)  # a country-level point says nothing about where on the map

# Lane labels for the timeline.
NO_BORDER_LABEL = "no border"


def esc(text) -> str:
    """Data text made safe for plotly's pseudo-HTML (shown literally, never interpreted)."""
    if text is None or (isinstance(text, float) and math.isnan(text)) or text is pd.NA:
        return ""
    return html.escape(str(text), quote=False)


def wrap(text: str, width: int = 60, max_lines: int = 5) -> str:
    """Escape then wrap with <br> (our own tags are added after escaping)."""
    lines = textwrap.wrap(str(text), width=width) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] += " …"
    return "<br>".join(esc(line) for line in lines)


def border_label(pair: str) -> str:
    return NO_BORDER_LABEL if pair in ("", NO_BORDER) else str(pair).replace("-", "–")


def marker_size(killed: pd.Series) -> np.ndarray:
    """Marker diameter in px: grows with the square root of killed (area ~ killed); unknown = smallest."""
    k = pd.to_numeric(killed, errors="coerce").astype("float64").fillna(0).clip(lower=0).to_numpy()
    return np.minimum(8 + 3.5 * np.sqrt(k), 36)


def _int(v) -> str:
    return "" if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) else str(int(v))


def date_text(row) -> str:
    d, e, prec = row["event_date"], row["end_date"], row["date_precision"]
    if pd.isna(d):
        return "date unknown"
    if prec == "week":
        return f"week of {d:%Y-%m-%d} (known to the week)"
    if prec == "month":
        return f"{d:%B %Y} (known to the month)"
    if prec == "year":
        return f"{d:%Y} (known to the year)"
    if pd.notna(e) and e != d:
        return f"{d:%Y-%m-%d} – {e:%Y-%m-%d}"
    return f"{d:%Y-%m-%d}"


def place_text(row) -> str:
    parts = [p for p in (row["location"], row["admin2"], row["admin1"], row["country"]) if str(p).strip()]
    seen: list[str] = []
    for p in parts:
        if p not in seen:
            seen.append(p)
    place = ", ".join(seen) or "no place given"
    prec = row["geo_precision"] or "unknown"
    return f"{place} (place precision: {prec})"


def killed_text(row) -> str:
    best, lo, hi = _int(row["killed"]), _int(row["killed_low"]), _int(row["killed_high"])
    if not best and not lo:
        return "no figure"
    text = best or "?"
    if lo and hi and (lo != hi or lo != best):
        text += f" (sources: {lo}–{hi})" if lo != hi else f" (sources: {lo})"
    return text


def hover_text(df: pd.DataFrame) -> pd.Series:
    """One hover label per incident: date, place, type, killed, summary (all data text escaped)."""
    if df.empty:
        return pd.Series([], dtype=str, index=df.index)

    def one(row) -> str:
        injured = _int(row["injured"])
        lines = [
            f"<b>{esc(date_text(row))}</b>",
            esc(place_text(row)),
            f"type: {esc(P.label(row['event_type']))}"
            + (f" — {esc(row['sub_event_type'])}" if str(row["sub_event_type"]).strip() else ""),
            f"killed: {esc(killed_text(row))}" + (f" · injured: {injured}" if injured else ""),
            wrap(row["summary"]),
            f"<i>{esc(row['incident_id'])} · {esc(row['origin'])}"
            + (" · sources disagree" if bool(row.get("disputed", False)) else "") + "</i>",
        ]
        return "<br>".join(lines)

    return df.apply(one, axis=1).astype(str)


# --- timeline ---------------------------------------------------------------------------------

def lane_values(df: pd.DataFrame, lanes: str) -> pd.Series:
    if lanes == "border":
        return df["border"].astype(str).map(border_label)
    return df["event_type"].map(P.label)


def lane_order(df: pd.DataFrame, lanes: str) -> list[str]:
    """Lanes top to bottom: event types in schema order, or borders with AFG–TJK first."""
    if lanes == "border":
        present = sorted({str(b) for b in df["border"]} - {"", NO_BORDER})
        order = [FOCUS_BORDER] + [b for b in present if b != FOCUS_BORDER]
        labels = [border_label(b) for b in order]
        if (df["border"].astype(str) == "").any():
            labels.append(NO_BORDER_LABEL)
        return labels
    return [P.label(t) for t in LANE_TYPES]


# Strategic developments get the top lane: their labels rise into the top margin, not onto other lanes.
LANE_TYPES = ("strategic_development", *[t for t in EVENT_TYPES if t != "strategic_development"])


def is_span(df: pd.DataFrame) -> pd.Series:
    """Incidents drawn as a span on the timeline: date known only to the week/month/year, or multi-day."""
    start, end = date_interval(df)
    return (df["date_precision"] != "day") | (end > start)


def timeline_traces(df: pd.DataFrame, lanes: str = "type", showlegend: bool = False) -> list[go.Scatter]:
    """Traces for the incident timeline.

    Per event type: a `lines` trace of spans (imprecise or multi-day dates, drawn from the first
    to the last possible day), a `markers` trace of day-precision incidents, and a `markers`
    trace of hollow handles in the middle of imprecise spans (for hover and selection). Marker
    traces carry the incident_id in customdata.
    """
    traces: list[go.Scatter] = []
    if df.empty:
        return traces
    lane = lane_values(df, lanes)
    start, end = date_interval(df)
    span = is_span(df)
    imprecise = df["date_precision"] != "day"
    hover = hover_text(df)
    size = pd.Series(marker_size(df["killed"]), index=df.index)
    for etype in EVENT_TYPES:
        m = df["event_type"] == etype
        if not m.any():
            continue
        c, name = P.color(etype), P.label(etype)
        sm = m & span
        if sm.any():
            xs, ys = [], []
            for i in df.index[sm]:
                xs += [start[i], end[i] + pd.Timedelta(hours=23), None]
                ys += [lane[i], lane[i], None]
            traces.append(go.Scatter(
                x=xs, y=ys, mode="lines", name=f"{name} (date span)", legendgroup=etype, showlegend=False,
                line=dict(color=P.rgba(c, 0.45), width=7), hoverinfo="skip", meta={"role": "span", "event_type": etype}))
        for role, mask, sym, x in (
            ("point", m & ~imprecise, P.symbol(etype), start),
            ("handle", m & imprecise, P.symbol(etype) + "-open", start + (end - start) / 2),
        ):
            if not mask.any():
                continue
            idx = df.index[mask]
            traces.append(go.Scatter(
                x=x[idx], y=lane[idx], mode="markers", name=name, legendgroup=etype,
                showlegend=showlegend and role == "point" or (showlegend and role == "handle" and not (m & ~imprecise).any()),
                marker=dict(color=c, size=size[idx], symbol=sym, opacity=0.9,
                            line=dict(width=1.5 if role == "handle" else 0.6, color=c if role == "handle" else "white")),
                customdata=df.loc[idx, "incident_id"].to_numpy(), hovertext=hover[idx],
                hovertemplate="%{hovertext}<extra></extra>", meta={"role": role, "event_type": etype}))
    return traces


LABEL_CHARS = 20
LABEL_SPAN_FRACTION = 4


def strategic_annotations(df: pd.DataFrame, lanes: str = "type", limit: int = 12) -> list[dict]:
    """Short labels on strategic developments (recent first, spaced so they never overlap), text escaped."""
    sd = df[df["event_type"] == "strategic_development"].sort_values("event_date")
    if sd.empty:
        return []
    start, end = date_interval(sd)
    x = start.where(sd["date_precision"] == "day", start + (end - start) / 2)
    # Label only developments far enough apart (two alternating label rows, a label is ~1/4 of the
    # timeline's width), newest first, so labels never pile up; every development keeps its marker
    # and its hover text.
    lo, hi = date_interval(df)
    gap = max((hi.max() - lo.min()) / LABEL_SPAN_FRACTION, pd.Timedelta(days=1))
    kept: list = []
    for i in reversed(sd.index):  # labels alternate between two rows: neighbours need gap/2, same row gap
        if len(kept) < limit and all(abs(x[i] - x[j]) >= gap / 2 for j in kept[-1:]) \
                and all(abs(x[i] - x[j]) >= gap for j in kept[-2:-1]):
            kept.append(i)
    sd = sd.loc[sorted(kept, key=lambda i: x[i])]
    lane = lane_values(sd, lanes)
    notes = []
    for k, i in enumerate(sd.index):
        text = str(sd.at[i, "sub_event_type"]).strip() or str(sd.at[i, "summary"])
        text = text if len(text) <= LABEL_CHARS else text[:LABEL_CHARS - 1] + "…"
        notes.append(dict(x=x[i], y=lane[i], xref="x", yref="y", text=esc(text), showarrow=True, arrowhead=0,
                          arrowwidth=1, arrowcolor="#555", ax=0, ay=-22 - 14 * (k % 2),
                          font=dict(size=10, color="#222"), bgcolor="rgba(255,255,255,0.8)"))
    return notes


def aggregate_traces(per: pd.DataFrame, freq: str = "month") -> list[go.BaseTraceType]:
    """Stacked bars of incidents per period by event type, and killed (best) with a low–high bar."""
    traces: list[go.BaseTraceType] = []
    if per.empty:
        return traces
    period = dict(xperiod="M1" if freq == "month" else 7 * 86_400_000, xperiodalignment="middle")
    if freq == "week":
        period["xperiod0"] = per["period"].iloc[0]
    label = "month" if freq == "month" else "week of"
    when = per["period"].dt.strftime("%B %Y" if freq == "month" else "%Y-%m-%d")
    for etype in EVENT_TYPES:
        if not per[etype].any():
            continue
        traces.append(go.Bar(
            x=per["period"], y=per[etype], name=P.label(etype), legendgroup=etype, showlegend=False,
            marker=dict(color=P.color(etype), line=dict(width=0)), **period,
            customdata=when, hovertemplate=f"{label} %{{customdata}}<br>{esc(P.label(etype))}: %{{y}}<extra></extra>",
            meta={"role": "count", "event_type": etype}))
    lo = (per["killed"] - per["killed_low"]).clip(lower=0)
    hi = (per["killed_high"] - per["killed"]).clip(lower=0)
    any_killed = (per["killed_high"] > 0) | (per["killed"] > 0)
    traces.append(go.Scatter(
        x=per["period"], y=per["killed"].where(any_killed, None), mode="markers",
        name="killed (best; whisker = sources' low–high)",
        marker=dict(size=7, color="#222", symbol="diamond-wide", line=dict(width=1, color="white")),
        error_y=dict(type="data", array=hi, arrayminus=lo, visible=True, color="#888", thickness=1, width=2),
        customdata=np.stack([when, per["killed_low"], per["killed_high"]], axis=1), **period,
        hovertemplate=f"{label} %{{customdata[0]}}<br>killed: %{{y}} (low–high %{{customdata[1]}}–%{{customdata[2]}})<extra></extra>",
        showlegend=False, meta={"role": "killed"}))
    return traces


def timeline_figure(df: pd.DataFrame, per: pd.DataFrame | None = None, lanes: str = "type",
                    freq: str = "month", x_range: tuple | None = None, height: int = 470) -> go.Figure:
    """Timeline of incidents (top) with counts and killed per week or month (bottom), sharing the date axis."""
    order = lane_order(df, lanes)
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.68, 0.32], vertical_spacing=0.06)
    for t in timeline_traces(df, lanes, showlegend=(lanes == "border")):
        fig.add_trace(t, row=1, col=1)
    if per is not None:
        for t in aggregate_traces(per, freq):
            if t.meta.get("role") == "killed":
                fig.add_trace(t.update(xaxis="x2", yaxis="y3"))  # own right-hand axis in the bottom row
            else:
                fig.add_trace(t, row=2, col=1)
    fig.update_layout(
        template=TEMPLATE, font=FONT, height=height, margin=dict(l=10, r=10, t=30, b=10),
        barmode="stack", bargap=0.15, hovermode="closest", showlegend=(lanes == "border"),
        legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0, font=dict(size=10)),
        annotations=strategic_annotations(df, lanes), uirevision="timeline",
        yaxis=dict(categoryorder="array", categoryarray=list(reversed(order)), type="category",
                   range=[-0.6, len(order) - 0.4], fixedrange=True, tickfont=dict(size=11)),
        yaxis2=dict(title=dict(text="incidents", font=dict(size=10)), fixedrange=True, rangemode="tozero",
                    tickformat="d", nticks=4),
        yaxis3=dict(overlaying="y2", side="right", anchor="x2", showgrid=False, rangemode="tozero", fixedrange=True,
                    tickformat="d", nticks=4,
                    title=dict(text="killed", font=dict(size=10))),
    )
    if x_range is not None and all(v is not None for v in x_range):
        lo, hi = (pd.Timestamp(v) for v in x_range)
        if per is not None and len(per):  # show whole periods so every bar is inside the axis
            step = pd.DateOffset(months=1) if freq == "month" else pd.Timedelta(days=7)
            lo, hi = min(lo, per["period"].min()), max(hi, per["period"].max() + step - pd.Timedelta(days=1))
        pad = max((hi - lo) * 0.02, pd.Timedelta(days=2))
        fig.update_xaxes(range=[lo - pad, hi + pad])
    fig.update_xaxes(showgrid=True, gridcolor="#EEE")
    if df.empty:
        fig.add_annotation(text="No incidents match the filters", x=0.5, y=0.7, xref="paper", yref="paper",
                           showarrow=False, font=dict(size=14, color="#666"))
    return fig


# --- map --------------------------------------------------------------------------------------

def _features(name: str) -> list[dict]:
    with open(GEO_DIR / name, encoding="utf-8") as fh:
        return json.load(fh)["features"]


def _line_xy(geoms, tolerance: float) -> tuple[list, list]:
    """Lon and lat lists (None between parts) for the outlines of polygons or the lines themselves."""
    lons: list = []
    lats: list = []
    for g in geoms:
        g = shapely.simplify(g, tolerance, preserve_topology=True) if tolerance else g
        if g.geom_type in ("Polygon", "MultiPolygon"):
            # d3-geo (plotly) fills the spherical complement of a counter-clockwise ring: exteriors clockwise
            g = shapely.orient_polygons(g, exterior_cw=True)
            parts = [r for poly in getattr(g, "geoms", [g]) for r in (poly.exterior, *poly.interiors)]
        else:
            parts = list(getattr(g, "geoms", [g]))
        for part in parts:
            xy = np.round(np.asarray(part.coords), 3)
            lons += xy[:, 0].tolist() + [None]
            lats += xy[:, 1].tolist() + [None]
    return lons, lats


@cache
def base_layers() -> dict:
    """Simplified outlines from the bundled GeoJSON: per-country polygons, province lines, borders."""
    countries = _features("countries.geojson")
    out = {"countries": {}, "provinces": None, "borders": {}, "labels": {}}
    for f in countries:
        g = shapely.geometry.shape(f["geometry"])
        code = f["properties"]["iso_a3"]
        out["countries"][code] = _line_xy([g], 0.01)
        rp = g.representative_point() if code not in ("CHN", "IRN", "KAZ", "PAK") else None
        if rp is not None:
            out["labels"][code] = (f["properties"]["name"], rp.x, rp.y)
    provinces = [shapely.geometry.shape(f["geometry"]) for f in _features("provinces.geojson")]
    out["provinces"] = _line_xy(provinces, 0.01)
    for f in _features("borders.geojson"):
        out["borders"][f["properties"]["pair"]] = _line_xy([shapely.geometry.shape(f["geometry"])], 0.005)
    # hand-placed label points for the focus countries so they sit near the border
    out["labels"]["TJK"] = ("TAJIKISTAN", 69.6, 38.85)
    out["labels"]["AFG"] = ("AFGHANISTAN", 68.6, 36.05)
    out["labels"]["UZB"] = ("UZBEKISTAN", 66.3, 39.4)
    out["labels"]["KGZ"] = ("KYRGYZSTAN", 73.6, 40.2)
    out["labels"]["TKM"] = ("TURKMENISTAN", 63.5, 38.5)
    out["labels"]["CHN"] = ("CHINA", 76.3, 38.3)
    out["labels"]["PAK"] = ("PAKISTAN", 72.6, 35.6)
    return out


def base_traces() -> list[go.Scattergeo]:
    """Land fills, province and country outlines, border lines (AFG–TJK emphasised), country labels."""
    layers = base_layers()
    traces: list[go.Scattergeo] = []
    for code, (lons, lats) in layers["countries"].items():
        traces.append(go.Scattergeo(
            lon=lons, lat=lats, mode="lines", fill="toself", name=code, showlegend=False, hoverinfo="skip",
            fillcolor=P.FOCUS_FILL if code in ("AFG", "TJK") else P.LAND_FILL,
            line=dict(color=P.COUNTRY_LINE, width=0.6), meta={"role": "land", "country": code}))
    lons, lats = layers["provinces"]
    traces.append(go.Scattergeo(lon=lons, lat=lats, mode="lines", name="provinces", showlegend=False,
                                hoverinfo="skip", line=dict(color=P.PROVINCE_LINE, width=0.6),
                                meta={"role": "provinces"}))
    first_other = True
    for pair, (lons, lats) in layers["borders"].items():
        focus = pair == FOCUS_BORDER
        traces.append(go.Scattergeo(
            lon=lons, lat=lats, mode="lines", name=f"{border_label(pair)} border" if focus else "other borders",
            legendgroup="focus-border" if focus else "borders", showlegend=focus or first_other,
            line=dict(color=P.FOCUS_BORDER_LINE if focus else P.BORDER_LINE, width=3.2 if focus else 1.3),
            # not hoverable: a border vertex next to an incident would steal its hover and click
            hoverinfo="skip", meta={"role": "border", "pair": pair}))
        first_other = first_other and focus
    names = list(layers["labels"].values())
    traces.append(go.Scattergeo(
        lon=[n[1] for n in names], lat=[n[2] for n in names], text=[n[0].upper() for n in names], mode="text",
        textfont=dict(size=11, color="#777"), hoverinfo="skip", showlegend=False, meta={"role": "labels"}))
    return traces


def circle(lat: float, lon: float, km: float, n: int = 36) -> tuple[list[float], list[float]]:
    """A geodesic-ish circle (good to ~1 % at these radii) as lat and lon lists, closed, clockwise
    (plotly's geo fill needs clockwise rings, else it fills the rest of the globe)."""
    t = np.linspace(2 * np.pi, 0, n + 1)
    dlat = km / 110.574 * np.sin(t)
    dlon = km / (111.320 * np.cos(np.radians(lat))) * np.cos(t)
    return (lat + dlat).round(4).tolist(), (lon + dlon).round(4).tolist()


def mappable(df: pd.DataFrame) -> pd.Series:
    """Incidents drawn on the map: they have coordinates and a place finer than the whole country."""
    return df["latitude"].notna() & df["longitude"].notna() & ~df["geo_precision"].isin(NOT_MAPPED)


def incident_traces(df: pd.DataFrame) -> list[go.Scattergeo]:
    """Halos (filled circles) for imprecise places, then one marker trace per event type.

    Markers: filled for exact/near places, hollow for district/province/border-area places (the
    point is only a representative of an area). Size grows with killed. customdata = incident_id.
    """
    traces: list[go.Scattergeo] = []
    d = df[mappable(df)]
    if d.empty:
        return traces
    hover = hover_text(d)
    size = pd.Series(marker_size(d["killed"]), index=d.index)
    for etype in EVENT_TYPES:
        m = d["event_type"] == etype
        halo = m & d["geo_precision"].isin(list(HALO_KM))
        if halo.any():
            lats, lons = [], []
            for i in d.index[halo]:
                la, lo = circle(d.at[i, "latitude"], d.at[i, "longitude"], HALO_KM[d.at[i, "geo_precision"]])
                lats += la + [None]
                lons += lo + [None]
            traces.append(go.Scattergeo(
                lon=lons, lat=lats, mode="lines", fill="toself", fillcolor=P.rgba(P.color(etype), 0.16),
                line=dict(color=P.rgba(P.color(etype), 0.55), width=1, dash="dot"), hoverinfo="skip",
                name=f"{P.label(etype)} (area)", legendgroup=etype, showlegend=False,
                meta={"role": "halo", "event_type": etype}))
    for etype in EVENT_TYPES:
        m = d["event_type"] == etype
        if not m.any():
            continue
        idx = d.index[m]
        precise = d.loc[idx, "geo_precision"].isin(PRECISE).to_numpy()
        sym = np.where(precise, P.symbol(etype), P.symbol(etype) + "-open")
        traces.append(go.Scattergeo(
            lon=d.loc[idx, "longitude"], lat=d.loc[idx, "latitude"], mode="markers", name=P.label(etype),
            legendgroup=etype, marker=dict(color=P.color(etype), size=size[idx], symbol=sym, opacity=0.92,
                                           line=dict(width=np.where(precise, 0.7, 2.0).tolist(),
                                                     color=np.where(precise, "white", P.color(etype)).tolist())),
            customdata=d.loc[idx, "incident_id"].to_numpy(), hovertext=hover[idx],
            hovertemplate="%{hovertext}<extra></extra>", meta={"role": "incidents", "event_type": etype}))
    return traces


def map_figure(df: pd.DataFrame, height: int = 470, lon_range=FOCUS_LON, lat_range=FOCUS_LAT) -> go.Figure:
    """The border map, opening on the Tajik–Afghan border. Offline: our layers only (see module doc)."""
    fig = go.Figure(base_traces() + incident_traces(df))
    fig.update_geos(
        visible=False,
        showland=False, showcountries=False, showcoastlines=False, showocean=False, showlakes=False,
        showrivers=False, showsubunits=False, showframe=False,
        projection_type="mercator", lonaxis_range=list(lon_range), lataxis_range=list(lat_range),
        bgcolor="#FFFFFF",
    )
    fig.update_layout(
        template=TEMPLATE, font=FONT, height=height, margin=dict(l=0, r=0, t=0, b=0), showlegend=False,
        uirevision="map", dragmode="pan",
    )
    return fig


# --- selections -------------------------------------------------------------------------------

def selected_ids(fig: go.Figure, event) -> list[str]:
    """incident_ids of the points selected in a chart, from Streamlit's selection event.

    Reads the event with dict access (works for live events and for AppTest-injected dicts) and maps
    each point back through the figure's customdata; points without an incident id (bars, lines)
    are ignored, and stale indices from an older figure are skipped.
    """
    if not event:
        return []
    sel = event.get("selection", {}) if hasattr(event, "get") else {}
    points = (sel or {}).get("points", []) or []
    out: list[str] = []
    for p in points:
        cid = p.get("customdata")
        if isinstance(cid, (list, tuple)):
            cid = cid[0] if cid else None
        if cid is None:
            curve = p.get("curve_number")
            idx = p.get("point_index", p.get("point_number"))
            if curve is None or idx is None or not (0 <= curve < len(fig.data)):
                continue
            data = fig.data[curve].customdata
            if data is None or not (0 <= idx < len(data)):
                continue
            cid = data[idx]
        if cid is not None and str(cid) not in out:
            out.append(str(cid))
    return out
