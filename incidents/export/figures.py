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
from ..view import slider
from ..view.views import View
from . import render
from .words import chart_title, filters_text, footnote_text

CHARTS = ("timeline", "map", "aggregate")
CHART_LABELS = {"timeline": "Timeline", "map": "Map", "aggregate": "Incidents and killed per period"}
TEMPLATE = charts.TEMPLATE  # explicit everywhere: importing streamlit changes plotly's default template
FONT = charts.FONT

# Export sizes in CSS px (PNG multiplies by `scale`; PDF pages are 3/4 of these in pt). Landscape pages at
# 96 px/in: A4 842 x 595 pt, Letter 792 x 612 pt. The map defaults to an A4 page.
PAGES = {"a4": (1123, 794), "letter": (1056, 816)}
SIZES = {"timeline": (1200, 720), "map": PAGES["a4"], "aggregate": (1200, 560)}
PAD = 24  # px of white paper around the text
DEFAULT_SCALE = {"png": 2, "svg": 1, "pdf": 1}
# Frame around the plot, in px.
TITLE_SIZE, SUBTITLE_SIZE, FOOT_SIZE = 20, 13, 11
LINE = 1.35  # line height factor


def map_frame(view: View, width: int, height: int):
    """The frame of the view's map at this size (charts.map_frame with the legend column): the view's area
    (bbox) when it has one, else fitted to all its mapped incidents (a time-slider frame keeps it)."""
    box = view.state.bbox
    lon, lat = ((box[0], box[2]), (box[1], box[3])) if box else (None, None)
    return charts.map_frame(view.shown, height, width, lon, lat, legend=True)


def map_counts(view: View, width: int, height: int) -> str:
    """'37 of 56 shown incidents mapped · not on the map: 19 without coordinates' for the view's map."""
    fr = map_frame(view, width, height)
    return charts.map_counts(view.shown, height, width, fr.lon, fr.lat, legend=True).caption()


def map_figure(view: View, width: int, height: int) -> go.Figure:
    """The dashboard's map of this view at this size, legend on the chart; on a time-slider period (state.at)
    its incidents strong, the earlier ones faint (or left out with trail off), the frame of the whole view."""
    drawn, ids = slider.frame(view.shown, view.state.at, view.state.trail) if view.state.at else \
        (view.shown, [i for i in view.state.selected if i in set(view.shown["incident_id"])])
    fr = map_frame(view, width, height)
    shade = None if view.state.shade == "none" else view.state.shade
    return charts.map_figure(drawn, height=height, width=width, lon_range=fr.lon, lat_range=fr.lat,
                             selected_ids=ids or None, shade=shade, legend=True,
                             focus_border=view.state.focus_border())


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


def base_figure(chart: str, view: View, width: int = 1100, height: int = 620) -> go.Figure:
    """The dashboard's figure for `chart`, built by the same function with the view's data (the map at
    `width` x `height`, the plot area it will have on the page)."""
    if chart == "timeline":
        # one row of labels: it fits the 46 px the print frame leaves between its legend and the plot
        fig = charts.timeline_figure(view.shown, view.per, view.state.lanes, view.state.agg, (view.start, view.end),
                                     width=width, period=slider.span(view.state.at), label_rows=1)
        if view.per is not None and len(view.per):  # whole-number ticks, never the same label twice
            fig.layout.yaxis2.dtick = max(1, math.ceil(int(view.per["incidents"].max()) / 4))
            fig.layout.yaxis3.dtick = max(1, math.ceil(int(view.per["killed_high"].max()) / 4))
        return fig
    if chart == "map":
        return map_figure(view, width, height)
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


def _text_px(chart: str, title: str, subtitle: str, footnote: str, width: int, legend_rows: int) -> dict:
    """The frame's text lines and the margins they need, in px."""
    pad = PAD
    text_w = width - 2 * pad
    t = dict(title=_wrap_lines(title, text_w, TITLE_SIZE), sub=_wrap_lines(subtitle, text_w, SUBTITLE_SIZE),
             foot=_wrap_lines(footnote, text_w, FOOT_SIZE))
    legend_gap = {"timeline": 46, "map": 0, "aggregate": 8}[chart]
    ticks = 0 if chart == "map" else 28
    head = (16 if t["title"] or t["sub"] else 0) + len(t["title"]) * TITLE_SIZE * LINE \
        + (8 if t["sub"] else 0) + len(t["sub"]) * SUBTITLE_SIZE * LINE
    t["top"] = int(head + 12 + legend_rows * 21 + legend_gap)
    t["bottom"] = int(ticks + (12 + len(t["foot"]) * FOOT_SIZE * LINE + 16 if t["foot"] else 8))
    t.update(legend_gap=legend_gap, ticks=ticks)
    return t


