"""The PostgreSQL store: the same small interface as `FileStore` (read the tables, one write transaction,
tell whether anything changed) on a database a team shares, selected by BORDERWATCH_STORE=postgresql://...

* Reads give the tables as the CSV files would: frames of strings ('' for blank), in file order.
* `transaction()` is the one write transaction: it takes the store's write lock (an advisory lock held
  to commit), reads the tables, and `write` turns each replaced table into the inserts, updates and
  deletes that make the difference, each recorded in `history` (what, when, which command and user,
  old and new values). All of it commits at the end of the `with` block or not at all: a writer killed
  at any point leaves nothing behind (PostgreSQL rolls back an unfinished transaction).
* `fingerprint()` changes with every commit (the newest history id), so each dashboard replica reloads
  on its next rerun after any replica or maintainer wrote.
"""

from __future__ import annotations

import getpass
import json
import sys
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pandas as pd

from .. import config
from ..errors import Problem, StoreError, WriteRefused
from ..schema import CANDIDATES, INCIDENTS, SOURCES, Table
from . import cache as load_cache
from . import pgschema as P
from .tables import decode, parse_csv, table_bytes

WRITE_LOCK = 0x626F7264  # the advisory lock every writer holds to commit ('bord')
LOCK_TIMEOUT_MS = 60_000


def connect(url: str, **kw):
    """A psycopg connection (psycopg is imported only when a database store is used)."""
    try:
        import psycopg
    except ImportError as exc:  # pragma: no cover - a dependency
        raise StoreError("the PostgreSQL store needs psycopg (pip install 'psycopg[binary]')") from exc
    try:
        return psycopg.connect(url, **kw)
    except psycopg.OperationalError as exc:
        raise StoreError(f"cannot connect to the database {safe_url(url)}: {str(exc).strip()}") from None


def safe_url(url: str) -> str:
    """The address without its password (for messages and cache keys)."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password:
        host = parts.hostname or ""
        netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
        parts = parts._replace(netloc=netloc)
    return urlunsplit(parts)


def who() -> tuple[str, str]:
    """(command, user) recorded with each change: the command line as run, the maintainer's name."""
    argv = [Path(sys.argv[0]).name if sys.argv else "python", *sys.argv[1:]]
    return config.command_name() or " ".join(argv)[:500], config.maintainer() or getpass.getuser()


def _read(cur, table: Table) -> tuple[pd.DataFrame, list[int]]:
    """A table as a frame of strings in file order, and each row's `_pos`."""
    buf = bytearray()
    with cur.copy(f"COPY ({P.select_text(table)}) TO STDOUT WITH (FORMAT csv, HEADER true)") as copy:
        for chunk in copy:
            buf += chunk
    text, problems = decode(bytes(buf), table.name)
    frame, problems = parse_csv(text, table.name) if text is not None else (None, problems)
    if frame is None:
        if problems and problems[0].message.endswith("no data rows") or not buf.strip():
            return pd.DataFrame({c: pd.Series(dtype=str) for c in table.names}), []
        raise StoreError(f"cannot read table {table.name}: " + "; ".join(map(str, problems)))
    pos = [int(p) for p in frame.pop("_pos")]
    return frame.reset_index(drop=True)[table.names], pos


