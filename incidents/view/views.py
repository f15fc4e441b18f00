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
from . import aggregate, filters
from .filters import FilterState


@dataclass(frozen=True)
class View:
    """Everything one dashboard view shows: the filter state, the shown incidents, their period."""

    ds: Dataset
    state: FilterState
    today: date
    shown: pd.DataFrame
    undated: pd.DataFrame  # every filter except the dates (for the previous-period comparison)
    start: date | None  # the period drawn (the filter's range, else the span of the shown incidents)
    end: date | None
    per: pd.DataFrame | None
    headline: aggregate.Headline

    @property
    def sources(self) -> pd.DataFrame:
        """Ledger rows of the shown incidents."""
        return self.ds.sources[self.ds.sources["incident_id"].isin(set(self.shown["incident_id"]))]

    @property
    def as_of(self) -> str:
        return self.ds.as_of.date().isoformat() if self.ds.as_of is not None else "n/a"


def make_view(ds: Dataset, state: FilterState, today: date | None = None) -> View:
    """The view a dashboard with this filter state shows (same functions, same order as the page)."""
    today = today or date.today()
    shown = filters.apply(ds.incidents, state, today, ds.sources)
    period = state.date_range(today)
    # The previous-period comparison needs the data under every filter but the dates; without a
    # date filter that is simply what is shown.
    bounded = period[0] is not None or period[1] is not None
    undated = filters.apply(ds.incidents, state, today, ds.sources, ignore_dates=True) if bounded else shown
    start, end = period
    if start is None and len(shown):
        s_, e_ = periods.windows(shown)
        start, end = s_.min().date(), e_.max().date()
    per = aggregate.per_period(shown, state.agg, start, end) if len(shown) else None
    return View(ds, state, today, shown, undated, start, end, per,
                aggregate.headline(shown, today, undated, period))
