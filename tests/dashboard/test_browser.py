"""Real-browser tests: `streamlit run dashboard.py` driven by Debian's Chromium through Playwright.

Run with `python -m pytest tests/test_browser.py -m browser`. Every page records its requests and
the tests fail if any goes to a host other than 127.0.0.1/localhost (the dashboard must work with
no internet: no tiles, no CDN, no telemetry).
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from browser_support import JS_CHARTS_DRAWN, ROOT, open_dashboard, streamlit_server, wait_idle
from incidents import charts
from incidents.view import filters
from incidents.schema import REVIEWED
from incidents.view.filters import FilterState

pytestmark = pytest.mark.browser

HERE = Path(__file__).resolve().parents[1]
DASH = HERE / "fixtures" / "dashboard"
HOSTILE = DASH / "hostile"
TIMING_FILE = ROOT / "out" / "browser_timing.json"

JS_COUNT = """() => {
  const el = [...document.querySelectorAll('[data-testid="stMarkdownContainer"]')]
      .find(e => e.innerText.startsWith('Showing '));
  const m = el && el.innerText.match(/^Showing (\\d+) of (\\d+) reviewed records/);
  return m ? [Number(m[1]), Number(m[2])] : null;
}"""
# Incident markers on the map: point paths in the geo subplot (base layers are lines/text only).
JS_MAP_MARKERS = "() => document.querySelectorAll('.js-plotly-plot .geo .scatterlayer path.point').length"
# Incident markers on the timeline: points in the top subplot only (not the killed markers below).
JS_TIMELINE_MARKERS = """() => {
  const sub = [...document.querySelectorAll('.js-plotly-plot .cartesianlayer .subplot.xy')][0];
  return sub ? sub.querySelectorAll('.scatterlayer path.point').length : -1;
}"""
JS_FOCUS_BORDER = """() => {
  const geo = document.querySelector('.js-plotly-plot .geo');
  if (!geo) return null;
  const box = geo.querySelector('.bg rect, rect.bg') ? geo.querySelector('.bg rect, rect.bg').getBoundingClientRect()
                                                     : geo.getBoundingClientRect();
  const lines = [...geo.querySelectorAll('path.js-line')]
      .filter(p => getComputedStyle(p).strokeWidth === '3.2px' && (p.getAttribute('d') || '').length > 200);
  return lines.map(p => { const r = p.getBoundingClientRect();
      return {stroke: getComputedStyle(p).stroke, w: r.width, h: r.height,
              inside: r.left >= box.left - 2 && r.right <= box.right + 2 && r.top >= box.top - 2 && r.bottom <= box.bottom + 2}; });
}"""




@pytest.fixture(scope="module")
def hostile_url():
    with streamlit_server(HOSTILE) as url:
        yield url


@pytest.fixture()
def opened(browser):
    """Open a dashboard URL; after the test, assert no request left the machine."""
    pages = []

    def _open(url: str):
        page, log, secs = open_dashboard(browser, url)
        wait_idle(page)
        pages.append((page, log))
        return page, log, secs

    yield _open
    for page, log in pages:
        assert log.external == [], f"requests to non-local hosts: {log.external}"
        assert log.urls, "the request log recorded nothing: routing is not working"
        page.close()


def reviewed(frame):
    """The records a person has checked: all the dashboard shows and counts by default."""
    return frame[frame["review_status"].isin(REVIEWED)]


def expected(ds, state: FilterState) -> int:
    return len(reviewed(filters.apply(ds.incidents, state, date.today(), ds.sources)))


def wait_count(page, not_equal_to=None, equal_to=None, timeout=30_000):
    if equal_to is not None:
        page.wait_for_function(f"() => {{ const c = ({JS_COUNT})(); return c && c[0] === {equal_to}; }}", timeout=timeout)
    elif not_equal_to is not None:
        page.wait_for_function(f"() => {{ const c = ({JS_COUNT})(); return c && c[0] !== {not_equal_to}; }}", timeout=timeout)
    wait_idle(page)
    return page.evaluate(JS_COUNT)


def test_map_shows_the_border_and_one_marker_per_located_incident(opened, dash_url, dash_ds):
    page, log, secs = opened(dash_url + "/?border=all&preset=all")
    shown, total = page.evaluate(JS_COUNT)
    assert shown == total == len(reviewed(dash_ds.incidents))
    located = int(charts.mappable(reviewed(dash_ds.incidents)).sum())
    page.wait_for_function(f"() => ({JS_MAP_MARKERS})() === {located}", timeout=20_000)
    assert page.evaluate(JS_MAP_MARKERS) == located
    focus = page.evaluate(JS_FOCUS_BORDER)
    assert len(focus) == 1, focus  # exactly one emphasised line: AFG-TJK
    assert focus[0]["stroke"] == "rgb(26, 26, 26)" and focus[0]["w"] > 200 and focus[0]["inside"]
    # the other 18 borders are drawn too (thinner), and the province outlines
    assert page.evaluate("() => document.querySelectorAll('.js-plotly-plot .geo path.js-line').length") >= 19 + 9 + 1


def test_timeline_shows_every_incident(opened, dash_url, dash_ds):
    page, _, _ = opened(dash_url + "/?border=all&preset=all")
    n = len(reviewed(dash_ds.incidents))
    page.wait_for_function(f"() => ({JS_TIMELINE_MARKERS})() === {n}", timeout=20_000)
    # aggregates below: one bar per (month, type) with incidents
    bars = page.evaluate("() => document.querySelectorAll('.js-plotly-plot .barlayer .point').length")
    assert bars > 0
    lanes = page.evaluate("() => [...document.querySelectorAll('.js-plotly-plot .yaxislayer-above .ytick text')]"
                          ".map(t => t.textContent)")
    assert "armed clash" in lanes and "strategic development" in lanes


def test_changing_a_filter_changes_count_charts_and_url(opened, dash_url, dash_ds):
    page, _, _ = opened(dash_url + "/")
    before = page.evaluate(JS_COUNT)[0]
    assert before == expected(dash_ds, FilterState())
    map_before, tl_before = page.evaluate(JS_MAP_MARKERS), page.evaluate(JS_TIMELINE_MARKERS)
    box = page.get_by_placeholder("words in summaries and sources")
    box.fill("drone")
    box.press("Enter")
    want = expected(dash_ds, FilterState(text="drone"))
    assert want != before
    assert wait_count(page, equal_to=want)[0] == want
    page.wait_for_function(f"() => ({JS_TIMELINE_MARKERS})() === {want}", timeout=20_000)
    state = FilterState(text="drone")
    on_map = int(charts.mappable(reviewed(filters.apply(dash_ds.incidents, state, date.today(), dash_ds.sources))).sum())
    page.wait_for_function(f"() => ({JS_MAP_MARKERS})() === {on_map}", timeout=20_000)
    assert (page.evaluate(JS_MAP_MARKERS), page.evaluate(JS_TIMELINE_MARKERS)) != (map_before, tl_before)
    page.wait_for_function("() => location.search.includes('q=drone')", timeout=10_000)
    # every date is one click away from the opening 365 days
    page.get_by_role("radio", name="All").click()
    want_all = expected(dash_ds, FilterState(text="drone", preset="all"))
    assert wait_count(page, equal_to=want_all)[0] == want_all
    page.wait_for_function("() => location.search.includes('preset=all')", timeout=10_000)


def test_opening_a_shared_url_restores_the_filters(opened, dash_url, dash_ds):
    page, _, _ = opened(dash_url + "/")
    box = page.get_by_placeholder("words in summaries and sources")
    box.fill("fixture")
    box.press("Enter")
    page.wait_for_function("() => location.search.includes('q=fixture')", timeout=20_000)
    page.get_by_role("radio", name="90 d").click()
    page.wait_for_function("() => location.search.includes('preset=90')", timeout=20_000)
    wait_idle(page)
    shared = page.url
    count = page.evaluate(JS_COUNT)
    params = {k: v for k, v in parse_qs(urlsplit(shared).query).items()}
    assert params == {"q": ["fixture"], "preset": ["90"]}

    again, _, _ = opened(shared)  # a new session, as a colleague opening the link
    assert again.evaluate(JS_COUNT) == count == [expected(dash_ds, FilterState(text="fixture", preset="90")),
                                               len(reviewed(dash_ds.incidents))]
    assert again.get_by_placeholder("words in summaries and sources").input_value() == "fixture"
    assert again.get_by_role("radio", name="90 d").get_attribute("aria-checked") == "true"
    assert again.get_by_role("radio", name="All").get_attribute("aria-checked") == "false"
    assert urlsplit(again.url).query == urlsplit(shared).query

    # a hand-written link with several filters
    link = dash_url + "/?type=armed_clash&type=remote_violence&border=all&lanes=border&preset=all"
    third, _, _ = opened(link)
    want = expected(dash_ds, FilterState(event_types=("armed_clash", "remote_violence"), borders=(), preset="all"))
    assert third.evaluate(JS_COUNT)[0] == want
    chips = third.evaluate("() => [...document.querySelectorAll('[data-testid=\"stSidebar\"] [data-tag]')]"
                           ".map(t => t.getAttribute('aria-label'))")
    assert "armed clash" in chips and "remote violence" in chips
    third.wait_for_function(f"() => ({JS_TIMELINE_MARKERS})() === {want}", timeout=20_000)
    lanes = third.evaluate("() => [...document.querySelectorAll('.js-plotly-plot .yaxislayer-above .ytick text')]"
                           ".map(t => t.textContent)")
    assert "AFG–TJK" in lanes


def test_hostile_text_is_shown_as_text_and_runs_nothing(opened, hostile_url, browser):
    dialogs = []
    page, _, _ = opened(hostile_url + "/?border=all&preset=all&incident=fxh-script&cand=1")  # the unreviewed one drawn too
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.locator("[data-testid='stText']").get_by_text("after the script tag").first.wait_for(timeout=20_000)
    body = page.evaluate("() => document.body.innerText")
    assert "<script>window.__xss=1;document.title='pwned'</script> after the script tag" in body
    assert page.evaluate("() => [window.__xss, window.__xss_actor, window.__xss_src]") == [None, None, None]
    assert page.title() == "borderwatch"
    # no element was created from data markup
    assert page.evaluate("() => document.querySelectorAll('img[src=\"x\"], script:not([src])').length") == \
        page.evaluate("() => document.querySelectorAll('script:not([src])').length")
    assert page.evaluate("() => [...document.querySelectorAll('img, a, iframe')]"
                         ".filter(e => (e.src || e.href || '').includes('evil')).length") == 0
    # hover labels of the timeline show the hostile summaries as text (plotly's own HTML subset untouched)
    boxes = page.evaluate("""() => {
        const sub = document.querySelector('.js-plotly-plot .cartesianlayer .subplot.xy');
        return [...sub.querySelectorAll('.scatterlayer path.point')].map(p => {
            const r = p.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }); }""")
    assert len(boxes) == 3
    hovers = []
    for x, y in boxes:
        page.mouse.move(x, y)
        page.wait_for_timeout(400)
        hovers.append(page.evaluate("() => [...document.querySelectorAll('.hoverlayer .hovertext')]"
                                    ".map(t => t.textContent).join(' ')"))
    joined = " ".join(hovers)
    assert "<script>window.__xss=1;document.title='pwned'</script>" in joined
    assert '<img src=x onerror="window.__xss=2">' in joined
    assert page.evaluate("() => document.querySelectorAll('.hoverlayer img, .hoverlayer script').length") == 0
    assert page.evaluate("() => [window.__xss, window.__xss_actor, window.__xss_src]") == [None, None, None]

    md, _, _ = opened(hostile_url + "/?border=all&preset=all&incident=fxh-md")
    md.locator("[data-testid='stText']").get_by_text("FIXTURE hostile markdown").first.wait_for(timeout=20_000)
    text = md.evaluate("() => document.body.innerText")
    assert "![pixel](https://evil.example.net/p.png)" in text and ":red[red]" in text
    assert md.evaluate("() => document.querySelectorAll('a[href^=\"javascript\"]').length") == 0
    assert dialogs == []


def test_method_page_works_offline(opened, dash_url):
    page, log, _ = opened(dash_url + "/")
    page.get_by_role("link", name="Method").first.click()
    page.get_by_text("Killed: low, best, high").wait_for(timeout=20_000)
    wait_idle(page)
    assert "Okabe" in page.evaluate("() => document.body.innerText")


def test_measure_page_load_to_both_charts(browser):
    """Time from navigation to both charts drawn, on the bundled data when present (else the fixture):
    3 visits, the first on a fresh server. Written to out/browser_timing.json for the record."""
    bundled = ROOT / "data"
    data = bundled if (bundled / "incidents.csv").exists() else DASH
    runs = []
    with streamlit_server(data) as url:
        for _ in range(3):
            page, log, secs = open_dashboard(browser, url + "/")
            assert log.external == [], log.external
            assert page.evaluate(JS_COUNT) is not None
            runs.append(round(secs, 2))
            page.close()
    result = {"data": str(data.relative_to(ROOT)), "seconds_fresh_then_warm": runs, "viewport": "1280x800",
              "browser": "Debian chromium, headless, via Playwright", "measured": "page.goto -> map and timeline drawn"}
    TIMING_FILE.parent.mkdir(exist_ok=True)
    TIMING_FILE.write_text(json.dumps(result, indent=2))
    print(result)
    assert max(runs) < 30, runs


def test_clicking_a_map_marker_filters_the_table(opened, dash_url, dash_ds):
    page, _, _ = opened(dash_url + "/?border=all&preset=all&type=remote_violence")
    want = expected(dash_ds, FilterState(borders=(), event_types=("remote_violence",), preset="all"))
    assert page.evaluate(JS_COUNT)[0] == want
    marker = page.evaluate("""() => {
        const p = document.querySelector('.js-plotly-plot .geo .scatterlayer path.point');
        const r = p.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }""")
    page.mouse.click(*marker)
    info = page.get_by_text("selected incidents (highlighted on the map and the timeline)")
    info.wait_for(timeout=20_000)
    assert re.search(r"Table limited to the \d+ selected incidents", info.inner_text())
    page.get_by_role("button", name="Clear selection").click()
    info.wait_for(state="detached", timeout=20_000)


@pytest.mark.parametrize("query", ["from=1900-01-01", "from=0001-01-01", "to=2099-12-31", "min_killed=%C2%B2",
                                   "from=2026-02-30"])
def test_a_bad_link_parameter_is_ignored_with_a_notice_and_the_page_renders(opened, dash_url, query):
    page, _, _ = opened(dash_url + "/?border=all&" + query)
    page.wait_for_function(JS_CHARTS_DRAWN, timeout=30_000)  # both charts drawn: the page did not stop
    text = page.evaluate("() => document.body.innerText")
    assert "Traceback" not in text and "StreamlitAPIException" not in text
    if query != "to=2099-12-31":  # a later 'to' is no error: the date box shows today
        assert "Link parameter ignored" in text
