"""The time slider's frame: which incidents a period shows strongly, which earlier ones faintly, and its words."""

from __future__ import annotations

from datetime import date

import pandas as pd

from .. import periods
from ..schema import REVIEWED
from .aggregate import violent


def codes(start: date | None, end: date | None, freq: str) -> list[str]:
    """The slider's stops: every week or month of the view's period, oldest first."""
    if start is None or end is None:
        return []
    return periods.period_codes(start, end, freq)


def frame(shown: pd.DataFrame, code: str, trail: bool = True) -> tuple[pd.DataFrame, list[str]]:
    """(the incidents to draw, the ids of those in the period): an incident is in the period when its date
    window (periods.window) overlaps it; with `trail` the earlier ones of the view are drawn too (faintly),
    never the later ones. An unknown code draws everything, highlighting nothing."""
    span = periods.parse_period(code)
    if span is None or shown.empty:
        return shown, []
    first, last, _ = span
    start, end = periods.windows(shown)
    inside = (end >= pd.Timestamp(first)) & (start <= pd.Timestamp(last))
    earlier = end < pd.Timestamp(first)
    drawn = shown[inside | (earlier & trail)]
    return drawn, list(shown.loc[inside, "incident_id"])


def label(code: str) -> str:
    """'January 2026' or 'week 3 of 2026 (12–18 Jan)'."""
    span = periods.parse_period(code)
    if span is None:
        return code
    first, last, freq = span
    if freq == "month":
        return f"{first:%B %Y}"
    return f"week {first.isocalendar()[1]} of {first.isocalendar()[0]} ({first.day} {first:%b} – {last.day} {last:%b})"


def summary(shown: pd.DataFrame, code: str) -> str:
    """What the period holds, in reviewed violent incidents and known killed: 'January 2026: 3 incidents,
    5 killed (figure for 2 of 3)'. Candidates are never counted."""
    _, ids = frame(shown, code)
    rows = violent(shown[shown["incident_id"].isin(ids) & shown["review_status"].isin(REVIEWED)])
    known = rows["killed"].notna()
    killed = "killed unknown" if not known.any() else f"{int(rows.loc[known, 'killed'].sum()):,} killed" \
        + ("" if known.all() else f" (figure for {int(known.sum())} of {len(rows)})")
    n = len(rows)
    return f"{label(code)}: {n} incident{'s' * (n != 1)}" + (f", {killed}" if n else "")


def span(code: str) -> tuple[date, date] | None:
    """(first day, last day) of a period code, or None (no period picked, or not a code)."""
    got = periods.parse_period(code) if code else None
    return None if got is None else got[:2]
