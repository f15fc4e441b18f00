"""Text for the dashboard's method page, attribution line and legend, plus safe-text helpers.

Pure Python (no streamlit). Codes and meanings come from `incidents.schema`; nothing is retyped.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pandas as pd
import pycountry

from . import palette as P
from .schema import (DATE_PRECISIONS, DERIVED, EVENT_TYPE_MEANING, EVENT_TYPES, GEO_PRECISION_MEANING,
                     GEO_PRECISIONS, INCIDENTS, ORIGINS, REVIEW_STATUSES)

ATTRIBUTION = (
    "Boundaries: Natural Earth (public domain), naturalearthdata.com. "
    "Place names: GeoNames, geonames.org, licensed CC BY 4.0 "
    "(https://creativecommons.org/licenses/by/4.0/); filtered and modified for this project."
)

# What each date precision code means for drawing and counting (codes from schema.DATE_PRECISIONS).
DATE_PRECISION_MEANING = {
    "day": "the day is known (a multi-day event also has an end_date); drawn as a point, or a bar to end_date",
    "week": "only the week is known; event_date is its first day; drawn as a 7-day bar",
    "month": "only the month is known; event_date is its first day; drawn as a bar across the month",
    "year": "only the year is known; drawn as a bar across the year",
}
assert set(DATE_PRECISION_MEANING) == set(DATE_PRECISIONS), "describe every date precision"

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$&^=\"'@%])")


def md_escape(text) -> str:
    """Make data text inert in Streamlit markdown: every markdown/HTML/LaTeX/directive character is
    backslash-escaped (CommonMark allows escaping any ASCII punctuation), so links, images, HTML tags,
    `:color[...]` directives and `$math$` in the data show as the literal characters."""
    if text is None or (isinstance(text, float) and text != text) or text is pd.NA:
        return ""
    s = _MD_SPECIAL.sub(r"\\\1", str(text))
    return s.replace("\n", " ").replace("\r", " ")


def safe_url(url) -> str | None:
    """The URL when it is a plain http(s) address, else None (never render other schemes as links)."""
    if not isinstance(url, str):
        return None
    u = url.strip()
    try:
        parts = urlsplit(u)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or re.search(r"[\s<>\"']", u):
        return None
    return u


def country_name(code: str) -> str:
    c = pycountry.countries.get(alpha_3=str(code)) if code else None
    return getattr(c, "common_name", None) or getattr(c, "name", None) or str(code)


def event_types_table() -> pd.DataFrame:
    return pd.DataFrame({
        "code": list(EVENT_TYPES),
        "label": [P.label(t) for t in EVENT_TYPES],
        "colour": [P.color(t) for t in EVENT_TYPES],
        "meaning": [EVENT_TYPE_MEANING[t] for t in EVENT_TYPES],
    })


def geo_precision_table(halo_km: dict[str, float], precise: tuple[str, ...], not_mapped: tuple[str, ...]) -> pd.DataFrame:
    def drawn(code: str) -> str:
        if code in not_mapped:
            return "not on the map (listed in the table)"
        if code in halo_km:
            return f"hollow marker inside a {halo_km[code]:g} km halo"
        if code in precise:
            return "filled marker"
        return "hollow marker"

    return pd.DataFrame({"code": list(GEO_PRECISIONS), "meaning": [GEO_PRECISION_MEANING[g] for g in GEO_PRECISIONS],
                         "on the map": [drawn(g) for g in GEO_PRECISIONS]})


def date_precision_table() -> pd.DataFrame:
    return pd.DataFrame({"code": list(DATE_PRECISIONS), "meaning": [DATE_PRECISION_MEANING[d] for d in DATE_PRECISIONS]})


def fields_table() -> pd.DataFrame:
    """Every stored and derived incident column with its meaning and ACLED/UCDP counterpart."""
    rows = [(c.name, "stored", c.description, c.acled, c.ucdp) for c in INCIDENTS.columns]
    rows += [(c.name, "derived", c.description, c.acled, c.ucdp) for c in DERIVED.columns]
    return pd.DataFrame(rows, columns=["column", "kind", "meaning", "ACLED", "UCDP GED"])


KILLED_METHOD = """\
Each incident has a **best estimate** of people killed (`killed`, chosen by the curator) and a
**claims ledger** (`sources.csv`): one row per report, with the figure that report gives
(`claim_killed`). From the ledger the dashboard derives, as UCDP does:

