"""Writing data files safely: atomic replacement with a `.bak` backup, and the data directory's lock.

A write goes to a temporary file in the same directory, is fsynced and renamed over the target, so a
reader sees the old or the new file, never a partial one. The lock is `filelock` (cross-platform) on
`<data dir>/.borderwatch.lock`, with a timeout that names the directory.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pandas as pd
from filelock import FileLock, Timeout

from ..errors import LockTimeout
from ..schema import Table
from .tables import table_bytes

LOCK_NAME = ".borderwatch.lock"
LOCK_TIMEOUT = 60.0


def write_table(frame: pd.DataFrame, path: Path, table: Table | None = None, backup: bool = True) -> None:
    """Write a frame as CSV atomically; the old file, if any, is kept as `<name>.bak`."""
    write_bytes_atomic(Path(path), table_bytes(frame, table), backup=backup)


def write_bytes_atomic(path: Path, data: bytes, backup: bool = False) -> None:
    """Replace `path` with `data` so readers see the old or the new file, never a partial one.

    The data goes to a temporary file in the same directory, is fsynced and renamed over `path`.
    With `backup`, the current file is first hard-linked (no copy, however large) to a temporary
    name and renamed to `<name>.bak`, so a crash at any moment leaves `path` complete (old or new)
    and `.bak` complete (the previous version).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    bak_tmp = None
    try:
        # mkstemp creates 0600 files; data files are shared documents, so keep the old mode or use 0644.
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if backup and path.exists():
            bak = path.with_name(path.name + ".bak")
            bak_tmp = _backup_copy(path)
            os.replace(bak_tmp, bak)
            bak_tmp = None
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        if bak_tmp is not None:
            Path(bak_tmp).unlink(missing_ok=True)
        raise


def _backup_copy(path: Path) -> str:
    """A complete copy of `path` under a unique temporary name: a hard link, or a fsynced copy."""
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.bak.", suffix=".tmp")
    os.close(fd)
    os.unlink(name)
    try:
        os.link(path, name)
    except OSError:  # a file system without hard links
        with open(path, "rb") as src, open(name, "wb") as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
            dst.flush()
            os.fsync(dst.fileno())
    return name


def _fsync_dir(directory: Path) -> None:
    """Make a rename durable (POSIX). Windows cannot open a directory; its renames are durable anyway."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def locked(directory: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the exclusive lock of a data directory for a read-merge-write (not re-entrant: never nest it)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    lock = FileLock(directory / LOCK_NAME, timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise LockTimeout(f"{directory}: another process has held the data lock for {timeout:.0f} s") from None
    try:
        yield
    finally:
        lock.release()
