"""Text for the dashboard's method page: what each code means and how figures are counted.

Pure Python (no streamlit). Codes and meanings come from `incidents.schema`; nothing is retyped.
"""

from __future__ import annotations

import pandas as pd

from ..charts import palette as P
from ..schema import (DATE_PRECISIONS, DERIVED, EVENT_TYPE_MEANING, EVENT_TYPES, GEO_PRECISION_MEANING,
                     GEO_PRECISIONS, INCIDENTS, ORIGINS, REVIEW_STATUSES)

# What each date precision code means for drawing and counting (codes from schema.DATE_PRECISIONS).
DATE_PRECISION_MEANING = {
    "day": "the day is known (a multi-day event also has an end_date); drawn as a point, or a bar to end_date",
    "week": "only the week is known; event_date is its first day; drawn as a 7-day bar",
    "month": "only the month is known; event_date is its first day; drawn as a bar across the month",
    "year": "only the year is known; drawn as a bar across the year",
}
assert set(DATE_PRECISION_MEANING) == set(DATE_PRECISIONS), "describe every date precision"

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