class PgStore:
    """A PostgreSQL database holding incidents, sources and the review queue, plus their history.

    `directory` is still the data directory for what is not in the database: article files and feeds."""

    def __init__(self, url: str, directory: str | Path | None = None):
        self.url = url
        self.directory = config.data_dir(directory)
        label = Path(safe_url(url).split("?")[0].rsplit("/", 1)[-1] or "postgresql")
        self.incidents_path, self.sources_path = label / INCIDENTS.file, label / SOURCES.file
        self.candidates_path = label / CANDIDATES.file

    def __repr__(self) -> str:
        return f"PgStore({safe_url(self.url)!r})"

    def connect(self, **kw):
        return connect(self.url, **kw)

    # --- reading ----------------------------------------------------------------------------------
    def settle(self) -> None:
        """Nothing to finish: the database never holds half a commit."""

    def read_tables(self) -> tuple[pd.DataFrame | None, pd.DataFrame | None, list[Problem]]:
        with self.connect() as conn, conn.transaction(), conn.cursor() as cur:
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            inc, _ = _read(cur, INCIDENTS)
            src, _ = _read(cur, SOURCES)
        return inc, src, []

    def has_candidates(self) -> bool:
        with self.connect() as conn, conn.cursor() as cur:
            cur.execute("SELECT EXISTS (SELECT 1 FROM candidates)")
            return bool(cur.fetchone()[0])

    def read_candidates(self) -> tuple[pd.DataFrame | None, list[Problem]]:
        with self.connect() as conn, conn.cursor() as cur:
            return _read(cur, CANDIDATES)[0], []

    def fingerprint(self) -> tuple:
        """(address, newest history id): changes with every commit, by any process on any machine."""
        with self.connect() as conn, conn.cursor() as cur:
            cur.execute(f"SELECT coalesce(max(id), 0) FROM {P.HISTORY}")
            return (safe_url(self.url), int(cur.fetchone()[0]))

    def cache_entry(self, include_extracted: bool = True) -> Path | None:
        """The load-cache entry for the database as it is now (keyed by its fingerprint)."""
        try:
            return load_cache.entry_for(self.fingerprint(), f"extracted={include_extracted}")
        except StoreError:
            return None

    def history(self, incident_id: str) -> list[dict]:
        """Every recorded change to an incident and its ledger rows, oldest first."""
        with self.connect() as conn, conn.cursor() as cur:
            cur.execute(f"SELECT id, at, table_name, action, old, new, command, username FROM {P.HISTORY} "
                        "WHERE incident_id = %s ORDER BY id", [incident_id])
            names = [d.name for d in cur.description]
            return [dict(zip(names, row)) for row in cur.fetchall()]

    # --- set-up and bulk moves --------------------------------------------------------------------
    def init(self) -> bool:
        """Create the tables (idempotent); True when PostGIS is there and used."""
        with self.connect() as conn, conn.cursor() as cur:
            cur.execute("SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'postgis')")
            postgis = bool(cur.fetchone()[0])
            for statement in P.statements(postgis):
                cur.execute(statement)
        return postgis

    def replace_all(self, frames: dict[str, pd.DataFrame], note: str, replace: bool = False) -> dict[str, int]:
        """Load whole tables (an import) in one transaction; refuses a non-empty database unless `replace`."""
        command, user = who()
        with self.connect() as conn, conn.transaction(), conn.cursor() as cur:
            _lock(cur)
            cur.execute("SELECT (SELECT count(*) FROM incidents) + (SELECT count(*) FROM sources)")
            if cur.fetchone()[0] and not replace:
                raise WriteRefused("the database already holds incidents; import with --replace to replace them")
            cur.execute("DELETE FROM sources; DELETE FROM incidents; DELETE FROM candidates")
            counts = {}
            for table in (INCIDENTS, SOURCES, CANDIDATES):
                frame = frames.get(table.name)
                if frame is None:
                    continue
                frame = frame.reindex(columns=table.names, fill_value="").fillna("")
                with cur.copy(P.copy_in(table)) as copy:
                    copy.write(table_bytes(frame, table))
                counts[table.name] = len(frame)
            cur.execute(f"INSERT INTO {P.HISTORY} (table_name, action, new, command, username) VALUES "
                        "('*', 'import', %s, %s, %s)", [json.dumps({"from": note, "rows": counts}), command, user])
        return counts

    # --- the one write transaction ------------------------------------------------------------------
    @contextmanager
    def transaction(self, candidates_path: Path | None = None) -> Iterator["PgTransaction"]:
        """Take the write lock, read the tables; everything `write` does commits together at the end."""
        conn = self.connect()
        try:
            with conn.transaction(), conn.cursor() as cur:
                _lock(cur)
                inc, inc_pos = _read(cur, INCIDENTS)
                src, src_pos = _read(cur, SOURCES)
                yield PgTransaction(self.directory, inc, src, self.candidates_path, conn, inc_pos, src_pos)
        finally:
            conn.close()

    # --- what the file store also offers ------------------------------------------------------------
    def _files(self):
        from . import FileStore

        return FileStore(self.directory)

    def article_roots(self) -> list[Path]:
        return self._files().article_roots()

    def last_review_visit(self) -> str:
        return self._files().last_review_visit()

    def mark_review_visit(self, when: str) -> None:
        self._files().mark_review_visit(when)


