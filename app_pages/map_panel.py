"""The overview's linked map and timeline: the time slider (play, pause, step), the map-area filter and clicks
on provinces, wired to Streamlit. What a frame or a period holds is incidents.view.slider; figures are
incidents.charts; this module only lays them out and moves state."""

from __future__ import annotations

import time
from dataclasses import replace

import streamlit as st

from app_pages import state as S
from incidents import charts
from incidents.geo import Geography
from incidents.schema import REVIEWED
from incidents.view import filters, slider

K = S.K
# Scroll zoom off: the mouse wheel scrolls the page; the map zooms with its own buttons.
PLOTLY_CONFIG = {"displaylogo": False, "scrollZoom": False,
                 "modeBarButtonsToRemove": ["toImage", "sendDataToCloud", "lasso2d"]}
MAP_W, MAP_H = 600, 380  # the map's size as laid out between 1280 and 1400 px (fans and legend are spaced for it)
TL_W, TL_H = 400, 380
FRAME_SECONDS = 1.2  # one period per tick while playing
ALL_PERIODS = ""  # the slider's first stop: the whole range, no period picked
TICK = "_tick"  # when the slider last moved by itself

# Plotly keeps pan and zoom in the browser, and Streamlit's chart reports only selections. This bridge (a
# Streamlit v2 component: our JavaScript in the page, no iframe, no network) reports the map's visible area
# after a pan or zoom ends, and the place of a click that lands on the map away from any marker; plotly's own
# click on a marker stays a selection.
BRIDGE_JS = """
export default function(component) {
  const { data, setTriggerValue } = component;
  const round = v => Math.round(v * 10000) / 10000;
  const mapDiv = () => [...document.querySelectorAll('.js-plotly-plot')].find(p => p.querySelector('.geo .bg rect'));
  const toLonLat = (gd, x, y) => {
    const g = gd.getBoundingClientRect();
    return gd._fullLayout.geo._subplot.projection.invert([x - g.left, y - g.top]);
  };
  const area = gd => {
    const r = gd.querySelector('.geo .bg rect').getBoundingClientRect();
    const a = toLonLat(gd, r.left, r.top), b = toLonLat(gd, r.right, r.bottom);
    return [round(a[0]), round(b[1]), round(b[0]), round(a[1])];
  };
  const bind = gd => {
    if (gd.__borderwatchBridge) return;
    gd.__borderwatchBridge = true;
    gd.on('plotly_relayout', ev => {
      if (window.__borderwatchSendArea && Object.keys(ev || {}).some(k => k.startsWith('geo'))) {
        setTriggerValue('area', area(gd));
      }
    });
    let down = null;
    gd.addEventListener('mousedown', e => { down = [e.clientX, e.clientY]; }, true);
    gd.addEventListener('click', e => {
      const r = gd.querySelector('.geo .bg rect').getBoundingClientRect();
      const moved = !down || Math.hypot(e.clientX - down[0], e.clientY - down[1]) > 4;
      const inside = e.clientX > r.left && e.clientX < r.right && e.clientY > r.top && e.clientY < r.bottom;
      if (moved || !inside || (gd._hoverdata || []).length) return;  // a drag, the legend, or a marker
      const ll = toLonLat(gd, e.clientX, e.clientY);
      setTriggerValue('place', [round(ll[0]), round(ll[1])]);
    }, true);
  };
  window.__borderwatchSendArea = !!(data && data.send_area);
  const timer = setInterval(() => { const gd = mapDiv(); if (gd && gd.on) bind(gd); }, 300);
  return () => clearInterval(timer);
}
"""
_bridge = st.components.v2.component("borderwatch_map_bridge", js=BRIDGE_JS)
BRIDGE_KEY = "map_bridge"


def _on_area() -> None:
    box = getattr(st.session_state.get(BRIDGE_KEY), "area", None)
    if box and len(box) == 4:
        S.set_area(box)


def _on_place() -> None:
    """A click on the map away from the markers: the province under it joins (or leaves) the filter."""
    where = getattr(st.session_state.get(BRIDGE_KEY), "place", None)
    if not where or len(where) != 2:
        return
    name = str(Geography.load().admin1_at([float(where[1])], [float(where[0])])[0])
    if name:
        S.toggle_province(name)


def mount_bridge() -> None:
    """Mount the bridge (before the state is read: its callbacks change the area and the provinces)."""
    _bridge(data={"send_area": bool(st.session_state.get(K["in_view"]))}, key=BRIDGE_KEY, height=0,
            on_area_change=_on_area, on_place_change=_on_place)


# --- the time slider ------------------------------------------------------------------------------------

