"""`python -m benchmarks` works from a fresh install and reports targets as pass/fail columns."""

from __future__ import annotations

import pytest

import json

from benchmarks.__main__ import main

pytestmark = pytest.mark.slow  # whole benchmark runs


def test_quick_data_benchmark_prints_the_table_with_targets(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("BORDERWATCH_CACHE", str(tmp_path / "cache"))  # the run points it at its workdir; restored after
    assert main(["--sizes", "300", "--repeat", "1", "--only", "data", "--workdir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "load + validate + derive (cold)" in out and "cached reload" in out
    rows = json.loads((tmp_path / "results.json").read_text())
    payload = next(r for r in rows if r[0].startswith("figure JSON payload"))
    assert payload[6] == "< 1.5" and payload[7] in ("PASS", "FAIL")
    # ours/baseline is printed for the rows that have a baseline
    assert all(r[5] for r in rows if r[4])
