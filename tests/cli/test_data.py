"""The maintainer's commands: add (incidents and ledger rows) and info."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from incidents.cli import build_parser, main

NEW_HEADER = ["incident_id", "event_date", "date_precision", "event_type", "country", "location", "latitude",
              "longitude", "geo_precision", "killed", "summary", "origin", "review_status", "source_name", "url",
              "published"]


def write_new(path: Path, rows: list[dict]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, NEW_HEADER)
        w.writeheader()
        for r in rows:
            w.writerow(r)
    return path


def row(**kw) -> dict:
    base = dict(incident_id="new-1", event_date="2024-05-01", date_precision="day", event_type="armed_clash",
                country="TJK", location="Khorugh", latitude="37.4904", longitude="71.5531", geo_precision="exact",
                killed="1", summary="Test incident.", origin="curated", review_status="reviewed",
                source_name="Test outlet", url="https://example.org/new-1", published="2024-05-02")
    base.update(kw)
    return base


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def test_add_appends_incident_and_its_first_source(good_dir, tmp_path, capsys):
    new = write_new(tmp_path / "new.csv", [row()])
    assert main(["add", str(new), "--data", str(good_dir)]) == 0
    inc, src = read(good_dir / "incidents.csv"), read(good_dir / "sources.csv")
    assert inc["incident_id"].tolist()[-1] == "new-1" and len(inc) == 4
    ledger = src[src["incident_id"] == "new-1"].iloc[0]
    assert (ledger["url"], ledger["claim_killed"], ledger["claim_date"]) == ("https://example.org/new-1", "1", "2024-05-01")
    assert "added 1 incidents" in capsys.readouterr().out
    assert main(["validate", str(good_dir)]) == 0


def test_add_says_which_spaces_it_removed(good_dir, tmp_path, capsys):
    new = write_new(tmp_path / "new.csv", [row(incident_id=" new-1 ", killed="1 ")])
    assert main(["add", str(new), "--data", str(good_dir)]) == 0
    assert read(good_dir / "incidents.csv")["incident_id"].tolist()[-1] == "new-1"
    out = capsys.readouterr()
    said = out.out + out.err
    assert "new.csv:2:incident_id: warning: spaces around the value were removed before adding" in said
    assert "new.csv:2:killed: warning: spaces around the value were removed" in said


def test_add_keeps_good_rows_and_rejects_bad_ones_with_reasons(good_dir, tmp_path, capsys):
    new = write_new(tmp_path / "new.csv", [
        row(incident_id="good-a"),
        row(incident_id="bad-date", event_date="31.12.2024"),
        row(incident_id="good-b", url="https://example.org/b", location="Dushanbe", latitude="38.5358", longitude="68.7791"),
        row(incident_id="fx-clash"),  # id already taken
        row(incident_id="bad-url", url="ftp://nowhere"),
    ])
    assert main(["add", str(new), "--data", str(good_dir)]) == 1
    inc = read(good_dir / "incidents.csv")
    assert inc["incident_id"].tolist() == ["fx-clash", "fx-talks", "fx-month", "good-a", "good-b"]
    rejected = read(tmp_path / "new.rejected.csv")
    assert rejected["incident_id"].tolist() == ["bad-date", "fx-clash", "bad-url"]
    reasons = dict(zip(rejected["incident_id"], rejected["rejected_because"]))
    assert "new.csv:3:event_date: date looks like day.month.year" in reasons["bad-date"]
    assert "duplicate id; first used on row 2" in reasons["fx-clash"]
    assert ":url: not a web address" in reasons["bad-url"]
    out = capsys.readouterr().out
    assert "added 2 incidents" in out and "rejected 3" in out
    assert (good_dir / "incidents.csv.bak").exists()


def test_likely_duplicate_is_held_back_until_allowed(good_dir, tmp_path, capsys):
    near_clash = row(incident_id="", event_date="2025-12-24", location="Shuroobod", latitude="37.8414",
                     longitude="70.0419", url="https://example.org/dup")
    new = write_new(tmp_path / "new.csv", [near_clash])
    before = (good_dir / "incidents.csv").read_bytes()
    assert main(["add", str(new), "--data", str(good_dir)]) == 1
    out = capsys.readouterr().out
    assert (good_dir / "incidents.csv").read_bytes() == before
    assert "needs confirmation: may duplicate fx-clash: 1 day(s) and 0.0 km apart" in out
    assert "--allow-duplicates" in out
    assert main(["add", str(new), "--data", str(good_dir), "--allow-duplicates"]) == 0
    inc = read(good_dir / "incidents.csv")
    assert inc["incident_id"].tolist()[-1] == "2025-12-24-shuroobod"
    assert "2025-12-24-shuroobod: may duplicate fx-clash: 1 day(s) and 0.0 km apart" in capsys.readouterr().out


def test_adding_the_same_file_twice_adds_nothing_the_second_time(good_dir, tmp_path, capsys):
    fresh = row(incident_id="", event_date="2025-06-01", location="Panj", latitude="37.2358", longitude="69.0997",
                url="https://example.org/panj-once", summary="Fixture: a clash far in time from the others.")
    new = write_new(tmp_path / "new.csv", [fresh])
    assert main(["add", str(new), "--data", str(good_dir)]) == 0
    once = (good_dir / "incidents.csv").read_bytes()
    capsys.readouterr()
    assert main(["add", str(new), "--data", str(good_dir)]) == 1
    assert (good_dir / "incidents.csv").read_bytes() == once
    assert "exact duplicate of incident 2025-06-01-panj" in capsys.readouterr().out


def test_ids_come_from_valid_fields_only_and_are_never_cut_mid_word(good_dir, tmp_path, capsys):
    from incidents.curate.plan import assign_ids

    frame = pd.DataFrame([{"incident_id": "", "event_date": "25.02.2026", "location": "Bahorak"},
                          {"incident_id": "", "event_date": "2026-02-25",
                           "location": "near the village of Nizhny Panj, opposite Sher Khan Bandar"}])
    ids = assign_ids(frame, set())["incident_id"].tolist()
    assert ids[0] == "bahorak"  # the invalid date is left out
    full = "2026-02-25-near-the-village-of-nizhny-panj-opposite-sher-khan-bandar"
    assert full.startswith(ids[1] + "-") and len(ids[1]) <= 11 + 40  # cut between words, never inside one
    bad = write_new(tmp_path / "bad.csv", [row(incident_id="", event_date="25.02.2026", location="Bahorak")])
    assert main(["add", str(bad), "--data", str(good_dir)]) == 1
    out = capsys.readouterr().out
    assert out.count("date looks like day.month.year") == 1  # each error printed once
    rejected = read(tmp_path / "bad.rejected.csv")
    assert rejected["incident_id"].fillna("").tolist() == [""]  # rejected rows get no generated id


def test_add_refuses_rows_without_a_source_column(good_dir, tmp_path, capsys):
    path = tmp_path / "nosrc.csv"
    pd.DataFrame([row()]).drop(columns=["source_name", "url", "published"]).to_csv(path, index=False)
    before = (good_dir / "incidents.csv").read_bytes()
    assert main(["add", str(path), "--data", str(good_dir)]) == 1
    assert (good_dir / "incidents.csv").read_bytes() == before
    assert "each new incident needs its first source" in capsys.readouterr().out


def test_add_sources_appends_ledger_rows(good_dir, tmp_path):
    path = tmp_path / "more.csv"
    pd.DataFrame([
        {"incident_id": "fx-talks", "source_name": "Outlet Q", "url": "https://example.org/q", "claim_killed": "0"},
        {"incident_id": "nope", "source_name": "Outlet R", "url": "https://example.org/r"},
    ]).to_csv(path, index=False)
    assert main(["add", "--sources", str(path), "--data", str(good_dir)]) == 1
    src = read(good_dir / "sources.csv")
    assert src["url"].tolist()[-1] == "https://example.org/q" and len(src) == 5
    assert "unknown incident" in read(tmp_path / "more.rejected.csv")["rejected_because"][0]


def test_info_counts_by_border_type_and_year(good_dir, capsys):
    assert main(["info", "--data", str(good_dir)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("3 reviewed records, 4 ledger rows, data through 2026-01-20")
    assert "0 errors, 0 warnings in the data files (what `incidents validate` reports)" in out
    assert "AFG-TJK                      2 records      9 killed (2 with a figure)" in out
    assert "2025                         2 records      5 killed (1 with a figure)" in out


def test_every_command_has_help():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, p in sub.choices.items():
        assert p.description or sub._name_parser_map[name].format_help(), name
        helps = {a.dest: a.help for a in sub._choices_actions}
        assert helps.get(name), f"command {name} has no help"


def test_add_refuses_to_rewrite_a_data_file_with_unreadable_rows(good_dir, tmp_path, capsys):
    with open(good_dir / "incidents.csv", "a", encoding="utf-8") as fh:
        fh.write("broken,row,with,too,few,fields\n")
    before = (good_dir / "incidents.csv").read_bytes()
    new = write_new(tmp_path / "new.csv", [row()])
    assert main(["add", str(new), "--data", str(good_dir)]) == 1
    assert (good_dir / "incidents.csv").read_bytes() == before  # the broken row is not silently dropped
    assert "nothing added: fix the data files first" in capsys.readouterr().err


def test_add_rejects_a_ragged_row_of_the_new_file_with_its_reason(good_dir, tmp_path):
    new = write_new(tmp_path / "new.csv", [row(incident_id="ok-a")])
    with open(new, "a", encoding="utf-8") as fh:
        fh.write("ragged,2024-05-01,day\n")
    assert main(["add", str(new), "--data", str(good_dir)]) == 1
    assert read(good_dir / "incidents.csv")["incident_id"].tolist()[-1] == "ok-a"
    rejected = read(tmp_path / "new.rejected.csv")
    assert len(rejected) == 1 and ":3:" in rejected["rejected_because"][0]
