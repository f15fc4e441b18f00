"""Reading and writing the data files: the only module that touches incidents.csv and sources.csv.

Reads never guess silently: a file that is not UTF-8, uses the wrong delimiter or has a broken
header is reported as a Problem. Writes are atomic (temporary file, fsync, rename) and keep the
previous file as a `.bak` backup, under a lock so concurrent maintainers cannot lose rows.
"""

from __future__ import annotations

import csv
import fcntl
import io
import os
import re
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pandas as pd

from .errors import LockTimeout, Problem
from .schema import INCIDENTS, SOURCES, Table

ENV_DATA = "BORDERWATCH_DATA"
LOCK_NAME = ".borderwatch.lock"


def data_dir(explicit: str | os.PathLike | None = None) -> Path:
    """The data directory: the explicit one, else $BORDERWATCH_DATA, else ./data."""
    return Path(explicit or os.environ.get(ENV_DATA) or "data")


def table_path(directory: Path, table: Table) -> Path:
    return Path(directory) / table.file


def decode(raw: bytes, file: str) -> tuple[str | None, list[Problem]]:
    """Decode file bytes as UTF-8 (a BOM is accepted); anything else is a reported problem.

    We reject rather than guess other encodings: a Windows-1251 file read as Latin-1 would turn
    Cyrillic place names into plausible-looking garbage that no later check could catch.
    """
    if not raw.strip():
        return None, [Problem(file, None, None, "file is empty", expected="a header row and data rows")]
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        return None, [Problem(file, None, None, f"file contains NUL bytes (first on line {line}); it is binary or UTF-16",
                              expected="a UTF-8 text CSV")]
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        guess = _guess_encoding(raw)
        return None, [Problem(file, None, None,
                              f"file is not UTF-8: undecodable byte 0x{raw[exc.start]:02x} on line {line}"
                              f"{f'; it looks like {guess}' if guess else ''}. Re-save it as 'CSV UTF-8'",
                              expected="UTF-8")]


def _guess_encoding(raw: bytes) -> str:
    """Name the likely legacy encoding. Cyrillic in Windows-1251 makes whole words of high bytes;
    Latin-1 accents are single high bytes between ASCII letters."""
    sample = raw[:200_000]
    if not re.search(rb"[\x80-\xff]", sample):
        return ""
    if re.search(rb"[\xc0-\xff]{3,}", sample):
        return "Windows-1251 (Cyrillic)"
    return "Latin-1 / Windows-1252"


def parse_csv(text: str, file: str) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Parse CSV text into a frame of strings (empty cells are ''), reporting structural problems."""
    first_line = text.split("\n", 1)[0]
    if "," not in first_line:
        for sep, label in ((";", "semicolons"), ("\t", "tabs")):
            if sep in first_line:
                return None, [Problem(file, 1, None, f"the header is separated by {label}, not commas",
                                      found=first_line[:80], expected="comma-separated values")]
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False,
                            engine="c", skip_blank_lines=True)
    except (pd.errors.ParserError, ValueError):
        return _parse_slow(text, file)
    header = next(csv.reader(io.StringIO(first_line)))
    repeated = sorted({h for h in header if header.count(h) > 1})
    if repeated:
        return None, [Problem(file, 1, name, "column appears more than once in the header",
                              found=name, expected="each column once") for name in repeated]
    frame.columns = [c.strip() for c in frame.columns]
    return frame, []


def _parse_slow(text: str, file: str) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Row-by-row parse used when the fast parser fails, so each bad row is named and good rows kept."""
    problems: list[Problem] = []
    reader = csv.reader(io.StringIO(text), strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except (csv.Error, StopIteration) as exc:
        return None, [Problem(file, 1, None, f"cannot read the header: {exc}")]
    rows, row_numbers = [], []
    record = 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(file, record + 1, None, f"cannot parse this row: {exc}; rows after it are lost",
                                    expected="properly quoted CSV"))
            break
        record += 1
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != len(header):
            problems.append(Problem(file, record, None, f"row has {len(fields)} fields, header has {len(header)}",
                                    found=str(len(fields)), expected=f"{len(header)} comma-separated fields"))
            continue
        rows.append(fields)
        row_numbers.append(record)
    frame = pd.DataFrame(rows, columns=header, dtype=str)
    frame.index = pd.Index([n - 2 for n in row_numbers])
    return frame, problems


def read_table(path: Path) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Read a CSV file as strings. Returns (frame or None, problems).

    The frame's index is the record position (0 = first data row), so `row = index + 2`.
    """
    file = str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        return None, [Problem(file, None, None, "file not found")]
    except OSError as exc:
        return None, [Problem(file, None, None, f"cannot read file: {exc.strerror}")]
    text, problems = decode(raw, file)
    if text is None:
        return None, problems
    return parse_csv(text, file)


def write_table(frame: pd.DataFrame, path: Path, table: Table | None = None, backup: bool = True) -> None:
    """Write a frame as CSV atomically; the old file, if any, is kept as `<name>.bak`."""
    path = Path(path)
    columns = [c for c in table.names if c in frame.columns] if table else list(frame.columns)
    extra = [c for c in frame.columns if c not in columns] if table is None else []
    text = frame[columns + extra].to_csv(index=False, lineterminator="\n")
    write_bytes_atomic(path, text.encode("utf-8"), backup=backup)


def write_bytes_atomic(path: Path, data: bytes, backup: bool = False) -> None:
    """Replace `path` with `data` so readers see the old or the new file, never a partial one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if backup and path.exists():
            bak = path.with_name(path.name + ".bak")
            bak_tmp = bak.with_name(bak.name + ".tmp")
            bak_tmp.write_bytes(path.read_bytes())
            os.replace(bak_tmp, bak)
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def locked(directory: Path, timeout: float = 60.0) -> Iterator[None]:
    """Hold an exclusive lock on a data directory for a read-merge-write."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / LOCK_NAME, "a+") as fh:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise LockTimeout(f"{directory}: another process has held the data lock for {timeout:.0f} s") from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def read_dataset(directory: Path) -> tuple[pd.DataFrame | None, pd.DataFrame | None, list[Problem]]:
    """Read incidents.csv and sources.csv from a data directory."""
    inc, p1 = read_table(table_path(directory, INCIDENTS))
    src, p2 = read_table(table_path(directory, SOURCES))
    return inc, src, p1 + p2


def file_fingerprint(directory: Path) -> tuple:
    """(size, mtime) of the data files; changes whenever a file is rewritten. Used as a cache key."""
    out = []
    for table in (INCIDENTS, SOURCES):
        p = table_path(directory, table)
        try:
            st = p.stat()
            out.append((str(p), st.st_size, st.st_mtime_ns))
        except FileNotFoundError:
            out.append((str(p), None, None))
    return tuple(out)
