"""The map and the timeline as a person sees them in Chromium: every located incident its own visible marker,
the mouse wheel scrolls the page, a selection on the map is highlighted on the timeline and survives a reload."""

from __future__ import annotations

import re
import time
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from browser_support import open_dashboard, wait_idle
from incidents import charts
from incidents.schema import REVIEWED
from incidents.view import filters, query

pytestmark = pytest.mark.browser

DASH = Path(__file__).resolve().parents[1] / "fixtures" / "dashboard"
SIZES = {"1280x720": {"width": 1280, "height": 720}, "1400x1000": {"width": 1400, "height": 1000}}

# Every drawn marker of an incident trace: its incident id, its centre on screen and its opacity, with the
# box of the map's plot area. Read from the SVG plotly drew (d3 binds each path to its calcdata point).
JS_MARKERS = """(which) => {
  const plots = [...document.querySelectorAll('.js-plotly-plot')];
  const gd = which === 'map' ? plots.find(p => p.querySelector('.geo'))
                             : plots.find(p => p.querySelector('.cartesianlayer .xy'));
  const area = which === 'map' ? gd.querySelector('.geo .bg rect, .geo rect.bg')
                               : gd.querySelector('.cartesianlayer .subplot.xy .plotbg rect, .nsewdrag');
  const box = area.getBoundingClientRect();
  const roles = which === 'map' ? ['incidents', 'cluster'] : ['point', 'handle'];
  const layer = which === 'map' ? gd.querySelectorAll('.geo .scatterlayer .trace')
                                : gd.querySelectorAll('.cartesianlayer .subplot.xy .scatterlayer .trace');
  const out = [];
  layer.forEach(g => {
    const cd = g.__data__, tr = cd && cd[0] && cd[0].trace;
    if (!tr || !tr.meta || !roles.includes(tr.meta.role)) return;
    g.querySelectorAll('path.point').forEach(p => {
      const r = p.getBoundingClientRect(), i = p.__data__.i;
      out.push({role: tr.meta.role, id: tr.customdata[i], x: r.x + r.width / 2, y: r.y + r.height / 2,
                opacity: Number(p.style.opacity || 1),
                n: tr.meta.role === 'cluster' ? tr.meta.ids[i].length : 1});
    });
  });
  return {box: {left: box.left, right: box.right, top: box.top, bottom: box.bottom}, markers: out};
}"""
JS_MAP_TOP = "() => document.querySelector('.js-plotly-plot .geo').getBoundingClientRect().top"
JS_MAP_SCALE = """() => { const gd = [...document.querySelectorAll('.js-plotly-plot')].find(p => p.querySelector('.geo'));
  return gd._fullLayout.geo._subplot.projection.scale(); }"""




@pytest.fixture()
def opened(browser):
    pages = []

    def _open(url: str, size: str = "1400x1000"):
        page, log, _ = open_dashboard(browser, url, viewport=SIZES[size])
        wait_idle(page)
        pages.append((page, log))
        return page

    yield _open
    for page, log in pages:
        assert log.external == [], f"requests to non-local hosts: {log.external}"
        page.close()


def located(ds, params: dict) -> set[str]:
    """The reviewed incidents the view shows that have coordinates precise enough to map."""
    state = query.from_query(params, filters.options(ds.incidents))
    shown = filters.apply(ds.incidents, state, date.today(), ds.sources)
    shown = shown[shown["review_status"].isin(REVIEWED)]
    return set(shown.loc[charts.mappable(shown), "incident_id"])


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("params", [{"border": "all", "preset": "all"}, {"border": "AFG-TKM", "preset": "all"}],
                         ids=["all-borders", "afg-tkm"])
def test_every_located_incident_is_its_own_marker_inside_the_map(opened, dash_url, dash_ds, params, size):
    want = located(dash_ds, params)
    assert want, "the fixture must have located incidents in this view"
    page = opened(dash_url + "/?" + "&".join(f"{k}={v}" for k, v in params.items()), size)
    page.wait_for_function(f"() => ({JS_MARKERS})('map').markers.length > 0", timeout=20_000)
    got = page.evaluate(JS_MARKERS, "map")
    box, markers = got["box"], got["markers"]
    assert {m["id"] for m in markers if m["role"] == "incidents"} <= want
    assert sum(m["n"] for m in markers) == len(want)  # a count symbol stands for its incidents
    for m in markers:  # inside the frame a person sees, not cut off at an edge
        assert box["left"] <= m["x"] <= box["right"] and box["top"] <= m["y"] <= box["bottom"], (m, box)
    positions = {(round(m["x"]), round(m["y"])) for m in markers}
    assert len(positions) == len(markers) == len(want)  # no marker hidden under another
    caption = page.get_by_text(re.compile(r"\d+ of \d+ shown incidents mapped")).first.inner_text()
    assert caption.startswith(f"{len(want)} of ")


