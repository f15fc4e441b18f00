"""The words around an export: what the view covers (subject, period, filters), its sources, the
footnote, chart titles, file names and the link that reopens the view in the dashboard."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode, urlsplit

import pandas as pd

from .. import config
from ..charts import border_label
from ..charts import palette as P
from ..geo import MAP_CREDITS
from ..schema import country_name
from ..text import safe_url
from ..view import query
from ..view.filters import NO_BORDER, FilterState
from ..view.views import View

FULL_URLS_UP_TO = 3  # a footnote cites up to this many reports by full URL; beyond, outlets with their sites


def default_base_url() -> str:
    """The dashboard address for reopen links: the configured public one, else the local default."""
    return config.dashboard_url() or config.LOCAL_DASHBOARD_URL


def fmt_date(d: date | None) -> str:
    return "?" if d is None else f"{d.day} {d:%b %Y}"


def border_name(pair: str) -> str:
    """'AFG-TJK' -> 'Afghanistan–Tajikistan'; 'none' -> 'no border'."""
    if pair in ("", NO_BORDER):
        return "no border"
    parts = str(pair).split("-")
    return "–".join(country_name(p) for p in parts) if len(parts) == 2 else str(pair)


def subject(state: FilterState) -> str:
    """Where the view looks: 'the Afghanistan–Tajikistan border', '2 borders', 'Central Asia's borders'."""
    b = state.borders
    if not b:
        return "Central Asia's borders"
    if len(b) == 1:
        return "incidents not assigned to a border" if b[0] == NO_BORDER else f"the {border_name(b[0])} border"
    return " and ".join([", ".join(border_name(x) for x in b[:-1]), border_name(b[-1])]) + " borders"


def period_text(view: View) -> str:
    st = view.state
    lo, hi = st.date_range(view.today)
    if st.preset in ("30", "90", "365"):
        return f"last {st.preset} days ({fmt_date(lo)} – {fmt_date(hi)})"
    if st.preset == "custom":
        return f"{fmt_date(lo) if lo else 'start'} – {fmt_date(hi) if hi else 'today'}"
    if view.start is None:
        return "all dates"
    return f"all dates ({fmt_date(view.start)} – {fmt_date(view.end)} in the incidents shown)"


def filter_parts(state: FilterState) -> list[str]:
    """One 'name: values' phrase per restricting filter (border always stated)."""
    parts = ["border: " + (", ".join(border_label(b) for b in state.borders) if state.borders
                           else "all borders")]
    named = (("event_types", "type", P.label), ("countries", "country", str), ("provinces", "province", str),
             ("actors", "actor", str), ("origins", "origin", str), ("date_precisions", "date precision", str),
             ("geo_precisions", "place precision", str))
    for attr, name, fmt in named:
        values = getattr(state, attr)
        if values:
            parts.append(f"{name}: " + ", ".join(fmt(v) for v in values))
    if state.min_killed:
        parts.append(f"at least {state.min_killed} killed")
    if state.text.strip():
        parts.append(f"search: “{state.text.strip()}”")
    return parts


def filters_text(view: View) -> str:
    return "Period: " + period_text(view) + " · " + " · ".join(p[0].upper() + p[1:] for p in filter_parts(view.state))


def _host(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host[4:] if host.startswith("www.") else host


def sources_text(sources: pd.DataFrame) -> str:
    """The footnote's sources: each report's URL when there are few, else the web sites they come from."""
    if sources.empty:
        return "Sources: none in the ledger for these incidents."
    if len(sources) <= FULL_URLS_UP_TO:
        cites = [f"{s['source_name']}, {s['url']}" for _, s in sources.iterrows()]
        return "Sources: " + "; ".join(cites) + "."
    hosts = pd.Series([_host(u) if safe_url(u) else "" for u in sources["url"]], dtype=object)
    counts = hosts[hosts != ""].value_counts()
    ranked = sorted(counts.index, key=lambda h: (-counts[h], h))
    listed = ranked[:10]
    more = f" and {len(ranked) - len(listed)} more" if len(ranked) > len(listed) else ""
    offline = int((hosts == "").sum())
    if not ranked:
        return f"Sources: {len(sources)} reports kept in the project archive (seeds/)."
    kept = f"; {offline} kept in the project archive" if offline else ""
    return (f"Sources: {len(sources)} reports from {len(ranked)} site{'s' * (len(ranked) != 1)}: "
            + ", ".join(listed) + more + kept
            + ". Every report with its URL: the brief (incidents brief) or the data export.")


MAP_KEY = ("Marker size grows with people killed; a hollow marker with a dashed circle means only the district, "
           "province or border stretch is known; markers of incidents at one place are fanned out around it, a thin "
           "line leading back to the place (•).")



def footnote_text(view: View, chart: str | None = None) -> str:
    key = MAP_KEY + " " if chart == "map" else ""
    return (f"{key}Data through {view.as_of} (latest publication in the sources ledger). "
            f"{sources_text(view.sources)} {MAP_CREDITS}. Made with borderwatch.")


def dashboard_link(state: FilterState, base_url: str | None = None) -> str:
    """The URL that reopens this view in the dashboard (same query parameters as the page writes)."""
    q = query.to_query(state)
    base_url = base_url or default_base_url()
    base = base_url if base_url.endswith("/") or "?" in base_url else base_url + "/"
    return base + ("?" + urlencode(q, doseq=True) if q else "")


def chart_title(chart: str, view: View) -> str:
    what = {"timeline": "Security incidents over time",
            "map": "Where security incidents happened",
            "aggregate": f"Security incidents and people killed per {view.state.agg}"}[chart]
    return f"{what}: {subject(view.state)}"
