"""Figure builders (incidents/charts.py) and the palette: trace types, counts, colours, spans, offline map."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from incidents import charts, dataset
from incidents import text
from incidents.view import aggregate
from incidents.charts import palette as P
from incidents.schema import EVENT_TYPES

HERE = Path(__file__).resolve().parents[1]
ROOT = HERE.parent


@pytest.fixture(scope="module")
def hostile():
    return dataset.load(HERE / "fixtures" / "dashboard" / "hostile").incidents


def role(fig: go.Figure, name: str) -> list:
    return [t for t in fig.data if (t.meta or {}).get("role") == name]


# --- palette ----------------------------------------------------------------------------------

def test_one_distinct_colour_and_symbol_per_event_type():
    colours = [P.color(t) for t in EVENT_TYPES]
    assert len(set(colours)) == len(EVENT_TYPES)
    assert set(colours) <= set(P.OKABE_ITO.values())
    assert P.OKABE_ITO["yellow"] not in colours  # unreadable on white
    assert len({P.symbol(t) for t in EVENT_TYPES}) == len(EVENT_TYPES)
    assert P.rgba("#D55E00", 0.5) == "rgba(213,94,0,0.5)"


def test_charts_module_never_imports_streamlit():
    for path in sorted((ROOT / "incidents").rglob("*.py")):
        mod = str(path.relative_to(ROOT))
        tree = ast.parse(path.read_text())
        names = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {(n.module or "").split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert "streamlit" not in names, mod


# --- map --------------------------------------------------------------------------------------

def test_map_is_offline_scattergeo_with_every_base_layer_off(dash):
    fig = charts.map_figure(dash)
    assert all(isinstance(t, go.Scattergeo) for t in fig.data)
    assert all(t.locationmode is None and t.locations is None for t in fig.data)
    geo = fig.layout.geo
    for layer in ("showland", "showcountries", "showcoastlines", "showocean", "showlakes", "showrivers",
                  "showsubunits"):
        assert geo[layer] is False, layer
    assert fig.layout.template.layout.geo.showlakes is True  # the template would turn lakes on: we override
    spec = json.loads(fig.to_json())
    assert "cdn.plot.ly" not in json.dumps(spec) and "mapbox" not in json.dumps(spec["layout"])
    assert not [t for t in spec["data"] if t["type"] != "scattergeo"]


def test_empty_map_opens_on_the_tajik_afghan_border_with_it_emphasised(dash):
    fig = charts.map_figure(dash.iloc[0:0])
    lon, lat = fig.layout.geo.lonaxis.range, fig.layout.geo.lataxis.range
    # the whole AFG-TJK line (lon 67.3-75.0, lat 36.6-38.5) is inside the frame of an empty map
    xs, ys = charts.base_layers()["borders"]["AFG-TJK"]
    xs, ys = [x for x in xs if x == x], [y for y in ys if y == y]
    assert lon[0] < min(xs) and max(xs) < lon[1] and lat[0] < min(ys) and max(ys) < lat[1]
    borders = role(charts.map_figure(dash), "border")
    assert len(borders) == 19
    focus = [t for t in borders if t.meta["pair"] == "AFG-TJK"]
    others = [t for t in borders if t.meta["pair"] != "AFG-TJK"]
    assert len(focus) == 1 and all(focus[0].line.width > 2 * t.line.width for t in others)
    assert len(role(fig, "land")) == 9 and len(role(fig, "provinces")) == 1


def test_map_has_one_marker_per_located_incident_coloured_by_type(dash):
    fig = charts.map_figure(dash)
    markers = role(fig, "incidents")
    located = dash[charts.mappable(dash)]
    assert sum(len(t.lat) for t in markers) == len(located) == len(dash) - 2  # two rows have no coordinates
    for t in markers:
        assert t.marker.color == P.color(t.meta["event_type"])
        assert set(dash.set_index("incident_id").loc[list(t.customdata), "event_type"]) == {t.meta["event_type"]}
    assert sorted(i for t in markers for i in t.customdata) == sorted(located["incident_id"])


def test_imprecise_places_are_hollow_with_halo_outlines(dash):
    fig = charts.map_figure(dash)
    by_id = dash.set_index("incident_id")
    for t in role(fig, "incidents"):
        for iid, sym in zip(t.customdata, t.marker.symbol):
            precise = by_id.at[iid, "geo_precision"] in charts.PRECISE
            extracted = by_id.at[iid, "origin"] == "extracted" or by_id.at[iid, "review_status"] == "unreviewed"
            assert sym.endswith("-open-dot") == extracted, (iid, sym)
            assert sym.endswith("-open") != precise or extracted, (iid, sym)
    halos = role(fig, "halo")
    approx = dash[charts.mappable(dash) & dash["geo_precision"].isin(list(charts.HALO_KM))]
    rings = approx.assign(km=approx["geo_precision"].map(charts.HALO_KM)) \
        .drop_duplicates(["event_type", "latitude", "longitude", "km"])
    assert len(rings) > 0
    assert sum(int(np.isnan(np.asarray(t.lat, float)).sum()) for t in halos) == len(rings)  # one ring per place
    assert all(t.fill in (None, "none") for t in halos)  # outlines: overlapping halos never blend


def test_halo_is_clockwise_ring_of_the_right_radius():
    lat, lon = charts.circle(38.0, 70.0, 20.0)
    assert lat[0] == lat[-1] and lon[0] == lon[-1]
    from incidents.geo import geodesic_km
    d = geodesic_km([38.0] * len(lat), [70.0] * len(lon), lat, lon)
    assert abs(d - 20.0).max() < 0.3
    # shoelace in lon/lat: negative area = clockwise (d3-geo fills the complement of a CCW ring)
    area = sum(lon[i] * lat[i + 1] - lon[i + 1] * lat[i] for i in range(len(lat) - 1))
    assert area < 0


def test_marker_size_grows_with_killed_and_is_capped():
    s = charts.marker_size(pd.Series([None, 0, 1, 4, 100, 10_000], dtype="Int64"))
    assert s[0] == s[1] < s[2] < s[3] < s[4] <= 36 and s[5] == 36


def test_empty_selection_of_incidents_still_draws_the_base_map(good):
    fig = charts.map_figure(good.iloc[0:0])
    assert role(fig, "incidents") == [] and len(role(fig, "border")) == 19


# --- timeline ---------------------------------------------------------------------------------

def test_timeline_points_and_spans(good):
    per = aggregate.per_period(good, "month")
    fig = charts.timeline_figure(good, per, "type", "month")
    points = role(fig, "point")
    handles = role(fig, "handle")
    spans = role(fig, "span")
    # fx-clash (day, 23-24 Dec) and fx-talks (day) are points; fx-month is a hollow handle on a span
    assert sorted(i for t in points for i in t.customdata) == ["fx-clash", "fx-talks"]
    assert [i for t in handles for i in t.customdata] == ["fx-month"]
    assert all(s.endswith("-open") for t in handles for s in ([t.marker.symbol] if isinstance(t.marker.symbol, str) else t.marker.symbol))
    # the month span runs across January; the multi-day clash has a span to its end_date
    sp = {t.meta["event_type"]: t for t in spans}
    op = sp["security_operation"]
    assert pd.Timestamp(op.x[0]) == pd.Timestamp("2026-01-01") and pd.Timestamp(op.x[1]) >= pd.Timestamp("2026-01-31")
    assert pd.Timestamp(sp["armed_clash"].x[1]) >= pd.Timestamp("2025-12-24")
    assert "strategic_development" not in sp
    # the handle sits in the middle of the month, not on a false day 1
    assert pd.Timestamp(handles[0].x[0]) == pd.Timestamp("2026-01-16")


def lanes_of(fig: go.Figure, t) -> set[str]:
    """The lane names a timeline trace's markers sit in (y is the lane number plus a small dodge)."""
    order = list(fig.layout.yaxis.ticktext)
    return {order[len(order) - 1 - int(round(y))] for y in t.y}


