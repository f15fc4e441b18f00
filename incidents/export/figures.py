"""Print-ready chart exports: the dashboard's figures with a title, a subtitle stating the filters and
period, and a footnote with the data-as-of date, the sources and the map credits.

Pure plotly + pandas (never imports streamlit). The figures come from `incidents.charts` (the same
builders, hence the same colours as the screen); this module only frames them for print and renders
them through `render` (one warm kaleido server, serialised by a lock). The words come from `words`.
"""

from __future__ import annotations

import copy
import math
import textwrap

import pandas as pd
import plotly.graph_objects as go

from .. import charts
from ..charts import palette as P
from ..text import html
from ..view.views import View
from . import render
from .words import chart_title, filters_text, footnote_text

CHARTS = ("timeline", "map", "aggregate")
CHART_LABELS = {"timeline": "Timeline", "map": "Map", "aggregate": "Incidents and killed per period"}
TEMPLATE = charts.TEMPLATE  # explicit everywhere: importing streamlit changes plotly's default template
FONT = charts.FONT

# Export sizes in CSS px (PNG multiplies by `scale`; PDF pages are 3/4 of these in pt).
SIZES = {"timeline": (1200, 720), "map": (1100, None), "aggregate": (1200, 560)}
DEFAULT_SCALE = {"png": 2, "svg": 1, "pdf": 1}
# Frame around the plot, in px.
TITLE_SIZE, SUBTITLE_SIZE, FOOT_SIZE = 20, 13, 11
LINE = 1.35  # line height factor


def _mercator_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def map_extent(df: pd.DataFrame) -> tuple[tuple[float, float], tuple[float, float]]:
    """The focus area (AFG–TJK), widened so every mapped incident of the view is inside."""
    lon, lat = list(charts.FOCUS_LON), list(charts.FOCUS_LAT)
    m = df[charts.mappable(df)] if len(df) else df
    if len(m):
        pad = 0.6
        lon = [min(lon[0], float(m["longitude"].min()) - pad), max(lon[1], float(m["longitude"].max()) + pad)]
        lat = [min(lat[0], float(m["latitude"].min()) - pad), max(lat[1], float(m["latitude"].max()) + pad)]
    return (lon[0], lon[1]), (lat[0], lat[1])


def map_aspect(lon_range, lat_range) -> float:
    """Height / width of a mercator map of this extent."""
    return (_mercator_y(lat_range[1]) - _mercator_y(lat_range[0])) / math.radians(lon_range[1] - lon_range[0])


def aggregate_figure(per: pd.DataFrame | None, freq: str = "month", height: int = 420) -> go.Figure:
    """The per-period chart on its own: stacked incidents by type, killed (best, low–high whisker) on the right."""
    fig = go.Figure()
    for t in charts.aggregate_traces(per, freq) if per is not None else []:
        if t.meta.get("role") == "killed":
            fig.add_trace(t.update(yaxis="y2", showlegend=True))
        else:
            fig.add_trace(t.update(showlegend=True))
    fig.update_layout(
        template=TEMPLATE, font=FONT, height=height, barmode="stack", bargap=0.15, margin=dict(l=10, r=10, t=10, b=10),
        yaxis=dict(title=dict(text="incidents"), rangemode="tozero", tickformat="d"),
        yaxis2=dict(title=dict(text="killed"), overlaying="y", side="right", rangemode="tozero", tickformat="d",
                    showgrid=False),
        legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0),
    )
    if per is not None and len(per):
        for axis, top in (("yaxis", per["incidents"].max()), ("yaxis2", per["killed_high"].max())):
            fig.layout[axis].dtick = max(1, math.ceil(int(top) / 5))  # whole numbers, never a repeated tick
    if per is None or per.empty:
        fig.add_annotation(text="No incidents match the filters", x=0.5, y=0.5, xref="paper", yref="paper",
                           showarrow=False, font=dict(size=14, color="#666"))
    return fig


