"""The load cache: a checked and derived dataset kept as Arrow files, keyed by everything it depends on.

A cold load of a million incidents reads, checks and derives for several seconds; the result is
stored as Arrow IPC (Feather: exact dtypes; uncompressed, so a reload maps the file instead of
reading it) plus the problems as JSON, in
$BORDERWATCH_CACHE (default ~/.cache/borderwatch; 'off' disables it), never inside the data
directory. An entry is keyed by everything the result depends on: each data file's identity and
(size, mtime_ns, ctime_ns) - rewriting or touching a file changes them, and ctime cannot be set
back -, the directory as given (problems name files by that path), the source of the modules
that read, check and derive, the bundled geography, library versions, and today's date (dates in
the future are errors). Files modified in the last few seconds are not cached (a second write
within one timestamp tick could keep size and times). Any failure to read or write the cache
falls back silently to a normal load.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from .. import config
from ..errors import Problem
from . import geodata

CACHE_FORMAT = 4  # 4: uncompressed, one chunk per column, memory-mapped on reading
CACHE_MIN_BYTES = 4 << 20  # smaller data loads in well under a second: not worth a cache entry
CACHE_RACY_SECONDS = 3.0
# The code whose output is cached: reading, checking, deriving (and what they import).
_CODE = ("schema.py", "errors.py", "text.py", "periods.py", "dataset.py", "derive.py", "store", "check", "geo")


@functools.cache
def code_version() -> str:
    h = hashlib.sha256()
    for name in _CODE:
        path = config.PACKAGE_DIR / name
        for f in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            h.update(str(f.relative_to(config.PACKAGE_DIR)).encode() + b"\0" + f.read_bytes())
    h.update("|".join(geodata.fingerprint()).encode())
    import pyarrow
    h.update(f"pandas {pd.__version__} numpy {np.__version__} pyarrow {pyarrow.__version__}".encode())
    return h.hexdigest()


def entry(directory: Path, names: list[str], variant: str = "") -> Path | None:
    """The cache entry for the files `names` in `directory` as they are now, or None when not cached."""
    try:
        root = config.cache_root()
        if root is None:
            return None
        d = Path(directory)
        stats, total, newest = [], 0, 0
        for name in names:
            try:
                st = (d / name).stat()
            except FileNotFoundError:
                stats.append([name, None])
                continue
            stats.append([name, st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns])
            total += st.st_size
            newest = max(newest, st.st_mtime_ns, st.st_ctime_ns)
        if total < CACHE_MIN_BYTES or time.time_ns() - newest < CACHE_RACY_SECONDS * 1e9:
            return None
        real_dir, real_root = d.resolve(), root.resolve()
        if real_root == real_dir or real_dir in real_root.parents:
            return None  # never write into the data directory
        material = json.dumps([CACHE_FORMAT, code_version(), date.today().isoformat(), str(d), str(real_dir),
                               variant, stats])
        dir_key = hashlib.sha256(str(real_dir).encode()).hexdigest()[:16]
        return root / f"{dir_key}-{hashlib.sha256(material.encode()).hexdigest()[:32]}"
    except Exception:  # noqa: BLE001 - no cache rather than no data
        return None


def entry_for(identity, variant: str = "") -> Path | None:
    """The cache entry for data identified by `identity` (a database's address and newest change), or None."""
    try:
        root = config.cache_root()
        if root is None:
            return None
        material = json.dumps([CACHE_FORMAT, code_version(), date.today().isoformat(), variant, list(identity)])
        key = hashlib.sha256(str(identity[0]).encode()).hexdigest()[:16]
        return root / f"{key}-{hashlib.sha256(material.encode()).hexdigest()[:32]}"
    except Exception:  # noqa: BLE001 - no cache rather than no data
        return None


def read(path: Path) -> tuple[dict[str, pd.DataFrame], list[Problem]] | None:
    """(frames by name, problems) from a cache entry, or None on any mismatch or damage."""
    try:
        if not path.is_dir():
            return None
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
        if meta.get("format") != CACHE_FORMAT:
            return None
        import pyarrow.feather as feather

        frames = {}
        for name, info in meta["frames"].items():
            # memory-mapped: nothing is read until used, and text columns stay in the mapped file
            frame = feather.read_table(path / f"{name}.arrow", memory_map=True).to_pandas()
            if list(frame.columns) != info["columns"] or len(frame) != info["rows"]:
                return None
            frames[name] = frame
        return frames, [Problem(**p) for p in meta["problems"]]
    except Exception:  # noqa: BLE001 - a damaged or foreign entry is a cache miss
        return None


def write(path: Path, frames: dict[str, pd.DataFrame], problems: list[Problem]) -> None:
    """Store a loaded dataset's frames; older entries of the same directory are removed. Never raises."""
    tmp = None
    try:
        import pyarrow as pa
        import pyarrow.feather as feather

        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=".tmp-"))
        for name, frame in frames.items():
            # uncompressed and one chunk per column: read back by mapping the file (a 1M-row reload in well
            # under a second), and taking rows from one chunk is markedly faster than from many
            table = pa.Table.from_pandas(frame, preserve_index=False).combine_chunks()
            feather.write_feather(table, tmp / f"{name}.arrow", compression="uncompressed",
                                  chunksize=max(1, table.num_rows))
        meta = {"format": CACHE_FORMAT, "problems": [dataclasses.asdict(p) for p in problems],
                "frames": {name: {"columns": list(f.columns), "rows": len(f)} for name, f in frames.items()}}
        (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")  # written last: marks a whole entry
        try:
            os.rename(tmp, path)
            tmp = None
        except OSError:  # another process stored the same entry first
            pass
        prefix = path.name.split("-")[0] + "-"
        for old in path.parent.glob(prefix + "*"):  # older versions of this directory's data
            if old != path and old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
    except Exception:  # noqa: BLE001 - the cache is an optimisation only
        pass
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
