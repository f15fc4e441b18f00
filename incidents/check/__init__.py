"""Checks on the raw (string) tables: every rule, every row, all problems at once.

Column rules come from the schema's column kinds (`columns.py`, run by pandera, lazily, so one bad
cell never hides another); rules across rows and tables are vectorised pandas (`rows.py`); the
memoised speed-ups live apart (`fast.py`). Each finding is a `Problem` located as file:row:column
with what was found and what is expected.
"""

from __future__ import annotations

import pandas as pd

from .. import schema as S
from ..errors import Problem
from .columns import CONTROL_CLASS, FORMULA_START, MAX_CELL_CHARS, check_columns, check_header, rules_for
from .fast import memo_scope
from .geography import check_geography
from .rows import check_incident_rows, check_ledger

__all__ = ["CONTROL_CLASS", "FORMULA_START", "MAX_CELL_CHARS", "bad_rows", "check_columns", "check_dataset",
           "check_geography", "check_header", "check_incident_rows", "check_ledger", "rules_for", "sort_problems"]


def check_dataset(incidents: pd.DataFrame | None, sources: pd.DataFrame | None,
                  inc_file: str = "incidents.csv", src_file: str = "sources.csv") -> list[Problem]:
    """Every rule on a pair of raw tables. Problems are sorted by file, row and column."""
    with memo_scope():
        return _check_dataset(incidents, sources, inc_file, src_file)


def _check_dataset(incidents: pd.DataFrame | None, sources: pd.DataFrame | None,
                   inc_file: str, src_file: str) -> list[Problem]:
    problems: list[Problem] = []
    if incidents is not None:
        problems += check_header(incidents, S.INCIDENTS, inc_file)
        problems += check_columns(incidents, S.INCIDENTS, inc_file)
        problems += check_incident_rows(incidents, inc_file)
        problems += check_geography(incidents, inc_file)
    if sources is not None:
        problems += check_header(sources, S.SOURCES, src_file)
        problems += check_columns(sources, S.SOURCES, src_file)
    if incidents is not None and sources is not None and "incident_id" in incidents and "incident_id" in sources:
        problems += check_ledger(incidents, sources, inc_file, src_file)
    return sort_problems(problems)


def sort_problems(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.file, p.row if p.row is not None else -1, p.column or "", p.message))


def bad_rows(problems: list[Problem], file: str) -> set[int]:
    """Record positions (index values) of rows in `file` with at least one error."""
    return {p.row - 2 for p in problems if p.is_error and p.file == file and p.row is not None and p.row >= 2}
