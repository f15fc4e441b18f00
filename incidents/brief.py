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

import html
import os
import re
import shutil
import subprocess
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd

from . import charts, render
from . import figure_export as fe
from .errors import IncidentsError
from .method import ATTRIBUTION, safe_url
from .view import View

PAPERS = {"a4": "A4", "letter": "Letter"}
CHART_WIDTH = 820  # CSS px the charts are drawn at; the page scales them to its text width
MAX_ROWS = 500  # incidents listed in the table (the data export has them all)
PDF_TIMEOUT = 90.0
CHROMIUM_PDF_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                      "--disable-background-networking", "--disable-component-update", "--disable-sync",
                      "--disable-extensions", "--disable-dev-shm-usage", "--hide-scrollbars",
                      "--no-pdf-header-footer")
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def e(text) -> str:
    """Data text as HTML text (never markup)."""
    if text is None or text is pd.NA or (isinstance(text, float) and text != text):
        return ""
    return html.escape(str(text), quote=True)


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
    """(label, value, note) for the headline figures."""
    h = view.headline
    rows = [
        ("Incidents", f"{h.incidents}", f"last incident {h.last_incident}" if h.last_incident else "none"),
        ("Killed (best estimate)", f"{h.killed}",
         f"sources' range {h.killed_low}–{h.killed_high}"
         + (f"; {h.killed_unknown} incidents without a figure" if h.killed_unknown else "")),
        ("Killed, low–best–high", f"{h.killed_low}–{h.killed}–{h.killed_high}",
         "lowest and highest figure any source gives, summed"),
        ("Injured", f"{h.injured}",
         f"{h.injured_unknown} incidents without a figure" if h.injured_unknown else "every incident has a figure"),
    ]
    c = h.change
    if c is None:
        rows.append(("Change on previous period", "—",
                     "no comparison: the period is not bounded (all dates); choose a date range"))
    else:
        pct = f" ({c.pct:+.0f}%)" if c.pct is not None else ""
        rows.append(("Change on previous period", f"{c.delta:+d}{pct}",
                     f"{c.current} incidents against {c.previous} in {fe.fmt_date(c.prev_start)} – "
                     f"{fe.fmt_date(c.prev_end)}; killed {c.killed_current} against {c.killed_previous}"))
    return rows


def chart_svg(chart: str, view: View) -> str:
    """The chart as an inline <svg> sized by the page (no title or footnote: the brief carries them)."""
    fig = fe.decorate(fe.base_figure(chart, view), chart, "", "", "", CHART_WIDTH,
                      None if chart == "map" else 440)
    svg = render.render(fig, "svg", width=fig.layout.width, height=fig.layout.height).decode("utf-8")
    svg = re.sub(r"^<\?xml[^>]*>\s*", "", svg)
    uid = re.search(r'id="defs-([0-9a-zA-Z]+)"', svg)
    if uid:  # plotly's per-render ids: make them unique to this chart within the document
        svg = re.sub(rf"(?<=[-\w]){re.escape(uid.group(1))}\b|\b{re.escape(uid.group(1))}\b",
                     f"{chart}{uid.group(1)}", svg)
    svg = re.sub(r'<svg ([^>]*?)width="[\d.]+" height="[\d.]+"',
                 lambda m: f'<svg {m.group(1)}role="img" aria-label="{chart}" width="100%"', svg, count=1)
    return svg


CSS = """
@page { size: %(paper)s; margin: 14mm 14mm 16mm 14mm;
  @bottom-left { content: "borderwatch brief · data as of %(as_of)s"; font: 8pt 'Liberation Sans', Arial, sans-serif; color: #444; }
  @bottom-right { content: "page " counter(page) " of " counter(pages); font: 8pt 'Liberation Sans', Arial, sans-serif; color: #444; } }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font: 10pt/1.4 'Liberation Sans', 'DejaVu Sans', Arial, sans-serif; color: #111; margin: 0 auto; max-width: 190mm; }
h1 { font-size: 17pt; margin: 0 0 2mm; line-height: 1.2; }
h2 { font-size: 12.5pt; margin: 6mm 0 2mm; border-bottom: 1.2pt solid #111; padding-bottom: 1mm; break-after: avoid; }
p { margin: 1mm 0; }
.meta { color: #222; }
.meta b { color: #000; }
a { color: #000; text-decoration: underline; word-break: break-all; }
table { border-collapse: collapse; width: 100%%; }
th, td { text-align: left; vertical-align: top; padding: 1.2mm 1.6mm; border-bottom: 0.6pt solid #777; }
thead { display: table-header-group; }
th { border-bottom: 1.2pt solid #111; font-weight: bold; }
tr { break-inside: avoid; }
.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.headline td.value { font-size: 15pt; font-weight: bold; white-space: nowrap; }
.headline td.label { font-weight: bold; width: 28%%; }
.headline td.note { color: #333; font-size: 9pt; }
.incidents { font-size: 8.5pt; }
.incidents td.summary { color: #222; }
figure { margin: 2mm 0 0; break-inside: avoid; }
figure svg { display: block; height: auto; }
figcaption { font-size: 8.5pt; color: #333; margin-top: 1mm; }
ol.sources { font-size: 8.5pt; padding-left: 0; list-style: none; }
ol.sources li { margin-bottom: 0.8mm; break-inside: avoid; }
.note { font-size: 8.5pt; color: #333; }
.box { border: 0.8pt solid #111; padding: 2mm 3mm; margin: 3mm 0; }
.page-break { break-before: page; }
"""