def test_timeline_colours_and_lanes(dash):
    fig = charts.timeline_figure(dash, None, "type")
    for t in role(fig, "point") + role(fig, "handle"):
        assert t.marker.color == P.color(t.meta["event_type"])
        assert lanes_of(fig, t) == {P.label(t.meta["event_type"])}
    assert sum(len(t.customdata) for t in role(fig, "point") + role(fig, "handle")) == len(dash)
    by_border = charts.timeline_figure(dash, None, "border")
    lanes = set().union(*(lanes_of(by_border, t) for t in role(by_border, "point") + role(by_border, "handle")))
    assert lanes == {"AFG–TJK", "KGZ–TJK", "AFG–TKM", "no border"}
    assert list(by_border.layout.yaxis.ticktext)[0] == "AFG–TJK"  # top lane
    assert list(by_border.layout.yaxis.categoryarray)[-1] == "AFG–TJK"  # what the print export reads


def test_strategic_developments_are_labelled_in_full(dash):
    fig = charts.timeline_figure(dash, None, "type")
    sd = dash[dash["event_type"] == "strategic_development"]
    notes = [a for a in fig.layout.annotations if a.xref == "x"]
    assert 2 <= len(notes) <= len(sd)
    assert {a.text for a in notes} == {"border talks"}  # the whole text, never cut
    assert pd.Timestamp(notes[-1].x) == sd["event_date"].max()  # the newest development is always labelled
    many = pd.concat([sd] * 10, ignore_index=True).assign(incident_id=lambda d: [f"x{i}" for i in range(len(d))])
    assert len(charts.strategic_annotations(many)) <= len(sd)  # duplicates add no labels


