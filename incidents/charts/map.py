"""The border map: framed to the shown incidents, each incident its own selectable marker (co-located ones fanned out), halos as outlines, names, scale bar and legend on the chart; counts per cell at scale; reading a selection back into incident ids."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..schema import EVENT_TYPES
from ..text import html
from . import frame as F
from . import palette as P
from .basemap import base_traces, circles
from .labels import hover_text, marker_size
from .places import label_traces, scale_bar
from .provinces import province_traces
from .spread import NOT_MAPPED, MapCounts, Placement, count_size, mappable, place  # noqa: F401
from .style import DENSITY_SCALE, DIM, FONT, TEMPLATE, figure, is_aggregated, is_extracted

# The export's opening view: the Tajik–Afghan border (lon 67.3–75.1, lat 36.6–38.6 plus context).
FOCUS_LON = (66.9, 75.4)
FOCUS_LAT = (34.9, 41.3)

# Radius in km of the halo drawn around a point whose place is known only approximately.
HALO_KM = {"district": 20.0, "province": 60.0, "border_area": 30.0}
PRECISE = ("exact", "near")
GRID_DEG = 0.2  # map cell size in degrees (~20 km) in aggregated mode
LEGEND_PX = 150  # the legend's column at the map's right (labels wrapped to fit it)
MAP_HOVER_WIDTH = 44  # characters per line of the summary in a map hover (fits beside a point)


def _legend_on(legend: bool | None, width: int | None) -> bool:
    """The legend column is drawn when asked for, or by default when the caller says how wide the map is."""
    return bool(width) if legend is None else bool(legend)


def map_frame(df: pd.DataFrame, height: int = 470, width: int | None = None, lon_range=None, lat_range=None,
              legend: bool | None = None, cells: pd.DataFrame | None = None) -> F.Frame:
    """The frame a map of these incidents shows: the given ranges, else fitted to the mapped incidents
    (cell centres above DETAIL_LIMIT), else the Tajik–Afghan border. `width` is the whole figure's in px
    (less the legend column when there is one); without it the plot is taken to be as wide as high."""
    w = (width or height) - (LEGEND_PX if _legend_on(legend, width) else 0)
    if lon_range is not None and lat_range is not None:
        return F.given(lon_range, lat_range, w if width else None, height)
    if is_aggregated(df):
        cells = grid_cells(df) if cells is None else cells
        return F.fit(cells["lon"], cells["lat"], w, height)
    d = df[mappable(df)]
    return F.fit(d["longitude"], d["latitude"], w, height)


def placement(df: pd.DataFrame, fr: F.Frame) -> Placement:
    """Where each mapped incident's marker goes in this frame (see `spread.place`)."""
    return place(df, fr, marker_size(df["killed"]))


def map_counts(df: pd.DataFrame, height: int = 470, width: int | None = None, lon_range=None, lat_range=None,
               legend: bool | None = None) -> MapCounts:
    """The counts a caption reports for the map `map_figure` draws with the same arguments:
    mapped of shown, distinct marker positions, and why the others are not on the map."""
    if not is_aggregated(df):
        return placement(df, map_frame(df, height, width, lon_range, lat_range, legend)).counts
    return _cell_counts(df, map_frame(df, height, width, lon_range, lat_range, legend), grid_cells(df))


def _cell_counts(df: pd.DataFrame, fr: F.Frame, cells: pd.DataFrame) -> MapCounts:
    """Counts of an aggregated map: incidents in the frame, and cells (the symbols a person counts)."""
    d = df[mappable(df)]
    has_xy = df["latitude"].notna() & df["longitude"].notna()
    inside = fr.contains(d["longitude"], d["latitude"])
    shown_cells = cells[fr.contains(cells["lon"], cells["lat"])]
    return MapCounts(len(df), int(inside.sum()), len(shown_cells), int((~has_xy).sum()),
                     int((has_xy & df["geo_precision"].isin(NOT_MAPPED)).sum()), int((~inside).sum()))


def _halo_traces(d: pd.DataFrame, dim: pd.Series) -> list[go.Scattergeo]:
    """One dashed outline per distinct (type, place, radius): the area an approximate place stands for."""
    traces = []
    for etype in EVENT_TYPES:
        for faded in (False, True):
            h = d[(d["event_type"] == etype) & d["geo_precision"].isin(list(HALO_KM)) & (dim == faded)]
            h = h.assign(km=h["geo_precision"].map(HALO_KM).astype(float)) \
                .drop_duplicates(["latitude", "longitude", "km"])
            if h.empty:
                continue
            lats, lons = circles(h["latitude"].to_numpy(float), h["longitude"].to_numpy(float), h["km"].to_numpy(float), 36)
            traces.append(go.Scattergeo(
                lon=lons, lat=lats, mode="lines", line=dict(color=P.rgba(P.color(etype), 0.2 if faded else 0.7),
                                                           width=1.2, dash="dash"),
                hoverinfo="skip", name=f"{P.label(etype)} (area)", showlegend=False,
                meta={"role": "halo", "event_type": etype}))
    return traces