def decorate(fig: go.Figure, chart: str, title: str, subtitle: str, footnote: str, width: int,
             height: int | None = None) -> go.Figure:
    """A copy of `fig` framed for print: title and subtitle above, legend, footnote below, explicit
    template, white paper, fixed size. The map keeps its own legend in the column at its right."""
    fig = go.Figure(copy.deepcopy(fig.to_dict()))
    pad = PAD
    if chart == "timeline":
        lanes = [str(x) for x in (fig.layout.yaxis.categoryarray or ())]
        left, right = int(max([len(x) for x in lanes] + [4]) * 6.6 + 22), 56
    elif chart == "aggregate":
        left, right = 64, 64
    else:
        left, right = pad, pad + charts.LEGEND_PX
    plot_w = width - left - right
    if chart != "map":
        _legend(chart, fig)
    rows = 0 if chart == "map" else _legend_rows(fig, plot_w)
    t = _text_px(chart, title, subtitle, footnote, width, rows)
    top, bottom = t["top"], t["bottom"]
    height = height or 700
    plot_h = height - top - bottom
    fig.update_layout(
        template=TEMPLATE, font=FONT, width=width, height=height, paper_bgcolor="white",
        margin=dict(l=left, r=right, t=top, b=bottom, autoexpand=False),
        title=dict(text="<br>".join(html(x) for x in t["title"]), x=pad / width, xanchor="left",
                   xref="container", y=1 - 16 / height, yref="container", yanchor="top",
                   font=dict(size=TITLE_SIZE, color="#111"),
                   subtitle=dict(text="<br>".join(html(x) for x in t["sub"]),
                                 font=dict(size=SUBTITLE_SIZE, color="#333"))),
        uirevision=None, dragmode=False,
    )
    if chart == "map":  # the legend column beside the map, as on the screen
        fig.update_layout(showlegend=True, legend=dict(x=1 + 10 / plot_w, xanchor="left", y=1.0, yanchor="top"))
    else:
        fig.update_layout(showlegend=rows > 0, legend=dict(
            orientation="h", x=-(left - pad) / plot_w, xanchor="left", y=1 + t["legend_gap"] / plot_h,
            yanchor="bottom", font=dict(size=11), itemsizing="constant", traceorder="normal",
            bgcolor="rgba(255,255,255,0)"))
    # Paper coordinates are relative to the plot area: the footnote starts just under the tick labels.
    if t["foot"]:
        fig.add_annotation(text="<br>".join(html(x) for x in t["foot"]), xref="paper", yref="paper",
                           x=-(left - pad) / plot_w, y=-(t["ticks"] + 12) / plot_h, xanchor="left", yanchor="top",
                           align="left", showarrow=False, font=dict(size=FOOT_SIZE, color="#333"))
    if chart == "map":
        fig.update_geos(domain=dict(x=[0, 1], y=[0, 1]))
    return fig


def framed(chart: str, view: View, title: str, subtitle: str, footnote: str, width: int, height: int) -> go.Figure:
    """The chart of this view on a page of width x height px: the map is built for the plot area the page
    leaves it (so its frame, fanned markers and legend fit), and its footnote says how many are mapped."""
    if chart != "map":
        return decorate(base_figure(chart, view, width, height), chart, title, subtitle, footnote, width, height)
    plot_w = width - 2 * PAD - charts.LEGEND_PX
    draft = base_figure("map", view, plot_w + charts.LEGEND_PX, max(height - 200, 200))
    counts = charts.MapCounts(**draft.layout.meta["counts"]).caption()
    footnote = f"{counts}. {footnote}" if footnote else ""
    t = _text_px("map", title, subtitle, footnote, width, 0)
    fig = base_figure("map", view, plot_w + charts.LEGEND_PX, height - t["top"] - t["bottom"])
    return decorate(fig, "map", title, subtitle, footnote, width, height)


def export_figure(chart: str, view: View, width: int | None = None, height: int | None = None,
                  title: str | None = None, paper: str | None = None) -> go.Figure:
    """The chart of this view, framed for print (title, filters and period, data-as-of, sources, credits);
    on a landscape A4 or Letter page when `paper` is given (the map's default: A4)."""
    w, h = PAGES[paper] if paper else SIZES[chart]
    subtitle = filters_text(view) + (f" · Period shown: {slider.label(view.state.at)}" if view.state.at else "")
    return framed(chart, view, title or chart_title(chart, view), subtitle, footnote_text(view, chart),
                  width or w, height or h)


def export_chart(chart: str, view: View, fmt: str, width: int | None = None, height: int | None = None,
                 scale: float | None = None, title: str | None = None, paper: str | None = None) -> bytes:
    """Bytes of the chart in png, svg or pdf. PNG defaults to 2x scale (for slides).

    Raises render.ExportUnavailable when Chromium is missing.
    """
    if fmt not in render.FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(render.FORMATS)}")
    if not render.available():
        render.render(go.Figure(), fmt)  # raises ExportUnavailable with the plain message
    fig = export_figure(chart, view, width, height, title, paper)
    return render.render(fig, fmt, width=fig.layout.width, height=fig.layout.height,
                         scale=scale if scale is not None else DEFAULT_SCALE[fmt])


def file_name(chart: str, view: View, fmt: str) -> str:
    lo, hi = view.start, view.end
    span = f"_{lo:%Y%m%d}-{hi:%Y%m%d}" if lo and hi else ""
    border = "-".join(view.state.borders) if view.state.borders else "all-borders"
    return f"borderwatch_{chart}_{border}{span}.{fmt}"
