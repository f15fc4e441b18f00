"""Where a dashboard page load spends its time, in Debian's headless Chromium on a warm local server.

    python scripts/page_load.py [--data DIR] [--runs 3]

For a first visit (new browser profile: empty HTTP cache) and a returning visit (same profile, cache warm)
it prints the milestones seen by the page - HTML received, JavaScript bundle loaded, Streamlit shell drawn,
first output of the script, the first plotly chart element, both charts drawn - and the bytes fetched and the
largest scripts (plotly.js among them), then the size of the two figures' JSON as built by the dashboard's
own functions. No request is routed through Playwright, so the browser's own cache works as for a person.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

import browser_support as bs  # noqa: E402

MARKS = """
window.__marks = {};
const t = (k) => { if (!(k in window.__marks)) window.__marks[k] = performance.now(); };
new MutationObserver(() => {
  if (document.querySelector('[data-testid="stApp"]')) t('shell');
  if (document.querySelector('[data-testid="stMarkdown"], [data-testid="stMetric"]')) t('first output');
  if (document.querySelector('.js-plotly-plot')) t('first chart element');
}).observe(document, {subtree: true, childList: true});
"""


def visit(context, url: str) -> dict:
    page = context.new_page()
    page.add_init_script(MARKS)
    t0 = time.perf_counter()
    page.goto(url)
    page.wait_for_function(bs.JS_CHARTS_DRAWN, timeout=120_000)
    total = time.perf_counter() - t0
    data = page.evaluate("""() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const res = performance.getEntriesByType('resource');
      const js = res.filter(r => r.name.endsWith('.js')).sort((a, b) => b.encodedBodySize - a.encodedBodySize);
      return {html: nav.responseEnd, dom: nav.domContentLoadedEventEnd, marks: window.__marks,
              transferred: res.reduce((s, r) => s + (r.transferSize || 0), 0) + (nav.transferSize || 0),
              scripts_done: Math.max(0, ...js.map(r => r.responseEnd)),
              js: js.slice(0, 4).map(r => [r.name.split('/').pop(), r.encodedBodySize, r.transferSize,
                                           Math.round(r.responseEnd)])};
    }""")
    data["total"] = total * 1000
    page.close()
    return data


def figure_sizes(data: Path) -> tuple[int, int]:
    from incidents import charts, dataset
    from incidents.view.filters import FilterState
    from incidents.view.views import make_view

    ds = dataset.load(data)
    v = make_view(ds, FilterState(borders=()), date.today())
    m = charts.map_figure(v.shown, height=470, legend=True)
    tl = charts.timeline_figure(v.shown, v.per, "type", "month", (v.start, v.end), height=400)
    return len(m.to_json()), len(tl.to_json())


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT / "data"))
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    rows = {"first visit": [], "returning visit": []}
    with bs.streamlit_server(args.data, timeout=300) as url, bs.chromium() as browser:
        warm = browser.new_context(viewport=bs.VIEWPORT)
        visit(warm, url + "/?border=all")  # warm the server (first script run, caches)
        warm.close()
        for _ in range(args.runs):
            ctx = browser.new_context(viewport=bs.VIEWPORT)
            rows["first visit"].append(visit(ctx, url + "/?border=all"))
            rows["returning visit"].append(visit(ctx, url + "/?border=all"))
            ctx.close()
    med = lambda xs: statistics.median(xs) if xs else float("nan")  # noqa: E731
    for label, runs in rows.items():
        print(f"{label} (median of {len(runs)}; ms from navigation):")
        print(f"  HTML received          {med([r['html'] for r in runs]):7.0f}")
        print(f"  scripts loaded         {med([r['scripts_done'] for r in runs]):7.0f}")
        for k in ("shell", "first output", "first chart element"):
            print(f"  {k:<22} {med([r['marks'].get(k, float('nan')) for r in runs]):7.0f}")
        print(f"  both charts drawn      {med([r['total'] for r in runs]):7.0f}")
        print(f"  bytes transferred      {med([r['transferred'] for r in runs]) / 1e6:7.2f} MB")
        for name, size, transfer, end in runs[-1]["js"]:
            print(f"    {name[:48]:<48} {size / 1e6:5.2f} MB ({transfer / 1e6:.2f} MB over the wire), done at {end} ms")
    m, tl = figure_sizes(Path(args.data))
    print(f"figure JSON: map {m / 1e6:.2f} MB, timeline {tl / 1e6:.2f} MB (bundled data, every border)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
