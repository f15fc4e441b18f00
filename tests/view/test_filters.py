"""Filters and URL state (incidents/filters.py) on small fixtures."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from incidents import dataset, periods
from incidents import text
from incidents.view import filters, query
from incidents.view.filters import FilterState

HERE = Path(__file__).resolve().parents[1]
TODAY = date(2026, 11, 21)


@pytest.fixture(scope="module")
def good():
    return dataset.load(HERE / "fixtures" / "good")


@pytest.fixture(scope="module")
def dash():
    return dataset.load(HERE / "fixtures" / "dashboard")


def ids(df: pd.DataFrame) -> set[str]:
    return set(df["incident_id"])


def test_default_state_is_the_tajik_afghan_border(good):
    assert FilterState().borders == ("AFG-TJK",)
    # fx-talks (Dushanbe) is on no border; the other two are on AFG-TJK
    assert ids(filters.apply(good.incidents, FilterState(), TODAY)) == {"fx-clash", "fx-month"}
    assert ids(filters.apply(good.incidents, FilterState(preset="all", borders=()), TODAY)) == {"fx-clash", "fx-talks", "fx-month"}
    assert ids(filters.apply(good.incidents, FilterState(borders=("none",)), TODAY)) == {"fx-talks"}


def test_options_offer_focus_border_first_and_no_border(good, dash):
    o = filters.options(dash.incidents)
    assert o["borders"][0] == "AFG-TJK"
    assert "none" in o["borders"] and "KGZ-TJK" in o["borders"]
    assert filters.options(good.incidents)["borders"] == ["AFG-TJK", "none"]


def test_date_interval_spans_imprecise_dates(good):
    start, end = periods.windows(good.incidents)
    by = dict(zip(good.incidents["incident_id"], zip(start, end)))
    assert by["fx-month"] == (pd.Timestamp("2026-01-01"), pd.Timestamp("2026-01-31"))  # month precision
    assert by["fx-clash"] == (pd.Timestamp("2025-12-23"), pd.Timestamp("2025-12-24"))  # explicit end_date
    assert by["fx-talks"] == (pd.Timestamp("2025-12-02"), pd.Timestamp("2025-12-02"))


def test_custom_range_overlaps_month_precision(good):
    df = good.incidents
    mid_jan = FilterState(preset="custom", start=date(2026, 1, 15), end=date(2026, 1, 20), borders=())
    assert ids(filters.apply(df, mid_jan, TODAY)) == {"fx-month"}  # January covers the 15th
    dec = FilterState(preset="custom", start=date(2025, 12, 24), end=date(2025, 12, 31), borders=())
    assert ids(filters.apply(df, dec, TODAY)) == {"fx-clash"}  # the clash's second day
    assert ids(filters.apply(df, dec, TODAY, ignore_dates=True)) == {"fx-clash", "fx-talks", "fx-month"}


def test_presets_are_rolling_windows_ending_today(dash):
    df = dash.incidents
    s30 = FilterState(preset="30", borders=())
    assert s30.date_range(TODAY) == (date(2026, 10, 23), TODAY)
    shown = filters.apply(df, s30, TODAY)
    start, end = periods.windows(shown)
    assert len(shown) > 0 and (end >= pd.Timestamp("2026-10-23")).all()
    assert len(filters.apply(df, FilterState(preset="365", borders=()), TODAY)) > len(shown)
    assert FilterState(preset="all").date_range(TODAY) == (None, None)


@pytest.mark.parametrize("field,value,column", [
    ("event_types", ("armed_clash",), "event_type"),
    ("countries", ("KGZ",), "country"),
    ("origins", ("extracted",), "origin"),
    ("date_precisions", ("week", "month"), "date_precision"),
    ("geo_precisions", ("district",), "geo_precision"),
    ("provinces", ("Batken",), "admin1"),
])
def test_each_choice_filter_restricts_to_its_values(dash, field, value, column):
    df = dash.incidents
    out = filters.apply(df, FilterState(preset="all", borders=(), **{field: value}), TODAY)
    assert 0 < len(out) < len(df)
    assert set(out[column]) <= set(value)
    assert len(out) == df[column].isin(value).sum()


def test_actor_matches_either_side(dash):
    df = dash.incidents
    out = filters.apply(df, FilterState(preset="all", borders=(), actors=("Smugglers",)), TODAY)
    assert len(out) == ((df["actor1"] == "Smugglers") | (df["actor2"] == "Smugglers")).sum() > 0


def test_min_killed_uses_best_estimate_and_drops_unknown(dash):
    df = dash.incidents
    out = filters.apply(df, FilterState(preset="all", borders=(), min_killed=3), TODAY)
    assert len(out) > 0 and (out["killed"] >= 3).all()
    assert len(out) == (df["killed"].fillna(-1) >= 3).sum()


def test_unknown_geo_precision_is_selectable():
    df = dataset.load(HERE / "fixtures" / "good").incidents.copy()
    df.loc[0, "geo_precision"] = ""
    out = filters.apply(df, FilterState(preset="all", borders=(), geo_precisions=("unknown",)), TODAY)
    assert ids(out) == {df.loc[0, "incident_id"]}


def test_text_search_covers_summaries_and_the_ledger(good):
    df, src = good.incidents, good.sources
    assert ids(filters.apply(df, FilterState(preset="all", borders=(), text="capital"), TODAY, src)) == {"fx-talks"}
    # "Bahorak" and "three killed" are only in fx-clash's ledger (claim_location, quote)
    assert ids(filters.apply(df, FilterState(preset="all", borders=(), text="bahorak"), TODAY, src)) == {"fx-clash"}
    assert ids(filters.apply(df, FilterState(preset="all", borders=(), text='"three killed"'), TODAY, src)) == {"fx-clash"}
    assert ids(filters.apply(df, FilterState(preset="all", borders=(), text="bahorak"), TODAY)) == set()  # no ledger given
    # all words must match; case and accents ignored
    assert ids(filters.apply(df, FilterState(preset="all", borders=(), text="FIXTURE shuroobod"), TODAY, src)) == {"fx-clash"}
    assert ids(filters.apply(df, FilterState(preset="all", borders=(), text="fixture nowhere"), TODAY, src)) == set()
    assert text.fold("Shŭrobod") == "shurobod"


def test_text_search_is_literal_not_regex(good):
    out = filters.apply(good.incidents, FilterState(preset="all", borders=(), text=".*"), TODAY, good.sources)
    assert len(out) == 0


def test_previous_period_has_equal_length():
    assert periods.previous_period(date(2026, 3, 1), date(2026, 3, 31)) == (date(2026, 1, 29), date(2026, 2, 28))


# --- URL round trip ---------------------------------------------------------------------------

def test_default_state_has_empty_query():
    assert query.to_query(FilterState()) == {}
    assert query.from_query({}) == FilterState()


def test_query_round_trip_restores_every_field(dash):
    opts = filters.options(dash.incidents)
    state = FilterState(preset="custom", start=date(2024, 1, 1), end=date(2025, 6, 30), borders=("AFG-TJK", "KGZ-TJK"),
                        countries=("TJK",), provinces=("Khatlon",), event_types=("armed_clash", "remote_violence"),
                        actors=("Border guards",), min_killed=2, origins=("curated",), date_precisions=("day",),
                        geo_precisions=("exact", "near"), text='drone "border talks"', lanes="border", agg="week",
                        incident="fxd-001")
    q = query.to_query(state)
    assert q["border"] == ["AFG-TJK", "KGZ-TJK"] and q["from"] == "2024-01-01" and q["type"] == ["armed_clash", "remote_violence"]
    assert query.from_query(q, opts) == state
    assert query.from_query(q, opts).key() == state.key()


def test_all_borders_is_explicit_in_the_url():
    q = query.to_query(FilterState(borders=()))
    assert q == {"border": ["all"]}
    assert query.from_query(q).borders == ()
    assert query.to_query(FilterState(preset="all", borders=())) == {"preset": "all", "border": ["all"]}


def test_rolling_preset_is_stored_as_preset_not_dates():
    q = query.to_query(FilterState(preset="90"))
    assert q == {"preset": "90"}
    assert query.from_query(q).date_range(TODAY) == (date(2026, 8, 24), TODAY)


def test_bad_query_values_are_dropped_with_warnings(dash):
    opts = filters.options(dash.incidents)
    s = query.from_query({"type": ["armed_clash", "<script>"], "preset": "7", "min_killed": "x", "lanes": "zzz",
                            "border": ["XXX-YYY"], "from": "2025-13-40"}, opts)
    assert s.event_types == ("armed_clash",)
    assert s.preset == filters.DEFAULT_PRESET and s.min_killed == 0 and s.lanes == "type" and s.borders == ()
    assert len(s.warnings) == 5  # the impossible date is named too
    assert "from='2025-13-40' is not a date (YYYY-MM-DD) and was ignored" in s.warnings


def test_dates_in_query_imply_custom_and_are_ordered():
    s = query.from_query({"from": "2025-05-01", "to": "2025-01-01"})
    assert (s.preset, s.start, s.end) == ("custom", date(2025, 1, 1), date(2025, 5, 1))


def test_query_equal_ignores_key_order_but_not_values():
    assert query.query_equal({"a": "1", "b": ["x", "y"]}, {"b": ["x", "y"], "a": ["1"]})
    assert not query.query_equal({"b": ["x", "y"]}, {"b": ["y", "x"]})
    assert not query.query_equal({"a": "1"}, {})


def test_key_changes_with_filters_not_view_settings():
    assert FilterState().key() == FilterState(lanes="border", agg="week", incident="x").key()
    assert FilterState().key() != FilterState(text="x").key()



def test_search_on_an_already_empty_selection_returns_nothing():
    ds = dataset.load(Path(__file__).resolve().parents[1] / "fixtures" / "good")
    state = FilterState(preset="all", borders=(), event_types=("armed_clash",), min_killed=50, text="x")
    out = filters.apply(ds.incidents, state, date(2026, 11, 21), ds.sources)
    assert isinstance(out, pd.DataFrame) and out.empty


def test_bbox_keeps_only_incidents_inside_the_box_and_none_without_coordinates(dash):
    df = dash.incidents
    box = (69.0, 37.0, 71.0, 38.5)
    out = filters.apply(df, FilterState(preset="all", borders=(), bbox=box), TODAY)
    assert 0 < len(out) < df["latitude"].notna().sum()
    assert out["longitude"].between(box[0], box[2]).all() and out["latitude"].between(box[1], box[3]).all()
    inside = df["longitude"].between(box[0], box[2]) & df["latitude"].between(box[1], box[3])
    assert set(out["incident_id"]) == set(df.loc[inside, "incident_id"])  # nothing inside is lost


def test_bbox_and_period_in_the_url_round_trip_and_bad_ones_are_named():
    s = query.from_query({"bbox": "69,37,71,38.5", "at": "2026-W03", "trail": "0"})
    assert (s.bbox, s.at, s.trail, s.warnings) == ((69.0, 37.0, 71.0, 38.5), "2026-W03", False, ())
    assert query.from_query(query.to_query(s)) == s
    assert s.key() != FilterState().key()  # the box filters; the period only highlights
    assert FilterState(at="2026-01").key() == FilterState().key()
    bad = query.from_query({"bbox": "71,37,69,38", "at": "2026-13", "trail": "yes"})
    assert (bad.bbox, bad.at, bad.trail) == ((), "", True)
    assert len(bad.warnings) == 3 and "minlon < maxlon" in bad.warnings[0] and "ISO week" in bad.warnings[1]
    assert query.from_query({"bbox": "69,37,71,nan"}).bbox == ()