def _lock(cur) -> None:
    cur.execute(f"SET LOCAL lock_timeout = {LOCK_TIMEOUT_MS}")
    cur.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK])


class PgTransaction:
    """The tables as they are under the write lock, and the one way to change them (see the module docstring)."""

    def __init__(self, directory, incidents, sources, candidates_path, conn, inc_pos, src_pos):
        self.directory, self.incidents, self.sources = Path(directory), incidents, sources
        self.candidates_path, self.conn = candidates_path, conn
        self._pos = {INCIDENTS.name: inc_pos, SOURCES.name: src_pos}
        self._candidates: pd.DataFrame | None = None
        self.written: list[str] = []

    @property
    def candidates(self) -> pd.DataFrame:
        if self._candidates is None:
            with self.conn.cursor() as cur:
                self._candidates, self._pos[CANDIDATES.name] = _read(cur, CANDIDATES)
        return self._candidates

    def write(self, sources: pd.DataFrame | None = None, incidents: pd.DataFrame | None = None,
              candidates: pd.DataFrame | None = None) -> list[str]:
        """Make the tables equal to the given frames (ledger, incidents, review queue), recording each change."""
        import psycopg

        command, user = who()
        log: list[tuple] = []
        try:
            with self.conn.cursor() as cur:
                for table, new, old in ((SOURCES, sources, self.sources), (INCIDENTS, incidents, self.incidents),
                                        (CANDIDATES, candidates, self._candidates if candidates is not None else None)):
                    if new is None:
                        continue
                    if table is CANDIDATES and old is None:
                        old = self.candidates
                    new = new.reindex(columns=table.names, fill_value="").fillna("").astype(str)
                    self._pos[table.name] = _apply(cur, table, old, self._pos[table.name], new, log)
                    setattr(self, table.name if table is not CANDIDATES else "_candidates", new.reset_index(drop=True))
                    self.written.append(table.file)
                cur.executemany(f"INSERT INTO {P.HISTORY} (table_name, incident_id, action, old, new, command, username) "
                                "VALUES (%s, %s, %s, %s, %s, %s, %s)",
                                [(t, i, a, o and json.dumps(o), n and json.dumps(n), command, user) for t, i, a, o, n in log])
        except psycopg.Error as exc:
            raise WriteRefused(f"nothing written: the database refused the change: {str(exc).strip()}") from None
        return self.written


def _rows(frame: pd.DataFrame, names: list[str]) -> list[tuple]:
    return list(frame[names].itertuples(index=False, name=None))


