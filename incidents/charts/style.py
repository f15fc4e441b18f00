"""Shared chart settings: template, font, and when a chart draws aggregates instead of incidents."""

# Pure plotly: never import streamlit in charts/ (importing it changes plotly's default template), and
# never open files here (the base map comes from `incidents.store.geodata`). Every figure sets its
# template explicitly.

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

TRACE_TYPES = ("scattergeo", "scatter", "bar", "heatmap")  # every trace type the charts and exports draw


def _template(name: str = "borderwatch") -> str:
    """plotly_white with the trace defaults of TRACE_TYPES only: the same look for what we draw, at half
    the size. plotly deep-copies a template each time a figure sets it (26 ms for plotly_white, 7 ms for
    this one, per figure and rerun) and sends it to the browser inside every figure's JSON."""
    if name not in pio.templates:
        white = pio.templates["plotly_white"]
        data = white.to_plotly_json()["data"]
        pio.templates[name] = go.layout.Template(layout=white.layout,
                                                 data={k: data[k] for k in TRACE_TYPES if k in data})
    return name


TEMPLATE = _template()


def figure(traces: list) -> go.Figure:
    """A figure of traces plotly has already built and checked: go.Figure would rebuild and check every one of
    them again (a fifth of a map's build time). Whatever is set on the figure, its layout or a trace afterwards is
    checked as usual."""
    fig = go.Figure(data=traces, _validate=False)
    fig._validate = fig.layout._validate = True
    for t in fig.data:
        t._validate = True
    return fig
FONT = dict(family="Liberation Sans, DejaVu Sans, Arial, sans-serif", size=12)

# Above this many incidents the charts draw aggregates (grid cells on the map, a lane x period heat
# strip on the timeline) so the page stays fast and the figures small; narrowing the filters below it
# brings the individual incidents back.
DETAIL_LIMIT = 1000
DENSITY_SCALE = "Cividis"  # sequential, readable with colour-vision deficiencies


def is_aggregated(df: pd.DataFrame) -> bool:
    """True when a chart of these incidents draws aggregates instead of one mark per incident."""
    return len(df) > DETAIL_LIMIT
DIM = 0.22  # opacity of the incidents not selected while a selection is shown


def is_extracted(df: pd.DataFrame) -> pd.Series:
    """Records a person has not reviewed yet: machine-extracted or marked unreviewed (drawn hollow with a dot)."""
    out = pd.Series(False, index=df.index)
    if "origin" in df:
        out |= df["origin"].astype(str).eq("extracted")
    if "review_status" in df:
        out |= df["review_status"].astype(str).eq("unreviewed")
    return out
