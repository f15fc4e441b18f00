"""The one write transaction every maintainer action goes through (add, upload save, review).

    with transaction(directory) as tx:        # lock, then read both tables as they are now
        plan = plan_add(tx.incidents, tx.sources, new, ...)
        tx.write(sources=plan.sources, incidents=plan.incidents)

Under the data directory's lock the current tables are read again (another maintainer may have
written meanwhile); a table with rows that cannot be read refuses the whole transaction, since
rewriting it would drop those rows for good. `write` replaces the files atomically, ledger first:
a crash between the two writes leaves an extra claim (reported by validation), never an incident
without a source. The extraction file (review decisions) is written last.
"""

from __future__ import annotations

from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pandas as pd

from ..errors import Problem, WriteRefused
from ..schema import CANDIDATES_FILE, INCIDENTS, SOURCES, Table
from . import journal
from .files import LOCK_TIMEOUT, locked
from .tables import read_table, table_bytes, table_path

HEADER_ONLY = "file has a header but no data rows"


def empty_table(table: Table) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=str) for c in table.names})


def read_or_empty(path: Path, table: Table) -> tuple[pd.DataFrame | None, list[Problem]]:
    """A table's raw rows, or an empty table when the file does not exist yet."""
    if not Path(path).exists():
        return empty_table(table), []
    return read_table(path)


def blocking(problems: list[Problem]) -> list[Problem]:
    """The read problems that forbid rewriting a file (an empty-but-headed file is fine to append to)."""
    return [p for p in problems if p.is_error and p.message != HEADER_ONLY]


@dataclass
class Transaction:
    """The tables as they are under the lock, and the one way to replace them."""

    directory: Path
    incidents: pd.DataFrame
    sources: pd.DataFrame
    candidates_path: Path
    _candidates: pd.DataFrame | None = field(default=None, repr=False)
    written: list[str] = field(default_factory=list)

    @property
    def candidates(self) -> pd.DataFrame:
        """The extraction file's rows (review queue), read on first use."""
        if self._candidates is None:
            frame, problems = read_table(self.candidates_path)
            if frame is None:
                raise WriteRefused("cannot read the extraction file: " + "; ".join(map(str, problems)))
            self._candidates = frame
        return self._candidates

    def write(self, sources: pd.DataFrame | None = None, incidents: pd.DataFrame | None = None,
              candidates: pd.DataFrame | None = None) -> list[str]:
        """Replace the given tables as one step (ledger, incidents, extraction file, in that order)."""
        files = []
        if sources is not None:
            files.append((table_path(self.directory, SOURCES), table_bytes(sources, SOURCES)))
            self.sources = sources
        if incidents is not None:
            files.append((table_path(self.directory, INCIDENTS), table_bytes(incidents, INCIDENTS)))
            self.incidents = incidents
        if candidates is not None:
            files.append((self.candidates_path, table_bytes(candidates)))
            self._candidates = candidates
        if files:
            journal.commit(self.directory, files)
            self.written += [t.name for t, _ in files]
        return self.written


@contextmanager
def transaction(directory: Path, candidates_path: Path | None = None,
                timeout: float = LOCK_TIMEOUT) -> Iterator[Transaction]:
    """Lock the data directory, read both tables, refuse when either has unreadable rows."""
    directory = Path(directory)
    candidates_path = Path(candidates_path) if candidates_path else directory / CANDIDATES_FILE
    with ExitStack() as stack:
        stack.enter_context(locked(directory, timeout))
        if candidates_path.parent.resolve() != directory.resolve():
            stack.enter_context(locked(candidates_path.parent, timeout))
        journal.recover(directory)  # a writer killed earlier: finish or undo its commit first
        inc, p1 = read_or_empty(table_path(directory, INCIDENTS), INCIDENTS)
        src, p2 = read_or_empty(table_path(directory, SOURCES), SOURCES)
        refused = blocking(p1 + p2)
        if inc is None or src is None or refused:
            raise WriteRefused(
                "nothing written: the data files have problems a rewrite could make worse; fix them first "
                "(`incidents validate` lists every problem): " + "; ".join(map(str, (refused or p1 + p2)[:3])),
                refused or p1 + p2)
        yield Transaction(directory, inc, src, candidates_path)
