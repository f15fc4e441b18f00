"""The query layer's SQL (filters, headline, per-period counts, map cells) against the pandas implementation
the dashboard used before it (kept in reference_filters.py / reference_aggregate.py), on the fixtures and on
synthetic data, for filter states drawn by hypothesis: the same incidents, in the same order, and the same
figures."""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings

from reference import aggregate_pandas as ref_agg
from reference import filters_pandas as ref
from reference.states import states
from incidents import dataset, synth
from incidents.charts import grid_cells
from incidents.charts.spread import NOT_MAPPED
from incidents.view import aggregate, filters
from incidents.view.filters import FilterState
from incidents.view.views import make_view

HERE = Path(__file__).resolve().parents[1]
TODAY = date(2026, 11, 21)


@pytest.fixture(scope="module")
def datasets(tmp_path_factory):
    out = {"dashboard": dataset.load(HERE / "fixtures" / "dashboard", cache=False),
           "good": dataset.load(HERE / "fixtures" / "good", cache=False)}
    d = tmp_path_factory.mktemp("synth")
    synth.write(3000, d, seed=7)
    out["synthetic"] = dataset.load(d, cache=False)
    return out


def _same_rows(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a["incident_id"]) == list(b["incident_id"])


def _reference_view(ds, state):
    """make_view as it was, on the pandas reference."""
    matching = ref.apply(ds.incidents, state, TODAY, ds.sources)
    checked = matching["review_status"].isin(("reviewed", "verified"))
    reviewed = matching[checked]
    period = state.date_range(TODAY)
    bounded = period[0] is not None or period[1] is not None
    undated = ref.apply(ds.incidents, state, TODAY, ds.sources, ignore_dates=True) if bounded else reviewed
    undated = undated[undated["review_status"].isin(("reviewed", "verified"))]
    return reviewed, undated, period


@pytest.mark.parametrize("name", ["dashboard", "good", "synthetic"])
def test_sql_filters_and_figures_equal_the_pandas_reference(datasets, name):
    ds = datasets[name]

    @settings(max_examples=60 if name == "synthetic" else 40, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(state=states(ds))
    def check(state):
        for ignore in (False, True):
            _same_rows(filters.apply(ds.incidents, state, TODAY, ds.sources, ignore_dates=ignore),
                       ref.apply(ds.incidents, state, TODAY, ds.sources, ignore_dates=ignore))
        _same_rows(filters.apply(ds.incidents, state, TODAY), ref.apply(ds.incidents, state, TODAY))
        view = make_view(ds, state, TODAY)
        reviewed, undated, period = _reference_view(ds, state)
        _same_rows(view.reviewed, reviewed)
        _same_rows(view.undated, undated)
        assert asdict(view.headline) == asdict(ref_agg.headline(reviewed, TODAY, undated, period))
        if view.per is not None:
            expected = ref_agg.per_period(reviewed, state.agg, view.start, view.end)
            pd.testing.assert_frame_equal(view.per, expected, check_dtype=False)
        mine, theirs = view.cells(0.2, NOT_MAPPED), grid_cells(view.shown)
        pd.testing.assert_frame_equal(mine.reset_index(drop=True), theirs.reset_index(drop=True), check_dtype=False)

    check()


def test_a_value_is_never_written_into_the_sql(datasets):
    from incidents.view import sql

    nasty = "x') OR 1=1; DROP TABLE inc; --"
    state = FilterState(borders=(nasty,), countries=(nasty,), actors=(nasty,), text=nasty)
    condition, params = sql.where(state, TODAY)
    assert nasty not in condition and "DROP" not in condition
    assert nasty in params
    ds = datasets["good"]
    assert filters.apply(ds.incidents, state, TODAY, ds.sources).empty
    assert len(filters.apply(ds.incidents, FilterState(preset="all", borders=()), TODAY)) == len(ds.incidents)


def test_aggregates_take_a_frame_or_a_selection(datasets):
    ds = datasets["dashboard"]
    reviewed = ds.incidents[ds.incidents["review_status"].isin(("reviewed", "verified"))]
    assert asdict(aggregate.headline(reviewed, TODAY)) == asdict(ref_agg.headline(reviewed, TODAY))
    pd.testing.assert_frame_equal(aggregate.per_period(reviewed, "week"), ref_agg.per_period(reviewed, "week"),
                                  check_dtype=False)
    view = make_view(ds, replace(FilterState(), preset="all"), TODAY)
    assert aggregate.headline(view.selection, TODAY) == aggregate.headline(view.reviewed, TODAY)
