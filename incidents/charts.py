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
from functools import cache

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import shapely
from plotly.subplots import make_subplots

from . import palette as P
from .aggregate import period_start
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
# Above this many incidents the charts draw aggregates (grid cells on the map, a lane x period heat
# strip on the timeline) so the page stays fast and the figures small; narrowing the filters below it
# brings the individual incidents back.
DETAIL_LIMIT = 1000
GRID_DEG = 0.2  # map cell size in degrees (~20 km) in aggregated mode
DENSITY_SCALE = "Cividis"  # sequential, readable with colour-vision deficiencies
HOVER_SUMMARY_LIMIT = 300  # above this many incidents the hover leaves out the summary (the table has it)

# Lane labels for the timeline.
NO_BORDER_LABEL = "no border"


def esc(text) -> str:
    """Data text made safe for plotly's pseudo-HTML (shown literally, never interpreted)."""
    if text is None or (isinstance(text, float) and math.isnan(text)) or text is pd.NA:
        return ""
    return html.escape(str(text), quote=False)


def wrap(text: str, width: int = 60, max_lines: int = 5) -> str:
    """Escape then wrap with <br> (our own tags are added after escaping)."""
    return wraps(pd.Series([str(text)], dtype=object), width, max_lines).iloc[0]


def wraps(texts: pd.Series, width: int = 60, max_lines: int = 5) -> pd.Series:
    """`wrap` for a whole column at once: escaped text with <br> about every `width` characters."""
    broken = texts.map(esc).str.replace(rf"(.{{1,{width}}})(?:\s+|$)", "\\1\n", regex=True).str.rstrip()
    lines = broken.str.split("\n")
    cut = lines.str.len() > max_lines
    joined = lines.str.slice(0, max_lines).str.join("<br>")
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


def hover_text(df: pd.DataFrame) -> pd.Series:
    """One hover label per incident: date, place, type, killed, summary (all data text escaped)."""
    if df.empty:
        return pd.Series([], dtype=str, index=df.index)
    e = lambda s: _text(s).map(esc)  # noqa: E731 - every piece of data text goes through esc
    sub = _text(df["sub_event_type"]).str.strip()
    injured = _ints(df["injured"]).replace("0", "")
    disputed = df["disputed"].fillna(False).astype(bool) if "disputed" in df else pd.Series(False, index=df.index)
    return ("<b>" + e(date_texts(df)) + "</b><br>" + e(place_texts(df))
            + "<br>type: " + e(_text(df["event_type"]).map(P.label)) + (" — " + e(sub)).where(sub != "", "")
            + "<br>killed: " + e(killed_texts(df)) + (" · injured: " + injured).where(injured != "", "")
            + ("<br>" + wraps(_text(df["summary"])) if len(df) <= HOVER_SUMMARY_LIMIT else "")
            + "<br><i>" + e(_text(df["incident_id"])) + " · " + e(_text(df["origin"]))
            + np.where(disputed, " · sources disagree", "") + "</i>").astype(str)


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
            idx = df.index[sm]
            xs = np.stack([start[idx].to_numpy(), (end[idx] + pd.Timedelta(hours=23)).to_numpy(),
                           np.full(len(idx), np.datetime64("NaT"), dtype=start.dtype)], axis=1).ravel()
            ys = np.stack([lane[idx].to_numpy(object), lane[idx].to_numpy(object),
                           np.full(len(idx), None, dtype=object)], axis=1).ravel()
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


def heat_traces(df: pd.DataFrame, lanes: str = "type", freq: str = "month") -> list[go.Heatmap]:
    """Aggregated timeline: incidents per lane and week/month as a heat strip, exact counts in the hover."""
    if df.empty:
        return []
    p = period_start(df["event_date"], freq)
    key = df["border"] if lanes == "border" else df["event_type"]  # labelled after grouping: fewer strings
    g = pd.DataFrame({"lane": key, "p": p, "k": df["killed"].fillna(0).astype("int64")}) \
        .groupby(["lane", "p"], observed=True)["k"].agg(["size", "sum"])
    counts = g["size"].unstack(fill_value=0)
    killed = g["sum"].unstack(fill_value=0)
    labels = lane_values(pd.DataFrame({"border": counts.index, "event_type": counts.index}), lanes)
    counts.index = killed.index = pd.Index(labels.to_numpy())
    when = counts.columns.strftime("%B %Y" if freq == "month" else "week of %Y-%m-%d")
    label = np.char.add(np.asarray(counts.index, dtype=str)[:, None], np.full(counts.shape, ""))
    text = np.char.add(np.char.add(label, " · "), np.broadcast_to(np.asarray(when, dtype=str), counts.shape))
    z = counts.to_numpy().astype(float)
    z[z == 0] = np.nan  # empty cells stay white
    return [go.Heatmap(
        x=counts.columns + (pd.Timedelta(days=15) if freq == "month" else pd.Timedelta(days=3)), y=counts.index,
        z=z, customdata=np.stack([text, killed.reindex_like(counts).to_numpy().astype(int).astype(str)], axis=-1),
        colorscale=DENSITY_SCALE, showscale=False, xgap=0, ygap=2, name="incidents per period",
        hovertemplate="%{customdata[0]}<br>%{z:,} incidents · killed %{customdata[1]}<extra></extra>",
        meta={"role": "heat"})]


