"""The only code that opens data files or databases: tables, articles, the bundled geography, the load cache.

A store has a small interface - read the tables, run one write transaction, tell whether anything
changed. `FileStore` is the data directory's CSV files (the default); `PgStore` (postgres.py) a
PostgreSQL database a team shares, selected by $BORDERWATCH_STORE or --store. `open_store` and
`transaction` pick the configured one, so every command and the dashboard use the same.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import config
from ..errors import LockTimeout, Problem
from ..schema import CANDIDATES_FILE, INCIDENTS, SOURCES
from . import articles, cache, geodata, journal
from .files import LOCK_NAME, locked, write_bytes_atomic, write_table
from .tables import decode, parse_csv, read_table, table_bytes, table_path
from .transaction import Transaction, empty_table, read_or_empty
from .transaction import transaction as file_transaction

__all__ = ["articles", "geodata", "FileStore", "Transaction", "decode", "empty_table", "locked", "open_store", "parse_csv",
           "read_or_empty", "read_table", "table_bytes", "table_path", "transaction", "write_bytes_atomic",
           "write_table", "LOCK_NAME", "file_transaction"]


class FileStore:
    """A data directory: incidents.csv, sources.csv and extracted.csv, written under one lock."""

    def __init__(self, directory: str | Path | None = None):
        self.directory = config.data_dir(directory)

    def __repr__(self) -> str:
        return f"FileStore({str(self.directory)!r})"

    @property
    def incidents_path(self) -> Path:
        return table_path(self.directory, INCIDENTS)

    @property
    def sources_path(self) -> Path:
        return table_path(self.directory, SOURCES)

    @property
    def candidates_path(self) -> Path:
        return self.directory / CANDIDATES_FILE

    def settle(self) -> None:
        """Finish or undo a commit a killed writer left (see journal.py); a no-op when there is none.
        Readers call it first, so no command ever reads half a commit."""
        if journal.pending(self.directory):
            try:
                with locked(self.directory, timeout=5.0):
                    journal.recover(self.directory)
            except LockTimeout:
                pass  # a writer holds the lock: it recovers first

    def read_tables(self) -> tuple[pd.DataFrame | None, pd.DataFrame | None, list[Problem]]:
        """Both tables as raw strings (None when unreadable) and every problem met reading them."""
        self.settle()
        inc, p1 = read_table(self.incidents_path)
        src, p2 = read_table(self.sources_path)
        return inc, src, p1 + p2

    def read_candidates(self) -> tuple[pd.DataFrame | None, list[Problem]]:
        """The extraction file (review queue) as raw strings."""
        self.settle()
        return read_table(self.candidates_path)

    def transaction(self, candidates_path: Path | None = None):
        """The one write transaction: see `store.transaction`."""
        return file_transaction(self.directory, candidates_path)

    def has_candidates(self) -> bool:
        return self.candidates_path.exists()

    def cache_entry(self, include_extracted: bool = True) -> Path | None:
        """The load-cache entry for the files as they are now, or None when not cached."""
        names = [INCIDENTS.file, SOURCES.file] + ([CANDIDATES_FILE] if include_extracted else [])
        return cache.entry(self.directory, names, f"extracted={include_extracted}")

    def fingerprint(self) -> tuple:
        """(path, size, mtime) of every data file; changes whenever a file is rewritten (a cache key)."""
        out = []
        for p in (self.incidents_path, self.sources_path, self.candidates_path):
            try:
                st = p.stat()
                out.append((str(p), st.st_size, st.st_mtime_ns))
            except FileNotFoundError:
                out.append((str(p), None, None))
        return tuple(out)

    LAST_REVIEW = ".last_review_visit"  # when the review page was last opened (shared by the maintainers)

    def last_review_visit(self) -> str:
        """The time the review page was last opened on this data directory (ISO text), '' if never."""
        try:
            return (self.directory / self.LAST_REVIEW).read_text(encoding="utf-8").strip()
        except OSError:
            return ""

    def mark_review_visit(self, when: str) -> None:
        """Remember `when` as the review page's last visit (atomically; failure to write is harmless)."""
        try:
            write_bytes_atomic(self.directory / self.LAST_REVIEW, when.encode("utf-8"))
        except OSError:
            pass

    def article_roots(self) -> list[Path]:
        """Folders whose article files review pages may show: the data directory's articles/, the seeds."""
        return [self.directory / "articles", config.PACKAGE_DIR.parent / "seeds", Path("seeds")]


def open_store(directory: str | Path | None = None):
    """The configured store: the database of --store / $BORDERWATCH_STORE when set (a PgStore, with
    `directory` for the article files), else the CSV files of the data directory (default: $BORDERWATCH_DATA,
    else ./data)."""
    url = config.store_url()
    if url:
        from .postgres import PgStore

        return PgStore(url, directory)
    return FileStore(directory)


def transaction(directory: str | Path | None = None, candidates_path: Path | None = None):
    """The one write transaction every maintainer action goes through, on the configured store:
    `with transaction(directory) as tx: ... tx.write(sources=..., incidents=...)` (see transaction.py
    for the files, postgres.py for the database)."""
    return open_store(directory).transaction(candidates_path)
