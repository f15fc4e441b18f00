"""One dashboard view: what a filter state shows (incidents, period, aggregates, headline figures).

The dashboard page, its download buttons, `incidents export`, the brief and the benchmarks all call
`make_view`, so what is exported is exactly what is on screen.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from ..dataset import Dataset
from ..schema import REVIEWED
from . import aggregate, filters, sql
from .filters import FilterState
from .index import index_for


@dataclass(frozen=True)
class View:
    """Everything one dashboard view shows: the filter state, the shown records, their period, the figures.

    `shown` is what is drawn and listed; `reviewed` the part of it a person has checked, which is all
    that headline figures, per-period counts and briefs count; `candidates` the unreviewed machine-
    extracted candidates drawn when the state asks for them (never counted); `undated` the reviewed
    records under every filter except the dates (built when first asked for). The figures come from
    the query layer's SQL over the dataset's index (`selection`: what is shown, as an SQL condition).
    """

    ds: Dataset
    state: FilterState
    today: date
    shown: pd.DataFrame
    reviewed: pd.DataFrame
    candidates: pd.DataFrame
    _undated: aggregate.Selection  # reviewed records under every filter except the dates
    start: date | None  # the period drawn (the filter's range, else the span of the shown records)
    end: date | None
    per: pd.DataFrame | None
    headline: aggregate.Headline
    selection: aggregate.Selection | None = None  # the shown records as an SQL condition on the index

    @functools.cached_property
    def undated(self) -> pd.DataFrame:
        """Reviewed records under every filter except the dates (previous-period comparison)."""
        return filters.take(self.ds.incidents, self._undated.positions())

    def cells(self, deg: float, not_mapped: tuple[str, ...] = ()) -> pd.DataFrame:
        """The shown records per map grid cell, in SQL (see aggregate.cells)."""
        return aggregate.cells(self.selection or self.shown, deg, not_mapped)

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
    """The view a dashboard with this filter state shows (same functions, same order as the page).

    One SQL condition (the filters) on the dataset's index selects the rows; pandas receives the shown
    rows and the small aggregated frames."""
    today = today or date.today()
    df = ds.incidents
    index = index_for(df, ds.sources)
    condition, params = sql.where(state, today)
    matching = aggregate.Selection(index, condition, tuple(params))
    reviewed_sel = matching.also(sql.IS_REVIEWED)
    reviewed_rows = reviewed_sel.positions()
    reviewed = filters.take(df, reviewed_rows)
    candidates, shown, shown_sel = df.iloc[0:0], reviewed, reviewed_sel
    if state.candidates:
        cand_rows = matching.also(sql.IS_CANDIDATE).positions()
        if len(cand_rows):
            candidates = filters.take(df, cand_rows)
            shown_sel = matching.also(f"({sql.IS_REVIEWED} OR {sql.IS_CANDIDATE})")
            shown = candidates if not len(reviewed_rows) else filters.take(df, np.union1d(reviewed_rows, cand_rows))
    period = state.date_range(today)
    # The previous-period comparison needs the data under every filter but the dates; without a
    # date filter that is simply what is shown.
    bounded = period[0] is not None or period[1] is not None
    if bounded:
        u_condition, u_params = sql.where(state, today, ignore_dates=True)
        undated = aggregate.Selection(index, u_condition, tuple(u_params)).also(sql.IS_REVIEWED)
    else:
        undated = reviewed_sel
    start, end = period
    if start is None and len(shown):
        first, last = shown_sel.rows(f"SELECT min(event_date), max(window_end) FROM inc WHERE {shown_sel.condition}")[0]
        start, end = aggregate._day(first), aggregate._day(last)
    per = aggregate.per_period(reviewed_sel, state.agg, start, end) if len(shown) else None
    return View(ds, state, today, shown, reviewed, candidates, undated, start, end, per,
                aggregate.headline(reviewed_sel, today, undated, period), shown_sel)