def incident_traces(df: pd.DataFrame, pl: Placement | None = None, selected_ids=None) -> list[go.Scattergeo]:
    """Halos (dashed outlines) for approximate places, leader lines from fanned markers to their true
    point, then one marker trace per event type and the count symbols.

    Markers: filled for exact/near places, hollow for district/province/border-area places, hollow
    with a dot for unreviewed extracted records. Size grows with killed. customdata = incident_id.
    Without a placement every marker sits on its true point.
    """
    d = df[mappable(df)]
    if pl is None:
        pl = Placement(None, pd.DataFrame({"lon": d["longitude"], "lat": d["latitude"], "x_lon": d["longitude"],
                                           "x_lat": d["latitude"], "moved": False}, index=d.index),
                       pd.DataFrame(columns=["lon", "lat", "n", "ids", "killed"]), None)
    d = d.loc[d.index.intersection(pl.markers.index)]
    traces: list[go.Scattergeo] = []
    if d.empty and pl.clusters.empty:
        return traces
    sel = set(map(str, selected_ids or ()))
    chosen = d["incident_id"].astype(str).isin(sel) if sel else pd.Series(True, index=d.index)
    dim = ~chosen
    traces += _halo_traces(d, dim)
    m = pl.markers.loc[d.index]
    moved = m[m["moved"]]
    if len(moved):
        lon = np.column_stack([moved["lon"], moved["x_lon"], np.full(len(moved), np.nan)]).ravel()
        lat = np.column_stack([moved["lat"], moved["x_lat"], np.full(len(moved), np.nan)]).ravel()
        traces.append(go.Scattergeo(lon=lon, lat=lat, mode="lines", line=dict(color=P.LEADER_LINE, width=0.8),
                                    hoverinfo="skip", showlegend=False, meta={"role": "leader"}))
        anchors = moved.drop_duplicates(["lon", "lat"])  # the true point: a text bullet, never an incident marker
        traces.append(go.Scattergeo(lon=anchors["lon"], lat=anchors["lat"], mode="text", text=["•"] * len(anchors),
                                    textposition="middle center", textfont=dict(size=14, color=P.LEADER_LINE),
                                    hoverinfo="skip", showlegend=False, meta={"role": "anchor"}))
    hover = hover_text(d, width=MAP_HOVER_WIDTH)
    size = pd.Series(marker_size(d["killed"]), index=d.index)
    extracted = is_extracted(d)
    for etype in EVENT_TYPES:
        idx = d.index[d["event_type"] == etype]
        if not len(idx):
            continue
        precise = d.loc[idx, "geo_precision"].isin(PRECISE).to_numpy()
        ext = extracted[idx].to_numpy()
        sym = np.where(ext, P.symbol(etype) + "-open-dot", np.where(precise, P.symbol(etype), P.symbol(etype) + "-open"))
        hi = chosen[idx].to_numpy() & bool(sel)
        line_w = np.where(hi, 2.2, np.where(precise & ~ext, 0.7, 2.0))
        line_c = np.where(hi, P.SELECTED_LINE, np.where(precise & ~ext, "white", P.color(etype)))
        traces.append(go.Scattergeo(
            lon=m.loc[idx, "x_lon"], lat=m.loc[idx, "x_lat"], mode="markers", name=P.label(etype),
            legendgroup="types", showlegend=False,
            marker=dict(color=P.color(etype), size=size[idx], symbol=sym,
                        opacity=np.where(dim[idx].to_numpy(), DIM, 0.95), line=dict(width=line_w, color=line_c)),
            customdata=d.loc[idx, "incident_id"].to_numpy(), hovertext=hover[idx],
            hovertemplate="%{hovertext}<extra></extra>", meta={"role": "incidents", "event_type": etype}))
    if len(pl.clusters):
        c = pl.clusters
        hit = c["ids"].map(lambda ids: bool(sel & set(ids))) if sel else pd.Series(True, index=c.index)
        traces.append(go.Scattergeo(
            lon=c["lon"], lat=c["lat"], mode="markers+text", text=c["n"].astype(str), textfont=dict(size=11, color="#111"),
            marker=dict(size=count_size(c["n"]), color="white", opacity=np.where(hit, 0.95, 0.4),
                        line=dict(width=np.where(hit & bool(sel), 2.6, 1.6), color="#111")),
            customdata=c["ids"].map(lambda ids: ids[0]).to_numpy(),
            hovertext=("<b>" + c["n"].astype(str) + " incidents at this place</b><br>killed: " + c["killed"].astype(str)
                       + "<br>select it to list them in the table"),
            hovertemplate="%{hovertext}<extra></extra>", showlegend=False,
            meta={"role": "cluster", "ids": c["ids"].tolist()}))
    return traces


