"""The timeline figure: one lane per event type or border (empty lanes hidden), imprecise dates as spans behind the markers, then incidents and killed per week or month in two rows below, sharing the date axis."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..periods import period_start, windows
from ..schema import EVENT_TYPES
from ..text import html
from ..view.filters import FOCUS_BORDER, NO_BORDER
from . import palette as P
from . import timeaxis as T
from .labels import NO_BORDER_LABEL, border_label, hover_text
from .style import DENSITY_SCALE, DIM, FONT, TEMPLATE, is_aggregated, is_extracted

# Strategic developments get the top lane: their labels rise into the top margin, not onto other lanes.
LANE_TYPES = ("strategic_development", *[t for t in EVENT_TYPES if t != "strategic_development"])
KILLED_COLOR = "#5E5E5E"  # killed bars: a neutral grey of their own row, readable in colour and in print
ROW_NAMES = {"month": ("incidents<br>per month", "killed<br>per month"),
             "week": ("incidents<br>per week", "killed<br>per week")}


def lane_values(df: pd.DataFrame, lanes: str) -> pd.Series:
    if lanes == "border":
        return df["border"].astype(str).map(border_label)
    return df["event_type"].map(P.label).astype(str)


def lane_order(df: pd.DataFrame, lanes: str) -> list[str]:
    """Lanes top to bottom, only those with incidents: event types in LANE_TYPES order, or borders with
    AFG–TJK first and 'no border' last."""
    if lanes == "border":
        present = {str(b) for b in df["border"].unique()}
        order = sorted(present - {"", NO_BORDER}, key=lambda b: (b != FOCUS_BORDER, b))
        labels = [border_label(b) for b in order]
        if present & {"", NO_BORDER}:
            labels.append(NO_BORDER_LABEL)
        return labels
    present = {str(t) for t in df["event_type"].unique()}
    return [P.label(t) for t in LANE_TYPES if t in present]


def is_span(df: pd.DataFrame) -> pd.Series:
    """Incidents drawn as a span on the timeline: date known only to the week/month/year, or multi-day."""
    start, end = windows(df)
    return (df["date_precision"] != "day") | (end > start)


def marker_px(killed: pd.Series) -> np.ndarray:
    """Timeline marker diameter in px: grows with killed like the map's, smaller so lanes stay thin."""
    k = pd.to_numeric(killed, errors="coerce").astype("float64").fillna(0).clip(lower=0).to_numpy()
    return np.minimum(8 + 2.2 * np.sqrt(k), 20)


def positions(df: pd.DataFrame, lanes: str, order: list[str], lane_px: float = 0.0,
              day_px: float = 0.0) -> pd.DataFrame:
    """Per incident: lane number (top lane highest), marker x (its day, or the middle of an imprecise
    window), y (lane plus a dodge so markers in a lane do not hide each other), size, window start/end."""
    start, end = windows(df)
    imprecise = df["date_precision"] != "day"
    x = start.where(~imprecise, start + (end - start) / 2)
    lane_no = lane_values(df, lanes).map({name: len(order) - 1 - k for k, name in enumerate(order)})
    size = marker_px(df["killed"])
    xs = ((x - x.min()).dt.total_seconds() / 86400 * day_px).to_numpy(float) if len(df) else np.array([])
    off = T.dodge(lane_no.to_numpy(), xs, size, lane_px) if lane_px and day_px else np.zeros(len(df))
    return pd.DataFrame({"lane": lane_no, "x": x, "y": lane_no.to_numpy(float) + off, "size": size,
                         "start": start, "end": end, "imprecise": imprecise, "span": is_span(df)}, index=df.index)


