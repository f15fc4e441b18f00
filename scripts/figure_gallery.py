"""Write the dashboard's map and timeline to PNG at the page's sizes, to look at them (not part of the app).

    python -m scripts.figure_gallery [--data DIR] [--out DIR] [--only NAME ...]

Renders with Debian's Chromium through `incidents.export.render` (offline). Each view is the page's:
the same filters (`FilterState`), the same `make_view`, the figure builders in `incidents.charts`.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

from incidents import charts, dataset
from incidents.export import render
from incidents.view.filters import FilterState
from incidents.view.views import make_view

TODAY = date(2026, 11, 28)
# name: (filter state, map size, timeline size, extra map keywords)
VIEWS = {
    "tjk-afg": (FilterState(preset="all"), (1300, 560), (1300, 380), {}),
    "all": (FilterState(preset="all", borders=()), (1300, 560), (1300, 380), {}),
    "afg-tkm": (FilterState(preset="all", borders=("AFG-TKM",)), (1300, 560), (1300, 380), {}),
    "all-small": (FilterState(preset="all", borders=()), (1200, 480), (1200, 340), {}),
    "kgz-tjk-week": (FilterState(borders=("KGZ-TJK",), agg="week", preset="custom", start=date(2022, 1, 1),
                                 end=date(2022, 10, 31)), (1200, 480), (1200, 380), {}),
    "all-shaded": (FilterState(preset="all", borders=()), (1300, 560), None, {"shade": "incidents"}),
    "tjk-afg-selected": (FilterState(preset="all"), (1300, 560), (1300, 380), {"select": 4}),
}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default="data")
    ap.add_argument("--out", default="/tmp/figures")
    ap.add_argument("--only", nargs="*")
    a = ap.parse_args(argv)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    ds = dataset.load(a.data)
    for name, (state, msize, tsize, kw) in VIEWS.items():
        if a.only and name not in a.only:
            continue
        view = make_view(ds, replace(state), TODAY)
        kw = dict(kw)
        sel = kw.pop("select", 0)
        ids = list(view.shown.sort_values("event_date")["incident_id"].tail(sel)) if sel else None
        t = time.perf_counter()
        fig = charts.map_figure(view.shown, height=msize[1], width=msize[0], selected_ids=ids, **kw)
        took = time.perf_counter() - t
        (out / f"map-{name}.png").write_bytes(render.render(fig, "png", msize[0], msize[1]))
        print(f"map-{name}: {took:.2f}s {fig.layout.meta['counts']}")
        if tsize:
            t = time.perf_counter()
            fig = charts.timeline_figure(view.shown, view.per, view.state.lanes, view.state.agg, (view.start, view.end),
                                         height=tsize[1], width=tsize[0], selected_ids=ids)
            took = time.perf_counter() - t
            (out / f"timeline-{name}.png").write_bytes(render.render(fig, "png", tsize[0], tsize[1]))
            print(f"timeline-{name}: {took:.2f}s")


if __name__ == "__main__":
    main()