def base_figure(chart: str, view: View) -> go.Figure:
    """The dashboard's figure for `chart`, built by the same function with the view's data."""
    if chart == "timeline":
        fig = charts.timeline_figure(view.shown, view.per, view.state.lanes, view.state.agg, (view.start, view.end))
        if view.per is not None and len(view.per):  # whole-number ticks, never the same label twice
            fig.layout.yaxis2.dtick = max(1, math.ceil(int(view.per["incidents"].max()) / 4))
            fig.layout.yaxis3.dtick = max(1, math.ceil(int(view.per["killed_high"].max()) / 4))
        return fig
    if chart == "map":
        lon, lat = map_extent(view.shown)
        return charts.map_figure(view.shown, lon_range=lon, lat_range=lat)
    if chart == "aggregate":
        return aggregate_figure(view.per, view.state.agg)
    raise ValueError(f"unknown chart {chart!r}; choose one of {', '.join(CHARTS)}")


def _wrap_lines(text: str, width_px: int, size: float) -> list[str]:
    if not text:
        return []
    chars = max(30, int(width_px / (size * 0.47)))  # Liberation Sans averages under 0.5 em per character
    return textwrap.wrap(text, chars, break_long_words=True, break_on_hyphens=False) or [""]


def _legend(chart: str, fig: go.Figure) -> None:
    """Print needs a legend where the screen has the sidebar's: one filled symbol per event type shown.

    The data traces leave the legend; legend-only traces (no points) carry the entries, so an entry
    never takes the hollow symbol of an imprecise first point."""
    types: list[str] = []
    for t in fig.data:
        meta = t.meta if isinstance(t.meta, dict) else {}
        if meta.get("role") in ("incidents", "point", "handle", "count") and meta.get("event_type") not in types:
            types.append(meta["event_type"])
        if meta.get("role") != "border":
            t.update(showlegend=False)
    if chart == "aggregate":
        for t in fig.data:
            if (t.meta or {}).get("role") in ("count", "killed"):
                t.update(showlegend=True)
        return
    kind = go.Scattergeo if chart == "map" else go.Scatter
    for etype in sorted(types, key=list(P.EVENT_COLORS).index):
        fig.add_trace(kind(**({"lon": [None], "lat": [None]} if chart == "map" else {"x": [None], "y": [None]}),
                           mode="markers", name=P.label(etype), showlegend=True, hoverinfo="skip",
                           marker=dict(color=P.color(etype), symbol=P.symbol(etype), size=11,
                                       line=dict(width=0.6, color="white")),
                           meta={"role": "legend", "event_type": etype}))


def _legend_rows(fig: go.Figure, plot_w: int) -> int:
    names = [t.name or "" for t in fig.data if t.showlegend is not False and (t.showlegend or t.name)
             and (t.meta or {}).get("role") in ("legend", "border", "count", "killed")]
    widths = [44 + 6.4 * len(n) for n in names]
    rows, used = 1, 0.0
    for w in widths:
        if used + w > plot_w:
            rows, used = rows + 1, 0.0
        used += w
    return rows if names else 0