def timeline_traces(df: pd.DataFrame, lanes: str = "type", showlegend: bool = False, pos: pd.DataFrame | None = None,
                    selected_ids=None) -> list[go.Scatter]:
    """Traces for the incident timeline, spans first so they never cover a marker.

    Per event type: a `lines` trace of spans (imprecise or multi-day dates, from the first to the last
    possible day; dotted for unreviewed extracted records), then a `markers` trace of day-precision
    incidents and one of hollow handles in the middle of imprecise spans (for hover and selection);
    unreviewed extracted records get hollow markers with a dot. Marker traces carry the incident_id in
    customdata; meta = {"role", "event_type", "extracted"}.
    """
    if df.empty:
        return []
    pos = positions(df, lanes, lane_order(df, lanes)) if pos is None else pos
    hover = hover_text(df)
    extracted = is_extracted(df)
    sel = set(map(str, selected_ids or ()))
    chosen = df["incident_id"].astype(str).isin(sel) if sel else pd.Series(True, index=df.index)
    spans: list[go.Scatter] = []
    marks: list[go.Scatter] = []
    for etype in EVENT_TYPES:
        m = df["event_type"] == etype
        if not m.any():
            continue
        c, name = P.color(etype), P.label(etype)
        for ext in (False, True):
            sm = m & pos["span"] & (extracted == ext)
            if sm.any():
                idx = df.index[sm]
                p = pos.loc[idx]
                nat = np.full(len(idx), np.datetime64("NaT"), dtype=p["start"].dtype)
                xs = np.stack([p["start"].to_numpy(), (p["end"] + pd.Timedelta(hours=23)).to_numpy(), nat], axis=1).ravel()
                ys = np.stack([p["y"].to_numpy(), p["y"].to_numpy(), np.full(len(idx), np.nan)], axis=1).ravel()
                alpha = 0.45 if not sel else 0.2
                spans.append(go.Scatter(
                    x=xs, y=ys, mode="lines", name=f"{name} (date span)", legendgroup=etype, showlegend=False,
                    line=dict(color=P.rgba(c, alpha if not ext else 0.8), width=6 if not ext else 2.5,
                              dash="dot" if ext else "solid"),
                    hoverinfo="skip", meta={"role": "span", "event_type": etype, "extracted": ext}))
        first = True
        for role, mask in (("point", m & ~pos["imprecise"]), ("handle", m & pos["imprecise"])):
            for ext in (False, True):
                mk = mask & (extracted == ext)
                if not mk.any():
                    continue
                idx = df.index[mk]
                sym = P.symbol(etype) + ("-open-dot" if ext else "-open" if role == "handle" else "")
                hollow = ext or role == "handle"
                hi = chosen[idx].to_numpy() & bool(sel)
                marks.append(go.Scatter(
                    x=pos.loc[idx, "x"], y=pos.loc[idx, "y"], mode="markers", name=name, legendgroup=etype,
                    showlegend=showlegend and first,
                    marker=dict(color=c, size=pos.loc[idx, "size"], symbol=sym,
                                opacity=np.where(chosen[idx].to_numpy(), 0.95, DIM),
                                line=dict(width=np.where(hi, 2.2, 1.6 if hollow else 0.6),
                                          color=np.where(hi, P.SELECTED_LINE, c if hollow else "white"))),
                    customdata=df.loc[idx, "incident_id"].to_numpy(), hovertext=hover[idx],
                    hovertemplate="%{hovertext}<extra></extra>",
                    meta={"role": role, "event_type": etype, "extracted": ext}))
                first = False
    return spans + marks


def strategic_annotations(df: pd.DataFrame, lanes: str = "type", limit: int = 12, *, pos: pd.DataFrame | None = None,
                          plot_px: float = 1100, lane_top_px: float = 30, day_px: float | None = None,
                          rows: int = T.LABEL_ROWS, x_start: pd.Timestamp | None = None) -> list[dict]:
    """Labels for strategic developments in the top lane, newest first: whole text (sub_event_type, else
    the summary) wrapped, staggered in up to three rows above the plot, each with a thin pointer to its
    marker; a label that would overlap another or repeats a neighbour's text is left to the hover."""
    order = lane_order(df, lanes)
    sd = df[(df["event_type"] == "strategic_development")]
    if sd.empty or not order:
        return []
    pos = positions(df, lanes, order) if pos is None else pos
    sd = sd[pos.loc[sd.index, "lane"] == len(order) - 1]
    if sd.empty:
        return []
    lo, hi = pos["start"].min(), pos["end"].max()
    day_px = day_px or plot_px / max((hi - lo).days + 1, 1)
    lo = lo if x_start is None else x_start  # px are counted from the axis' first date
    x = pos.loc[sd.index, "x"]
    xp = ((x - lo).dt.total_seconds() / 86400 * day_px).to_numpy()
    text = sd["sub_event_type"].astype(str).str.strip()
    text = text.where(text != "", sd["summary"].astype(str))
    items = [(i, xp[k], text[i]) for k, i in enumerate(sd.index)][::-1][: max(limit * 3, limit)]
    placed = T.layout_labels(items, plot_px, rows)[:limit]
    heights = T.row_heights(placed)
    notes = []
    at = dict(zip(sd.index, xp))
    for key, cx, wrapped, row, _lines in sorted(placed, key=lambda p: x[p[0]]):
        lift = lane_top_px + 8 + sum(heights[:row])
        notes.append(dict(x=x[key], y=float(pos.at[key, "y"]), xref="x", yref="y", text=wrapped, showarrow=True,
                          arrowhead=0, arrowwidth=0.8, arrowcolor="#777", ax=round(cx - at[key], 1), ay=-lift,
                          yanchor="bottom",
                          font=dict(size=T.LABEL_FONT, color="#222"), bgcolor="rgba(255,255,255,0.85)",
                          borderpad=1, meta={"row": row, "lines": _lines}))
    return notes


