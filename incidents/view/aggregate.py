"""Headline figures and per-week / per-month aggregates of a set of incidents. Pure pandas.

Killed figures follow the ledger convention of `incidents.derive` (UCDP's low/best/high):
`killed` is the curator's best estimate, `killed_low`/`killed_high` the lowest and highest figure
any source claims. Sums treat a missing figure as 0 and count how many incidents had none, so a
total is never silently presented as complete.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from ..periods import period_start, previous_period, windows
from ..schema import EVENT_TYPES

FREQS = {"week": "W", "month": "M"}
# Date precisions too coarse to place in a period of the given size.
COARSER = {"week": ("month", "year"), "month": ("year",)}
NOT_INCIDENTS = ("strategic_development",)  # agreements, talks… do not reset "days since last incident"


@dataclass(frozen=True)
class Change:
    """Shown incidents against the previous period of equal length (same other filters)."""

    start: date
    end: date
    prev_start: date
    prev_end: date
    current: int
    previous: int
    killed_current: int
    killed_previous: int

    @property
    def delta(self) -> int:
        return self.current - self.previous

    @property
    def pct(self) -> float | None:
        return None if self.previous == 0 else 100.0 * self.delta / self.previous


@dataclass(frozen=True)
class Headline:
    incidents: int
    killed: int
    killed_low: int
    killed_high: int
    killed_unknown: int  # incidents with no killed figure at all
    injured: int
    injured_unknown: int
    last_incident: date | None
    days_since: int | None
    change: Change | None


def _sum(s: pd.Series) -> int:
    return int(s.sum())  # missing figures are skipped, i.e. count as 0


def last_incident_date(df: pd.DataFrame) -> date | None:
    """Latest day an incident (not a strategic development) is known to have happened on:
    its end_date when it lasted several days, else its event_date."""
    is_incident = ~df["event_type"].isin(NOT_INCIDENTS)
    if not is_incident.any():
        return None
    last = df["end_date"].where(df["end_date"].notna(), df["event_date"])[is_incident].max()
    return None if pd.isna(last) else last.date()


def count_between(df: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """Incidents whose date interval overlaps [start, end] (same rule as the date filter)."""
    s, e = windows(df)
    return df[(e >= pd.Timestamp(start)) & (s <= pd.Timestamp(end))]


def change(undated: pd.DataFrame, start: date, end: date) -> Change:
    """Compare [start, end] with the equally long period before it, on a frame filtered by
    everything except dates."""
    ps, pe = previous_period(start, end)
    cur, prev = count_between(undated, start, end), count_between(undated, ps, pe)
    return Change(start, end, ps, pe, len(cur), len(prev), _sum(cur["killed"]), _sum(prev["killed"]))


def headline(shown: pd.DataFrame, today: date, undated: pd.DataFrame | None = None,
             period: tuple[date | None, date | None] = (None, None)) -> Headline:
    """Headline figures for the shown incidents.

    `undated` (the data under every filter except the dates) and a bounded `period` enable the
    comparison with the previous period; without a bounded period there is none.
    """
    last = last_incident_date(shown)
    start, end = period
    chg = change(undated, start, end) if undated is not None and start and end else None
    return Headline(
        incidents=len(shown),
        killed=_sum(shown["killed"]),
        killed_low=_sum(shown["killed_low"]),
        killed_high=_sum(shown["killed_high"]),
        killed_unknown=int(shown["killed"].isna().sum()),
        injured=_sum(shown["injured"]),
        injured_unknown=int(shown["injured"].isna().sum()),
        last_incident=last,
        days_since=None if last is None else (today - last).days,
        change=chg,
    )


def per_period(df: pd.DataFrame, freq: str = "month", start: date | None = None,
               end: date | None = None) -> pd.DataFrame:
    """Counts and killed per week or month, one row per period (empty periods included).

    Columns: period (first day), one count column per event type, incidents, killed, killed_low,
    killed_high, coarse (incidents whose date is known only more coarsely than the period; they
    are counted in the period of their first possible day).
    """
    cols = ["period", *EVENT_TYPES, "incidents", "killed", "killed_low", "killed_high", "coarse"]
    if df.empty and (start is None or end is None):
        return pd.DataFrame({c: pd.Series(dtype="datetime64[us]" if c == "period" else "int64") for c in cols})
    p = period_start(df["event_date"], freq)
    lo = pd.Timestamp(start) if start else p.min()
    hi = pd.Timestamp(end) if end else p.max()
    full = period_start(pd.Series([lo, hi]), freq)
    if freq == "week":
        index = pd.date_range(full.iloc[0], full.iloc[1], freq="7D")
    else:
        index = pd.date_range(full.iloc[0], full.iloc[1], freq="MS")
    g = df.assign(_p=p)
    counts = g.groupby(["_p", "event_type"], observed=True).size().unstack(fill_value=0) \
        .reindex(index=index, columns=list(EVENT_TYPES), fill_value=0)
    out = counts.copy()
    out["incidents"] = counts.sum(axis=1)
    for c in ("killed", "killed_low", "killed_high"):
        out[c] = g.groupby("_p")[c].sum(min_count=1).reindex(index).fillna(0).astype("int64")
    coarse = g[g["date_precision"].isin(COARSER[freq])].groupby("_p").size()
    out["coarse"] = coarse.reindex(index).fillna(0).astype("int64")
    out = out.rename_axis("period").reset_index()
    out.columns.name = None
    return out[cols].astype({c: "int64" for c in cols if c != "period"})