def build_html(view: View, paper: str = "a4", base_url: str = fe.DEFAULT_BASE_URL, with_charts: bool = True,
               max_rows: int = MAX_ROWS, made: date | None = None) -> str:
    """The brief as one self-contained HTML document.

    With `with_charts=False`, or when Chromium is missing (charts are drawn by kaleido), the charts
    are replaced by a note and everything else is kept.
    """
    if paper not in PAPERS:
        raise ValueError(f"paper must be one of {', '.join(PAPERS)}, not {paper!r}")
    made = made or date.today()
    state = view.state
    title = f"Security incidents on {fe.subject(state)}"
    link = fe.dashboard_link(state, base_url)
    link_html = (f'<a href="{e(link)}">{e(link)}</a>' if safe_url(link)
                 else e(link))  # a non-http base URL is printed, never linked
    shown = view.shown.sort_values(["event_date", "incident_id"], kind="stable")
    listed = shown.head(max_rows)
    sources, refs = numbered_sources(view, listed)

    out: list[str] = []
    w = out.append
    w("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
    w(f'<meta http-equiv="Content-Security-Policy" content="{CSP}">')
    w('<meta name="viewport" content="width=device-width, initial-scale=1">')
    w(f"<title>{e(title)} · {e(fe.period_text(view))} · borderwatch brief</title>")
    w(f"<style>{CSS % {'paper': PAPERS[paper], 'as_of': view.as_of}}</style></head><body>")

    # 1. what this is
    w(f"<header><h1>{e(title)}</h1>")
    w(f'<p class="meta"><b>Period:</b> {e(fe.period_text(view))}</p>')
    w('<p class="meta"><b>Filters:</b> ' + e("; ".join(fe.filter_parts(state))) + "</p>")
    w(f'<p class="meta"><b>Data as of:</b> {e(view.as_of)} (latest publication date in the sources ledger) · '
      f"<b>brief made:</b> {made.isoformat()} · <b>incidents shown:</b> {len(shown)}</p>")
    w(f'<p class="meta"><b>Reopen this view in the dashboard:</b> {link_html}</p></header>')

    # 2. headline figures
    w("<h2>Headline figures</h2><table class=\"headline\"><tbody>")
    for label, value, note in headline_rows(view):
        w(f'<tr><td class="label">{e(label)}</td><td class="value num">{e(value)}</td>'
          f'<td class="note">{e(note)}</td></tr>')
    w("</tbody></table>")
    w('<p class="note">Killed: the best estimate is the curator\'s figure for each incident; low and high are the '
      "lowest and highest figure any source gives (as in UCDP). A missing figure counts as 0 in the sums.</p>")

    # 3. charts
    svgs: dict[str, str] = {}
    unavailable = ""
    if with_charts and len(shown):
        try:
            svgs = {c: chart_svg(c, view) for c in ("timeline", "map")}
        except render.ExportUnavailable as exc:
            unavailable = str(exc)
    elif with_charts:
        unavailable = "No incidents match the filters, so there is nothing to chart."
    else:
        unavailable = "Charts left out of this version of the brief."
    captions = {
        "timeline": ("Timeline", "One lane per event type (or border); a bar with a hollow marker is an incident "
                                 f"dated only to the week or month. Below: incidents per {state.agg} by type "
                                 "and killed (◆ best estimate, whisker: sources' low–high)."),
        "map": ("Map", f"{fe.MAP_KEY} Thick black line: the Afghanistan–Tajikistan border. "
                       f"{fe.MAP_CREDITS}."),
    }
    for chart, (head, caption) in captions.items():
        w(f"<h2>{head}</h2>")
        if chart in svgs:
            w(f"<figure>{svgs[chart]}<figcaption>{e(caption)}</figcaption></figure>")
        else:
            w(f'<p class="box">Chart not included: {e(unavailable)}</p>')

    # 4. incidents
    w(f'<h2>Incidents ({len(shown)})</h2>')
    if len(shown) > len(listed):
        w(f'<p class="note">The first {len(listed)} of {len(shown)} incidents, oldest first; the data export '
          "(CSV, GeoJSON, Excel) has them all.</p>")
    w('<table class="incidents"><thead><tr><th>#</th><th>Date</th><th>Type</th><th>Place</th>'
      '<th class="num">Killed (sources)</th><th class="num">Injured</th><th>Sources</th><th>Summary</th></tr>'
      "</thead><tbody>")
    for k, (_, r) in enumerate(listed.iterrows(), start=1):
        refs_text = " ".join(f"[{n}]" for n in refs.get(r["incident_id"], [])) or "—"
        inj = _int(r["injured"])
        disputed = " · sources disagree" if bool(r.get("disputed", False)) else ""
        w(f'<tr><td class="num">{k}</td><td>{e(charts.date_text(r))}</td>'
          f"<td>{e(str(r['event_type']).replace('_', ' '))}</td><td>{e(charts.place_text(r))}</td>"
          f'<td class="num">{e(charts.killed_text(r))}</td><td class="num">{"" if inj is None else inj}</td>'
          f"<td>{e(refs_text)}</td><td class=\"summary\">{e(r['summary'])}"
          f"<br><small>{e(r['incident_id'])} · {e(r['origin'])}{e(disputed)}</small></td></tr>")
    if listed.empty:
        w('<tr><td colspan="8">No incidents match the filters.</td></tr>')
    w("</tbody></table>")

    # 5. sources
    w(f"<h2>Sources ({len(sources)})</h2><ol class=\"sources\">")
    for _, s in sources.iterrows():
        url = safe_url(s["url"])
        where = f'<a href="{e(url)}">{e(url)}</a>' if url else e(s["url"])
        pub = f", {s['published']:%Y-%m-%d}" if pd.notna(s["published"]) else ""
        w(f'<li value="{int(s["n"])}">[{int(s["n"])}] {e(s["source_name"])}{e(pub)}. {where} '
          f"<small>({e(s['incident_id'])})</small></li>")
    w("</ol>")
    if sources.empty:
        w('<p class="note">No sources for the incidents listed.</p>')

    # 6. credits
    w("<h2>Data and credits</h2>")
    w(f"<p class=\"note\">Data as of {e(view.as_of)}. Incidents are curated from the reports listed above "
      "(each report's claims are kept side by side in the sources ledger; the dashboard's method page explains "
      "the counting rules). Incident summaries are borderwatch's own words.</p>")
    w(f'<p class="note">{e(fe.MAP_CREDITS)}. {e(ATTRIBUTION)}</p>')
    w(f'<p class="note">Reopen this view: {link_html}</p>')
    w("</body></html>\n")
    return "\n".join(out)


# --- PDF ----------------------------------------------------------------------------------------

def html_to_pdf(document: str, timeout: float = PDF_TIMEOUT) -> bytes:
    """Print an HTML document to PDF with headless Chromium (Debian's; never a downloaded one).

    Raises render.ExportUnavailable when Chromium is missing, IncidentsError when printing fails.
    """
    chromium = render.chromium_path()
    if chromium is None:
        raise render.ExportUnavailable(
            "the PDF brief needs Chromium, which is not installed here: run `apt-get install chromium` (Debian) "
            "or set BROWSER_PATH. `incidents brief --out FILE.html --no-charts` writes the HTML brief without charts.")
    work = Path(tempfile.mkdtemp(prefix="bw-brief-"))
    try:
        src, out = work / "brief.html", work / "brief.pdf"
        src.write_text(document, encoding="utf-8")
        cmd = [chromium, *CHROMIUM_PDF_FLAGS, f"--user-data-dir={work / 'profile'}", f"--print-to-pdf={out}",
               src.as_uri()]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=timeout, cwd=work,
                                  env={**os.environ, "HOME": str(work)})
        except subprocess.TimeoutExpired as exc:
            raise IncidentsError(f"Chromium did not print the brief within {timeout:.0f} s") from exc
        if not out.exists() or out.stat().st_size == 0:
            tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            raise IncidentsError(f"Chromium could not print the brief (exit {proc.returncode}): " + " | ".join(tail))
        return out.read_bytes()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def build_pdf(view: View, paper: str = "a4", base_url: str = fe.DEFAULT_BASE_URL,
              timeout: float = PDF_TIMEOUT) -> bytes:
    if render.chromium_path() is None:
        html_to_pdf("", timeout)  # raises ExportUnavailable with the plain message
    return html_to_pdf(build_html(view, paper, base_url), timeout)


def file_name(view: View, fmt: str) -> str:
    return fe.file_name("brief", view, fmt)