def _row_heights(notes: list[dict]) -> list[float]:
    """Height in px of each row of labels (for notes still carrying their meta)."""
    return T.row_heights([(0, 0, "", n["meta"]["row"], n["meta"]["lines"]) for n in notes if "meta" in n])


def aggregate_traces(per: pd.DataFrame, freq: str = "month", killed: str = "markers") -> list[go.BaseTraceType]:
    """Stacked bars of incidents per period by event type, and killed (best) with a low–high whisker:
    as markers over the bars (`killed="markers"`, white diamonds with a dark outline, readable on any bar
    and in print) or as grey bars of their own (`killed="bars"`, the timeline's bottom row)."""
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
            customdata=when, hovertemplate=f"{label} %{{customdata}}<br>{html(P.label(etype))}: %{{y}}<extra></extra>",
            meta={"role": "count", "event_type": etype}))
    lo = (per["killed"] - per["killed_low"]).clip(lower=0)
    hi = (per["killed_high"] - per["killed"]).clip(lower=0)
    any_killed = (per["killed_high"] > 0) | (per["killed"] > 0)
    common = dict(name="killed (best; whisker = sources' low–high)", showlegend=False, meta={"role": "killed"},
                  customdata=np.stack([when, per["killed_low"], per["killed_high"]], axis=1), **period,
                  hovertemplate=f"{label} %{{customdata[0]}}<br>killed: %{{y}} (low–high %{{customdata[1]}}–"
                                f"%{{customdata[2]}})<extra></extra>",
                  error_y=dict(type="data", array=hi, arrayminus=lo, visible=True, color="#111", thickness=1.2, width=3))
    if killed == "bars":
        traces.append(go.Bar(x=per["period"], y=per["killed"].where(any_killed, None), marker=dict(color=KILLED_COLOR, line=dict(width=0)),
                             **common))
    else:
        traces.append(go.Scatter(x=per["period"], y=per["killed"].where(any_killed, None), mode="markers",
                                 marker=dict(size=9, color="white", symbol="diamond-wide", line=dict(width=1.8, color="#111")),
                                 **common))
    return traces


def heat_traces(df: pd.DataFrame, lanes: str = "type", freq: str = "month", order: list[str] | None = None) -> list[go.Heatmap]:
    """Aggregated timeline: incidents per lane and week/month as a heat strip, exact counts in the hover."""
    if df.empty:
        return []
    order = order or lane_order(df, lanes)
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
    y = [len(order) - 1 - order.index(n) for n in counts.index]
    return [go.Heatmap(
        x=counts.columns + (pd.Timedelta(days=15) if freq == "month" else pd.Timedelta(days=3)), y=y,
        z=z, customdata=np.stack([text, killed.reindex_like(counts).to_numpy().astype(int).astype(str)], axis=-1),
        colorscale=DENSITY_SCALE, showscale=False, xgap=0, ygap=2, name="incidents per period",
        hovertemplate="%{customdata[0]}<br>%{z:,} incidents · killed %{customdata[1]}<extra></extra>",
        meta={"role": "heat"})]


