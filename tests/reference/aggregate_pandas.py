"""The pandas aggregates the dashboard used before the query layer, kept only as the reference the SQL
aggregates are proven against (tests/view/test_sql_equivalence.py). Not used by the package.

Headline figures and per-week / per-month aggregates of a set of incidents. Pure pandas.

Headline figures are numbers an analyst can quote: they count reviewed records only (the view passes
them nothing else), keep violent incidents and strategic developments apart, and say how many
records carry a figure, so a total is never presented as more complete than it is and an unknown is
never shown as 0. Killed figures follow the ledger convention of `incidents.derive` (UCDP's
low/best/high): `killed` is the curator's best estimate, `killed_low`/`killed_high` the lowest and
highest figure any source claims.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from incidents.periods import period_start, previous_period, windows
from incidents.schema import EVENT_TYPES, NOT_VIOLENT
from incidents.view.aggregate import Change, Headline, Tally, tally  # the results' shapes are shared  # noqa: F401

FREQS = {"week": "W", "month": "M"}
# Date precisions too coarse to place in a period of the given size.
COARSER = {"week": ("month", "year"), "month": ("year",)}
NOT_INCIDENTS = NOT_VIOLENT  # agreements, talks… are counted apart and do not reset "days since last incident"


def _sum_or_none(s: pd.Series) -> int | None:
    return int(s.sum()) if s.notna().any() else None


def violent(df: pd.DataFrame) -> pd.DataFrame:
    """The incidents among the records (strategic developments left out)."""
    return df[~df["event_type"].isin(NOT_INCIDENTS)]


def last_incident_date(df: pd.DataFrame) -> date | None:
    """Latest day an incident (not a strategic development) is known to have happened on:
    its end_date when it lasted several days, else its event_date."""
    is_incident = ~df["event_type"].isin(NOT_INCIDENTS)
    if not is_incident.any():
        return None
    last = df["end_date"].where(df["end_date"].notna(), df["event_date"])[is_incident].max()
    return None if pd.isna(last) else last.date()


def count_between(df: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """Records whose date window overlaps [start, end] (same rule as the date filter)."""
    s, e = windows(df)
    return df[(e >= pd.Timestamp(start)) & (s <= pd.Timestamp(end))]


def change(undated: pd.DataFrame, start: date, end: date) -> Change:
    """Violent incidents in [start, end] against the equally long period before it, on a frame filtered
    by everything except dates."""
    ps, pe = previous_period(start, end)
    inc = violent(undated)
    cur, prev = count_between(inc, start, end), count_between(inc, ps, pe)
    return Change(start, end, ps, pe, len(cur), len(prev), _sum_or_none(cur["killed"]), _sum_or_none(prev["killed"]))


def headline(shown: pd.DataFrame, today: date, undated: pd.DataFrame | None = None,
             period: tuple[date | None, date | None] = (None, None)) -> Headline:
    """Headline figures for the shown (reviewed) records.

    `undated` (the data under every filter except the dates) and a bounded `period` enable the
    comparison with the previous period; without a bounded period there is none.
    """
    inc = violent(shown)
    last = last_incident_date(shown)
    start, end = period
    chg = change(undated, start, end) if undated is not None and start and end else None
    return Headline(
        incidents=len(inc),
        developments=len(shown) - len(inc),
        killed=tally(inc["killed"]),
        killed_low=_sum_or_none(inc["killed_low"]),
        killed_high=_sum_or_none(inc["killed_high"]),
        injured=tally(inc["injured"]),
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
