"""The query layer's SQL: every filter of a `FilterState` as one parameterised WHERE, and the aggregates
(headline figures, per-period counts, map cells) as SQL over the same table. Text only: no engine here.

The SQL runs unchanged on DuckDB and PostgreSQL (`store/engines.py`). User values only ever travel as
`?` parameters; the only words written into the text are column names and codes from `schema.py`.

The table `inc` holds one row per incident (`index.COLUMNS`): `_row` (its position in the loaded frame),
the filtered columns with '' for blank text and NULL for an unknown number, and `window_end`, the last day
of its date window (periods.py: the one date-window rule). Free text is in `hay` (`_row`, `haystack`).
"""

from __future__ import annotations

import re
from datetime import date

from ..schema import DATE_PRECISIONS, NOT_VIOLENT, REVIEWED
from .params import NO_BORDER, UNKNOWN_GEO
from .search import search_terms

# Date precisions too coarse to place in a period of the given size (the timeline's hollow markers).
COARSER = {"week": ("month", "year"), "month": ("year",)}
assert all(p in DATE_PRECISIONS for ps in COARSER.values() for p in ps)


def literal(code: str) -> str:
    """A code from schema.py as an SQL string literal (codes are lower-case words: nothing to escape)."""
    assert re.fullmatch(r"[a-z_]+", code), code
    return f"'{code}'"


def codes(values) -> str:
    return ", ".join(literal(v) for v in values)


VIOLENT = f"event_type NOT IN ({codes(NOT_VIOLENT)})"
IS_REVIEWED = f"review_status IN ({codes(REVIEWED)})"
IS_CANDIDATE = "review_status = 'unreviewed'"


class Where:
    """A WHERE clause under construction: conditions joined by AND, their parameters in order."""

    def __init__(self):
        self.parts: list[str] = []
        self.params: list = []

    def add(self, condition: str, *params) -> None:
        self.parts.append(condition)
        self.params.extend(params)

    def within(self, column: str, values, blank: bool = False) -> None:
        """`column` is one of `values` (or, with `blank`, empty)."""
        values = [str(v) for v in values]
        cond = f"{column} IN ({', '.join('?' * len(values))})"
        self.add(f"({cond} OR {column} = '')" if blank else cond, *values)

    @property
    def sql(self) -> str:
        return " AND ".join(self.parts) if self.parts else "TRUE"


def where(state, today: date, ignore_dates: bool = False) -> tuple[str, list]:
    """(SQL condition, parameters) selecting exactly the incidents `state`'s filters keep.

    The same rules as the dashboard has always applied: a date range keeps incidents whose date window
    overlaps it; 'none' among the borders keeps incidents on no border and 'unknown' among the place
    precisions those without one; actors match either side; a minimum killed above 0 drops unknown
    figures; the map's box drops incidents without coordinates; every search word or quoted phrase must
    occur in the incident's folded text or its ledger's."""
    w = Where()
    if not ignore_dates:
        lo, hi = state.date_range(today)
        if lo is not None:
            w.add("window_end >= ?", lo)
        if hi is not None:
            w.add("event_date <= ?", hi)
    if state.borders:
        w.within("border", state.borders, blank=NO_BORDER in state.borders)
    for column, values in (("country", state.countries), ("admin1", state.provinces),
                           ("event_type", state.event_types), ("origin", state.origins),
                           ("date_precision", state.date_precisions), ("sub_event_type", state.sub_event_types)):
        if values:
            w.within(column, values)
    if state.actors:
        marks = ", ".join("?" * len(state.actors))
        w.add(f"(actor1 IN ({marks}) OR actor2 IN ({marks}))", *map(str, state.actors), *map(str, state.actors))
    if state.min_killed > 0:
        w.add("killed >= ?", int(state.min_killed))
    if state.geo_precisions:
        w.within("geo_precision", state.geo_precisions, blank=UNKNOWN_GEO in state.geo_precisions)
    if state.bbox:
        x0, y0, x1, y1 = (float(v) for v in state.bbox)
        w.add("longitude >= ? AND longitude <= ? AND latitude >= ? AND latitude <= ?", x0, x1, y0, y1)
    terms = search_terms(state.text)
    if terms:
        w.add("_row IN (SELECT _row FROM hay WHERE " + " AND ".join(["strpos(haystack, ?) > 0"] * len(terms)) + ")",
              *terms)
    return w.sql, w.params


