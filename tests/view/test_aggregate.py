"""Headline figures and per-period aggregates (incidents/aggregate.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from incidents import periods
from incidents.view import aggregate, filters, query
from incidents.view.filters import FilterState
from incidents.schema import EVENT_TYPES

HERE = Path(__file__).resolve().parents[1]
TODAY = date(2026, 11, 21)


def test_headline_on_the_good_fixture(good):
    h = aggregate.headline(good, TODAY)
    assert (h.incidents, h.developments) == (2, 1)  # the clash and the operation; the talks counted apart
    assert (h.killed.total, h.killed.known, h.killed.of) == (9, 2, 2)  # 5 + 4
    assert (h.killed_low, h.killed_high) == (3 + 4, 5 + 4)  # sources claim 3..5 for the clash
    assert h.killed.unknown == 0
    assert h.injured.total is None and h.injured.unknown == 2  # unknown, never shown as 0
    assert h.killed.words() == "9 (every one of 2 incidents has a figure)"
    # last incident: the Jan-2026 operation (strategic talks never count)
    assert h.last_incident == date(2026, 1, 1)
    assert h.days_since == (TODAY - date(2026, 1, 1)).days
    assert h.change is None


def test_days_since_uses_end_date_and_skips_strategic(good):
    only = good[good["incident_id"].isin(["fx-clash", "fx-talks"])]
    assert aggregate.last_incident_date(only) == date(2025, 12, 24)  # clash ended on the 24th
    assert aggregate.last_incident_date(good[good["incident_id"] == "fx-talks"]) is None


def test_change_against_previous_equal_period(good):
    # Jan 2026 (31 days) vs 1-31 Dec 2025: 1 incident (month) vs 1 (the clash; the talks are no incident)
    ch = aggregate.change(good, date(2026, 1, 1), date(2026, 1, 31))
    assert (ch.prev_start, ch.prev_end) == (date(2025, 12, 1), date(2025, 12, 31))
    assert (ch.current, ch.previous, ch.delta) == (1, 1, 0)
    assert ch.pct == pytest.approx(0.0)
    assert (ch.killed_current, ch.killed_previous) == (4, 5)
    assert aggregate.change(good, date(2020, 1, 1), date(2020, 1, 2)).pct is None  # nothing before: no %


def test_headline_change_uses_the_undated_frame(dash):
    state = FilterState(preset="90", borders=())
    shown = filters.apply(dash, state, TODAY)
    undated = filters.apply(dash, state, TODAY, ignore_dates=True)
    h = aggregate.headline(shown, TODAY, undated, state.date_range(TODAY))
    violent = lambda df: df[df["event_type"] != "strategic_development"]  # noqa: E731
    assert h.change is not None and h.change.current == h.incidents == len(violent(shown))
    prev = filters.apply(dash, FilterState(preset="custom", start=h.change.prev_start, end=h.change.prev_end,
                                           borders=()), TODAY)
    assert h.change.previous == len(violent(prev))


def test_unknown_is_unknown_and_totals_say_how_many_had_a_figure():
    frame = pd.DataFrame({"killed": pd.array([12, None, 0, None, None], dtype="Int64")})
    t = aggregate.tally(frame["killed"])
    assert (t.total, t.known, t.of) == (12, 2, 5)
    assert t.words() == "12 in 2 of 5 incidents with a figure"
    none = aggregate.tally(frame["killed"].iloc[[1, 3]])
    assert none.total is None and none.words() == "unknown (no figure in 2 incidents)"


def test_per_month_counts_and_killed(good):
    per = aggregate.per_period(good, "month")
    assert list(per["period"]) == [pd.Timestamp("2025-12-01"), pd.Timestamp("2026-01-01")]
    assert list(per["incidents"]) == [2, 1]
    assert per.loc[0, "armed_clash"] == 1 and per.loc[0, "strategic_development"] == 1
    assert per.loc[1, "security_operation"] == 1
    assert list(per["killed"]) == [5, 4] and list(per["killed_low"]) == [3, 4] and list(per["killed_high"]) == [5, 4]
    assert list(per["coarse"]) == [0, 0]
    assert set(EVENT_TYPES) <= set(per.columns)


def test_per_week_fills_empty_weeks_and_marks_coarse_dates(good):
    per = aggregate.per_period(good, "week")
    assert per["period"].dt.day_of_week.eq(0).all()  # Mondays
    assert per["period"].iloc[0] == pd.Timestamp("2025-12-01") and per["period"].iloc[-1] == pd.Timestamp("2025-12-29")
    assert per["incidents"].sum() == 3
    assert (per["incidents"] == 0).any()  # empty weeks are rows, not gaps
    assert per["coarse"].sum() == 1  # the month-precision operation counted in its first week
    assert per.loc[per["period"] == pd.Timestamp("2025-12-29"), "coarse"].item() == 1


def test_per_period_respects_explicit_bounds_and_empty_input(good):
    per = aggregate.per_period(good, "month", date(2025, 10, 5), date(2026, 2, 1))
    assert len(per) == 5 and per["incidents"].sum() == 3
    empty = aggregate.per_period(good.iloc[0:0], "month")
    assert empty.empty and "incidents" in empty.columns
    with pytest.raises(ValueError):
        aggregate.per_period(good, "day")


def test_totals_agree_with_the_table(dash):
    per = aggregate.per_period(dash, "month")
    assert per["incidents"].sum() == len(dash)
    assert per["killed"].sum() == int(dash["killed"].fillna(0).sum())
    assert per[list(EVENT_TYPES)].sum().sum() == len(dash)
