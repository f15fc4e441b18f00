"""Time-slider frames: the map and the timeline of one week or month, as a tick of play builds them."""

from __future__ import annotations

import statistics
import time


def bench_slider(table, ds, n: int, label: str, today) -> None:
    """Per frame: the period's incidents (view.slider.frame) drawn on the whole view's fixed frame, plus the
    timeline with the period's band; the same calls as app_pages/map_panel. Baseline in the same run:
    plotly.express of the period's rows (no frame, no fans, no base map)."""
    import plotly.express as px

    from incidents import charts
    from incidents.view import slider
    from incidents.view.filters import FilterState
    from incidents.view.views import make_view

    view = make_view(ds, FilterState(preset="all", borders=(), candidates=True), today)  # synthetic rows are candidates
    if view.shown.empty:
        raise RuntimeError("time-slider benchmark: the view is empty, so it would time nothing")
    fr = charts.map_frame(view.shown, 380, 600, legend=True)
    codes = slider.codes(view.start, view.end, "month")[-12:]  # the last year of months

    def frame(code):
        drawn, ids = slider.frame(view.shown, code)
        return (charts.map_figure(drawn, height=380, width=600, lon_range=fr.lon, lat_range=fr.lat,
                                  selected_ids=ids or None, legend=True),
                charts.timeline_figure(view.shown, view.per, "type", "month", (view.start, view.end), height=340,
                                       width=400, period=slider.span(code)))

    def base(code):
        _, ids = slider.frame(view.shown, code)
        rows = view.shown[view.shown["incident_id"].isin(ids)]
        return px.scatter_geo(rows, lat="latitude", lon="longitude", color="event_type")

    frame(codes[0])
    ours, theirs = [], []
    for code in codes:
        t = time.perf_counter()
        frame(code)
        ours.append(time.perf_counter() - t)
        t = time.perf_counter()
        base(code)
        theirs.append(time.perf_counter() - t)
    table.add("time-slider frame: map + timeline of one month", label, statistics.median(ours) * 1000, "ms",
              statistics.median(theirs) * 1000, 1000 * 0.8)  # a frame must fit in a tick (1.2 s) with room
