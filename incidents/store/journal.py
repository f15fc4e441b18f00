"""A small write-ahead journal: several files replaced as one step, so a killed writer leaves the data as
it was before or as it is after, never between.

A commit (1) writes every new file in full next to its target (`.<name>.<id>.new`, fsynced), (2) writes
the journal `.borderwatch.journal` naming them (atomically: this is the commit point), (3) keeps each
current file as `.bak` and renames each new file over its target, in the journal's order (ledger first),
then (4) deletes the journal. `recover` finishes or undoes an interrupted commit: with a journal it rolls
forward (renames what is left to rename), without one it deletes the staged files and stray temporary
files of a write that never reached its commit point. Every command runs `recover` before it reads or
writes (`transaction` under the lock; readers when they see a journal).
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

from .files import _backup_copy, _fsync_dir, write_bytes_atomic

JOURNAL = ".borderwatch.journal"
STAGED_SUFFIX = ".new"


def step(name: str) -> None:
    """A named point of the commit sequence. Does nothing; tests replace it to kill the writer there."""


def _staged_name(target: Path, commit_id: str) -> Path:
    return target.with_name(f".{target.name}.{commit_id}{STAGED_SUFFIX}")


def _write_staged(path: Path, data: bytes, mode: int) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(path, mode)


def commit(directory: Path, files: list[tuple[Path, bytes]], backup: bool = True) -> None:
    """Replace every (target, bytes) in order, all or nothing across a crash (see the module docstring)."""
    directory = Path(directory)
    commit_id = uuid.uuid4().hex[:12]
    entries = []
    for target, data in files:
        target = Path(target)
        staged = _staged_name(target, commit_id)
        mode = target.stat().st_mode & 0o777 if target.exists() else 0o644
        _write_staged(staged, data, mode)
        entries.append({"target": str(target), "staged": str(staged), "backup": backup})
        step(f"staged {target.name}")
    _fsync_dir(directory)
    write_bytes_atomic(directory / JOURNAL, json.dumps({"commit": commit_id, "files": entries}).encode("utf-8"))
    step("journal written")
    _apply(entries)
    (directory / JOURNAL).unlink()
    _fsync_dir(directory)
    step("journal removed")


def _apply(entries: list[dict]) -> None:
    for e in entries:
        target, staged = Path(e["target"]), Path(e["staged"])
        if not staged.exists():
            continue  # renamed before a crash
        if e.get("backup") and target.exists():
            os.replace(_backup_copy(target), target.with_name(target.name + ".bak"))
            step(f"backed up {target.name}")
        os.replace(staged, target)
        _fsync_dir(target.parent)
        step(f"replaced {target.name}")


def _leftovers(directory: Path) -> list[Path]:
    return [p for p in Path(directory).glob(".*") if p.is_file() and p.name != JOURNAL
            and (p.name.endswith(STAGED_SUFFIX) or p.name.endswith(".tmp"))]


def pending(directory: Path) -> bool:
    """True when an interrupted commit left something in `directory`: a journal, staged or temporary files."""
    return (Path(directory) / JOURNAL).exists() or bool(_leftovers(directory))


def recover(directory: Path) -> str:
    """Finish (roll forward) or undo (roll back) an interrupted commit; call it under the data lock.
    Returns what it did: 'rolled forward', 'rolled back', or '' when there was nothing to do."""
    directory = Path(directory)
    journal = directory / JOURNAL
    done = ""
    if journal.exists():
        try:
            entries = json.loads(journal.read_text(encoding="utf-8"))["files"]
        except (OSError, ValueError, KeyError):
            entries = None  # a journal is written atomically; an unreadable one is not ours to trust
        if entries is not None:
            _apply(entries)
            done = "rolled forward"
        journal.unlink(missing_ok=True)
        _fsync_dir(directory)
    leftovers = _leftovers(directory)
    for p in leftovers:
        p.unlink(missing_ok=True)
    if leftovers and not done:
        done = "rolled back"
    return done