def total(expression: str) -> str:
    """A sum as a whole number in both engines (PostgreSQL sums bigints as numeric, DuckDB as hugeint)."""
    return f"CAST(sum({expression}) AS BIGINT)"


def positions(condition: str) -> str:
    """Positions (in the loaded frame, ascending) of the incidents meeting `condition`."""
    return f"SELECT _row FROM inc WHERE {condition} ORDER BY _row"


def headline(condition: str) -> str:
    """One row: violent incidents, all records, killed (sum, known), killed_low and _high sums, injured
    (sum, known), the last day an incident is known to have happened on."""
    v = VIOLENT
    return (f"SELECT {total(f'CASE WHEN {v} THEN 1 ELSE 0 END')}, count(*), "
            f"{total(f'CASE WHEN {v} THEN killed END')}, count(CASE WHEN {v} THEN killed END), "
            f"{total(f'CASE WHEN {v} THEN killed_low END')}, {total(f'CASE WHEN {v} THEN killed_high END')}, "
            f"{total(f'CASE WHEN {v} THEN injured END')}, count(CASE WHEN {v} THEN injured END), "
            f"max(CASE WHEN {v} THEN coalesce(end_date, event_date) END) "
            f"FROM inc WHERE {condition}")


def change(condition: str) -> str:
    """One row for [start, end] and the period before it (4 date parameters first: start, end, previous
    start, previous end): violent incidents whose window overlaps each, and their killed (NULL: no figure)."""
    cur, prev = "window_end >= ? AND event_date <= ?", "window_end >= ? AND event_date <= ?"
    return (f"SELECT {total(f'CASE WHEN {cur} THEN 1 ELSE 0 END')}, {total(f'CASE WHEN {cur} THEN killed END')}, "
            f"{total(f'CASE WHEN {prev} THEN 1 ELSE 0 END')}, {total(f'CASE WHEN {prev} THEN killed END')} "
            f"FROM inc WHERE {VIOLENT} AND {condition}")


def per_period(condition: str, freq: str) -> str:
    """Per period start (Monday of the week, first of the month) and event type: incidents, killed,
    killed_low, killed_high, and how many are dated more coarsely than the period."""
    unit = {"week": "week", "month": "month"}[freq]
    return (f"SELECT CAST(date_trunc('{unit}', CAST(event_date AS TIMESTAMP)) AS DATE) AS period, event_type, "
            f"count(*) AS n, {total('killed')} AS killed, {total('killed_low')} AS killed_low, "
            f"{total('killed_high')} AS killed_high, "
            f"{total(f'CASE WHEN date_precision IN ({codes(COARSER[freq])}) THEN 1 ELSE 0 END')} AS coarse "
            f"FROM inc WHERE {condition} GROUP BY 1, 2")


def cells(condition: str, not_mapped: tuple[str, ...]) -> str:
    """Mapped incidents per grid cell (cell size in degrees: 2 parameters first) and event type:
    cell row and column (floor of degrees / size), incidents, killed (unknown counted as 0)."""
    hidden = f" AND geo_precision NOT IN ({codes(not_mapped)})" if not_mapped else ""
    return ("SELECT CAST(floor(latitude / ?) AS BIGINT) AS iy, CAST(floor(longitude / ?) AS BIGINT) AS ix, "
            f"event_type, count(*) AS n, {total('coalesce(killed, 0)')} AS killed FROM inc "
            f"WHERE latitude IS NOT NULL AND longitude IS NOT NULL{hidden} AND {condition} GROUP BY 1, 2, 3")