def test_aggregate_traces_stack_counts_by_type_and_show_killed_range(good):
    per = aggregate.per_period(good, "month")
    fig = charts.timeline_figure(good, per, "type", "month")
    bars = role(fig, "count")
    assert all(isinstance(b, go.Bar) and b.marker.color == P.color(b.meta["event_type"]) for b in bars)
    assert sum(sum(b.y) for b in bars) == 3
    assert fig.layout.barmode == "stack"
    (killed,) = role(fig, "killed")
    assert list(killed.y) == [5, 4]
    assert list(killed.error_y.arrayminus) == [2, 0] and list(killed.error_y.array) == [0, 0]
    assert killed.yaxis == "y3" and killed.xaxis == "x3"  # a row of its own, below the counts
    assert isinstance(killed, go.Bar) and killed.marker.color == charts.timeline.KILLED_COLOR


def test_week_aggregates_widen_the_axis_to_whole_periods(good):
    per = aggregate.per_period(good, "month")
    fig = charts.timeline_figure(good, per, "type", "month", x_range=("2025-12-20", "2026-01-05"))
    lo, hi = (pd.Timestamp(v) for v in fig.layout.xaxis.range)
    assert lo <= pd.Timestamp("2025-12-01") and hi >= pd.Timestamp("2026-01-31")


# --- safety of data text ------------------------------------------------------------------------

def test_hover_and_annotation_text_is_escaped(hostile):
    fig = charts.timeline_figure(hostile, None, "type")
    texts = [h for t in fig.data if t.hovertext is not None for h in t.hovertext]
    mfig = charts.map_figure(hostile)
    texts += [h for t in mfig.data if t.hovertext is not None for h in t.hovertext]
    blob = " ".join(texts)
    assert "<script" not in blob and "<img" not in blob and "<a href" not in blob and "<i>Shuroobod" not in blob
    assert "&lt;script&gt;" in blob and "&lt;img src=x onerror=" in blob
    # our own markup survives
    assert "<br>" in blob and "<b>" in blob


def test_esc_and_wrap():
    assert text.html("<b>x</b> & y") == "&lt;b&gt;x&lt;/b&gt; &amp; y"
    assert text.html(None) == "" and text.html(float("nan")) == ""
    w = charts.wrap("<x> " * 100, width=20, max_lines=2)
    assert w.count("<br>") == 1 and "<x>" not in w and w.endswith("…")


# --- selection ----------------------------------------------------------------------------------

def test_selected_ids_from_curve_and_index(dash):
    fig = charts.map_figure(dash)
    markers = [i for i, t in enumerate(fig.data) if (t.meta or {}).get("role") == "incidents"]
    c = markers[0]
    ev = {"selection": {"points": [{"curve_number": c, "point_index": 0}, {"curve_number": c, "point_number": 1},
                                   {"curve_number": 0, "point_index": 3},  # land polygon: no incident
                                   {"curve_number": 999, "point_index": 0}],  # stale
                        "point_indices": [0, 1], "box": [], "lasso": []}}
    assert charts.selected_ids(fig, ev) == [fig.data[c].customdata[0], fig.data[c].customdata[1]]
    assert charts.selected_ids(fig, {"selection": {"points": [{"customdata": ["fxd-001"]}]}}) == ["fxd-001"]
    assert charts.selected_ids(fig, None) == [] and charts.selected_ids(fig, {}) == []


