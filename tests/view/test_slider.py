"""The time slider's frame: a period shows its incidents strongly, the earlier ones faintly (or not), never later ones."""

from datetime import date

import pandas as pd

from incidents import periods
from incidents.view import slider


def rows(*spec):
    return pd.DataFrame([{"incident_id": i, "event_date": pd.Timestamp(d), "date_precision": p, "end_date": pd.NaT,
                          "event_type": t, "killed": k, "review_status": s} for i, d, p, t, k, s in spec])


def test_a_period_highlights_its_incidents_keeps_earlier_ones_faint_and_never_shows_later_ones():
    df = rows(("a", "2026-01-05", "day", "armed_clash", 2, "reviewed"),
              ("b", "2025-12-20", "day", "armed_clash", None, "reviewed"),
              ("c", "2026-02-02", "day", "armed_clash", 1, "reviewed"),
              ("d", "2026-01-01", "month", "security_operation", None, "verified"))  # month-precise: overlaps
    drawn, ids = slider.frame(df, "2026-01")
    assert sorted(ids) == ["a", "d"] and sorted(drawn["incident_id"]) == ["a", "b", "d"]
    drawn, ids = slider.frame(df, "2026-01", trail=False)
    assert sorted(drawn["incident_id"]) == ["a", "d"]
    week = periods.period_code(date(2026, 2, 2), "week")
    assert slider.frame(df, week)[1] == ["c"]
    assert slider.frame(df, "nonsense")[1] == [] and len(slider.frame(df, "nonsense")[0]) == 4


def test_summary_counts_reviewed_incidents_and_says_when_killed_is_unknown():
    df = rows(("a", "2026-01-05", "day", "armed_clash", 2, "reviewed"),
              ("d", "2026-01-09", "day", "security_operation", None, "verified"),
              ("x", "2026-01-10", "day", "armed_clash", 50, "unreviewed"),
              ("s", "2026-01-11", "day", "strategic_development", None, "reviewed"))
    assert slider.summary(df, "2026-01") == "January 2026: 2 incidents, 2 killed (figure for 1 of 2)"
    assert slider.summary(df.iloc[[1]], "2026-01") == "January 2026: 1 incident, killed unknown"
    assert slider.summary(df, "2026-03") == "March 2026: 0 incidents"
    assert slider.codes(date(2025, 12, 30), date(2026, 2, 1), "month") == ["2025-12", "2026-01", "2026-02"]
    assert slider.label("2026-W03") == "week 3 of 2026 (12 Jan – 18 Jan)"