* **low** (`killed_low`): the lowest figure any source claims;
* **high** (`killed_high`): the highest figure any source claims;
* with no claimed figure at all, low = high = the best estimate.

Validation rejects a best estimate outside the low–high range. Headline totals add the best
estimates (a missing figure counts as 0, and the number of incidents without a figure is shown)
and give the summed low–high range beside them. An incident is flagged **sources disagree** when
at least two ledger rows differ on the date, the place (neither name contains the other), killed or
injured.
"""

COUNTING_METHOD = """\
* **Dates.** An incident matches a date range when the interval it may have happened in overlaps
  the range: a month-precision incident dated 2026-01-01 covers all of January. Presets (30 / 90 /
  365 days) end today. In per-week or per-month counts an incident is counted in the period of its
  first possible day; incidents known only more coarsely than the period are counted and noted.
* **Change vs previous period.** With a bounded date range, the headline compares the number of
  incidents (all other filters applied) with the period of equal length just before it.
* **Days since last incident** counts from the last day of the most recent incident shown,
  strategic developments excluded.
* **Borders.** `border` is the curator's border pair; when blank and the point lies within 30 km of a
  border line, the nearest border is filled in. `distance_to_border_km` is the geodesic distance
  from the point to the nearest border line and `point_country` the country whose polygon contains
  the point (which side of the border). Natural Earth lines are generalised (AFG–TJK is 1,170 km here
  against about 1,350 km surveyed), so distances of a few km are not survey-grade.
"""


def origins_text() -> str:
    return ", ".join(f"`{o}`" for o in ORIGINS) + "; review statuses: " + ", ".join(f"`{r}`" for r in REVIEW_STATUSES)


# --- legend -----------------------------------------------------------------------------------

_SHAPES = {
    "circle": '<circle cx="0" cy="0" r="5.5"/>',
    "square": '<rect x="-5" y="-5" width="10" height="10"/>',
    "diamond": '<polygon points="0,-6.5 6.5,0 0,6.5 -6.5,0"/>',
    "triangle-up": '<polygon points="0,-6.5 6.5,5 -6.5,5"/>',
    "triangle-down": '<polygon points="0,6.5 6.5,-5 -6.5,-5"/>',
    "star": '<polygon points="0,-7 1.8,-2.2 6.7,-2.2 2.8,0.8 4.2,5.7 0,2.8 -4.2,5.7 -2.8,0.8 -6.7,-2.2 -1.8,-2.2"/>',
    "hexagram": '<polygon points="0,-7 2,-3.5 6,-3.5 4,0 6,3.5 2,3.5 0,7 -2,3.5 -6,3.5 -4,0 -6,-3.5 -2,-3.5"/>',
}


def legend_svg(columns: int = 2, width: int = 280) -> str:
    """A small SVG legend of the event-type colours and symbols (our constants only, no data text)."""
    col_w, row_h = width // columns, 20
    rows = -(-len(EVENT_TYPES) // columns)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{rows * row_h + 4}" '
             f'font-family="Liberation Sans, DejaVu Sans, Arial, sans-serif" font-size="11.5">']
    for k, t in enumerate(EVENT_TYPES):
        x, y = (k % columns) * col_w + 9, (k // columns) * row_h + 12
        parts.append(f'<g transform="translate({x},{y})" fill="{P.color(t)}">{_SHAPES[P.symbol(t)]}</g>')
        parts.append(f'<text x="{x + 12}" y="{y + 4}" fill="#31333F">{P.label(t)}</text>')
    parts.append("</svg>")
    return "".join(parts)