# --- many incidents: aggregated layers -----------------------------------------------------------

@pytest.fixture(scope="module")
def many():
    from incidents import dataset, synth

    inc, src = synth.generate(charts.DETAIL_LIMIT * 4, seed=11)
    return dataset.build(inc, src).incidents


def test_many_incidents_map_as_cells_with_exact_counts(many):
    fig = charts.map_figure(many)
    assert not role(fig, "incidents") and not role(fig, "halo")
    (cells,) = role(fig, "density")
    counts = np.asarray(cells.marker.color)
    assert counts.sum() == charts.mappable(many).sum()
    cell = charts.grid_cells(many).iloc[0]
    assert f"{cell['incidents']:,} incidents" in cells.hovertext[0]


def test_many_incidents_timeline_as_heat_strip_with_exact_counts(many):
    from incidents.view import aggregate

    per = aggregate.per_period(many, "month")
    fig = charts.timeline_figure(many, per, "type", "month")
    (heat,) = [t for t in fig.data if (t.meta or {}).get("role") == "heat"]
    assert np.nansum(np.asarray(heat.z, float)) == len(many)
    assert not [t for t in fig.data if (t.meta or {}).get("role") in ("point", "handle", "span")]
    assert not [a for a in fig.layout.annotations if a.xref == "x"]  # no development labels


def test_figure_payload_stays_small_on_both_sides_of_the_threshold(many):
    from incidents.view import aggregate

    for df in (many.iloc[: charts.DETAIL_LIMIT], many):
        per = aggregate.per_period(df, "month")
        size = len(charts.map_figure(df).to_json()) + len(charts.timeline_figure(df, per).to_json())
        assert size < 1.5e6, (len(df), size)


def test_narrowing_the_filter_brings_individual_incidents_back(many):
    few = many.iloc[:50]
    fig = charts.map_figure(few)
    assert sum(len(t.customdata) for t in role(fig, "incidents")) == charts.mappable(few).sum()


# --- template ---------------------------------------------------------------------------------

def test_the_template_looks_like_plotly_white_for_every_trace_type_drawn(hostile):
    import plotly.io as pio

    from incidents.charts.style import TRACE_TYPES

    ours, white = pio.templates[charts.TEMPLATE], pio.templates["plotly_white"]
    assert ours.layout.to_plotly_json() == white.layout.to_plotly_json()
    for kind in TRACE_TYPES:
        assert ours.to_plotly_json()["data"][kind] == white.to_plotly_json()["data"][kind], kind
    big = pd.concat([hostile] * 120, ignore_index=True).assign(incident_id=lambda d: [f"x{i}" for i in d.index])
    drawn = set()
    for df in (hostile, big):  # one mark per incident, and the aggregates above DETAIL_LIMIT
        drawn |= {t.type for t in charts.map_figure(df, height=400).data}
        drawn |= {t.type for t in charts.timeline_figure(df, aggregate.per_period(df, "month"), "type", "month",
                                                         (None, None), height=400).data}
    assert drawn <= set(TRACE_TYPES), drawn - set(TRACE_TYPES)  # a new trace type would lose plotly_white's defaults
    assert len(json.dumps(ours.to_plotly_json())) < 0.6 * len(json.dumps(white.to_plotly_json()))


def test_a_figure_of_built_traces_is_the_same_figure_and_still_checks_what_is_set_later():
    from incidents.charts.style import figure

    traces = [go.Scattergeo(lon=[69.1, 70.2], lat=[37.5, 37.9], mode="markers", marker=dict(size=[6, 9])),
              go.Scatter(x=[1, 2], y=[3, 4], name="a")]
    fast = figure(traces)
    assert fast.to_json() == go.Figure(traces).to_json()
    with pytest.raises(ValueError):
        fast.update_layout(nonsense=1)
    with pytest.raises(ValueError):
        fast.data[0].marker.symbol = "no-such-symbol"
