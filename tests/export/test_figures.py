"""Print-ready chart exports (real PNG/SVG/PDF files rendered by kaleido with Debian's Chromium).

All rendering tests share the process-wide warm kaleido server of incidents.export.render.
"""

from __future__ import annotations

import io
import re
import threading
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from incidents import charts, dataset
from incidents.export import render
from incidents.view import filters, query
from incidents.export import figures as fe
from incidents.export import words
from incidents.charts import palette as P
from incidents.view.views import make_view

pytestmark = pytest.mark.browser  # every test renders with Chromium through kaleido

HERE = Path(__file__).resolve().parents[1]
ROOT = HERE.parent
DASH = HERE / "fixtures" / "dashboard"
SVG_NS = "{http://www.w3.org/2000/svg}"
TODAY = date(2026, 11, 21)


@pytest.fixture(scope="module")
def ds():
    return dataset.load(DASH)


@pytest.fixture(scope="module")
def view(ds):
    """Second half of 2026 on the Tajik–Afghan border (10 incidents, 20 reports)."""
    return make_view(ds, query.from_query({"from": "2026-06-01", "to": "2026-11-30"}), TODAY)


@pytest.fixture(scope="module")
def one_view(ds):
    """A single incident (two reports): the footnote cites each report's full URL."""
    return make_view(ds, query.from_query({"q": "fxd-054", "type": "remote_violence"}), TODAY)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def svg_text(data: bytes) -> str:
    root = ET.fromstring(data)
    assert root.tag == f"{SVG_NS}svg"
    return " ".join("".join(el.itertext()) for el in root.iter(f"{SVG_NS}text"))


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def pdf_images(data: bytes) -> list[str]:
    """Names of every image XObject on every page, looking inside form XObjects too."""
    found: list[str] = []

    def walk(resources, seen):
        xobjects = (resources or {}).get("/XObject") or {}
        for name, ref in xobjects.items():
            obj = ref.get_object()
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            if obj.get("/Subtype") == "/Image":
                found.append(name)
            elif obj.get("/Subtype") == "/Form":
                walk(obj.get("/Resources"), seen)

    for page in PdfReader(io.BytesIO(data)).pages:
        walk(page.get("/Resources"), set())
    return found


# --- words: title, subtitle, footnote (no rendering) ------------------------------------------

def test_subtitle_states_period_and_every_restricting_filter(ds):
    state = query.from_query({"from": "2025-11-01", "to": "2026-01-31", "border": ["AFG-TJK", "KGZ-TJK"],
                                "type": "armed_clash"})
    text = words.filters_text(make_view(ds, state, TODAY))
    assert text == "Period: 1 Nov 2025 – 31 Jan 2026 · Border: AFG–TJK, KGZ–TJK · Type: armed clash"
    more = query.from_query({"min_killed": "2", "q": "Darvoz", "country": "TJK", "origin": "curated"})
    assert words.filter_parts(more) == ["border: AFG–TJK", "country: TJK", "origin: curated", "at least 2 killed",
                                     "search: “Darvoz”"]
    assert "Border: all borders" in words.filters_text(make_view(ds, query.from_query({"border": "all"}), TODAY))
    rolling = words.filters_text(make_view(ds, query.from_query({"preset": "90"}), TODAY))
    assert rolling.startswith("Period: last 90 days (24 Aug 2026 – 21 Nov 2026)")


def test_footnote_has_as_of_sources_and_credits(view, one_view):
    foot = words.footnote_text(view, "map")
    assert "Data through 2026-11-15" in foot
    assert "Boundaries: Natural Earth; place names: GeoNames (CC BY 4.0)" in foot
    assert "Sources: 17 reports from 1 site: example.org." in foot
    assert "example.org" in foot and "hollow marker" in foot
    few = words.footnote_text(one_view)
    assert len(one_view.shown) == 1 and len(one_view.sources) == 2
    for url in one_view.sources["url"]:
        assert url in few


def test_titles_name_the_border(view, ds):
    assert words.chart_title("map", view) == "Where security incidents happened: the Afghanistan–Tajikistan border"
    everything = make_view(ds, query.from_query({"border": "all"}), TODAY)
    assert words.chart_title("timeline", everything).endswith("Central Asia's borders")