def _left_px(names: list[str]) -> int:
    """The lane-label column's width for these names (11 px font)."""
    return int(max([len(s) for s in names] + [10]) * 6.4 + 18)


def label_text_lanes(name: str, width: int = 12) -> str:
    """A lane name on up to two lines ('strategic<br>development'); names are our constants, never data."""
    return "<br>".join(textwrap.wrap(name, width, break_long_words=False)[:2]) if len(name) > width else name


def _x_span(df: pd.DataFrame, per: pd.DataFrame | None, freq: str, x_range) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The dates the axis shows: the given range (or the incidents' windows), widened to whole periods."""
    if x_range is not None and all(v is not None for v in x_range):
        lo, hi = (pd.Timestamp(v) for v in x_range)
    elif len(df):
        s, e = windows(df)
        lo, hi = s.min(), e.max()
    else:
        lo = hi = pd.Timestamp.today().normalize()
    if per is not None and len(per):  # show whole periods so every bar is inside the axis
        step = pd.DateOffset(months=1) if freq == "month" else pd.Timedelta(days=7)
        lo, hi = min(lo, per["period"].min()), max(hi, per["period"].max() + step - pd.Timedelta(days=1))
    pad = max((hi - lo) * 0.015, pd.Timedelta(days=2))
    return lo - pad, hi + pad


def timeline_figure(df: pd.DataFrame, per: pd.DataFrame | None = None, lanes: str = "type",
                    freq: str = "month", x_range: tuple | None = None, height: int = 470, *,
                    width: int | None = None, selected_ids=None, period: tuple | None = None,
                    label_rows: int | None = None) -> go.Figure:
    """Timeline of incidents (top) with incidents and killed per week or month (two rows below),
    sharing the date axis; ticks on period starts; row names in the lane-label column, counts on the right.

    Up to DETAIL_LIMIT incidents each is drawn (imprecise dates as spans, markers dodged within their
    lane; `width` in px as the page lays the figure out, default 1200, sizes that and allows more rows of
    labels); above it, the top row is a heat strip of incidents per
    lane and period. `selected_ids` are highlighted, the rest dimmed. `period` (first, last day) is the time
    slider's current week or month, marked by a band across all rows.
    """
    # Without a width (the print export, older callers) one row of labels: it fits the 46 px the export
    # leaves between its legend and the plot. With the page's width, up to three rows as the height allows.
    if label_rows is None:
        label_rows = 1 if width is None else 3 if height >= 460 else 2 if height >= 300 else 1
    width = width or 1200
    order = lane_order(df, lanes)
    rows = 3 if per is not None else 1
    names = ROW_NAMES.get(freq, ROW_NAMES["month"])
    right = 44 if rows == 3 else 12
    bottom = 34
    heights = [1.0] if rows == 1 else [0.62, 0.19, 0.19]
    spacing = 0.045 if rows == 3 else 0
    aggregated = is_aggregated(df)

    def lane_area_px(top: float) -> float:
        plot_h = max(height - top - bottom, 60)
        return plot_h * heights[0] / sum(heights) * (1 - spacing * (rows - 1))

    # On a narrow figure the lane names wrap to two lines so the dates keep the width, when lanes are
    # tall enough for two lines of 11 px text (else one line: overlapping names are worse than less width).
    narrow = width - _left_px(order) - right < 320 and lane_area_px(48) / max(len(order), 1) >= 28
    ticktext = [label_text_lanes(s) for s in order] if narrow else order
    left = _left_px([line for s in ticktext for line in s.split("<br>")])
    plot_px = max(width - left - right, 200)
    lo, hi = _x_span(df, per, freq, x_range)
    day_px = plot_px / max((hi - lo).total_seconds() / 86400, 1)

    top, notes, pos = 12, [], None
    for _ in range(3):  # the labels' rows set the top margin, which sets the lanes' height: settle it
        lane_px = lane_area_px(top) / max(len(order), 1)
        pos = positions(df, lanes, order, lane_px, day_px) if len(df) and not aggregated else None
        notes = [] if pos is None else strategic_annotations(df, lanes, pos=pos, plot_px=plot_px,
                                                             lane_top_px=lane_px / 2, day_px=day_px,
                                                             rows=label_rows, x_start=lo)
        need = 12 + int(sum(_row_heights(notes)))
        if need == top:
            break
        top = need
    area, row_px = lane_area_px(top), _row_heights(notes)
    for n in notes:  # the pointer reaches from the marker (wherever it was dodged) up to its label's row
        row = n.pop("meta")["row"]
        n["ay"] = -(area * ((len(order) - 0.5) - n["y"]) / max(len(order), 1) + 8 + sum(row_px[:row]))
    fig = make_subplots(rows=rows, cols=1, shared_xaxes=True, row_heights=heights, vertical_spacing=spacing)
    top_traces = heat_traces(df, lanes, freq, order) if aggregated else \
        timeline_traces(df, lanes, showlegend=(lanes == "border"), pos=pos, selected_ids=selected_ids)
    for t in top_traces:
        fig.add_trace(t, row=1, col=1)
    if per is not None:
        for t in aggregate_traces(per, freq, killed="bars"):
            fig.add_trace(t, row=3 if t.meta.get("role") == "killed" else 2, col=1)
    fig.update_layout(
        template=TEMPLATE, font=FONT, height=height, margin=dict(l=left, r=right, t=top, b=bottom),
        barmode="stack", bargap=0.15, hovermode="closest", showlegend=(lanes == "border"),
        legend=dict(orientation="h", y=1.0, yanchor="bottom", x=1.0, xanchor="right", font=dict(size=10)),
        annotations=notes, uirevision="timeline", hoverlabel=dict(align="left", font=dict(size=11)),
        yaxis=dict(tickmode="array", tickvals=list(range(len(order) - 1, -1, -1)), ticktext=ticktext,
                   categoryarray=list(reversed(order)), range=[-0.5, max(len(order), 1) - 0.5], fixedrange=True,
                   tickfont=dict(size=11), showgrid=False, zeroline=False),
    )
    fig.layout.shapes = [dict(type="line", xref="x domain", x0=0, x1=1, yref="y", y0=k + 0.5, y1=k + 0.5,
                              line=dict(color="#EEE", width=1), layer="below")
                         for k in range(len(order) - 1)]  # thin separators between lanes
    if period is not None:  # the time slider's period: a band behind the markers, in every row
        first, last = (pd.Timestamp(d) for d in period)
        fig.add_shape(type="rect", xref="x", yref="paper", x0=first, x1=last + pd.Timedelta(hours=23, minutes=59),
                      y0=0, y1=1, fillcolor=P.PERIOD_FILL, line=dict(width=1, color=P.PERIOD_LINE), layer="below",
                      name="period")
    if rows == 3:
        for axis, name in (("yaxis2", names[0]), ("yaxis3", names[1])):
            top_val = int(per["incidents" if axis == "yaxis2" else "killed_high"].max()) if len(per) else 0
            fig.layout[axis].update(side="right", fixedrange=True, rangemode="tozero", tickformat="d",
                                    dtick=max(1, int(np.ceil(max(top_val, 1) / 3))), tickfont=dict(size=10),
                                    gridcolor="#EEE", zeroline=True, zerolinecolor="#BBB")
            dom = fig.layout[axis].domain
            notes.append(dict(text=name, xref="paper", yref="paper", x=0, xanchor="right", xshift=-6,
                              y=(dom[0] + dom[1]) / 2, yanchor="middle", showarrow=False, align="right",
                              font=dict(size=11, color="#444")))
        fig.layout.annotations = notes
    ticks = T.date_ticks(lo, hi, freq, plot_px)
    fig.update_xaxes(range=[lo, hi], showgrid=True, gridcolor="#EEE", **ticks)
    if freq == "month" and ticks["dtick"] != "M1" and (hi - lo).days < 3000:  # a mark at every bar's edge
        fig.update_xaxes(minor=dict(dtick="M1", tick0="2000-01-01", ticklen=3, ticks="outside", showgrid=False),
                         row=rows, col=1)
    if df.empty:
        fig.add_annotation(text="No incidents match the filters", x=0.5, y=0.7, xref="paper", yref="paper",
                           showarrow=False, font=dict(size=14, color="#666"))
    return fig