def decorate(fig: go.Figure, chart: str, title: str, subtitle: str, footnote: str, width: int,
             height: int | None = None) -> go.Figure:
    """A copy of `fig` framed for print: title and subtitle above, legend, footnote below, explicit
    template, white paper, fixed size. For the map, `height=None` fits the plot to the map's aspect."""
    fig = go.Figure(copy.deepcopy(fig.to_dict()))
    _legend(chart, fig)
    pad = 24
    text_w = width - 2 * pad
    title_lines = _wrap_lines(title, text_w, TITLE_SIZE)
    sub_lines = _wrap_lines(subtitle, text_w, SUBTITLE_SIZE)
    foot_lines = _wrap_lines(footnote, text_w, FOOT_SIZE)
    if chart == "timeline":
        lanes = [str(x) for x in (fig.layout.yaxis.categoryarray or ())]
        left, right = int(max([len(x) for x in lanes] + [4]) * 6.6 + 22), 56
    elif chart == "aggregate":
        left, right = 64, 64
    else:
        left, right = pad, pad
    plot_w = width - left - right
    rows = _legend_rows(fig, plot_w)
    legend_gap = {"timeline": 46, "map": 8, "aggregate": 8}[chart]
    ticks = 0 if chart == "map" else 28
    head = (16 if title_lines or sub_lines else 0) + len(title_lines) * TITLE_SIZE * LINE \
        + (8 if sub_lines else 0) + len(sub_lines) * SUBTITLE_SIZE * LINE
    top = int(head + 12 + rows * 21 + legend_gap)
    foot_h = len(foot_lines) * FOOT_SIZE * LINE
    bottom = int(ticks + (12 + foot_h + 16 if foot_lines else 8))
    if chart == "map":
        geo = fig.layout.geo
        height = height or int(plot_w * map_aspect(geo.lonaxis.range, geo.lataxis.range)) + top + bottom
    height = height or 700
    plot_h = height - top - bottom
    fig.update_layout(
        template=TEMPLATE, font=FONT, width=width, height=height, paper_bgcolor="white",
        margin=dict(l=left, r=right, t=top, b=bottom, autoexpand=False),
        title=dict(text="<br>".join(html(x) for x in title_lines), x=pad / width, xanchor="left",
                   xref="container", y=1 - 16 / height, yref="container", yanchor="top",
                   font=dict(size=TITLE_SIZE, color="#111"),
                   subtitle=dict(text="<br>".join(html(x) for x in sub_lines),
                                 font=dict(size=SUBTITLE_SIZE, color="#333"))),
        showlegend=rows > 0, uirevision=None, dragmode=False,
        legend=dict(orientation="h", x=-(left - pad) / plot_w, xanchor="left", y=1 + legend_gap / plot_h,
                    yanchor="bottom", font=dict(size=11), itemsizing="constant", traceorder="normal",
                    bgcolor="rgba(255,255,255,0)"),
    )
    # Paper coordinates are relative to the plot area: the footnote starts just under the tick labels.
    if foot_lines:
        fig.add_annotation(text="<br>".join(html(x) for x in foot_lines), xref="paper", yref="paper",
                           x=-(left - pad) / plot_w, y=-(ticks + 12) / plot_h, xanchor="left", yanchor="top",
                           align="left", showarrow=False, font=dict(size=FOOT_SIZE, color="#333"))
    if chart == "map":
        fig.update_geos(domain=dict(x=[0, 1], y=[0, 1]))
    return fig


def export_figure(chart: str, view: View, width: int | None = None, height: int | None = None,
                  title: str | None = None) -> go.Figure:
    """The chart of this view, framed for print (title, filters and period, data-as-of, sources, credits)."""
    w, h = SIZES[chart]
    return decorate(base_figure(chart, view), chart, title or chart_title(chart, view), filters_text(view),
                    footnote_text(view, chart), width or w, height or h)


def export_chart(chart: str, view: View, fmt: str, width: int | None = None, height: int | None = None,
                 scale: float | None = None, title: str | None = None) -> bytes:
    """Bytes of the chart in png, svg or pdf. PNG defaults to 2x scale (for slides).

    Raises render.ExportUnavailable when Chromium is missing.
    """
    if fmt not in render.FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(render.FORMATS)}")
    if not render.available():
        render.render(go.Figure(), fmt)  # raises ExportUnavailable with the plain message
    fig = export_figure(chart, view, width, height, title)
    return render.render(fig, fmt, width=fig.layout.width, height=fig.layout.height,
                         scale=scale if scale is not None else DEFAULT_SCALE[fmt])


def file_name(chart: str, view: View, fmt: str) -> str:
    lo, hi = view.start, view.end
    span = f"_{lo:%Y%m%d}-{hi:%Y%m%d}" if lo and hi else ""
    border = "-".join(view.state.borders) if view.state.borders else "all-borders"
    return f"borderwatch_{chart}_{border}{span}.{fmt}"
