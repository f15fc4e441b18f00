"""The query layer's SQL (filters, headline, per-period counts, map cells) against the pandas implementation
the dashboard used before it (kept in reference_filters.py / reference_aggregate.py), on the fixtures and on
synthetic data, for filter states drawn by hypothesis: the same incidents, in the same order, and the same
figures."""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reference import aggregate_pandas as ref_agg
from reference import filters_pandas as ref
from incidents import dataset, synth
from incidents.charts import grid_cells
from incidents.charts.spread import NOT_MAPPED
from incidents.view import aggregate, filters
from incidents.view.filters import FilterState
from incidents.view.params import PRESETS
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


def _words(ds) -> list[str]:
    """Search words that occur in the data (folded or not), a phrase, and some that occur nowhere."""
    text = " ".join(ds.incidents["summary"].head(200).tolist() + ds.sources["quote"].head(200).tolist()
                    + ds.sources["source_name"].head(50).tolist())
    words = sorted({w.strip('.,;:()"') for w in text.split() if len(w.strip('.,;:()"')) > 2})[:300]
    return words + ["Khŭjand", "ДУШАНБЕ", "zzzqqq", "\"border post\"", "a", "%", "_", "?"]


def states(ds):
    df = ds.incidents
    opts = filters.options(df)

    def pick(values, extra=()):
        if not list(values) + list(extra):
            return st.just(())
        return st.lists(st.sampled_from(list(values) + list(extra)), max_size=3, unique=True).map(tuple)

    lo, hi = df["event_date"].min().date(), TODAY
    days = max(1, (hi - lo).days)
    dates = st.integers(0, days).map(lambda k: lo + timedelta(days=k))
    bbox = st.one_of(st.just(()), st.tuples(st.floats(60, 75), st.floats(33, 40), st.floats(0.1, 10),
                                            st.floats(0.1, 6)).map(lambda t: (t[0], t[1], t[0] + t[2], t[1] + t[3])))
    text = st.lists(st.sampled_from(_words(ds)), max_size=2).map(" ".join)
    return st.builds(
        FilterState,
        preset=st.sampled_from(list(PRESETS)),
        start=st.one_of(st.none(), dates), end=st.one_of(st.none(), dates),
        borders=pick(opts["borders"], ("none", "TJK-UZB", "XXX-YYY")),
        countries=pick(opts["countries"], ("ZZZ",)), provinces=pick(opts["provinces"][:30]),
        event_types=pick(opts["event_types"]), actors=pick(opts["actors"][:40], ("nobody",)),
        min_killed=st.sampled_from([0, 0, 1, 2, 5, 50]), origins=pick(opts["origins"]),
        date_precisions=pick(opts["date_precisions"]), geo_precisions=pick(opts["geo_precisions"], ("unknown",)),
        sub_event_types=pick(opts["sub_event_types"][:20]), text=text, candidates=st.booleans(),
        agg=st.sampled_from(["week", "month"]), bbox=bbox)


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
