"""Every validation rule, each exercised by a fixture named after its defect (tests/fixtures/bad/).

Each fixture has a `.expected` file with the exact lines `incidents validate` must print for it.
The expected files were written by hand-checking the output once; a change in any message fails here.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from incidents.cli import main
from incidents.check import check_dataset

BAD = Path(__file__).resolve().parents[1] / "fixtures" / "bad"
CASES = sorted(p for p in BAD.iterdir() if p.suffix == ".csv" or p.is_dir())


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_bad_fixture_reports_exactly_the_expected_problems(case, capsys, monkeypatch):
    monkeypatch.chdir(BAD)
    code = main(["validate", case.name])
    out = capsys.readouterr().out.splitlines()
    problems = [line for line in out if not line.startswith(("OK:", "FAILED:"))]
    expected = (BAD / f"{case.stem}.expected").read_text(encoding="utf-8").splitlines()
    assert problems == expected
    assert code == 1, "a file with an error must exit 1"
    assert out[-1].startswith("FAILED:")


def test_every_bad_fixture_has_an_expected_file():
    missing = [c.name for c in CASES if not (BAD / f"{c.stem}.expected").exists()]
    assert not missing


def test_good_fixture_passes(capsys):
    code = main(["validate", str(Path(__file__).resolve().parents[1] / "fixtures" / "good")])
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.startswith("OK: 7 rows checked")


def test_all_problems_are_reported_at_once():
    """Three bad cells in two rows give three problems, not just the first."""
    good = pd.read_csv(BAD.parent / "good" / "incidents.csv", dtype=str, keep_default_na=False)
    good.loc[0, "event_type"] = "clash"
    good.loc[0, "killed"] = "-1"
    good.loc[1, "country"] = "Tajikistan"
    problems = check_dataset(good, None, "x.csv")
    assert [(p.row, p.column) for p in problems] == [(2, "event_type"), (2, "killed"), (3, "country")]
    assert "did you mean 'TJK' (Tajikistan)?" in str(problems[2])


def test_default_data_dir_comes_from_environment(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BORDERWATCH_DATA", str(BAD / "incident-without-source"))
    assert main(["validate"]) == 1
    assert "incident has no source in the ledger" in capsys.readouterr().out
