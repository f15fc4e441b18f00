"""The timeline figure: one lane per event type (or border), imprecise dates as spans, and the
incidents and killed per week or month below, sharing the date axis."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..periods import period_start, windows
from ..schema import EVENT_TYPES
from ..text import html
from ..view.filters import FOCUS_BORDER, NO_BORDER
from . import palette as P
from .labels import NO_BORDER_LABEL, border_label, hover_text, marker_size
from .style import DENSITY_SCALE, FONT, TEMPLATE, is_aggregated

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
    start, end = windows(df)
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
    start, end = windows(df)
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
    start, end = windows(sd)
    x = start.where(sd["date_precision"] == "day", start + (end - start) / 2)
    # Label only developments far enough apart (two alternating label rows, a label is ~1/4 of the
    # timeline's width), newest first, so labels never pile up; every development keeps its marker
    # and its hover text.
    lo, hi = windows(df)
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
        notes.append(dict(x=x[i], y=lane[i], xref="x", yref="y", text=html(text), showarrow=True, arrowhead=0,
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
            customdata=when, hovertemplate=f"{label} %{{customdata}}<br>{html(P.label(etype))}: %{{y}}<extra></extra>",
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


