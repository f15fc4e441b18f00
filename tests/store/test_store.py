"""Reading is strict about encodings and structure; writing is atomic and keeps a backup."""

from __future__ import annotations

import pandas as pd

from incidents import store
from incidents.schema import INCIDENTS


def test_read_keeps_every_cell_as_text(good_dir):
    frame, problems = store.read_table(good_dir / "incidents.csv")
    assert problems == []
    assert list(frame.columns) == INCIDENTS.names
    assert frame.loc[0, "killed"] == "5" and frame.loc[1, "killed"] == ""


def test_bom_is_accepted(tmp_path, good_dir):
    raw = (good_dir / "incidents.csv").read_bytes()
    (tmp_path / "bom.csv").write_bytes(b"\xef\xbb\xbf" + raw)
    frame, problems = store.read_table(tmp_path / "bom.csv")
    assert problems == [] and frame.columns[0] == "incident_id"


def test_quoted_newline_keeps_row_numbers_by_record(tmp_path):
    (tmp_path / "q.csv").write_text('a,b\n"line one\nline two",1\nx,2\n', encoding="utf-8")
    frame, _ = store.read_table(tmp_path / "q.csv")
    assert frame["a"].tolist() == ["line one\nline two", "x"]


def test_ragged_rows_are_reported_and_good_rows_kept(tmp_path):
    (tmp_path / "r.csv").write_text("a,b\n1,2\n3,4,5\n6,7\n", encoding="utf-8")
    frame, problems = store.read_table(tmp_path / "r.csv")
    assert frame["a"].tolist() == ["1", "6"]
    assert [str(p) for p in problems] == [
        f"{tmp_path / 'r.csv'}:3:-: row has 3 fields, header has 2 (found '3'; expected 2 comma-separated fields)"]


def test_write_is_atomic_and_keeps_backup(tmp_path):
    path = tmp_path / "t.csv"
    store.write_table(pd.DataFrame({"a": ["1"]}), path)
    store.write_table(pd.DataFrame({"a": ["2"]}), path)
    assert path.read_text() == "a\n2\n"
    assert path.with_name("t.csv.bak").read_text() == "a\n1\n"
    assert not list(tmp_path.glob("*.tmp"))


def test_fingerprint_changes_when_file_changes(good_dir):
    before = store.FileStore(good_dir).fingerprint()
    with open(good_dir / "sources.csv", "a", encoding="utf-8") as fh:
        fh.write("fx-talks,Outlet Z,https://example.org/z,,,,,,,\n")
    assert store.FileStore(good_dir).fingerprint() != before
