"""Headline figures, per-week / per-month aggregates and map cells of a set of incidents, as SQL.

A set of incidents is a `Selection`: an index (view/index.py) and an SQL condition on it. The functions
also take a plain frame (its own index, every row). The numbers are computed by the query layer's SQL
(view/sql.py, the same on DuckDB and PostgreSQL); pandas only receives the small aggregated result.

Headline figures are numbers an analyst can quote: they count reviewed records only (the view passes
them nothing else), keep violent incidents and strategic developments apart, and say how many
records carry a figure, so a total is never presented as more complete than it is and an unknown is
never shown as 0. Killed figures follow the ledger convention of `incidents.derive` (UCDP's
low/best/high): `killed` is the curator's best estimate, `killed_low`/`killed_high` the lowest and
highest figure any source claims.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from ..periods import period_start, previous_period
from ..schema import EVENT_TYPES, NOT_VIOLENT
from . import sql
from .index import Index, index_for

FREQS = {"week": "W", "month": "M"}
COARSER = sql.COARSER  # date precisions too coarse to place in a period of the given size
NOT_INCIDENTS = NOT_VIOLENT  # agreements, talks… are counted apart and do not reset "days since last incident"


@dataclass(frozen=True)
class Tally:
    """A sum over records of which only some carry a figure: `total` is None when none does."""

    total: int | None
    known: int  # records with a figure
    of: int  # records counted

    @property
    def unknown(self) -> int:
        return self.of - self.known

    def words(self, noun: str = "incidents") -> str:
        """'12 in 4 of 5 incidents with a figure', 'unknown (no figure in 3 incidents)'."""
        if self.total is None:
            return f"unknown (no figure in {self.of} {noun})" if self.of else "none"
        if self.known == self.of:
            return f"{self.total} (every one of {self.of} {noun} has a figure)"
        return f"{self.total} in {self.known} of {self.of} {noun} with a figure"


@dataclass(frozen=True)
class Change:
    """Shown incidents against the previous period of equal length (same other filters)."""

    start: date
    end: date
    prev_start: date
    prev_end: date
    current: int
    previous: int
    killed_current: int | None
    killed_previous: int | None

    @property
    def delta(self) -> int:
        return self.current - self.previous

    @property
    def pct(self) -> float | None:
        return None if self.previous == 0 else 100.0 * self.delta / self.previous


@dataclass(frozen=True)
class Headline:
    incidents: int  # violent incidents (every type but strategic developments)
    developments: int  # strategic developments, counted apart
    killed: Tally  # best estimates, over the violent incidents
    killed_low: int | None  # sums of the lowest / highest figure any source gives, over the same incidents
    killed_high: int | None
    injured: Tally
    last_incident: date | None
    days_since: int | None
    change: Change | None


def tally(s: pd.Series) -> Tally:
    known = int(s.notna().sum())
    return Tally(int(s.sum()) if known else None, known, len(s))


@dataclass(frozen=True)
class Selection:
    """Some incidents of an index: those meeting `condition` (with its parameters)."""

    index: Index
    condition: str = "TRUE"
    params: tuple = ()

    def also(self, condition: str, *params) -> "Selection":
        return Selection(self.index, f"{self.condition} AND {condition}", self.params + params)

    def rows(self, select: str, before: tuple = ()) -> list[tuple]:
        """Run `select` (a query of view/sql.py over this condition); `before` are parameters that come first."""
        return self.index.rows(select, list(before) + list(self.params))

    def frame(self, select: str, before: tuple = ()) -> pd.DataFrame:
        return self.index.frame(select, list(before) + list(self.params))

    def positions(self):
        return self.index.column(sql.positions(self.condition), list(self.params))


def selection(records: "pd.DataFrame | Selection") -> Selection:
    """A selection of every row of a frame (its index built once per frame), or the selection itself."""
    return records if isinstance(records, Selection) else Selection(index_for(records))


def _int(v) -> int | None:
    return None if v is None or pd.isna(v) else int(v)


def violent(df: pd.DataFrame) -> pd.DataFrame:
    """The incidents among the records (strategic developments left out)."""
    return df[~df["event_type"].isin(NOT_INCIDENTS)]


def last_incident_date(records) -> date | None:
    """Latest day an incident (not a strategic development) is known to have happened on:
    its end_date when it lasted several days, else its event_date."""
    sel = selection(records)
    return _day(sel.rows(sql.headline(sel.condition))[0][8])


def _day(value) -> date | None:
    if value is None or (not isinstance(value, date) and pd.isna(value)):
        return None
    return value.date() if isinstance(value, datetime) else value


def change(undated, start: date, end: date) -> Change:
    """Violent incidents in [start, end] against the equally long period before it, on records filtered
    by everything except dates (a date window counts where it overlaps, as in the date filter)."""
    ps, pe = previous_period(start, end)
    sel = selection(undated)
    cur, k_cur, prev, k_prev = sel.rows(sql.change(sel.condition), (start, end, start, end, ps, pe, ps, pe))[0]
    return Change(start, end, ps, pe, _int(cur) or 0, _int(prev) or 0, _int(k_cur), _int(k_prev))


def headline(shown, today: date, undated=None, period: tuple[date | None, date | None] = (None, None)) -> Headline:
    """Headline figures for the shown (reviewed) records.

    `undated` (the records under every filter except the dates) and a bounded `period` enable the
    comparison with the previous period; without a bounded period there is none.
    """
    sel = selection(shown)
    inc, of, k_sum, k_known, k_low, k_high, i_sum, i_known, last = sel.rows(sql.headline(sel.condition))[0]
    inc, k_known, i_known = _int(inc) or 0, int(k_known), int(i_known)
    last = _day(last)
    start, end = period
    chg = change(undated, start, end) if undated is not None and start and end else None
    return Headline(
        incidents=inc,
        developments=int(of) - inc,
        killed=Tally(_int(k_sum) if k_known else None, k_known, inc),
        killed_low=_int(k_low),
        killed_high=_int(k_high),
        injured=Tally(_int(i_sum) if i_known else None, i_known, inc),
        last_incident=last,
        days_since=None if last is None else (today - last).days,
        change=chg,
    )


def per_period(records, freq: str = "month", start: date | None = None, end: date | None = None) -> pd.DataFrame:
    """Counts and killed per week or month, one row per period (empty periods included).

    Columns: period (first day), one count column per event type, incidents, killed, killed_low,
    killed_high, coarse (incidents whose date is known only more coarsely than the period; they
    are counted in the period of their first possible day).
    """
    if freq not in FREQS:
        raise ValueError(f"freq must be 'week' or 'month', not {freq!r}")
    cols = ["period", *EVENT_TYPES, "incidents", "killed", "killed_low", "killed_high", "coarse"]
    sel = selection(records)
    g = sel.frame(sql.per_period(sel.condition, freq))
    if g.empty and (start is None or end is None):
        return pd.DataFrame({c: pd.Series(dtype="datetime64[us]" if c == "period" else "int64") for c in cols})
    g["period"] = pd.to_datetime(g["period"]).astype("datetime64[us]")
    lo = pd.Timestamp(start) if start else g["period"].min()
    hi = pd.Timestamp(end) if end else g["period"].max()
    full = period_start(pd.Series([lo, hi]).astype("datetime64[us]"), freq)
    index = pd.date_range(full.iloc[0], full.iloc[1], freq="7D" if freq == "week" else "MS", unit="us")
    counts = g.groupby(["period", "event_type"])["n"].sum().unstack(fill_value=0) \
        .reindex(index=index, columns=list(EVENT_TYPES), fill_value=0)
    out = counts.copy()
    out["incidents"] = counts.sum(axis=1)
    sums = g.groupby("period")[["killed", "killed_low", "killed_high", "coarse"]].sum(min_count=1)
    for c in ("killed", "killed_low", "killed_high", "coarse"):
        out[c] = pd.to_numeric(sums[c]).reindex(index).fillna(0).astype("int64")
    out = out.rename_axis("period").reset_index()
    out.columns.name = None
    return out[cols].astype({c: "int64" for c in cols if c != "period"})


def cells(records, deg: float, not_mapped: tuple[str, ...] = ()) -> pd.DataFrame:
    """Mapped incidents counted per grid cell of `deg` degrees: centre (lat, lon), incidents, killed (unknown
    as 0) and the most common type with its share: the map's density layer at scale, computed in SQL."""
    sel = selection(records)
    g = sel.frame(sql.cells(sel.condition, tuple(not_mapped)), (float(deg), float(deg)))
    cols = ["lat", "lon", "incidents", "killed", "top_type", "top_share"]
    if g.empty:
        return pd.DataFrame(columns=cols)
    g["key"] = g["iy"].astype("int64") * 100_000 + g["ix"].astype("int64")
    per = g.groupby("key").agg(incidents=("n", "sum"), killed=("killed", "sum"))
    g["order"] = g["event_type"].map({t: i for i, t in enumerate(EVENT_TYPES)}).fillna(len(EVENT_TYPES))
    top = g.sort_values(["key", "order", "event_type"], kind="stable") \
        .sort_values(["key", "n"], ascending=[True, False], kind="stable").drop_duplicates("key").set_index("key")
    per["top_type"] = top["event_type"].astype(str)
    per["top_share"] = top["n"] / per["incidents"]
    per["lat"] = (per.index // 100_000 + 0.5) * deg
    per["lon"] = (per.index % 100_000 + 0.5) * deg
    return per.reset_index(drop=True).astype({"incidents": "int64", "killed": "int64"})[cols]
