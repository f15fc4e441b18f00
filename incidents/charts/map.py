"""The border map: incidents as markers (precision halos for approximate places) or, at scale, counts
per grid cell; and reading a selection made on a chart back into incident ids."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..schema import EVENT_TYPES
from ..text import html
from . import palette as P
from .basemap import base_traces, circles
from .labels import hover_text, marker_size
from .style import DENSITY_SCALE, FONT, TEMPLATE, is_aggregated

# The opening view: the Tajik–Afghan border (lon 67.3–75.1, lat 36.6–38.6 plus context).
FOCUS_LON = (66.9, 75.4)
FOCUS_LAT = (34.9, 41.3)

# Radius in km of the halo drawn around a point whose place is known only approximately.
HALO_KM = {"district": 20.0, "province": 60.0, "border_area": 30.0}
PRECISE = ("exact", "near")
NOT_MAPPED = ("country",)  # a country-level point says nothing about where on the map
GRID_DEG = 0.2  # map cell size in degrees (~20 km) in aggregated mode


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
             + "<br>most common: " + cells["top_type"].map(P.label).map(html)
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