def test_export_figure_keeps_screen_colours_and_sets_template(view):
    screen = fe.base_figure("timeline", view)
    printed = fe.export_figure("timeline", view)
    assert printed.layout.template.layout.paper_bgcolor is not None  # a real template, set explicitly
    assert printed.layout.paper_bgcolor == "white"

    def colours(fig):
        return {t.meta["event_type"]: t.marker.color for t in fig.data
                if isinstance(t.meta, dict) and t.meta.get("role") == "point"}

    assert colours(printed) == colours(screen)
    assert all(c == P.color(t) for t, c in colours(printed).items())
    # the map frames every mapped incident, and keeps its own base layers (offline: no plotly base map)
    m = fe.export_figure("map", view)
    assert m.layout.geo.showcountries is False and m.layout.geo.showland is False
    lon, lat = m.layout.geo.lonaxis.range, m.layout.geo.lataxis.range
    pts = view.shown[charts.mappable(view.shown)]
    assert lon[0] <= pts["longitude"].min() and pts["longitude"].max() <= lon[1]
    assert lat[0] <= pts["latitude"].min() and pts["latitude"].max() <= lat[1]


def test_aggregate_figure_matches_the_dashboards_bars(view):
    fig = fe.aggregate_figure(view.per, "month")
    bars = [t for t in fig.data if t.type == "bar"]
    assert bars and all(t.marker.color == P.color(t.meta["event_type"]) for t in bars)
    assert sum(sum(t.y) for t in bars) == view.per["incidents"].sum() == len(view.shown)


# --- real files -------------------------------------------------------------------------------

