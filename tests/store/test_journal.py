"""A writer killed at any step of a commit leaves the data as before or as after, never between, and the
next command (any command) finishes or undoes the commit. Each step of the sequence is tried in turn."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from incidents import store
from incidents.cli import main
from incidents.schema import INCIDENTS
from incidents.store import journal

ROOT = Path(__file__).resolve().parents[2]
NEW = dict(zip(INCIDENTS.names, (
    "kill-1,2025-06-01,,day,armed_clash,,TJK,AFG-TJK,Khatlon,,Panj,37.2358,69.0997,exact,"
    "Border guards,Armed group,1,,A new row.,curated,reviewed,").split(",")),
           source_name="Outlet K", url="https://example.org/kill-1", published="2025-06-02")

# The steps of adding one incident: both tables staged, the journal written, each table backed up and replaced.
STEPS = ["staged sources.csv", "staged incidents.csv", "journal written", "backed up sources.csv",
         "replaced sources.csv", "backed up incidents.csv", "replaced incidents.csv", "journal removed"]

KILLER = textwrap.dedent("""
    import os, signal, sys
    from incidents.store import journal
    from incidents.cli import main
    target = sys.argv[1]
    def step(name):
        if name == target:
            os.kill(os.getpid(), signal.SIGKILL)
    journal.step = step
    sys.exit(main(sys.argv[2:]))
""")


def _snapshot(d: Path) -> tuple[bytes, bytes]:
    return (d / "incidents.csv").read_bytes(), (d / "sources.csv").read_bytes()


def test_the_steps_named_here_are_the_commit_sequence(good_dir, tmp_path, monkeypatch):
    seen = []
    monkeypatch.setattr(journal, "step", seen.append)
    pd.DataFrame([NEW]).to_csv(tmp_path / "new.csv", index=False)
    assert main(["add", str(tmp_path / "new.csv"), "--data", str(good_dir)]) == 0
    assert seen == STEPS


@pytest.mark.slow
@pytest.mark.parametrize("step", STEPS)
def test_killed_at_each_step_the_data_is_before_or_after(good_dir, tmp_path, step):
    new = tmp_path / "new.csv"
    pd.DataFrame([NEW]).to_csv(new, index=False)
    before = _snapshot(good_dir)
    run = subprocess.run([sys.executable, "-c", KILLER, step, "add", str(new), "--data", str(good_dir)],
                         cwd=ROOT, capture_output=True)
    assert run.returncode == -signal.SIGKILL, run.stderr.decode()
    # any command settles what the killed writer left: here a plain validation
    assert main(["validate", str(good_dir)]) == 0
    after = _snapshot(good_dir)
    leftovers = [p.name for p in good_dir.iterdir() if p.name.endswith((".tmp", ".new")) or p.name == journal.JOURNAL]
    assert leftovers == []
    inc, _ = store.read_table(good_dir / "incidents.csv")
    src, _ = store.read_table(good_dir / "sources.csv")
    committed = STEPS.index(step) >= STEPS.index("journal written")
    if committed:  # rolled forward: the incident and its source are both there
        assert "kill-1" in set(inc["incident_id"]) and "kill-1" in set(src["incident_id"])
    else:  # rolled back: exactly the files as before
        assert after == before
    # and the same add can be retried: it adds the row, or says it is already there
    retry = main(["add", str(new), "--data", str(good_dir)])
    inc, _ = store.read_table(good_dir / "incidents.csv")
    assert list(inc["incident_id"]).count("kill-1") == 1
    assert retry == (1 if committed else 0)
