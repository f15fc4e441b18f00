"""The main dashboard page: filters, headline figures, map and timeline side by side, the latest incidents
and the provinces, downloads, the table and one incident's detail.

Layout only: filtering, figures, tables and words live in incidents/ (view/, charts/, export/); widget
state and the URL in app_pages/state.py; the download buttons in app_pages/exports.py.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date

import pandas as pd
import streamlit as st

from app_pages import exports
from app_pages import map_panel as mp
from app_pages import state as S
from app_pages.common import footer, load
from incidents import charts
from incidents.charts import palette as P
from incidents.schema import EARLIEST_DATE, GEO_PRECISION_MEANING, REVIEWED, country_name
from incidents.text import markdown as md_escape
from incidents.view import aggregate, filters, headline, slider, tables
from incidents.view.views import make_view

LATEST = 8
K = S.K

ds = load()
df_all = ds.incidents
today = date.today()

# Layout only (a constant, no data): tight top so headline, map and timeline fit a 1280x720 screen.
st.html("<style>[data-testid='stMainBlockContainer']{padding-top:3.2rem;padding-bottom:2rem;padding-left:1.6rem;"
        "padding-right:1.6rem}[data-testid='stSidebarUserContent']{padding-top:0.6rem}"
        "[data-testid='stMetric']{padding:0}[data-testid='stMetricValue']{font-size:1.6rem}</style>")
if df_all.empty:
    st.warning("No incidents to show. Put `incidents.csv` and `sources.csv` in `./data` or point the "
               "`BORDERWATCH_DATA` environment variable at a data directory.")
    if ds.problems:
        st.code("\n".join(str(p) for p in ds.problems), language=None)
    footer(ds)
    st.stop()

opts = filters.options(df_all)
data_first = df_all["event_date"].min().date()

# --- 1. state: from the URL on a fresh session, else from the widgets ---------------------------
ss = st.session_state
S.start(opts, set(df_all["incident_id"]), today, data_first)

# --- 2. sidebar filters --------------------------------------------------------------------------
sb = st.sidebar
sb.button("Reset filters", on_click=S.on_reset, args=(today, data_first), width="stretch",
          help="Back to the opening view: the last 365 days on the Tajik–Afghan border")
sb.segmented_control("Period", list(filters.PRESETS), key=K["preset"], format_func=filters.PRESET_LABELS.get,
                     required=True, on_change=S.on_preset, args=(today, data_first),
                     help="Rolling windows end today; 'Custom' keeps the dates you pick. A new view opens on "
                          "the last 365 days; 'All' shows every date.")
sb.date_input("Date range", key=K["dates"], min_value=EARLIEST_DATE, max_value=today, on_change=S.on_dates,
              format="YYYY-MM-DD")
sb.multiselect("Border", opts["borders"], key=K["borders"], format_func=charts.border_label,
               placeholder="All borders",
               help="Starts on the Tajik–Afghan border (AFG–TJK). Clear it to see every border.")
sb.multiselect("Event type", opts["event_types"], key=K["event_types"], format_func=P.label,
               placeholder="All types")
sb.multiselect("Sub-event type", opts["sub_event_types"], key=K["sub_event_types"], placeholder="Any",
               help="The finer description curators give (e.g. 'drone strike on smugglers')")
sb.text_input("Search", key=K["text"], placeholder="words in summaries and sources",
              help="Searches summaries, places, actors, tags and the sources ledger (outlet, address, quote, "
                   "note). All words must match; use \"quotes\" for a phrase. Case and accents are ignored.")
sb.toggle("Include unreviewed machine-extracted candidates", key=K["candidates"],
          help="Candidates read by machine from articles and not yet reviewed are drawn hollow and listed with "
               "status 'UNREVIEWED candidate'. They are never added to any figure.")
with sb.expander("Place, actor, casualties, precision", expanded=False):
    st.multiselect("Country", opts["countries"], key=K["countries"],
                   format_func=lambda c: f"{c} · {country_name(c)}", placeholder="All countries")
    prov_opts = sorted(set(filters.provinces_for(df_all, ss.get(K["countries"]) or []))
                       | set(ss.get(K["provinces"]) or []), key=str.casefold)
    st.multiselect("Province", prov_opts, key=K["provinces"], placeholder="All provinces")
    st.multiselect("Actor", opts["actors"], key=K["actors"], placeholder="Any actor",
                   help="Matches the main actor or the other party.")
    st.number_input("Minimum killed", key=K["min_killed"], min_value=0, step=1,
                    help="Best estimate; incidents with no figure are left out when this is above 0.")
    st.multiselect("Origin", opts["origins"], key=K["origins"], placeholder="Curated and extracted")
    st.multiselect("Date precision", opts["date_precisions"], key=K["date_precisions"], placeholder="Any")
    st.multiselect("Place precision", opts["geo_precisions"], key=K["geo_precisions"], placeholder="Any",
                   help="; ".join(f"{k}: {v}" for k, v in GEO_PRECISION_MEANING.items()))

with sb:
    mp.mount_bridge()  # reports pans and zooms of the map, and clicks on provinces (its callbacks change the state)
state = S.current()
ss[S.SAVED] = state

for w in ss.pop(S.URL_WARNINGS, ()):  # shown once, on the run that opened the link
    st.warning(f"Link parameter ignored: {md_escape(w)}")

# --- 3. filter, and the headline --------------------------------------------------------------------
view = make_view(ds, state, today)  # the same function the exports, the brief and the benchmarks use
shown, selected = view.shown, [i for i in state.selected if i in set(view.shown["incident_id"])]
n_reviewed = int(df_all["review_status"].isin(REVIEWED).sum())
st.markdown("##### borderwatch · security incidents on Central Asia's borders")
st.markdown(f"Showing **{len(view.reviewed)}** of {n_reviewed} reviewed records · {view.start} – {view.end} · "
            f"data through {view.as_of}")

h = view.headline
figs = {f.label: f for f in headline.figures(h, len(view.candidates), view.as_of)}
cols = st.columns([1.25, 1.2, 0.8, 0.8, 0.95])
inc = figs["Incidents"]
if h.change:
    ch = h.change
    pct = f" ({ch.pct:+.0f}%)" if ch.pct is not None else ""
    cols[0].metric("Incidents", inc.value, delta=f"{ch.delta:+d}{pct}", delta_color="inverse",
                   delta_description="vs previous period", help=f"{inc.note}. {figs['Change on previous period'].note}.")
else:
    cols[0].metric("Incidents", inc.value, help=f"{inc.note}. Pick a bounded period to compare with the one before.")
for col, label in zip(cols[1:], ("Strategic developments", "Killed", "Injured", "Since last incident")):
    col.metric(label, figs[label].value, help=figs[label].note)
notes = [headline.coverage_line(h)]
if len(view.candidates):
    notes.append(f"{len(view.candidates)} unreviewed machine-extracted candidates drawn hollow, in no figure")
st.caption(" · ".join(n for n in notes if n))

# --- 4. map and timeline, linked: a selection on either is highlighted on both, kept in the URL -----
# One fragment: while the time slider plays it reruns alone, one period per tick, not the whole page.
epoch = ss.get(S.EPOCH, 0)
map_key, tl_key = f"map-{state.key()}-{epoch}", f"timeline-{state.key()}-{epoch}"
ss[S.CHART_KEYS] = {"map": map_key, "timeline": tl_key}
ss["_ticking"] = bool(ss.get(S.PLAYING))


def page_signature() -> tuple:
    """What the rest of the page depends on: a change of it inside the fragment reruns the whole page."""
    return (ss.get(K["lanes"]), ss.get(K["agg"]), bool(ss.get(K["in_view"])), tuple(ss.get(S.BBOX) or ()),
            tuple(ss.get(S.SELECTED) or ()), ss.get(K["at"]) or "", bool(ss.get(K["trail"], True)))


ss["_page_sig"] = page_signature()


def charts_block() -> None:
    global view
    if ss["_ticking"] != bool(ss.get(S.PLAYING)):  # play pressed or stopped inside the fragment: re-time it
        st.rerun()
    if not ss.get(S.PLAYING) and page_signature() != ss["_page_sig"]:  # a step, a toggle, a selection
        st.rerun()
    lanes, agg = ss.get(K["lanes"]) or "type", ss.get(K["agg"]) or "month"
    if (lanes, agg) != (view.state.lanes, view.state.agg):  # a lane or period switch made in this very run
        view = make_view(ds, replace(view.state, lanes=lanes, agg=agg), today)
    mp.advance_if_playing(mp.stops(view))
    left, right = st.columns([0.6, 0.4], gap="small")
    with left:
        chart_slot = st.container()
        at = mp.time_controls(view)  # drawn under the map, decided before it
        map_fig = mp.map_for(replace(view, state=replace(view.state, trail=bool(ss.get(K["trail"], True)))), at,
                             selected)
        map_event = chart_slot.plotly_chart(map_fig, key=map_key, on_select="rerun",
                                            selection_mode=("points", "box"), config=mp.PLOTLY_CONFIG, theme=None)
        frame = map_fig.layout.meta["frame"]
        ss[S.MAP_FRAME] = (frame["lon"][0], frame["lat"][0], frame["lon"][1], frame["lat"][1])
        counts = charts.MapCounts(**map_fig.layout.meta["counts"])
        caption = counts.caption() if not at else f"{slider.summary(view.shown, at)} · headline figures: whole range"
        m1, m2 = st.columns([0.64, 0.36], vertical_alignment="center")
        m1.caption(caption + " · drag to pan · click a marker or box-select to select, a province to filter")
        unmapped = shown[~charts.mappable(shown)]
        m2.toggle("Only in map view", key=K["in_view"], on_change=S.on_in_view,
                  help="Filter to the area the map shows now; pan or zoom to move it (bbox= in the link)")
        if len(unmapped) and not at:
            m2.button(f"List the {len(unmapped)} unmapped", key="list_unmapped", width="stretch",
                      on_click=S.select, args=(list(unmapped["incident_id"]),),
                      help="Select the shown incidents that are not on the map and list them in the table below")
        if view.state.bbox:
            st.caption(mp.area_caption(view, ds, today))
    with right:
        controls = st.container(horizontal=True, gap="small")
        controls.segmented_control("Timeline lanes", filters.LANES, key=K["lanes"], required=True,
                                   format_func=lambda v: f"by {v}", label_visibility="collapsed",
                                   help="Timeline lanes: one per event type or one per border")
        controls.segmented_control("Counts per", filters.AGGS, key=K["agg"], required=True,
                                   format_func=lambda v: f"{v}ly", label_visibility="collapsed",
                                   help="Incidents and killed per week or per month (the rows below the lanes)")
        tl_fig = charts.timeline_figure(shown, view.per, lanes, agg, (view.start, view.end), height=mp.TL_H - 40,
                                        width=mp.TL_W, selected_ids=selected or None, period=slider.span(at))
        tl_event = st.plotly_chart(tl_fig, key=tl_key, on_select="rerun", selection_mode=("points", "box"),
                                   config=mp.PLOTLY_CONFIG, theme=None)
        st.caption("Hollow marker on a bar: date known only to the week or month · below: incidents and killed per "
                   f"{agg}, reviewed records only" + (" · band: the period on the map" if at else ""))
    picked = list(dict.fromkeys(charts.selected_ids(map_fig, map_event) + charts.selected_ids(tl_fig, tl_event)))
    if picked and picked != ss.get("_last_picked"):  # a new selection on a chart: highlight it everywhere
        ss["_last_picked"] = picked
        S.select(picked)
        st.rerun()
    if not picked:
        ss["_last_picked"] = []
    if ss.get(S.PLAYING):
        S.sync_url()  # a tick reruns only this fragment: keep the link on the period shown
        ss["_page_sig"] = page_signature()


st.fragment(charts_block, run_every=mp.FRAME_SECONDS if ss["_ticking"] else None)()

# --- 5. the latest incidents, and the provinces ----------------------------------------------------------
latest_col, prov_col = st.columns([0.55, 0.45], gap="medium")
with latest_col:
    st.markdown("**Latest incidents**")
    latest = tables.latest(view.reviewed, LATEST)
    latest_event = st.dataframe(tables.latest_table(latest), hide_index=True, width="stretch", key="latest",
                                on_select="rerun", selection_mode="single-row",
                                height=min(38 + 35 * len(latest), 320),
                                column_config={"date": st.column_config.DateColumn("date", format="YYYY-MM-DD",
                                                                                   width=90),
                                               "place": st.column_config.TextColumn("place", width=170),
                                               "type": st.column_config.TextColumn("type", width=150),
                                               "killed": st.column_config.TextColumn("killed", width=50),
                                               "sources": st.column_config.NumberColumn("sources", width=60)})
    rows = (latest_event or {}).get("selection", {}).get("rows", []) if hasattr(latest_event, "get") else []
    if rows and rows[0] < len(latest) and ss.get("_latest_pick") != latest["incident_id"].iloc[rows[0]]:
        ss["_latest_pick"] = latest["incident_id"].iloc[rows[0]]
        ss[K["incident"]] = ss["_latest_pick"]
        S.select([ss["_latest_pick"]])
with prov_col:
    st.markdown("**Provinces**")
    st.segmented_control("Shade the map by", list(filters.SHADES), key=K["shade"], required=True,
                         format_func={"none": "no shading", "incidents": "shade by incidents",
                                      "killed": "shade by killed"}.get,
                         label_visibility="collapsed", help="Shade the map's provinces by incidents or people killed")
    provinces = charts.province_table(aggregate.violent(view.reviewed))
    by = "killed" if state.shade == "killed" else "incidents"
    ranked = tables.province_rows(provinces, by, state.provinces)
    prov_event = st.dataframe(ranked, hide_index=True, width="stretch", key=f"provinces-{state.key()}",
                              on_select="rerun", selection_mode="single-row", height=min(38 + 35 * len(ranked), 320),
                              column_config={
                                  "filter": st.column_config.TextColumn("filter", width=40,
                                                                        help="✓: in the province filter"),
                                  "killed": st.column_config.TextColumn("killed", help="Sum of the known figures"),
                                  "known": st.column_config.TextColumn(
                                      "known", help="Incidents with a killed figure, of all in the province")})
    st.caption(f"Ranked by {by} (reviewed incidents; killed counts known figures only). Click a province to add it "
               "to the filter, or to take it out.")
    rows = (prov_event or {}).get("selection", {}).get("rows", []) if hasattr(prov_event, "get") else []
    if rows and rows[0] < len(ranked) and ranked["province"].iloc[rows[0]] != tables.NOT_GIVEN:
        S.toggle_province(ranked["province"].iloc[rows[0]])
        st.rerun()

# --- 6. downloads of exactly this view (made only when a button is clicked) ------------------------
row = exports.row()
exports.charts(row, view, "map", "Map")
exports.charts(row, view, "timeline", "· timeline")
exports.charts(row, view, "aggregate", f"· per {view.state.agg}")
exports.data_and_brief(view)

# --- 7. table --------------------------------------------------------------------------------------
selected = list(ss.get(S.SELECTED) or [])
table, matched = tables.table_rows(shown, selected)
if selected:
    t1, t2 = st.columns([4, 1])
    t1.info(f"Table limited to the {matched} selected incidents (highlighted on the map and the timeline).")
    t2.button("Clear selection", on_click=S.clear_selection, width="stretch")
if matched > len(table):  # the browser table stays fast; downloads above carry every row
    st.caption(f"Table: the {len(table):,} most recent of {matched:,} records. Narrow the filters, or "
               "download the CSV / Excel above for all of them.")
table_key = "table-" + hashlib.sha1("|".join(table["incident_id"]).encode()).hexdigest()[:10]
ss[S.CHART_KEYS]["table"] = table_key
table_event = st.dataframe(
    tables.incident_table(table), hide_index=True, width="stretch", height=min(38 + 35 * len(table), 320),
    key=table_key, placeholder="", on_select="rerun", selection_mode="single-row",
    column_config={
        "date": st.column_config.DateColumn("date", format="YYYY-MM-DD", width=90),
        "type": st.column_config.TextColumn("type", width=150),
        "place": st.column_config.TextColumn("place", width=240),
        "origin": st.column_config.TextColumn("origin", width=75),
        "killed": st.column_config.TextColumn("killed", help="Best estimate; blank when no source gives a figure"),
        "injured": st.column_config.TextColumn("injured", help="Best estimate; blank when no source gives a figure"),
        "status": st.column_config.TextColumn("status", help="UNREVIEWED candidates are machine-extracted, never counted"),
        "summary": st.column_config.TextColumn("summary", width="large"),
    })
rows = (table_event or {}).get("selection", {}).get("rows", []) if hasattr(table_event, "get") else []
picked_row = table["incident_id"].iloc[rows[0]] if rows and rows[0] < len(table) else None
if picked_row and ss.get("_last_table_pick") != (table_key, picked_row):
    ss[K["incident"]] = picked_row
ss["_last_table_pick"] = (table_key, picked_row)

# --- 8. detail ---------------------------------------------------------------------------------------
choices, labels = tables.detail_choices(table, df_all, ss.get(K["incident"]) or "")
st.selectbox("Incident detail", list(labels), key=K["incident"], format_func=labels.get)
chosen = ss.get(K["incident"]) or ""
match = choices[choices["incident_id"] == chosen] if chosen else choices.iloc[0:0]
if len(match):
    r = match.iloc[0]
    if chosen not in set(shown["incident_id"]):
        st.caption("This incident is outside the current filters.")
    st.markdown(f"#### {md_escape(charts.date_text(r))} · {md_escape(P.label(r['event_type']))}")
    if r["review_status"] == "unreviewed":
        st.warning("UNREVIEWED machine-extracted candidate: not checked by a person, counted in no figure. "
                   "Review it on the 'Review extracted' page.")
    st.text(r["summary"])
    if bool(r["disputed"]):
        st.warning(f"Sources disagree on: {md_escape(tables.disputed_text(r))}")
    km = r["distance_to_border_km"]
    if pd.notna(km):
        side = r["point_country"]
        st.markdown(
            f"**{km:,.1f} km** from the nearest border line ({md_escape(charts.border_label(r['nearest_border']))}); "
            f"the point lies in **{md_escape(country_name(side)) if side else 'no mapped country'}**"
            + (f" ({md_escape(side)} side)." if side else "."))
    else:
        st.markdown("No coordinates: distance to the border and side are unknown.")
    src = ds.sources[ds.sources["incident_id"] == chosen].reset_index(drop=True)
    pend = ds.pending[ds.pending["incident_id"] == chosen].reset_index(drop=True)
    st.markdown(f"**Claims side by side** — {len(src)} sources in the ledger"
                + (f", {len(pend)} pending review (machine-extracted)" if len(pend) else "")
                + "; cells that differ from the record are highlighted")
    claims = tables.claims_table(r, src, pend)
    st.dataframe(tables.styled_differences(claims, r), hide_index=True, width="stretch", column_config={
        "source": st.column_config.TextColumn("source", width=140, pinned=True),
        "date": st.column_config.TextColumn("date", width=100),
        "place": st.column_config.TextColumn("place", width=220),
        "killed": st.column_config.TextColumn("killed", width=55),
        "injured": st.column_config.TextColumn("injured", width=60),
        "quote": st.column_config.TextColumn("quote", width=300),
        "link": st.column_config.LinkColumn("link", display_text="open", width=50,
                                            help="Only http(s) addresses are links"),
    })
    with st.expander("Every field of the record"):
        st.dataframe(tables.fields_table(r), hide_index=True, width="stretch", height=420)

if ds.errors:
    with st.expander(f"{len(ds.errors)} data problems — rows with errors are not shown"):
        st.code("\n".join(str(p) for p in ds.problems), language=None)

S.sync_url()
footer(ds)
