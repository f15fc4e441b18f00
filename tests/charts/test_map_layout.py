"""The map on the bundled data: framed to the shown incidents, every located incident its own selectable marker, counts a caption can trust, names, scale bar and legend."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from incidents import charts, dataset
from incidents.charts import frame as F
from incidents.charts import places
from incidents.geo import geodesic_km

ROOT = Path(__file__).resolve().parents[2]
SIZES = [(1300, 560), (1200, 480)]


@pytest.fixture(scope="module")
def bundled():
    return dataset.load(ROOT / "data").incidents


def role(fig: go.Figure, name: str) -> list:
    return [t for t in fig.data if (t.meta or {}).get("role") == name]


def subsets(df: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return {"all": df, "AFG-TKM": df[df["border"] == "AFG-TKM"], "AFG-TJK": df[df["border"] == "AFG-TJK"],
            "KGZ-TJK": df[df["border"] == "KGZ-TJK"]}


def marker_points(fig: go.Figure) -> pd.DataFrame:
    rows = []
    for t in role(fig, "incidents"):
        sizes = np.broadcast_to(np.asarray(t.marker.size, float), (len(t.lon),))
        rows += [{"id": i, "lon": lo, "lat": la, "size": s} for i, lo, la, s in zip(t.customdata, t.lon, t.lat, sizes)]
    return pd.DataFrame(rows, columns=["id", "lon", "lat", "size"])


@pytest.mark.parametrize("name", ["all", "AFG-TKM", "AFG-TJK", "KGZ-TJK"])
@pytest.mark.parametrize("size", SIZES)
def test_every_located_incident_has_its_own_marker_inside_the_frame(bundled, name, size):
    df = subsets(bundled)[name]
    fig = charts.map_figure(df, height=size[1], width=size[0])
    lon, lat = fig.layout.geo.lonaxis.range, fig.layout.geo.lataxis.range
    located = df[charts.mappable(df)]
    pts = marker_points(fig)
    assert len(located) > 0
    assert sorted(pts["id"]) == sorted(located["incident_id"])  # each keeps its own incident id
    assert ((pts["lon"] >= lon[0]) & (pts["lon"] <= lon[1]) & (pts["lat"] >= lat[0]) & (pts["lat"] <= lat[1])).all()
    assert len(pts[["lon", "lat"]].drop_duplicates()) == len(located)  # distinct positions = located incidents
    counts = fig.layout.meta["counts"]
    assert counts["positions"] == counts["mapped"] == len(located) and counts["outside_frame"] == 0
    assert counts["mapped"] + counts["no_coordinates"] + counts["country_level"] == len(df)
    assert counts == charts.map_counts(df, height=size[1], width=size[0]).as_dict()


@pytest.mark.parametrize("size", SIZES)
def test_no_two_markers_overlap_on_screen(bundled, size):
    fig = charts.map_figure(bundled, height=size[1], width=size[0])
    fr = F.Frame(tuple(fig.layout.geo.lonaxis.range), tuple(fig.layout.geo.lataxis.range),
                 fig.layout.meta["frame"]["width"], fig.layout.meta["frame"]["height"])
    pts = marker_points(fig)
    x, y = fr.px(pts["lon"], pts["lat"])
    d = np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :])
    need = (pts["size"].to_numpy()[:, None] + pts["size"].to_numpy()[None, :]) / 2
    np.fill_diagonal(d, np.inf)
    assert (d >= need).all(), "two markers overlap"


def test_fanned_markers_keep_their_ids_and_a_leader_line_to_the_true_point(bundled):
    fig = charts.map_figure(bundled, height=560, width=1300)
    (leader,) = role(fig, "leader")
    segs = np.asarray(leader.lon, float).reshape(-1, 3)[:, :2], np.asarray(leader.lat, float).reshape(-1, 3)[:, :2]
    ends = {(round(a, 5), round(b, 5)): (lo0, la0) for (lo0, a), (la0, b) in zip(segs[0], segs[1])}
    by_id = bundled.set_index("incident_id")
    pts = marker_points(fig)
    moved = 0
    for r in pts.itertuples():
        true = (by_id.at[r.id, "longitude"], by_id.at[r.id, "latitude"])
        if (round(r.lon, 5), round(r.lat, 5)) in ends:
            moved += 1
            assert ends[(round(r.lon, 5), round(r.lat, 5))] == pytest.approx(true)
        else:
            assert (r.lon, r.lat) == pytest.approx(true, abs=1e-4)
    assert moved == fig.layout.meta["counts"]["fanned"] > 5
    # the deadliest incident keeps its true point (biggest markers are placed first)
    top = bundled[charts.mappable(bundled)].sort_values("killed", ascending=False).iloc[0]
    r = pts.set_index("id").loc[top["incident_id"]]
    assert (r["lon"], r["lat"]) == pytest.approx((top["longitude"], top["latitude"]), abs=1e-4)


def test_a_big_pile_is_one_count_symbol_that_selects_all_of_it(dash):
    one = dash[charts.mappable(dash)].iloc[[0]]
    pile = pd.concat([one] * (charts.COUNT_ABOVE + 5), ignore_index=True)
    pile["incident_id"] = [f"p{i}" for i in range(len(pile))]
    other = dash[charts.mappable(dash)].iloc[[5]]
    df = pd.concat([pile, other], ignore_index=True)
    fig = charts.map_figure(df, height=480, width=1200)
    (cluster,) = role(fig, "cluster")
    assert list(cluster.text) == [str(len(pile))]
    assert fig.layout.meta["counts"]["positions"] == 2 and fig.layout.meta["counts"]["in_count_symbols"] == len(pile)
    c = list(fig.data).index(cluster)
    ev = {"selection": {"points": [{"curve_number": c, "point_index": 0, "customdata": "p0"}]}}
    assert sorted(charts.selected_ids(fig, ev)) == sorted(pile["incident_id"])


def test_explicit_ranges_count_what_falls_outside(bundled):
    fig = charts.map_figure(bundled, lon_range=charts.FOCUS_LON, lat_range=charts.FOCUS_LAT)  # the export's call
    assert list(fig.layout.geo.lonaxis.range) == list(charts.FOCUS_LON)
    c = fig.layout.meta["counts"]
    located = charts.mappable(bundled)
    inside = located & bundled["longitude"].between(*charts.FOCUS_LON) & bundled["latitude"].between(*charts.FOCUS_LAT)
    assert c["outside_frame"] == int((located & ~inside).sum()) > 0 and c["mapped"] == int(inside.sum())
    assert len(marker_points(fig)) == c["mapped"]
    text = charts.map_counts(bundled, lon_range=charts.FOCUS_LON, lat_range=charts.FOCUS_LAT).caption()
    assert text.startswith(f"{c['mapped']} of {len(bundled)} shown incidents mapped") and "outside the frame" in text


def test_frame_has_a_minimum_extent_and_the_plot_aspect():
    fr = F.fit([70.0], [38.0], 1000, 500)
    assert fr.box_px == pytest.approx((1000, 500), rel=1e-6)
    assert (fr.lat[1] - fr.lat[0]) * 111 >= F.MIN_SPAN_KM * 0.99
    lon, lat = fr.lonlat(*fr.px([69.5, 71.2], [37.1, 38.9]))
    assert lon == pytest.approx([69.5, 71.2]) and lat == pytest.approx([37.1, 38.9])


def test_names_scale_bar_and_legend_are_on_the_map(bundled):
    df = bundled[bundled["border"] == "AFG-TJK"]
    fig = charts.map_figure(df, height=560, width=1300)
    towns = role(fig, "town-labels")[0]
    assert 10 <= len(towns.text) <= 60 and len(role(fig, "town-dots")[0].text) == len(towns.text)
    assert not [t for t in fig.data if t.mode and "markers" in t.mode and (t.meta or {}).get("role") not in
                ("incidents", "cluster", "legend-key")]  # the only markers on the map are incidents
    assert role(fig, "province-labels") and role(fig, "country-labels") and role(fig, "river-labels")
    assert "Panj" in role(fig, "river-labels")[0].text
    assert len(role(fig, "river")) >= 1
    bar = [t for t in role(fig, "scalebar") if t.meta.get("km")][0]
    length = geodesic_km([bar.lat[1]], [bar.lon[1]], [bar.lat[2]], [bar.lon[2]])[0]
    assert length == pytest.approx(bar.meta["km"], rel=0.02)
    keys = [t.name for t in role(fig, "legend-key")]
    for etype in df[charts.mappable(df)]["event_type"].unique():
        assert etype.replace("_", " ") in keys
    assert "exact or near" in keys and fig.layout.showlegend and fig.layout.legend.x >= 1.0  # beside the map
    assert fig.layout.dragmode == "pan"


def test_labels_never_overlap_each_other_or_the_markers(bundled):
    fig = charts.map_figure(bundled, height=480, width=1200)
    m = fig.layout.meta["frame"]
    fr = F.Frame(tuple(m["lon"]), tuple(m["lat"]), m["width"], m["height"])
    pts = marker_points(fig)
    mx, my = fr.px(pts["lon"], pts["lat"])
    rects = []
    for t in role(fig, "town-labels"):
        x, y = fr.px(t.lon, t.lat)
        for text, xi, yi, pos in zip(t.text, x, y, t.textposition):
            tw, th = places.text_box(text, places.TOWN_FONT)
            x0 = xi - (0 if "right" in pos else tw if "left" in pos else tw / 2)  # the text starts off its point
            y0 = yi - (th / 2 if "middle" in pos else th if "top" in pos else 0)
            rects.append((x0, y0, x0 + tw, y0 + th))
    for i, a in enumerate(rects):
        for b in rects[i + 1:]:
            assert not (a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5)
        for x, y, s in zip(mx, my, pts["size"]):
            nx, ny = min(max(x, a[0]), a[2]), min(max(y, a[1]), a[3])
            assert math.hypot(nx - x, ny - y) >= s / 2 - 0.5


def test_selected_incidents_are_highlighted_and_the_rest_dimmed(bundled):
    df = bundled[bundled["border"] == "AFG-TJK"]
    ids = list(df[charts.mappable(df)]["incident_id"].iloc[:3])
    fig = charts.map_figure(df, selected_ids=ids)
    for t in role(fig, "incidents"):
        for iid, op in zip(t.customdata, np.broadcast_to(t.marker.opacity, (len(t.customdata),))):
            assert (op > 0.9) == (iid in ids)


def test_the_map_stays_offline(bundled):
    fig = charts.map_figure(bundled, shade="killed", selected_ids=["x"])
    spec = json.loads(fig.to_json())
    assert not [t for t in spec["data"] if t["type"] != "scattergeo" or t.get("locationmode") or t.get("locations")]
    assert "cdn.plot.ly" not in json.dumps(spec)
    geo = spec["layout"]["geo"]
    assert not any(geo.get(k) for k in ("showland", "showcountries", "showlakes", "showrivers", "showocean"))
