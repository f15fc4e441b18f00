"""The one-click brief: one self-contained HTML document (and a PDF printed from it by headless Chromium)
with the period and filters, headline figures, the timeline and the map as inline SVG, the incidents
with numbered source references, the sources with their URLs, the data-as-of date, credits and a link
that reopens the same view in the dashboard.

Self-contained: no scripts, no external stylesheets, fonts or images, and a Content-Security-Policy
that forbids fetching anything; the only URLs are plain <a> links (the dashboard link and the
sources). A4 or Letter through CSS @page; black text and ruled tables so it reads in grayscale (the
charts double-encode event types by marker symbol).
"""

from __future__ import annotations

import re
from datetime import date

import jinja2
import pandas as pd

from .. import charts, config
from ..errors import ExportUnavailable
from ..geo import ATTRIBUTION
from ..text import safe_url
from ..view import headline, tables
from ..view.views import View
from . import figures, render, words

PAPERS = {"a4": "A4", "letter": "Letter"}
CHART_WIDTH = 820  # CSS px the charts are drawn at; the page scales them to its text width
MAP_HEIGHT = 560  # the map's height at that width: room for the legend column, legible on A4 and Letter
MAX_ROWS = 500  # incidents listed in the table (the data export has them all)
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _int(v) -> int | None:
    return None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else int(v)


# --- pieces -----------------------------------------------------------------------------------

def numbered_sources(view: View, incidents: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, list[int]]]:
    """The ledger rows of `incidents`, numbered 1.. in order of first citation in the table
    (incidents in table order, each incident's reports by publication date); and per incident its numbers."""
    src = view.ds.sources
    src = src[src["incident_id"].isin(set(incidents["incident_id"]))]
    order = {iid: k for k, iid in enumerate(incidents["incident_id"])}
    src = src.assign(_o=src["incident_id"].map(order)).sort_values(["_o", "published", "source_name"],
                                                                  kind="stable", na_position="last")
    src = src.drop(columns="_o").reset_index(drop=True)
    src.insert(0, "n", range(1, len(src) + 1))
    refs: dict[str, list[int]] = {}
    for n, iid in zip(src["n"], src["incident_id"]):
        refs.setdefault(iid, []).append(int(n))
    return src, refs


def headline_rows(view: View) -> list[tuple[str, str, str]]:
    """(label, value, note) for the headline figures: the dashboard's own words (view.headline)."""
    return [(f.label, f.value, f.note) for f in headline.figures(view.headline, len(view.candidates), view.as_of)]


def chart_svg(chart: str, view: View) -> str:
    """The chart as an inline <svg> sized by the page (no title or footnote: the brief carries them)."""
    fig = figures.framed(chart, view, "", "", "", CHART_WIDTH, MAP_HEIGHT if chart == "map" else 440)
    svg = render.render(fig, "svg", width=fig.layout.width, height=fig.layout.height).decode("utf-8")
    svg = re.sub(r"^<\?xml[^>]*>\s*", "", svg)
    uid = re.search(r'id="defs-([0-9a-zA-Z]+)"', svg)
    if uid:  # plotly's per-render ids: make them unique to this chart within the document
        svg = re.sub(rf"(?<=[-\w]){re.escape(uid.group(1))}\b|\b{re.escape(uid.group(1))}\b",
                     f"{chart}{uid.group(1)}", svg)
    svg = re.sub(r'<svg ([^>]*?)width="[\d.]+" height="[\d.]+"',
                 lambda m: f'<svg {m.group(1)}role="img" aria-label="{chart}" width="100%"', svg, count=1)
    return svg