def legend_traces(df: pd.DataFrame, pl: Placement | None) -> list[go.Scattergeo]:
    """Legend-only entries (no points): event types shown, how a place's precision reads, the symbols
    for unreviewed records, fanned markers and count symbols, and rivers. A static key (not clickable)."""
    d = df[mappable(df)]
    out = []

    def entry(name, group, title, rank, **kw):
        out.append(go.Scattergeo(lon=[None], lat=[None], name=name, legendgroup=group, legendrank=rank,
                                 legendgrouptitle=dict(text=title) if title else None, showlegend=True,
                                 hoverinfo="skip", meta={"role": "legend-key", "group": group}, **kw))

    present = [t for t in EVENT_TYPES if (d["event_type"] == t).any()]
    for k, etype in enumerate(present):
        entry(P.label(etype), "types", "<b>Event type</b>" if k == 0 else None, 100 + k, mode="markers",
              marker=dict(color=P.color(etype), symbol=P.symbol(etype), size=10, line=dict(width=0.6, color="white")))
    kinds = [("exact or near", "circle", "white", d["geo_precision"].isin(PRECISE).any()),
             ("district, province or<br>border area (dashed)", "circle-open", "#555",
              d["geo_precision"].isin(list(HALO_KM)).any()),
             ("extracted, not<br>reviewed", "circle-open-dot", "#555", is_extracted(d).any())]
    kinds = [k for k in kinds if k[3]]
    for k, (name, sym, lc, _) in enumerate(kinds):
        entry(name, "marks", "<b>Markers</b>" if k == 0 else None, 200 + k, mode="markers",
              marker=dict(color="#777", symbol=sym, size=10, line=dict(width=1.6 if "open" in sym else 0.6, color=lc)))
    extra = []
    if pl is not None and len(pl.markers) and pl.markers["moved"].any():
        extra.append(dict(name="shared place, its<br>markers fanned out", mode="markers",
                          marker=dict(size=12, symbol="asterisk-open", color=P.LEADER_LINE,
                                      line=dict(width=1, color=P.LEADER_LINE))))
    if pl is not None and len(pl.clusters):
        extra.append(dict(name="several incidents<br>at one place (count)", mode="markers",
                          marker=dict(size=14, color="white", line=dict(width=1.6, color="#111"))))
    # One "Markers" section (how a marker's fill, size and placement read): the title goes on its first entry.
    for k, kw in enumerate(extra):
        entry(kw.pop("name"), "marks", None, 300 + k, **kw)
    entry("size: killed", "marks", None if kinds else "<b>Markers</b>", 299, mode="markers",
          marker=dict(size=[7], color="#999", symbol="circle"))
    entry("river", "lines", "<b>Lines</b>", 400, mode="lines", line=dict(color=P.RIVER_LINE, width=4))
    return out


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


def density_traces(df: pd.DataFrame, cells: pd.DataFrame | None = None) -> list[go.Scattergeo]:
    """One marker per grid cell, sized and coloured by the number of incidents, exact counts in the hover."""
    cells = grid_cells(df) if cells is None else cells
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


