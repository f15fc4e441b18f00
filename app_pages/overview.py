"""The main dashboard page: sidebar filters, headline figures, map, timeline, table and incident detail.

Layout only: filtering, aggregation, tables and figures live in incidents/ (view/, charts/, export/);
widget state and the URL in app_pages/state.py. Filter state is mirrored into the URL (shareable links).
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date
from functools import partial

import pandas as pd
import streamlit as st

from app_pages import state as S
from app_pages.common import footer, load
from incidents import charts
from incidents.charts import palette as P
from incidents.charts.legend import legend_svg
from incidents.export import brief, render
from incidents.export import data as data_export
from incidents.export import figures as fe
from incidents.export.words import default_base_url
from incidents.schema import EARLIEST_DATE, GEO_PRECISION_MEANING, REVIEWED, country_name
from incidents.text import markdown as md_escape
from incidents.view import filters, headline, tables
from incidents.view.views import make_view

PLOTLY_CONFIG = {"displaylogo": False, "scrollZoom": True,
                 "modeBarButtonsToRemove": ["toImage", "sendDataToCloud"]}
K = S.K

ds = load()
df_all = ds.incidents
today = date.today()

# Layout only (a constant, no data): tighter top padding so map and timeline fit a 1280x800 screen.
st.html("<style>[data-testid='stMainBlockContainer']{padding-top:3.6rem;padding-bottom:2rem;padding-left:2rem;padding-right:2rem}"
        "[data-testid='stSidebarUserContent']{padding-top:1rem}</style>")
st.markdown("### borderwatch · security incidents on Central Asia's borders")
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
sb.segmented_control("Period", list(filters.PRESETS), key=K["preset"], format_func=filters.PRESET_LABELS.get,
                     required=True, on_change=S.on_preset, args=(today, data_first),
                     help="Rolling windows end today; 'Custom' keeps the dates you pick.")
sb.date_input("Date range", key=K["dates"], min_value=EARLIEST_DATE, max_value=today, on_change=S.on_dates,
              format="YYYY-MM-DD")
sb.multiselect("Border", opts["borders"], key=K["borders"], format_func=charts.border_label,
               placeholder="All borders",
               help="Starts on the Tajik–Afghan border (AFG–TJK). Clear it to see every border.")
sb.image(legend_svg(columns=2, width=290))
sb.multiselect("Event type", opts["event_types"], key=K["event_types"], format_func=P.label,
               placeholder="All types")
sb.text_input("Search", key=K["text"], placeholder="words in summaries and sources",
              help="Searches summaries, places, actors, tags and the sources ledger (outlet, address, quote, "
                   "note). All words must match; use \"quotes\" for a phrase. Case and accents are ignored.")
sb.toggle("Include unreviewed machine-extracted candidates", key=K["candidates"],
          help="Candidates read by machine from articles and not yet reviewed are drawn hollow and listed with "
               "status 'unreviewed'. They are never added to any figure.")
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
sb.button("Reset filters", on_click=S.on_reset, args=(today, data_first), width="stretch")

state = S.current()
ss[S.SAVED] = state


for w in ss.pop(S.URL_WARNINGS, ()):  # shown once, on the run that opened the link
    st.warning(f"Link parameter ignored: {md_escape(w)}")

# --- 3. filter ---------------------------------------------------------------------------------
view = make_view(ds, state, today)  # the same function the exports, the brief and the benchmarks use
shown, undated = view.shown, view.undated

n_reviewed = int(df_all["review_status"].isin(REVIEWED).sum())
st.markdown(f"Showing **{len(view.reviewed)}** of {n_reviewed} reviewed records · data through {view.as_of}")

# --- 4. headline figures (reviewed records only; unknown shown as unknown) ------------------------
h = view.headline
figs = {f.label: f for f in headline.figures(h, len(view.candidates), view.as_of)}
cols = st.columns(5)
inc = figs["Incidents"]
if h.change:
    ch = h.change
    pct = f" ({ch.pct:+.0f}%)" if ch.pct is not None else ""
    cols[0].metric("Incidents", inc.value, delta=f"{ch.delta:+d}{pct} vs previous period", delta_color="inverse",
                   help=f"{inc.note}. {figs['Change on previous period'].note}.")
else:
    cols[0].metric("Incidents", inc.value, help=f"{inc.note}. Pick a bounded date range to compare with the "
                                                "previous period.")
for col, label in zip(cols[1:], ("Strategic developments", "Killed", "Injured", "Since last incident")):
    f = figs[label]
    col.metric(label, f.value, help=f.note)
notes = [f"Killed: {figs['Killed'].note}", f"Injured: {figs['Injured'].note}",
         f"Data through {view.as_of}"]
if view.candidates is not None and len(view.candidates):
    notes.append(f"{len(view.candidates)} unreviewed machine-extracted candidates drawn hollow, in no figure")
st.caption(" · ".join(notes))

# --- 5. map and timeline (linked selection) ---------------------------------------------------
epoch = ss.get(S.EPOCH, 0)
map_key, tl_key = f"map-{state.key()}-{epoch}", f"timeline-{state.key()}-{epoch}"
start, end = view.start, view.end

left, right = st.columns([1, 1], gap="small")
with left:
    map_fig = charts.map_figure(shown, height=420)
    map_event = st.plotly_chart(map_fig, key=map_key, on_select="rerun", selection_mode=("points", "box", "lasso"),
                                config=PLOTLY_CONFIG, theme=None)
    map_exports = st.container()  # filled below, once the view is complete
    on_map = int(charts.mappable(shown).sum())
    if charts.is_aggregated(shown):
        st.caption(f"{on_map:,} of {len(shown):,} shown incidents mapped, counted per {charts.GRID_DEG:g}° cell "
                   f"(hover for exact counts) · narrow the filters to {charts.DETAIL_LIMIT:,} or fewer to see "
                   "and select individual incidents · thick line: AFG–TJK border")
    else:
        st.caption(f"{on_map} of {len(shown)} shown incidents mapped · thick line: AFG–TJK border · size: killed · "
                   "hollow marker in a halo: only district, province or border stretch known · scroll to zoom, "
                   "drag to pan, click or box-select to filter the table")
with right:
    controls = st.container(horizontal=True, gap="small")
    controls.segmented_control("Timeline lanes", filters.LANES, key=K["lanes"], required=True,
                         format_func=lambda v: f"by {v}", label_visibility="collapsed",
                               help="Timeline lanes: one per event type or one per border")
    controls.segmented_control("Counts per", filters.AGGS, key=K["agg"], required=True,
                         format_func=lambda v: f"{v}ly", label_visibility="collapsed",
                               help="Counts and killed per week or per month (the bars below the timeline)")
    lanes = ss.get(K["lanes"]) or "type"
    agg = ss.get(K["agg"]) or "month"
    if (lanes, agg) != (state.lanes, state.agg):  # a lane or period switch made in this very run
        view = make_view(ds, replace(state, lanes=lanes, agg=agg), today)
    per = view.per
    tl_fig = charts.timeline_figure(shown, per, lanes, agg, (start, end), height=372)
    tl_event = st.plotly_chart(tl_fig, key=tl_key, on_select="rerun", selection_mode=("points", "box"),
                               config=PLOTLY_CONFIG, theme=None)
    timeline_exports = st.container()
    coarse = int(per["coarse"].sum()) if per is not None else 0
    st.caption(("Top: incidents per lane and " + agg + " (darker = fewer) · " if charts.is_aggregated(shown) else
                "Bar with hollow marker: date known only to the week or month · ") + "below: incidents per "
               f"{agg} by type, ◆ killed (whisker: sources' low–high)."
               + (f" {coarse} incidents dated more coarsely than a {agg} are counted in their first {agg}."
                  if coarse else ""))
ss[S.CHART_KEYS] = {"map": map_key, "timeline": tl_key}

# --- 5b. exports of exactly this view (rendered only when a button is clicked) --------------------
xview = view
can_render = render.available()
NO_CHROMIUM = ("Chart and PDF exports need Chromium, which is not installed on this server "
               "(`apt-get install chromium`). Data downloads and the HTML brief still work.")


def chart_downloads(row, chart: str, label: str) -> None:
    """PNG (2x, for slides), SVG and PDF of a chart with its title, filters, sources and credits."""
    row.caption(label, width="content")
    for fmt, text in (("png", "PNG"), ("svg", "SVG"), ("pdf", "PDF")):
        row.download_button(text, data=partial(fe.export_chart, chart, xview, fmt),
                            file_name=fe.file_name(chart, xview, fmt), mime=render.FORMATS[fmt],
                            on_click="ignore", key=f"dl-{chart}-{fmt}", type="tertiary", disabled=not can_render,
                            help=f"{fe.CHART_LABELS[chart]} as {text}" + (" at 2x scale" if fmt == "png" else "")
                                 + ", with title, filters, data-as-of, sources and map credits"
                                 + ("" if can_render else ". Unavailable: Chromium is not installed on this server."))


def export_row(where):
    return where.container(horizontal=True, gap="small", vertical_alignment="center")


row = export_row(map_exports)
chart_downloads(row, "map", "Export map")
row = export_row(timeline_exports)
chart_downloads(row, "timeline", "Export timeline")
chart_downloads(row, "aggregate", f"· per {agg}")
if not can_render:
    map_exports.caption(NO_CHROMIUM)


selected = list(dict.fromkeys(charts.selected_ids(map_fig, map_event) + charts.selected_ids(tl_fig, tl_event)))

# --- 6. table -------------------------------------------------------------------------------------
table, matched = tables.table_rows(shown, selected)
if selected:
    t1, t2 = st.columns([4, 1])
    t1.info(f"Table limited to the {matched} incidents selected on the map or timeline.")
    t2.button("Clear selection", on_click=S.clear_selection, width="stretch")
if matched > len(table):  # the browser table stays fast; downloads below carry every row
    st.caption(f"Table: the {len(table):,} most recent of {matched:,} incidents. Narrow the filters, or "
               "download the CSV / Excel below for all of them.")
view = tables.incident_table(table)
table_key = "table-" + hashlib.sha1("|".join(table["incident_id"]).encode()).hexdigest()[:10]
ss[S.CHART_KEYS]["table"] = table_key
table_event = st.dataframe(
    view, hide_index=True, width="stretch", height=min(38 + 35 * len(view), 320), key=table_key, placeholder="",
    on_select="rerun", selection_mode="single-row",
    column_config={
        "date": st.column_config.DateColumn("date", format="YYYY-MM-DD"),
        "killed": st.column_config.TextColumn("killed", help="Best estimate; blank when no source gives a figure"),
        "injured": st.column_config.TextColumn("injured", help="Best estimate; blank when no source gives a figure"),
        "status": st.column_config.TextColumn("status", help="UNREVIEWED candidates are machine-extracted, never counted"),
        "summary": st.column_config.TextColumn("summary", width="large"),
    })


dl = st.container(horizontal=True, gap="small", vertical_alignment="center")
dl.caption(f"Download the {len(shown)} shown incidents:", width="content")
dl.download_button("CSV", data=partial(data_export.to_csv_bytes, shown), file_name=fe.file_name("incidents", xview, "csv"),
                   mime="text/csv", on_click="ignore", key="dl-data-csv", icon=":material/download:",
                   help="UTF-8 CSV; cells a spreadsheet would run as formulas are neutralised")
dl.download_button("GeoJSON", data=partial(data_export.geojson_bytes, shown),
                   file_name=fe.file_name("incidents", xview, "geojson"), mime="application/geo+json",
                   on_click="ignore", key="dl-data-geojson", icon=":material/download:",
                   help="One point per located incident, every field as a property")
dl.download_button("Excel", data=partial(data_export.to_xlsx_bytes, shown, ds.sources),
                   file_name=fe.file_name("incidents", xview, "xlsx"),
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   on_click="ignore", key="dl-data-xlsx", icon=":material/download:",
                   help="Sheets: incidents, their sources ledger, a guide to the columns")
br = st.container(horizontal=True, gap="small", vertical_alignment="center")
br.caption("Brief of this view (period, filters, headline figures, charts, incidents, sources):", width="content")
paper = br.segmented_control("Paper", ["a4", "letter"], default="a4", key="x_paper", required=True,
                             format_func={"a4": "A4", "letter": "Letter"}.get,
                             label_visibility="collapsed", help="Paper size of the brief") or "a4"
base_url = default_base_url()
if can_render:
    br.download_button("Download brief", data=partial(brief.build_pdf, xview, paper, base_url),
                       file_name=fe.file_name("brief", xview, "pdf"), mime="application/pdf", on_click="ignore",
                       key="dl-brief-pdf", type="primary", icon=":material/picture_as_pdf:",
                       help="PDF: period and filters, headline figures, timeline, map, incidents with numbered "
                            "sources, the sources' URLs, credits and a link back to this view")
br.download_button("HTML version" if can_render else "Download brief (HTML)",
                   data=partial(lambda v, p, u, c: brief.build_html(v, p, u, with_charts=c).encode("utf-8"),
                                xview, paper, base_url, can_render),
                   file_name=fe.file_name("brief", xview, "html"), mime="text/html", on_click="ignore",
                   key="dl-brief-html", icon=":material/download:",
                   help="The same brief as one self-contained HTML file (no external requests)"
                        + ("" if can_render else "; without charts, which need Chromium"))
if not can_render:
    st.caption(NO_CHROMIUM)

rows = (table_event or {}).get("selection", {}).get("rows", []) if hasattr(table_event, "get") else []
picked = table["incident_id"].iloc[rows[0]] if rows and rows[0] < len(table) else None
if picked and ss.get("_last_table_pick") != (table_key, picked):
    ss[K["incident"]] = picked
ss["_last_table_pick"] = (table_key, picked)

# --- 7. detail --------------------------------------------------------------------------------------
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
        "link": st.column_config.LinkColumn("link", display_text="open", help="Only http(s) addresses are links"),
        "quote": st.column_config.TextColumn("quote", width="large"),
    })
    with st.expander("Every field of the record"):
        st.dataframe(tables.fields_table(r), hide_index=True, width="stretch", height=420)

if ds.errors:
    with st.expander(f"{len(ds.errors)} data problems — rows with errors are not shown"):
        st.code("\n".join(str(p) for p in ds.problems), language=None)

S.sync_url()
footer(ds)