def timeline_figure(df: pd.DataFrame, per: pd.DataFrame | None = None, lanes: str = "type",
                    freq: str = "month", x_range: tuple | None = None, height: int = 470) -> go.Figure:
    """Timeline of incidents (top) with counts and killed per week or month (bottom), sharing the date axis.

    Up to DETAIL_LIMIT incidents each is drawn (imprecise dates as spans); above it, the top row is a
    heat strip of incidents per lane and period.
    """
    order = lane_order(df, lanes)
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.68, 0.32], vertical_spacing=0.06)
    top = heat_traces(df, lanes, freq) if is_aggregated(df) else timeline_traces(df, lanes, showlegend=(lanes == "border"))
    for t in top:
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
        annotations=[] if is_aggregated(df) else strategic_annotations(df, lanes), uirevision="timeline",
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


def _line_xy(geoms, tolerance: float) -> tuple[np.ndarray, np.ndarray]:
    """Lon and lat arrays (NaN between parts) for the outlines of polygons or the lines themselves.

    Float arrays, not lists: plotly validates them without a per-value Python loop and ships them to
    the browser as compact binary, which keeps every rerun of the page fast.
    """
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
            lons += xy[:, 0].tolist() + [np.nan]
            lats += xy[:, 1].tolist() + [np.nan]
    return np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)


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


def circles(lat: np.ndarray, lon: np.ndarray, km: np.ndarray, n: int = 16) -> tuple[np.ndarray, np.ndarray]:
    """Many circles at once as flat lat/lon arrays, each closed, clockwise and followed by a NaN gap."""
    t = np.linspace(2 * np.pi, 0, n + 1)
    dlat = (km / 110.574)[:, None] * np.sin(t)
    dlon = (km / (111.320 * np.cos(np.radians(lat))))[:, None] * np.cos(t)
    gap = np.full((len(lat), 1), np.nan)
    la = np.hstack([(lat[:, None] + dlat).round(4), gap]).ravel()
    lo = np.hstack([(lon[:, None] + dlon).round(4), gap]).ravel()
    return la, lo


def circle(lat: float, lon: float, km: float, n: int = 36) -> tuple[list[float], list[float]]:
    """One such circle as lat and lon lists, closed and clockwise (plotly's geo fill needs clockwise
    rings, else it fills the rest of the globe); geodesic-ish, good to ~1 % at these radii."""
    la, lo = circles(np.array([lat], float), np.array([lon], float), np.array([km], float), n)
    return la[:-1].tolist(), lo[:-1].tolist()


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
            h = d[halo]
            lats, lons = circles(h["latitude"].to_numpy(float), h["longitude"].to_numpy(float),
                                 h["geo_precision"].map(HALO_KM).to_numpy(float))
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


def is_aggregated(df: pd.DataFrame) -> bool:
    """True when a chart of these incidents draws aggregates instead of one mark per incident."""
    return len(df) > DETAIL_LIMIT


def grid_cells(df: pd.DataFrame, deg: float = GRID_DEG) -> pd.DataFrame:
    """Mapped incidents counted per grid cell: centre, incidents, killed, and the most common type."""
    d = df[mappable(df)]
    cols = ["lat", "lon", "incidents", "killed", "top_type", "top_share"]
    if d.empty:
        return pd.DataFrame(columns=cols)
    iy = np.floor(d["latitude"].to_numpy() / deg).astype(np.int64)
    ix = np.floor(d["longitude"].to_numpy() / deg).astype(np.int64)
    key = pd.Series(iy * 100_000 + ix, index=d.index)
    g = pd.DataFrame({"key": key, "type": d["event_type"], "killed": d["killed"].fillna(0).astype("int64")})
    per = g.groupby("key").agg(incidents=("type", "size"), killed=("killed", "sum"))
    top = g.groupby(["key", "type"], observed=True).size().reset_index(name="n") \
        .sort_values("n", ascending=False, kind="stable").drop_duplicates("key").set_index("key")
    per["top_type"] = top["type"].astype(str)
    per["top_share"] = top["n"] / per["incidents"]
    per["lat"] = (per.index // 100_000 + 0.5) * deg
    per["lon"] = (per.index % 100_000 + 0.5) * deg
    return per.reset_index(drop=True)[cols]


def density_traces(df: pd.DataFrame) -> list[go.Scattergeo]:
    """One marker per grid cell, sized and coloured by the number of incidents, exact counts in the hover."""
    cells = grid_cells(df)
    if cells.empty:
        return []
    hover = ("<b>" + cells["incidents"].map("{:,}".format) + " incidents</b> in this "
             + f"{GRID_DEG:g}° cell<br>killed: " + cells["killed"].map("{:,}".format)
             + "<br>most common: " + cells["top_type"].map(P.label).map(esc)
             + " (" + (cells["top_share"] * 100).round().astype(int).astype(str) + "%)")
    size = 5 + 22 * np.sqrt(cells["incidents"] / cells["incidents"].max())
    return [go.Scattergeo(
        lon=cells["lon"].round(3), lat=cells["lat"].round(3), mode="markers", name="incidents per cell",
        marker=dict(size=size.round(1), color=cells["incidents"], colorscale=DENSITY_SCALE, opacity=0.85,
                    line=dict(width=0.5, color="white"), showscale=True,
                    colorbar=dict(title=dict(text="incidents", font=dict(size=10)), thickness=10, len=0.5,
                                  x=0.99, xanchor="right", y=0.02, yanchor="bottom", tickfont=dict(size=9))),
        hovertext=hover, hovertemplate="%{hovertext}<extra></extra>", meta={"role": "density"})]


def map_figure(df: pd.DataFrame, height: int = 470, lon_range=FOCUS_LON, lat_range=FOCUS_LAT) -> go.Figure:
    """The border map, opening on the Tajik–Afghan border. Offline: our layers only (see module doc).

    Up to DETAIL_LIMIT incidents one marker each (with precision halos); above it, counts per grid cell.
    """
    marks = density_traces(df) if is_aggregated(df) else incident_traces(df)
    fig = go.Figure(base_traces() + marks)
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