def map_figure(df: pd.DataFrame, height: int = 470, lon_range=None, lat_range=None, *, width: int | None = None,
               selected_ids=None, shade: str | None = None, legend: bool | None = None,
               labels: bool = True, focus_border: str = P.FOCUS_BORDER) -> go.Figure:
    """The border map, framed to the shown incidents. Offline: our layers only (see basemap's doc).

    Frame: `lon_range`/`lat_range` when given, else fitted to the mapped incidents with the aspect of
    the plot, else the Tajik–Afghan border. Pass `width` (the figure's width in px, as the page lays it
    out): the frame then fills it, fanned markers are spaced for it, and the legend gets a column at the
    right (`legend` defaults to on with a width, off without; without a width the plot is taken to be
    as wide as it is high). Up to DETAIL_LIMIT incidents each gets its own marker (co-located ones fanned
    out, see `spread.place`); above it, counts per grid cell. `selected_ids` are highlighted (the rest
    dimmed); `shade` = "incidents" or "killed" shades provinces; `focus_border` is drawn thick (the border
    the view is about: AFG–TJK unless one other border is chosen). layout.meta holds the frame
    ({"frame": {"lon", "lat", "width", "height"}}) and the `MapCounts` ({"counts": {...}}).
    """
    legend = _legend_on(legend, width)
    cells = grid_cells(df) if is_aggregated(df) else None
    fr = map_frame(df, height, width, lon_range, lat_range, legend, cells)
    pl = None
    if cells is not None:
        marks = density_traces(df, cells)
        counts = _cell_counts(df, fr, cells)
    else:
        pl = placement(df, fr)
        marks = incident_traces(df, pl, selected_ids)
        counts = pl.counts
    shading = province_traces(df, shade) if shade else []
    obstacles = []
    if pl is not None and len(pl.markers):
        x, y = fr.px(pl.markers["x_lon"], pl.markers["x_lat"])
        r = marker_size(df.loc[pl.markers.index, "killed"]) / 2 + 2
        obstacles = list(zip(x, y, r))
        if len(pl.clusters):
            cx, cy = fr.px(pl.clusters["lon"], pl.clusters["lat"])
            obstacles += list(zip(cx, cy, count_size(pl.clusters["n"]) / 2 + 2))
    names = label_traces(fr, obstacles) if labels else []
    keys = [] if not legend else legend_traces(df, pl) if pl is not None else \
        [t for t in legend_traces(df.iloc[0:0], None) if t.meta["group"] == "lines"]  # cells: colour = count
    fig = figure(base_traces(labels=False, shading=shading, focus_border=focus_border)
                 + names + scale_bar(fr) + marks + keys)
    fig.update_geos(
        visible=False,
        showland=False, showcountries=False, showcoastlines=False, showocean=False, showlakes=False,
        showrivers=False, showsubunits=False, showframe=False,
        projection_type="mercator", lonaxis_range=list(fr.lon), lataxis_range=list(fr.lat),
        bgcolor="#FFFFFF",
    )
    for t in fig.data:  # the border entries join the legend's "Lines" section, after the river
        if (t.meta or {}).get("role") == "border":
            t.legendrank = 401 if t.meta.get("pair") == focus_border else 402
            t.showlegend = bool(t.showlegend) and legend
    fig.update_layout(
        template=TEMPLATE, font=FONT, height=height, margin=dict(l=0, r=LEGEND_PX if legend else 0, t=0, b=0),
        showlegend=legend, uirevision=f"map-{fr.lon[0]:.3f}-{fr.lat[0]:.3f}-{fr.lon[1]:.3f}", dragmode="pan",
        legend=dict(x=1.0, xanchor="left", y=1.0, yanchor="top", font=dict(size=10.5), itemclick=False,
                    itemdoubleclick=False, tracegroupgap=3, itemsizing="constant", bgcolor="rgba(255,255,255,0)"),
        hoverlabel=dict(align="left", font=dict(size=11)),
        meta={"frame": fr.as_dict(), "counts": counts.as_dict()},
    )
    if width:
        fig.update_layout(width=width)
    return fig


# --- selections -------------------------------------------------------------------------------

def selected_ids(fig: go.Figure, event) -> list[str]:
    """incident_ids of the points selected in a chart, from Streamlit's selection event.

    Reads the event with dict access (works for live events and for AppTest-injected dicts) and maps
    each point back through the figure's customdata; a count symbol stands for all its incidents;
    points without an incident id (bars, lines) are ignored, and stale indices from an older figure
    are skipped.
    """
    if not event:
        return []
    sel = event.get("selection", {}) if hasattr(event, "get") else {}
    points = (sel or {}).get("points", []) or []
    out: list[str] = []
    for p in points:
        curve = p.get("curve_number")
        idx = p.get("point_index", p.get("point_number"))
        trace = fig.data[curve] if curve is not None and 0 <= curve < len(fig.data) else None
        meta = (trace.meta if trace is not None and isinstance(trace.meta, dict) else {})
        if meta.get("role") == "cluster" and idx is not None and 0 <= idx < len(meta.get("ids", [])):
            out += [i for i in meta["ids"][idx] if i not in out]
            continue
        cid = p.get("customdata")
        if isinstance(cid, (list, tuple)):
            cid = cid[0] if cid else None
        if cid is None:
            if trace is None or idx is None:
                continue
            data = trace.customdata
            if data is None or not (0 <= idx < len(data)):
                continue
            cid = data[idx]
        if cid is not None and str(cid) not in out:
            out.append(str(cid))
    return out