def test_the_mouse_wheel_over_the_map_scrolls_the_page_not_the_map(opened, dash_url):
    page = opened(dash_url + "/?border=all&preset=all", "1280x720")
    scale, top = page.evaluate(JS_MAP_SCALE), page.evaluate(JS_MAP_TOP)
    box = page.locator(".js-plotly-plot .geo").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    for _ in range(4):  # four notches: in v1 this zoomed the map out to a blank frame
        page.mouse.wheel(0, 120)
        page.wait_for_timeout(150)
    page.wait_for_timeout(500)
    assert page.evaluate(JS_MAP_TOP) < top - 200  # the page moved up under the pointer
    assert page.evaluate(JS_MAP_SCALE) == pytest.approx(scale)  # the map kept its zoom


def highlighted(page, which: str) -> set[str]:
    got = page.evaluate(JS_MARKERS, which)["markers"]
    return {m["id"] for m in got if m["opacity"] > 0.5}


def test_a_map_selection_is_highlighted_on_the_timeline_and_survives_a_reload(opened, dash_url, dash_ds):
    page = opened(dash_url + "/?border=all&preset=all")
    page.wait_for_function(f"() => ({JS_MARKERS})('map').markers.length > 0", timeout=20_000)
    markers = [m for m in page.evaluate(JS_MARKERS, "map")["markers"] if m["role"] == "incidents"]
    target = markers[len(markers) // 2]
    page.mouse.click(target["x"], target["y"])
    page.wait_for_function("() => location.search.includes('sel=')", timeout=20_000)
    wait_idle(page)
    picked = parse_qs(urlsplit(page.url).query)["sel"]
    assert target["id"] in picked
    page.wait_for_function(f"() => ({JS_MARKERS})('timeline').markers.some(m => m.opacity < 0.5)", timeout=20_000)
    assert highlighted(page, "timeline") == set(picked)  # the rest dimmed on the timeline
    assert highlighted(page, "map") == set(picked)
    page.get_by_text(f"Table limited to the {len(picked)} selected incidents").wait_for(timeout=20_000)

    again = opened(page.url)  # the link, opened fresh by a colleague
    again.wait_for_function(f"() => ({JS_MARKERS})('timeline').markers.some(m => m.opacity < 0.5)", timeout=20_000)
    assert highlighted(again, "timeline") == set(picked)
    assert highlighted(again, "map") == set(picked)
    again.get_by_text(f"Table limited to the {len(picked)} selected incidents").wait_for(timeout=20_000)


# --- issue 18: the area filter, clicks on provinces, the time slider -------------------------------------

def reviewed_ids(ds):
    return ds.incidents[ds.incidents["review_status"].isin(REVIEWED)]


def wait_url(page, test: str, timeout: int = 20_000) -> dict:
    page.wait_for_function(f"() => {{ const q = new URLSearchParams(location.search); return {test}; }}",
                           timeout=timeout)
    wait_idle(page)
    return parse_qs(urlsplit(page.url).query)


def test_a_link_with_a_bbox_shows_only_the_incidents_inside_it(opened, dash_url, dash_ds, tmp_path):
    box = (69.0, 37.0, 71.0, 38.5)
    rev = reviewed_ids(dash_ds)
    inside = rev[rev["longitude"].between(box[0], box[2]) & rev["latitude"].between(box[1], box[3])]
    assert 0 < len(inside) < len(rev)
    page = opened(dash_url + "/?border=all&preset=all&bbox=69,37,71,38.5")
    count = page.get_by_text(re.compile(r"^Showing \d+ of")).first.inner_text()
    assert count.startswith(f"Showing {len(inside)} of {len(rev)} reviewed records")
    page.get_by_text("Area filter on: 69.00–71.00°E, 37.00–38.50°N").wait_for(timeout=20_000)
    with page.expect_download() as got:  # the table's rows, as the CSV of exactly this view
        page.get_by_role("button", name="CSV", exact=True).click()
    import pandas as pd
    rows = pd.read_csv(got.value.path())
    assert set(rows["incident_id"]) == set(inside["incident_id"])
    assert rows["longitude"].between(box[0], box[2]).all() and rows["latitude"].between(box[1], box[3]).all()


def test_the_area_toggle_follows_a_zoom_of_the_map_and_turns_off(opened, dash_url):
    page = opened(dash_url + "/?border=all&preset=all")
    page.get_by_text("Only in map view").click()
    first = [float(v) for v in wait_url(page, "q.has('bbox')")["bbox"][0].split(",")]
    box = page.locator(".js-plotly-plot .geo").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.locator('.modebar-btn[data-title="Zoom in"]').first.click(force=True)
    second = [float(v) for v in wait_url(page, f"q.get('bbox') && q.get('bbox') !== '{','.join(map(str, first))}'")
              ["bbox"][0].split(",")]
    assert second[2] - second[0] < (first[2] - first[0]) * 0.7  # zoomed in: a narrower area
    assert first[0] < second[0] < second[2] < first[2] and first[1] < second[1] < second[3] < first[3]
    page.get_by_text("Only in map view").click()
    wait_url(page, "!q.has('bbox')")


def test_clicking_a_province_on_the_map_adds_it_to_the_filter_and_the_link(opened, dash_url, dash_ds):
    from incidents.geo import Geography
    page = opened(dash_url + "/?border=all&preset=all")
    page.wait_for_function(f"() => ({JS_MARKERS})('map').markers.length > 0", timeout=20_000)
    got = page.evaluate(JS_MARKERS, "map")
    b, marks = got["box"], got["markers"]
    geo = Geography.load()
    spot = None
    for fy in (0.5, 0.4, 0.6, 0.3, 0.7):  # a point inside a province, 30 px from every marker
        for fx in (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8):
            x, y = b["left"] + fx * (b["right"] - b["left"]), b["top"] + fy * (b["bottom"] - b["top"])
            if min(((m["x"] - x) ** 2 + (m["y"] - y) ** 2) ** 0.5 for m in marks) < 30:
                continue
            lon, lat = page.evaluate("""([x, y]) => { const gd = [...document.querySelectorAll('.js-plotly-plot')]
                .find(p => p.querySelector('.geo')); const g = gd.getBoundingClientRect();
                return gd._fullLayout.geo._subplot.projection.invert([x - g.left, y - g.top]); }""", [x, y])
            name = str(geo.admin1_at([lat], [lon])[0])
            if name:
                spot = (x, y, name)
                break
        if spot:
            break
    assert spot, "no empty spot inside a province on the map"
    x, y, name = spot
    page.mouse.move(x, y)
    page.wait_for_timeout(200)
    page.mouse.click(x, y)
    assert wait_url(page, "q.has('province')")["province"] == [name]
    assert "sel" not in parse_qs(urlsplit(page.url).query)  # a click on a province is not a marker selection
    page.get_by_text(re.compile(r"^Showing \d+ of")).first.wait_for(timeout=20_000)


def test_a_link_with_a_period_opens_on_it_with_its_incidents_highlighted(opened, dash_url, dash_ds):
    page = opened(dash_url + "/?border=all&preset=all&at=2026-08")
    page.wait_for_function(f"() => ({JS_MARKERS})('map').markers.some(m => m.opacity < 0.5)", timeout=20_000)
    rev = reviewed_ids(dash_ds)
    from incidents.view import slider
    drawn, in_period = slider.frame(rev, "2026-08")
    want = set(in_period) & set(rev.loc[charts.mappable(rev), "incident_id"])
    assert want and highlighted(page, "map") == want
    drawn_ids = {m["id"] for m in page.evaluate(JS_MARKERS, "map")["markers"]}
    assert drawn_ids <= set(drawn["incident_id"])  # nothing after August 2026 is drawn
    assert page.get_by_role("slider").first.get_attribute("aria-valuetext") == "2026-08"
    assert page.evaluate("""() => { const gd = [...document.querySelectorAll('.js-plotly-plot')]
        .find(p => p.querySelector('.cartesianlayer .xy')); return (gd.layout.shapes || [])
        .filter(s => s.name === 'period').length; }""") == 1  # the timeline marks the period
    page.get_by_text("August 2026:").first.wait_for(timeout=20_000)


def test_play_advances_through_periods_and_pause_stops(opened, dash_url):
    page = opened(dash_url + "/?border=all&preset=all")
    page.get_by_role("button", name="▶ Play").click()
    seen = set()
    deadline = time.monotonic() + 60  # a tick is 1.2 s; a loaded CI machine may take longer per frame
    while len(seen) < 4 and time.monotonic() < deadline:
        at = parse_qs(urlsplit(page.url).query).get("at", [""])[0]
        if at:
            seen.add(at)
        page.wait_for_timeout(300)
    assert len(seen) >= 4, seen  # the first period and at least three more
    page.get_by_role("button", name="⏸ Pause").click()
    page.get_by_role("button", name="▶ Play").wait_for(timeout=30_000)  # the pause has taken effect
    page.wait_for_timeout(1500)  # a frame already on its way may still land
    stopped = parse_qs(urlsplit(page.url).query)["at"]
    page.wait_for_timeout(3000)  # more than two ticks
    assert parse_qs(urlsplit(page.url).query)["at"] == stopped


def test_the_period_slider_moves_with_the_keyboard(opened, dash_url):
    page = opened(dash_url + "/?border=all&preset=all&at=2026-08")
    page.get_by_role("slider").first.focus()
    page.keyboard.press("ArrowRight")
    assert wait_url(page, "q.get('at') === '2026-09'")["at"] == ["2026-09"]
    page.get_by_role("button", name="◀ Back").focus()
    page.keyboard.press("Enter")
    assert wait_url(page, "q.get('at') === '2026-08'")["at"] == ["2026-08"]