def test_png_is_2x_with_the_screen_colours(view, tmp_path):
    import streamlit  # noqa: F401  (importing it switches plotly's default template; exports must not care)

    data = fe.export_chart("timeline", view, "png")
    (tmp_path / "t.png").write_bytes(data)
    img = Image.open(io.BytesIO(data)).convert("RGB")
    w, h = fe.SIZES["timeline"]
    assert img.size == (2 * w, 2 * h)
    assert len(data) > 50_000
    small = img.resize((img.width // 4, img.height // 4))
    pixels = [tuple(p) for p in np.asarray(small).reshape(-1, 3)]
    white = sum(1 for p in pixels if min(p) > 245) / len(pixels)
    dark = sum(1 for p in pixels if max(p) < 40) / len(pixels)
    assert white > 0.6 and dark < 0.1  # not the all-black export of the streamlit template
    vermillion = tuple(int(P.color("armed_clash")[i:i + 2], 16) for i in (1, 3, 5))
    assert (np.abs(np.asarray(img).reshape(-1, 3).astype(int) - vermillion).max(axis=1) < 12).any()


def test_svg_parses_and_carries_title_filters_and_credits(view):
    data = fe.export_chart("map", view, "svg")
    text = svg_text(data)
    assert words.chart_title("map", view) in text
    assert "Period: 1 Jun 2026 – 30 Nov 2026" in text and "Border: AFG–TJK" in text
    assert "GeoNames (CC BY 4.0)" in squash(text) or "GeoNames(CCBY4.0)" in squash(text)
    assert b"<image" not in data  # vector: no embedded raster
    assert b"cdn.plot.ly" not in data


def test_pdf_text_has_title_filters_and_a_source_url(one_view):
    data = fe.export_chart("timeline", one_view, "pdf")
    assert data.startswith(b"%PDF")
    text = squash(pdf_text(data))
    assert squash(words.chart_title("timeline", one_view)) in text
    assert squash("Border: AFG–TJK · Type: remote violence") in text
    assert squash(one_view.sources["url"].iloc[0]) in text


def test_map_pdf_is_vector_with_selectable_text(view):
    data = fe.export_chart("map", view, "pdf")
    assert pdf_images(data) == []
    text = squash(pdf_text(data))
    assert squash("Where security incidents happened") in text and "TAJIKISTAN" in text
    page = PdfReader(io.BytesIO(data)).pages[0]
    assert float(page.mediabox.width) == pytest.approx(fe.SIZES["map"][0] * 0.75, abs=1)


def test_aggregate_exports(view):
    svg = fe.export_chart("aggregate", view, "svg")
    assert "people killed per month" in svg_text(svg)


def test_eight_concurrent_exports_each_get_their_own_figure(view):
    """kaleido's sync server mixes results across threads unless render() serialises them."""
    jobs = [(["timeline", "map", "aggregate", "timeline"][i % 4], "png" if i % 2 == 0 else "svg", 700 + 37 * i)
            for i in range(8)]
    barrier = threading.Barrier(len(jobs))

    def run(i):
        chart, fmt, width = jobs[i]
        barrier.wait()
        return fe.export_chart(chart, view, fmt, width=width, height=500, scale=1, title=f"Concurrent figure {i}")

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        results = list(pool.map(run, range(len(jobs))))
    for i, ((chart, fmt, width), data) in enumerate(zip(jobs, results)):
        if fmt == "png":
            assert Image.open(io.BytesIO(data)).size == (width, 500), f"job {i} got another figure"
        else:
            root = ET.fromstring(data)
            assert root.get("width") == str(width), f"job {i} got another figure"
            assert f"Concurrent figure {i}" in svg_text(data)


def test_missing_chromium_is_said_plainly(view, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent")
    with pytest.raises(render.ExportUnavailable, match="Chromium"):
        fe.export_chart("map", view, "png")
    with pytest.raises(ValueError):
        fe.export_chart("map", view, "eps")


# --- the dashboard's buttons (AppTest, no browser) -----------------------------------------------

def _app(monkeypatch, params=None):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("BORDERWATCH_DATA", str(DASH))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    return at.run()


def _buttons(at) -> dict[str, object]:
    return {b.proto.id.rsplit("-dl-", 1)[-1]: b.proto for b in at.get("download_button")}


def test_dashboard_offers_every_export_deferred(monkeypatch):
    at = _app(monkeypatch, {"type": "armed_clash"})
    assert not at.exception
    buttons = _buttons(at)
    for chart in fe.CHARTS:
        for fmt in ("png", "svg", "pdf"):
            b = buttons[f"{chart}-{fmt}"]
            assert b.deferred_file_id and not b.disabled  # rendered only on click
    assert {"data-csv", "data-geojson", "data-xlsx", "brief-pdf", "brief-html"} <= set(buttons)
    assert buttons["brief-pdf"].label == "Download brief"


def test_dashboard_without_chromium_says_so_and_keeps_working(monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent")
    at = _app(monkeypatch)
    assert not at.exception
    assert any("need Chromium" in c.value for c in at.caption)
    buttons = _buttons(at)
    assert all(buttons[f"{c}-{f}"].disabled for c in fe.CHARTS for f in ("png", "svg", "pdf"))
    assert "brief-pdf" not in buttons
    assert buttons["brief-html"].label == "Download brief (HTML)" and not buttons["brief-html"].disabled
    assert not buttons["data-csv"].disabled
    assert len(at.get("plotly_chart")) == 2 and at.metric


def test_map_export_is_a_landscape_page_with_its_legend_and_the_mapped_count(ds):
    every = make_view(ds, query.from_query({"border": "all", "preset": "all"}), TODAY)
    for paper, (w, h) in fe.PAGES.items():
        fig = fe.export_figure("map", every, paper=paper)
        assert (fig.layout.width, fig.layout.height) == (w, h)
        keys = [t.name for t in fig.data if (t.meta or {}).get("role") == "legend-key"]
        assert "exact or near" in keys and "river" in keys and fig.layout.showlegend
        assert fig.layout.legend.x > 1  # the legend column beside the map, not over it
        foot = " ".join(a.text for a in fig.layout.annotations)
        counts = charts.MapCounts(**fig.layout.meta["counts"])
        assert f"{counts.mapped} of {len(every.shown)} shown incidents mapped" in foot
    reader = PdfReader(io.BytesIO(fe.export_chart("map", every, "pdf")))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 596)  # A4 landscape in pt


def test_map_export_draws_the_chosen_border_thick_and_names_a_slider_period(ds):
    tkm = make_view(ds, query.from_query({"border": "AFG-TKM", "preset": "all", "at": "2023-11"}), TODAY)
    fig = fe.export_figure("map", tkm)
    thick = {t.meta["pair"] for t in fig.data if (t.meta or {}).get("role") == "border" and t.line.width > 3}
    assert thick == {"AFG-TKM"}
    assert "Period shown: November 2023" in fig.layout.title.subtitle.text
    drawn, in_period = fe.slider.frame(tkm.shown, "2023-11")
    assert in_period == ["fxd-024"] and len(drawn) == 2  # 2021 faint, 2026 not drawn
    strong = {i for t in fe.map_figure(tkm, 800, 500).data if (t.meta or {}).get("role") == "incidents"
              for i, o in zip(t.customdata, t.marker.opacity) if o > 0.5}
    assert strong == set(in_period) & set(tkm.shown.loc[charts.mappable(tkm.shown), "incident_id"])
    band = [s for s in fe.export_figure("timeline", tkm).layout.shapes if s.name == "period"]
    assert len(band) == 1 and str(band[0].x0).startswith("2023-11-01")
