"""The overview page's download buttons: charts (PNG, SVG, PDF), data (CSV, GeoJSON, Excel) and the brief,
each made only when clicked, from exactly the view on screen."""

from __future__ import annotations

from functools import partial

import streamlit as st

from incidents.export import brief, render
from incidents.export import data as data_export
from incidents.export import figures as fe
from incidents.export.words import default_base_url

NO_CHROMIUM = ("Chart and PDF exports need Chromium, which is not installed on this server "
               "(`apt-get install chromium`). Data downloads and the HTML brief still work.")


def row(where=st):
    return where.container(horizontal=True, gap="small", vertical_alignment="center")


def charts(where, view, chart: str, label: str) -> None:
    """PNG (2x, for slides), SVG and PDF of a chart with its title, filters, sources and credits."""
    can = render.available()
    where.caption(label, width="content")
    for fmt, text in (("png", "PNG"), ("svg", "SVG"), ("pdf", "PDF")):
        where.download_button(text, data=partial(fe.export_chart, chart, view, fmt),
                              file_name=fe.file_name(chart, view, fmt), mime=render.FORMATS[fmt],
                              on_click="ignore", key=f"dl-{chart}-{fmt}", type="tertiary", disabled=not can,
                              help=f"{fe.CHART_LABELS[chart]} as {text}" + (" at 2x scale" if fmt == "png" else "")
                                   + ", with title, filters, data-through date, sources and map credits"
                                   + ("" if can else ". Unavailable: Chromium is not installed on this server."))


def data_and_brief(view) -> None:
    """The data downloads and the brief of the shown records (reviewed only unless candidates are on)."""
    shown = view.shown
    dl = row()
    dl.caption(f"Download the {len(shown)} shown records:", width="content")
    dl.download_button("CSV", data=partial(data_export.to_csv_bytes, shown),
                       file_name=fe.file_name("incidents", view, "csv"), mime="text/csv", on_click="ignore",
                       key="dl-data-csv", icon=":material/download:",
                       help="UTF-8 CSV; cells a spreadsheet would run as formulas are neutralised")
    dl.download_button("GeoJSON", data=partial(data_export.geojson_bytes, shown),
                       file_name=fe.file_name("incidents", view, "geojson"), mime="application/geo+json",
                       on_click="ignore", key="dl-data-geojson", icon=":material/download:",
                       help="One point per located record, every field as a property")
    dl.download_button("Excel", data=partial(data_export.to_xlsx_bytes, shown, view.ds.sources),
                       file_name=fe.file_name("incidents", view, "xlsx"),
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       on_click="ignore", key="dl-data-xlsx", icon=":material/download:",
                       help="Sheets: records, their sources ledger, a guide to the columns")
    can = render.available()
    br = row()
    br.caption("Brief of this view (period, filters, headline figures, charts, incidents, sources):", width="content")
    paper = br.segmented_control("Paper", ["a4", "letter"], default="a4", key="x_paper", required=True,
                                 format_func={"a4": "A4", "letter": "Letter"}.get,
                                 label_visibility="collapsed", help="Paper size of the brief") or "a4"
    base_url = default_base_url()
    if can:
        br.download_button("Download brief", data=partial(brief.build_pdf, view, paper, base_url),
                           file_name=fe.file_name("brief", view, "pdf"), mime="application/pdf", on_click="ignore",
                           key="dl-brief-pdf", type="primary", icon=":material/picture_as_pdf:",
                           help="PDF: period and filters, headline figures, timeline, map, incidents with numbered "
                                "sources, the sources' URLs, credits and a link back to this view")
    br.download_button("HTML version" if can else "Download brief (HTML)",
                       data=partial(lambda v, p, u, c: brief.build_html(v, p, u, with_charts=c).encode("utf-8"),
                                    view, paper, base_url, can),
                       file_name=fe.file_name("brief", view, "html"), mime="text/html", on_click="ignore",
                       key="dl-brief-html", icon=":material/download:",
                       help="The same brief as one self-contained HTML file (no external requests)"
                            + ("" if can else "; without charts, which need Chromium"))
    if not can:
        st.caption(NO_CHROMIUM)