def _apply(cur, table: Table, old: pd.DataFrame, pos: list[int], new: pd.DataFrame, log: list) -> list[int]:
    """Turn `old` (rows at `pos`) into `new` with inserts, updates and deletes; returns the new rows' positions."""
    names = table.names
    old = old.reindex(columns=names, fill_value="").fillna("").astype(str).reset_index(drop=True)
    new = new.reset_index(drop=True)
    n = len(old)
    if len(new) >= n and new.iloc[:n].equals(old):  # the usual write: rows appended
        return pos + _insert(cur, table, new.iloc[n:], log)
    key = table.key[0] if table.key and not old[table.key[0]].duplicated().any() \
        and not new[table.key[0]].duplicated().any() else None
    old_rows, new_rows = _rows(old, names), _rows(new, names)
    out: list[int | None] = [None] * len(new)
    if key:
        k = names.index(key)
        at = {r[k]: (i, r) for i, r in enumerate(old_rows)}
        kept = set()
        for j, r in enumerate(new_rows):
            hit = at.get(r[k])
            if hit is None:
                continue
            i, before = hit
            kept.add(i)
            out[j] = pos[i]
            changed = [c for c, a, b in zip(names, before, r) if a != b]
            if changed:
                cur.execute(P.update(table, changed), [r[names.index(c)] for c in changed] + [pos[i]])
                log.append((table.name, r[k], "update", {c: before[names.index(c)] for c in changed},
                            {c: r[names.index(c)] for c in changed}))
        gone = [i for i in range(n) if i not in kept]
    else:
        left = Counter(new_rows)
        gone = []
        for i, r in enumerate(old_rows):
            if left[r] > 0:
                left[r] -= 1
            else:
                gone.append(i)
        unmatched = {i for i in range(n)} - set(gone)
        by_row: dict[tuple, list[int]] = {}
        for i in sorted(unmatched):
            by_row.setdefault(old_rows[i], []).append(i)
        for j, r in enumerate(new_rows):
            if by_row.get(r):
                out[j] = pos[by_row[r].pop(0)]
    if gone:
        cur.execute(f"DELETE FROM {P.ident(table.name)} WHERE _pos = ANY(%s)", [[pos[i] for i in gone]])
        k = names.index("incident_id")
        log += [(table.name, old_rows[i][k], "delete", dict(zip(names, old_rows[i])), None) for i in gone]
    fresh = [j for j, p in enumerate(out) if p is None]
    for j, p in zip(fresh, _insert(cur, table, new.iloc[fresh], log)):
        out[j] = p
    return [int(p) for p in out]


def _insert(cur, table: Table, rows: pd.DataFrame, log: list) -> list[int]:
    names = table.names
    out = []
    for r in _rows(rows, names):
        cur.execute(P.insert(table), list(r))
        out.append(int(cur.fetchone()[0]))
        log.append((table.name, r[names.index("incident_id")], "insert", None, dict(zip(names, r))))
    return out


def publish_index(url: str, tables: dict[str, tuple[pd.DataFrame, dict[str, str]]],
                  indexes: tuple[tuple[str, str], ...] = ()) -> None:
    """Load the query layer's tables (view/index.py: `inc` and `hay`, each a frame and its columns' SQL types)
    into the database, with b-tree indexes on (table, column) pairs, so the same SQL runs there (benchmarks
    and the engine-parity tests)."""
    with connect(url) as conn, conn.cursor() as cur:
        for name in tables:
            cur.execute(f"DROP TABLE IF EXISTS {P.ident(name)}")
        for name, (frame, types) in tables.items():
            cur.execute(f"CREATE UNLOGGED TABLE {P.ident(name)} ("
                        + ", ".join(f"{P.ident(c)} {types[c]}" for c in frame.columns) + ")")
            data = frame.copy()
            for c in frame.columns:
                if types[c] == "date":
                    data[c] = pd.to_datetime(frame[c]).dt.strftime("%Y-%m-%d")
            text = [P.ident(c) for c in frame.columns if types[c] == "text"]
            force = f", FORCE_NOT_NULL ({', '.join(text)})" if text else ""
            with cur.copy(f"COPY {P.ident(name)} FROM STDIN WITH (FORMAT csv{force})") as copy:
                copy.write(data.to_csv(index=False, header=False, na_rep="").encode("utf-8"))
            cur.execute(f"CREATE INDEX ON {P.ident(name)} (_row)")
            for column in [c for t, c in indexes if t == name]:
                cur.execute(f"CREATE INDEX ON {P.ident(name)} ({P.ident(column)})")
            cur.execute(f"ANALYZE {P.ident(name)}")
