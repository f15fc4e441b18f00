"""The timeline on the bundled data: whole labels, no empty lane, ticks on period starts, spans behind markers, unreviewed records distinct, killed readable in its own row, aligned rows, selection."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from incidents import charts, dataset
from incidents.charts import timeaxis as T
from incidents.text import html
from incidents.view import aggregate

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bundled():
    return dataset.load(ROOT / "data").incidents


def role(fig: go.Figure, name: str) -> list:
    return [t for t in fig.data if (t.meta or {}).get("role") == name]


def figure(df, freq="month", lanes="type", width=1300, height=380, **kw):
    return charts.timeline_figure(df, aggregate.per_period(df, freq), lanes, freq, height=height, width=width, **kw)


@pytest.mark.parametrize("border", [None, "AFG-TJK", "KGZ-TJK"])
@pytest.mark.parametrize("size", [(1300, 380), (1200, 340)])
def test_development_labels_are_whole_and_never_overlap(bundled, border, size):
    df = bundled if border is None else bundled[bundled["border"] == border]
    fig = figure(df, width=size[0], height=size[1])
    notes = [a for a in fig.layout.annotations if a.xref == "x"]
    texts = {html(" ".join(str(t).split())) for t in df["sub_event_type"]}
    assert len(notes) >= 3
    for a in notes:
        assert a.text.replace("<br>", " ") in texts, a.text  # the whole text, wrapped at word boundaries
        assert "…" not in a.text
    assert len({a.text for a in notes}) == len(notes) or border is None  # no repeated neighbour ("travel advisory")
    # same row: boxes apart; every pointer clear of the labels in the rows below it
    x0 = pd.Timestamp(fig.layout.xaxis.range[0])
    day_px = (size[0] - fig.layout.margin.l - fig.layout.margin.r) / (pd.Timestamp(fig.layout.xaxis.range[1]) - x0).days
    boxes = []
    for a in notes:
        lines = a.text.split("<br>")
        w = max(len(s) for s in lines) * 0.56 * T.LABEL_FONT + 8
        x = (pd.Timestamp(a.x) - x0).days * day_px + a.ax  # the label's centre (moved in near an end)
        assert -1 <= x - w / 2 and x + w / 2 <= (pd.Timestamp(fig.layout.xaxis.range[1]) - x0).days * day_px + 1
        boxes.append((x - w / 2, x + w / 2, a.ay, a.ay - len(lines) * T.LINE_PX))
    for i, p in enumerate(boxes):
        for q in boxes[i + 1:]:
            apart_x = p[1] <= q[0] or q[1] <= p[0]
            apart_y = p[3] >= q[2] or q[3] >= p[2]
            assert apart_x or apart_y, (p, q)


def test_no_empty_lanes(bundled):
    for lanes, values in (("type", bundled["event_type"].map(charts.palette.label)),
                          ("border", bundled["border"].map(charts.border_label))):
        for border in ("AFG-TKM", "AFG-TJK"):
            sub = bundled[bundled["border"] == border]
            fig = figure(sub, lanes=lanes)
            shown = set(values[sub.index])
            assert set(fig.layout.yaxis.ticktext) == shown
            assert len(fig.layout.yaxis.tickvals) == len(shown)


def test_ticks_fall_on_period_starts(bundled):
    fig = figure(bundled, "month")
    assert str(fig.layout.xaxis3.dtick).startswith("M") and pd.Timestamp(fig.layout.xaxis3.tick0).day == 1
    short = bundled[bundled["event_date"].between("2022-05-01", "2022-09-30")]
    fig = figure(short, "month")
    assert fig.layout.xaxis3.dtick == "M1" and fig.layout.xaxis3.ticklabelmode == "period"
    fig = figure(short, "week")
    dtick = int(fig.layout.xaxis3.dtick)
    assert dtick % (7 * 86_400_000) == 0 and pd.Timestamp(fig.layout.xaxis3.tick0).day_name() == "Monday"


def test_spans_are_drawn_behind_every_marker_and_unreviewed_records_are_distinct(bundled):
    fig = figure(bundled)
    kinds = [(t.meta or {}).get("role") for t in fig.data]
    spans = [i for i, k in enumerate(kinds) if k == "span"]
    marks = [i for i, k in enumerate(kinds) if k in ("point", "handle")]
    assert spans and max(spans) < min(marks)
    (ext,) = [t for t in role(fig, "handle") if t.meta["extracted"]]
    assert list(ext.customdata) == ["x-4858a00169"] and ext.marker.symbol.endswith("-open-dot")
    (span,) = [t for t in role(fig, "span") if t.meta["extracted"]]
    assert span.line.dash == "dot" and span.line.width < 6
    assert not [t for t in role(fig, "point") + role(fig, "handle") if not t.meta["extracted"]
                and str(t.marker.symbol).endswith("-dot")]


def test_killed_has_its_own_row_readable_in_print(bundled):
    fig = figure(bundled)
    (killed,) = role(fig, "killed")
    assert isinstance(killed, go.Bar) and killed.yaxis == "y3"
    assert killed.marker.color not in ("#000000", "#222", "white") and killed.error_y.color == "#111"
    assert not [b for b in role(fig, "count") if b.yaxis == "y3"]
    # the rows' names share the lane names' column (right-aligned at the axis); the numbers go right
    names = [a for a in fig.layout.annotations if a.xref == "paper" and a.xanchor == "right"]
    assert [a.text for a in names] == ["incidents<br>per month", "killed<br>per month"]
    assert fig.layout.yaxis2.side == fig.layout.yaxis3.side == "right"


def test_markers_in_a_lane_are_dodged_apart(dash):
    same = dash[dash["event_type"] == "armed_clash"].iloc[[0]]
    three = pd.concat([same] * 3, ignore_index=True).assign(incident_id=["a", "b", "c"])
    fig = charts.timeline_figure(three, None, height=380, width=1300)
    (pts,) = role(fig, "point")
    ys = sorted(pts.y)
    assert len(set(ys)) == 3 and ys[-1] - ys[0] < 0.8  # three markers on one day, side by side in one lane


def test_selected_incidents_are_highlighted_on_the_timeline(bundled):
    ids = list(bundled["incident_id"].iloc[-3:])
    fig = figure(bundled, selected_ids=ids)
    for t in role(fig, "point") + role(fig, "handle"):
        ops = np.broadcast_to(np.asarray(t.marker.opacity, float), (len(t.customdata),))
        for iid, op in zip(t.customdata, ops):
            assert (op > 0.9) == (iid in ids)


def test_label_layout_skips_what_does_not_fit():
    items = [(k, 100.0 + k, "travel advisory") for k in range(3)] + [(9, 400.0, "x " * 60)]
    placed = T.layout_labels(items, 1000)
    assert [p[0] for p in placed] == [0]  # a repeat next to it and a 4-line label are left to the hover
