"""Every exception borderwatch raises on purpose, and the Problem record that every check reports."""

from __future__ import annotations

from dataclasses import dataclass

from .text import shorten


class IncidentsError(Exception):
    """Base class: an error a user can act on; the CLI and dashboard show its message, not a traceback."""


class DataFileError(IncidentsError, ValueError):
    """A data file cannot be read at all (missing, empty, wrong encoding or delimiter)."""


class LockTimeout(IncidentsError, TimeoutError):
    """Another writer holds the data directory's lock for too long."""


class WriteRefused(IncidentsError):
    """A write was refused before anything changed (e.g. a data file has rows that cannot be read)."""

    def __init__(self, message: str, problems: list | None = None):
        super().__init__(message)
        self.problems = list(problems or [])


class StoreError(IncidentsError):
    """The configured store cannot be used (no database at that address, a missing driver, ...)."""


class ReviewError(IncidentsError):
    """A review decision could not be applied; the message says why (e.g. the record has no date yet)."""


class SaveDisabled(IncidentsError):
    """Saving from the dashboard is switched off in this deployment."""


class ExportUnavailable(IncidentsError, RuntimeError):
    """Static export needs a local Chromium, and none was found."""


@dataclass(frozen=True)
class Problem:
    """One finding of a check, located as file:row:column.

    `row` counts like a spreadsheet: the header is row 1, the first record row 2
    (a quoted newline inside a cell does not add a row). `row` is None for file-level problems.
    """

    file: str
    row: int | None
    column: str | None
    message: str
    found: str | None = None
    expected: str | None = None
    severity: str = "error"  # or "warning"

    def __str__(self) -> str:
        where = f"{self.file}:{self.row if self.row is not None else '-'}:{self.column or '-'}"
        detail = ""
        if self.found is not None or self.expected is not None:
            found = "(empty)" if self.found in (None, "") else repr(shorten(self.found))
            detail = f" (found {found}; expected {self.expected})" if self.expected else f" (found {found})"
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{where}: {prefix}{self.message}{detail}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"
