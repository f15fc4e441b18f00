"""Concurrent maintainers and crashed writers: nothing is lost, nothing is half-written.

- Eight processes run `incidents add` at once, 100 distinct incidents each: all 800 arrive, once each,
  and the data files stay valid (the lock serialises each read-merge-write).
- A child process looping `write_table` on a large table is killed with SIGKILL at random moments,
  over many trials: the file is always a complete version (the old or the new), never a truncated
  one, and `.bak` is always the complete previous version.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from incidents import store
from incidents import errors
from incidents.cli import main
from incidents.schema import INCIDENTS, SOURCES
from reference.writers import BASE, write_rows

pytestmark = pytest.mark.slow  # concurrent writers and crash trials

WRITERS, ROWS_EACH = 8, 100
CRASH_TRIALS = {"write_table": 15, "write_bytes_atomic": 30}
CRASH_ROWS = 10_000


def test_eight_concurrent_adds_lose_nothing(good_dir, tmp_path):
    before_inc, _ = store.read_table(good_dir / "incidents.csv")
    before_src, _ = store.read_table(good_dir / "sources.csv")
    files = write_rows(tmp_path, WRITERS, ROWS_EACH)
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    # distinct incidents a day apart at one place: likely duplicates by the rule, so the writers confirm them
    procs = [subprocess.Popen([sys.executable, "-m", "incidents", "add", str(f), "--data", str(good_dir),
                              "--allow-duplicates"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) for f in files]
    results = [p.communicate(timeout=600) + (p.returncode,) for p in procs]
    for out, err, code in results:
        assert code == 0, out + err
        assert f"added {ROWS_EACH} incidents" in out
        assert "Traceback" not in err
    inc, p1 = store.read_table(good_dir / "incidents.csv")
    src, p2 = store.read_table(good_dir / "sources.csv")
    assert p1 == [] and p2 == []
    expected = {f"w{w}-{i:03d}" for w in range(WRITERS) for i in range(ROWS_EACH)}
    assert len(inc) == len(before_inc) + WRITERS * ROWS_EACH
    assert set(inc["incident_id"]) == set(before_inc["incident_id"]) | expected
    assert not inc["incident_id"].duplicated().any()
    assert len(src) == len(before_src) + WRITERS * ROWS_EACH and not src.duplicated(["incident_id", "url"]).any()
    # Every original row is still there, unchanged.
    pd.testing.assert_frame_equal(inc.iloc[: len(before_inc)], before_inc)
    assert main(["validate", str(good_dir)]) == 0
    assert (good_dir / "incidents.csv.bak").exists() and (good_dir / "sources.csv.bak").exists()


# --- crashes ------------------------------------------------------------------------------------------

def _version(frame: pd.DataFrame, k: int) -> pd.DataFrame:
    return frame.assign(tags=f"v{k}")


def _writer_loop(path: str, frame: pd.DataFrame, raw: bool, ready) -> None:  # runs in the child
    """Write versions 0, 1, 2, ... of the table forever: with `write_table` (serialising each time), or
    with `write_bytes_atomic` on the serialised bytes (I/O-bound, so most kills land inside a write)."""
    body = store.table_bytes(_version(frame, 0), INCIDENTS)
    k = 0
    while True:
        if raw:
            store.write_bytes_atomic(Path(path), body.replace(b",v0\n", b",v%d\n" % k), backup=True)
        else:
            store.write_table(_version(frame, k), Path(path), INCIDENTS)
        if k == 1:
            ready.set()
        k += 1


def _which_version(path: Path, body: bytes) -> int:
    """The version number of a complete file; fails on anything truncated or mixed."""
    data = path.read_bytes()
    found = re.search(rb",v(\d+)\n\Z", data)
    assert found, f"{path.name}: {len(data)} bytes, does not end with a complete row (truncated)"
    k = int(found.group(1))
    assert data == body.replace(b",v0\n", b",v%d\n" % k), f"{path.name}: not a complete version {k}"
    return k


def _table(rows: int) -> pd.DataFrame:
    return pd.DataFrame([dict(BASE, incident_id=f"c-{i}", summary=f"Row {i}, with a comma and\na line break.")
                         for i in range(rows)], dtype=str)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and fork are POSIX")
@pytest.mark.parametrize("raw, rows, trials", [(False, CRASH_ROWS, CRASH_TRIALS["write_table"]),
                                               (True, 6 * CRASH_ROWS, CRASH_TRIALS["write_bytes_atomic"])],
                         ids=["write_table", "write_bytes_atomic"])
def test_write_killed_at_random_moments_leaves_old_or_new_never_truncated(tmp_path, raw, rows, trials):
    base = _table(rows)
    body = store.table_bytes(_version(base, 0), INCIDENTS)
    assert store.table_bytes(_version(base, 7), INCIDENTS) == body.replace(b",v0\n", b",v7\n")
    path = tmp_path / "incidents.csv"
    bak = tmp_path / "incidents.csv.bak"
    rng = random.Random(7)
    ctx = multiprocessing.get_context("fork")  # a forked child starts in milliseconds; pandas is already loaded
    mid_write = 0
    for trial in range(trials):
        ready = ctx.Event()
        child = ctx.Process(target=_writer_loop, args=(str(path), base, raw, ready), daemon=True)
        child.start()
        assert ready.wait(60), "writer did not start"
        time.sleep(rng.uniform(0, 0.4))
        os.kill(child.pid, signal.SIGKILL)
        child.join(10)
        assert child.exitcode == -signal.SIGKILL
        leftovers = list(tmp_path.glob(".incidents.csv.*.tmp"))
        mid_write += bool(leftovers)
        for tmp in leftovers:  # what a crashed writer leaves: its unfinished temporary file, never the target
            tmp.unlink()
        current = _which_version(path, body)
        previous = _which_version(bak, body)
        assert previous in (current - 1, current), (trial, current, previous)
    print(f"crash trials ({'write_bytes_atomic' if raw else 'write_table'}, {len(body):,} bytes): {trials}; "
          f"killed in the middle of a write: {mid_write}; nothing lost")
    if raw:  # I/O-bound: about a third of the kills land inside a write; none would mean a broken test
        assert mid_write > 0, "no trial killed a writer in the middle of a write; the test proves nothing"


def test_a_killed_lock_holder_releases_the_lock(tmp_path):
    """flock dies with its process: a maintainer's crashed `incidents add` never blocks the next one."""
    code = ("import sys, time; from incidents import store\n"
            "with store.locked(sys.argv[1]):\n    print('locked', flush=True); time.sleep(60)\n")
    child = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "locked"
    with pytest.raises(errors.LockTimeout):
        with store.locked(tmp_path, timeout=0.3):
            pass
    child.kill()
    child.wait(10)
    started = time.monotonic()
    with store.locked(tmp_path, timeout=5):
        pass
    assert time.monotonic() - started < 2


def test_backup_is_a_complete_copy_and_keeps_the_file_mode(tmp_path):
    path = tmp_path / "sources.csv"
    store.write_table(pd.DataFrame({c: ["a"] for c in SOURCES.names}), path, SOURCES)
    os.chmod(path, 0o640)
    first = path.read_bytes()
    store.write_table(pd.DataFrame({c: ["b"] for c in SOURCES.names}), path, SOURCES)
    assert (tmp_path / "sources.csv.bak").read_bytes() == first
    assert os.stat(path).st_mode & 0o777 == 0o640
    assert os.stat(path).st_ino != os.stat(tmp_path / "sources.csv.bak").st_ino
    assert not list(tmp_path.glob("*.tmp")) and not list(tmp_path.glob(".*.tmp"))


def test_cells_with_a_bare_carriage_return_survive_a_write(tmp_path):
    frame = pd.DataFrame({"a": ["one\rtwo", "x"], "b": ["1", "2\r\n3"]}, dtype=str)
    store.write_table(frame, tmp_path / "t.csv")
    back, problems = store.read_table(tmp_path / "t.csv")
    assert problems == []
    pd.testing.assert_frame_equal(back, frame, check_index_type=False)