_ENV = jinja2.Environment(loader=jinja2.PackageLoader("incidents.export", "templates"),
                          autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def _incident_rows(listed: pd.DataFrame, refs: dict[str, list[int]], ledger: pd.DataFrame) -> list[dict]:
    rows = []
    by_incident = dict(tuple(ledger.groupby("incident_id"))) if len(ledger) else {}
    for _, r in listed.iterrows():
        inj = _int(r["injured"])
        disagree = tables.disagreements(r, by_incident.get(r["incident_id"], ledger.iloc[0:0])) \
            if bool(r.get("disputed", False)) else ""
        rows.append({
            "date": charts.date_text(r), "type": str(r["event_type"]).replace("_", " "), "place": charts.place_text(r),
            "killed": charts.killed_text(r), "injured": "" if inj is None else inj,
            "refs": " ".join(f"[{n}]" for n in refs.get(r["incident_id"], [])) or "—",
            "summary": r["summary"], "id": r["incident_id"], "origin": r["origin"],
            "quoted": r["origin"] == "extracted",  # accepted from machine extraction: the summary is the article's
            "disagree": disagree,
        })
    return rows


def _source_rows(sources: pd.DataFrame) -> list[dict]:
    return [{"n": int(s["n"]), "name": s["source_name"], "url": s["url"], "link": safe_url(s["url"]),
             "published": f", {s['published']:%Y-%m-%d}" if pd.notna(s["published"]) else "",
             "incident_id": s["incident_id"]} for _, s in sources.iterrows()]


def build_html(view: View, paper: str = "a4", base_url: str | None = None, with_charts: bool = True,
               max_rows: int = MAX_ROWS, made: date | None = None) -> str:
    """The brief as one self-contained HTML document (templates/brief.html, autoescaped).

    With `with_charts=False`, or when Chromium is missing (charts are drawn by kaleido), the charts
    are replaced by a note and everything else is kept.
    """
    if paper not in PAPERS:
        raise ValueError(f"paper must be one of {', '.join(PAPERS)}, not {paper!r}")
    made = made or date.today()
    state = view.state
    link = words.dashboard_link(state, base_url)
    local_link = not (base_url or config.dashboard_url())
    shown = view.reviewed.sort_values(["event_date", "incident_id"], kind="stable")
    listed = shown.head(max_rows)
    sources, refs = numbered_sources(view, listed)

    svgs: dict[str, str] = {}
    unavailable = ""
    if with_charts and len(shown):
        try:
            svgs = {c: chart_svg(c, view) for c in ("timeline", "map")}
        except ExportUnavailable as exc:
            unavailable = str(exc)
    elif with_charts:
        unavailable = "No incidents match the filters, so there is nothing to chart."
    else:
        unavailable = "Charts left out of this version of the brief."
    captions = {
        "timeline": ("Timeline", "One lane per event type (or border); a bar with a hollow marker is an incident "
                                 f"dated only to the week or month. Below: incidents per {state.agg} by type "
                                 "and killed (◆ best estimate, whisker: sources' low–high)."),
        "map": ("Map", f"{figures.map_counts(view, CHART_WIDTH - 2 * figures.PAD, MAP_HEIGHT)}. {words.MAP_KEY} "
                       f"Thick black line: the {words.border_name(state.focus_border())} border. Credits: see Data and credits."),
    }
    return _ENV.get_template("brief.html").render(
        csp=CSP, paper=PAPERS[paper], as_of=view.as_of, title=f"Security incidents on {words.subject(state)}",
        period=words.period_text(view), filters="; ".join(words.filter_parts(state)), made=made.isoformat(),
        n_shown=len(shown), link=link, link_is_url=bool(safe_url(link)), local_link=local_link,
        n_candidates=len(view.candidates), headline=headline_rows(view),
        charts=[{"heading": head, "caption": caption, "svg": svgs.get(chart)}
                for chart, (head, caption) in captions.items()],
        unavailable=unavailable, rows=_incident_rows(listed, refs, view.ds.sources), sources=_source_rows(sources),
        attribution=ATTRIBUTION)


def build_pdf(view: View, paper: str = "a4", base_url: str | None = None,
              timeout: float = render.PDF_TIMEOUT) -> bytes:
    if render.chromium_path() is None:
        render.html_to_pdf("", timeout)  # raises ExportUnavailable with the plain message
    return render.html_to_pdf(build_html(view, paper, base_url), timeout)


def file_name(view: View, fmt: str) -> str:
    return figures.file_name("brief", view, fmt)
