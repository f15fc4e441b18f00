"""Dates and periods, with one rule for what a date precision means: the window an event may fall in.

An event dated `event_date` with precision
* day   happened on that day (or from it to `end_date`, for a multi-day event);
* week  happened in the 7 days starting on `event_date` (event_date .. event_date + 6);
* month happened in that calendar month; year: in that calendar year.
An explicit `end_date` (the last day of a multi-day event, or the last possible day of an imprecise
one, e.g. "early January": 1-10 January) is the window's last day. The filters, the timeline, the headline
figures, the extractor's clustering and the scorer all use this one rule (`window` for one event,
`windows` for a column of them); matching tolerances are added on top of it, never instead of it.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pandas as pd

PRECISIONS = ("day", "week", "month", "year")
WEEK_DAYS = 7


def window(event_date: date, precision: str = "day", end_date: date | None = None) -> tuple[date, date]:
    """(first, last) day the event may have happened on (see the module docstring)."""
    if precision == "week":
        last = event_date + timedelta(days=WEEK_DAYS - 1)
    elif precision == "month":
        last = event_date.replace(day=calendar.monthrange(event_date.year, event_date.month)[1])
    elif precision == "year":
        last = event_date.replace(month=12, day=31)
    else:
        last = event_date
    if end_date is not None and end_date >= event_date:
        last = end_date
    return event_date, last


def windows(df: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """`window` for every row of a frame with event_date, date_precision and end_date (vectorised)."""
    start = df["event_date"]
    prec = df["date_precision"]
    implied = start.copy()
    # Calendar offsets are slow per element, so they are applied only to the (few) coarse rows.
    for value, shift in (("week", pd.Timedelta(days=WEEK_DAYS - 1)), ("month", pd.offsets.MonthEnd(0)),
                         ("year", pd.offsets.YearEnd(0))):
        m = (prec == value).to_numpy()
        if m.any():
            implied[m] = start[m] + shift
    end = df["end_date"].where(df["end_date"].notna() & (df["end_date"] >= start), implied)
    return start, end


def overlaps(a: tuple[date, date], b: tuple[date, date], slack_days: int = 0) -> bool:
    """True when two windows overlap, allowing `slack_days` between them."""
    gap = timedelta(days=slack_days)
    return a[0] <= b[1] + gap and b[0] <= a[1] + gap


def rolling(days: int, today: date) -> tuple[date, date]:
    """The last `days` days, today included."""
    return today - timedelta(days=days - 1), today


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period of equal length just before [start, end] (both inclusive)."""
    days = (end - start).days + 1
    return start - timedelta(days=days), start - timedelta(days=1)


def period_start(dates: pd.Series, freq: str) -> pd.Series:
    """First day of the week (Monday) or month each date falls in."""
    d = dates.dt.normalize()
    if freq == "week":
        return d - pd.to_timedelta(d.dt.day_of_week, unit="D")
    if freq == "month":
        return d - pd.to_timedelta(d.dt.day - 1, unit="D")
    raise ValueError(f"freq must be 'week' or 'month', not {freq!r}")


# --- period codes: one week or month of the time slider, as written in a link (at=2026-01, at=2026-W03) ---

def period_code(day: date, freq: str) -> str:
    """The code of the week (ISO, 'YYYY-Www') or month ('YYYY-MM') a day falls in."""
    if freq == "week":
        y, w, _ = day.isocalendar()
        return f"{y}-W{w:02d}"
    return f"{day.year}-{day.month:02d}"


def parse_period(code: str) -> tuple[date, date, str] | None:
    """(first day, last day, 'week' or 'month') of a period code; None when it is not one."""
    import re

    code = (code or "").strip()
    m = re.fullmatch(r"([0-9]{4})-W([0-9]{2})", code)
    if m:
        try:
            first = date.fromisocalendar(int(m[1]), int(m[2]), 1)
        except ValueError:
            return None
        return first, first + timedelta(days=WEEK_DAYS - 1), "week"
    m = re.fullmatch(r"([0-9]{4})-([0-9]{2})", code)
    if m and 1 <= int(m[2]) <= 12 and int(m[1]) >= 1:
        y, mo = int(m[1]), int(m[2])
        return date(y, mo, 1), date(y, mo, calendar.monthrange(y, mo)[1]), "month"
    return None


def period_codes(start: date, end: date, freq: str) -> list[str]:
    """Every period code from the one holding `start` to the one holding `end`, in order."""
    out: list[str] = []
    day = start
    while day <= end:
        out.append(period_code(day, freq))
        first, last, _ = parse_period(out[-1])
        day = last + timedelta(days=1)
    return out
