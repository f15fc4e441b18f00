"""One dashboard view: what a filter state shows (incidents, period, aggregates, headline figures).

The dashboard page, its download buttons, `incidents export`, the brief and the benchmarks all call
`make_view`, so what is exported is exactly what is on screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from .. import periods
from ..dataset import Dataset
from ..schema import REVIEWED
from . import aggregate, filters
from .filters import FilterState


@dataclass(frozen=True)
class View:
    """Everything one dashboard view shows: the filter state, the shown records, their period, the figures.

    `shown` is what is drawn and listed; `reviewed` the part of it a person has checked, which is all
    that headline figures, per-period counts and briefs count; `candidates` the unreviewed machine-
    extracted candidates drawn when the state asks for them (never counted).
    """

    ds: Dataset
    state: FilterState
    today: date
    shown: pd.DataFrame
    reviewed: pd.DataFrame
    candidates: pd.DataFrame
    undated: pd.DataFrame  # reviewed records under every filter except the dates (previous-period comparison)
    start: date | None  # the period drawn (the filter's range, else the span of the shown records)
    end: date | None
    per: pd.DataFrame | None
    headline: aggregate.Headline

    @property
    def sources(self) -> pd.DataFrame:
        """Ledger rows of the shown records."""
        return self.ds.sources[self.ds.sources["incident_id"].isin(set(self.shown["incident_id"]))]

    @property
    def as_of(self) -> str:
        """Data through: the latest publication date in the reviewed records' ledger."""
        return self.ds.as_of.date().isoformat() if self.ds.as_of is not None else "n/a"


def reviewed_mask(df: pd.DataFrame) -> pd.Series:
    """Records a person has checked (review_status reviewed or verified)."""
    return df["review_status"].isin(REVIEWED)


def make_view(ds: Dataset, state: FilterState, today: date | None = None) -> View:
    """The view a dashboard with this filter state shows (same functions, same order as the page)."""
    today = today or date.today()
    matching = filters.apply(ds.incidents, state, today, ds.sources)
    checked = reviewed_mask(matching)
    reviewed = matching[checked]
    candidates = matching[matching["review_status"].eq("unreviewed")] if state.candidates else matching.iloc[0:0]
    shown = matching[checked | matching.index.isin(candidates.index)] if len(candidates) else reviewed
    period = state.date_range(today)
    # The previous-period comparison needs the data under every filter but the dates; without a
    # date filter that is simply what is shown.
    bounded = period[0] is not None or period[1] is not None
    if bounded:
        undated = filters.apply(ds.incidents, state, today, ds.sources, ignore_dates=True)
        undated = undated[reviewed_mask(undated)]
    else:
        undated = reviewed
    start, end = period
    if start is None and len(shown):
        s_, e_ = periods.windows(shown)
        start, end = s_.min().date(), e_.max().date()
    per = aggregate.per_period(reviewed, state.agg, start, end) if len(shown) else None
    return View(ds, state, today, shown, reviewed, candidates, undated, start, end, per,
                aggregate.headline(reviewed, today, undated, period))
