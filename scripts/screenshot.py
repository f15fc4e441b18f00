"""Regenerate docs/screenshot.png: the dashboard on the bundled data, as a browser shows it (1280x800 by default).

    python scripts/screenshot.py                 # data/ -> docs/screenshot.png
    python scripts/screenshot.py --data tests/fixtures/dashboard --out /tmp/shot.png
    python scripts/screenshot.py --size 1400x1000 --full --out docs/dashboard-1400x1000.png

Starts `streamlit run dashboard.py` on a free local port, drives Debian's Chromium with Playwright
(never `playwright install`), waits until the map and the timeline are drawn, and also prints the
time from page load to both charts drawn (3 visits: the first on a fresh server). The page may not
contact any host but 127.0.0.1: the script fails if it tries.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from browser_support import chromium, open_dashboard, streamlit_server, wait_idle  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=str(ROOT / "data"), help="data directory (default: data/)")
    ap.add_argument("--out", default=str(ROOT / "docs" / "screenshot.png"), help="PNG to write")
    ap.add_argument("--path", default="/", help="URL path and query, e.g. '/?border=all'")
    ap.add_argument("--visits", type=int, default=3, help="page loads to time")
    ap.add_argument("--size", default="1280x800", help="browser viewport, WIDTHxHEIGHT")
    ap.add_argument("--full", action="store_true", help="the whole page, not just the first screen")
    ap.add_argument("--scroll", type=int, default=0, help="scroll the page down this many px first (mouse wheel)")
    args = ap.parse_args(argv)
    if not (Path(args.data) / "incidents.csv").exists():
        print(f"no incidents.csv in {args.data}", file=sys.stderr)
        return 2
    timings = []
    with streamlit_server(args.data) as url, chromium() as browser:
        for k in range(max(1, args.visits)):
            w, h = (int(v) for v in args.size.lower().split("x"))
            page, log, secs = open_dashboard(browser, url + args.path, viewport={"width": w, "height": h})
            timings.append(secs)
            if log.external:
                print(f"the page contacted non-local hosts: {log.external}", file=sys.stderr)
                return 1
            if k == 0:
                wait_idle(page)
                if args.scroll:  # Streamlit scrolls its own container: wheel over the main column
                    page.mouse.move(w * 0.6, h * 0.5)
                    page.mouse.wheel(0, args.scroll)
                page.wait_for_timeout(1200)  # let plotly finish transitions
                Path(args.out).parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=args.out, full_page=args.full)
            page.close()
    print(f"wrote {args.out}")
    print("page load -> both charts drawn (s): " + ", ".join(f"{t:.2f}" for t in timings)
          + f"  (first visit on a fresh server; data: {args.data})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