def stops(view) -> list[str]:
    """The slider's stops: the whole range, then every week or month of the view's period."""
    return [ALL_PERIODS] + slider.codes(view.start, view.end, view.state.agg)


def _step(codes: list[str], by: int) -> None:
    ss = st.session_state
    now = ss.get(K["at"]) or ALL_PERIODS
    i = codes.index(now) if now in codes else 0
    ss[K["at"]] = codes[max(1, min(len(codes) - 1, i + by))] if len(codes) > 1 else ALL_PERIODS


def _play(codes: list[str]) -> None:
    ss = st.session_state
    ss[S.PLAYING] = not ss.get(S.PLAYING)
    ss[TICK] = time.monotonic()  # the first period stays on screen a full tick
    if ss[S.PLAYING] and (ss.get(K["at"]) or ALL_PERIODS) in (ALL_PERIODS, codes[-1]):
        ss[K["at"]] = codes[1] if len(codes) > 1 else ALL_PERIODS  # start from the first period


def advance_if_playing(codes: list[str]) -> None:
    """One tick of play (at most one period per FRAME_SECONDS, whatever reran the block); stop at the last."""
    ss = st.session_state
    if not ss.get(S.PLAYING) or time.monotonic() - ss.get(TICK, 0.0) < FRAME_SECONDS * 0.8:
        return
    ss[TICK] = time.monotonic()
    now = ss.get(K["at"]) or ALL_PERIODS
    i = codes.index(now) if now in codes else 0
    if i >= len(codes) - 1:
        ss[S.PLAYING] = False
    else:
        ss[K["at"]] = codes[i + 1]


def time_controls(view) -> str:
    """Play/pause, back and next, the period slider and the 'earlier faint' toggle; returns the period."""
    ss = st.session_state
    codes = stops(view)
    if (ss.get(K["at"]) or ALL_PERIODS) not in codes:  # a filter change moved the range: back to all
        ss[K["at"]] = ALL_PERIODS
    none = len(codes) < 2
    row = st.container(horizontal=True, gap="small", vertical_alignment="bottom")
    row.button("⏸ Pause" if ss.get(S.PLAYING) else "▶ Play", key="tl_play", on_click=_play, args=(codes,),
               disabled=none, help="Step through the range one week or month at a time")
    row.button("◀ Back", key="tl_back", on_click=_step, args=(codes, -1), disabled=none,
               help="The previous week or month")
    row.select_slider("Period on the map", codes, key=K["at"], width=200,
                      format_func=lambda c: "whole range" if c == ALL_PERIODS else c,
                      help="A week or month (following weekly/monthly): the map shows its incidents strongly and "
                           "the timeline marks it; arrow keys move it. The headline figures cover the whole range.")
    row.button("Next ▶", key="tl_next", on_click=_step, args=(codes, 1), disabled=none,
               help="The next week or month")
    row.toggle("Earlier faint", key=K["trail"],
               help="Draw the earlier incidents of the range faintly (off: only the period's incidents)")
    return ss.get(K["at"]) or ALL_PERIODS


# --- the map's frame and the area filter ----------------------------------------------------------------

def map_frame(view):
    """The map's frame for the whole view (kept while stepping through periods): the area when it filters."""
    box = view.state.bbox
    lon, lat = ((box[0], box[2]), (box[1], box[3])) if box else (None, None)
    return charts.map_frame(view.shown, MAP_H, MAP_W, lon, lat, legend=True)


def map_for(view, at: str, selected: list[str]):
    """The map figure of the view, on a period when one is picked (its incidents strong, earlier ones faint)."""
    fr = map_frame(view)
    drawn, ids = slider.frame(view.shown, at, view.state.trail) if at else (view.shown, selected)
    return charts.map_figure(drawn, height=MAP_H, width=MAP_W, lon_range=fr.lon, lat_range=fr.lat,
                             selected_ids=ids or None, shade=None if view.state.shade == "none" else view.state.shade,
                             legend=True, focus_border=view.state.focus_border())


def area_caption(view, ds, today) -> str | None:
    """'Area filter on: 69.0–71.0°E, 37.0–38.5°N; 12 incidents of the other filters are outside it'."""
    box = view.state.bbox
    if not box:
        return None
    without = filters.apply(ds.incidents, replace(view.state, bbox=()), today, ds.sources)
    hidden = len(without[without["review_status"].isin(REVIEWED)]) - len(view.reviewed)
    return (f"Area filter on: {box[0]:.2f}–{box[2]:.2f}°E, {box[1]:.2f}–{box[3]:.2f}°N; it hides {hidden} of the "
            f"reviewed records the other filters keep (and every record without coordinates). Pan or zoom the map "
            "to move it.")
