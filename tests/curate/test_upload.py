"""The maintainer upload: its pure logic (incidents/upload.py) and the page (app_pages/maintain.py) via AppTest."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from incidents import schema as S
from incidents import config, errors, store
from incidents.curate import upload
from incidents.errors import IncidentsError

ROOT = Path(__file__).resolve().parents[2]
BAD = Path(__file__).resolve().parents[1] / "fixtures" / "bad"
PAGE = str(ROOT / "app_pages" / "maintain.py")
ADD_HEADER = S.INCIDENTS.names + ["source_name", "url", "published"]
BASE = dict(zip(S.INCIDENTS.names, (
    "x,2025-11-02,,day,armed_clash,,TJK,AFG-TJK,Khatlon,Shamsiddin Shohin,Shuroobod,37.8414,70.0419,district,"
    "Border guards,Armed group,2,,A valid row.,curated,verified,").split(",")))


def add_csv(*rows: dict) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(ADD_HEADER)
    for i, r in enumerate(rows):
        d = dict(BASE, source_name="Outlet", url=f"https://example.org/up/{i}", published="", **r)
        w.writerow([d[c] for c in ADD_HEADER])
    return out.getvalue().encode("utf-8")


MIXED = add_csv(
    {"incident_id": "up-ok-1", "summary": "Пограничники: <script>alert(1)</script>"},
    {"incident_id": "up-bad-1", "killed": "five"},
    {"incident_id": "up-ok-2", "event_date": "2025-10-01", "location": '<img src=x onerror="alert(1)">'},
    {"incident_id": "up-bad-2", "summary": '=HYPERLINK("http://evil.example","x")', "event_type": "armed clash"},
)


def tables(directory: Path):
    inc, src, problems = upload.current_tables(directory)
    assert problems == []
    return inc, src


# --- logic -----------------------------------------------------------------------------------------------

def test_size_limit_has_a_clear_message(monkeypatch):
    assert upload.check_size(10, limit=100) is None
    msg = upload.check_size(25 * 1024 * 1024, limit=20 * 1024 * 1024)
    assert msg == ("The file is 25.0 MB; uploads are limited to 20.0 MB. Split it into smaller files, "
                   "or add it from the command line with `incidents add`.")
    assert upload.check_size(0).startswith("The file is empty")
    monkeypatch.setenv(config.ENV_MAX_UPLOAD_MB, "0.5")
    assert upload.max_upload_bytes() == 512 * 1024
    result = upload.analyse(b"x" * 600_000, "big.csv", *tables(BAD.parent / "good"))
    assert result.refused and "The file is 0.6 MB; uploads are limited to 0.5 MB." in result.refused and not result.readable


def test_report_lists_every_problem_row_by_row(good_dir):
    result = upload.analyse(MIXED, "new.csv", *tables(good_dir))
    report = upload.report_table(result.problems)
    assert list(report.columns) == upload.REPORT_COLUMNS
    assert [(r.row, r.column) for r in report.itertuples()] == [(3, "killed"), (5, "event_type"), (5, "summary")]
    assert report.loc[2, "message"] == "text starts with '=', so a spreadsheet would run it as a formula"
    assert result.accepted == 2 and result.rejected_rows == {3, 5}


def test_offending_cells_are_highlighted(good_dir):
    result = upload.analyse(MIXED, "new.csv", *tables(good_dir))
    cells = upload.highlight_cells(result.problems, result.frame, "new.csv")
    assert cells == {1: {"killed"}, 3: {"event_type", "summary"}}
    bad = upload.rows_with_problems(result)
    assert bad["incident_id"].tolist() == ["up-bad-1", "up-bad-2"]
    html = upload.styled(bad, upload.highlight_cells(result.problems, bad, "new.csv")).to_html()
    assert html.count(upload.HIGHLIGHT_CSS.split(";")[0]) >= 1
    ctx = upload.styled(bad, cells)._compute().ctx  # (row position, column position) -> css
    marked = {(bad.index[r], bad.columns[c]) for (r, c), css in ctx.items() if css}
    assert marked == {(1, "killed"), (3, "event_type"), (3, "summary")}


def test_long_cells_are_shortened_on_screen_only(good_dir):
    frame = pd.DataFrame({"summary": ["x" * 5000], "killed": ["1"]})
    shown = upload.display_frame(frame)
    assert len(shown.loc[2, "summary"]) == upload.DISPLAY_CHARS and shown.loc[2, "summary"].endswith("…")
    assert len(frame.loc[0, "summary"]) == 5000


def test_good_rows_are_merged_and_downloadable(good_dir):
    inc, src = tables(good_dir)
    result = upload.analyse(MIXED, "new.csv", inc, src)
    files = upload.merged_csv_bytes(result)
    merged_inc, _ = store.parse_csv(files["incidents.csv"].decode(), "m")
    merged_src, _ = store.parse_csv(files["sources.csv"].decode(), "m")
    assert merged_inc["incident_id"].tolist() == inc["incident_id"].tolist() + ["up-ok-1", "up-ok-2"]
    assert set(merged_src["incident_id"]) >= {"up-ok-1", "up-ok-2"} and "up-bad-1" not in set(merged_src["incident_id"])
    assert merged_inc.set_index("incident_id").at["up-ok-1", "summary"] == "Пограничники: <script>alert(1)</script>"
    assert files["incidents.csv"] == store.table_bytes(result.plan.incidents, S.INCIDENTS)


def test_ledger_rows_are_detected_and_checked(good_dir):
    rows = ",".join(S.SOURCES.names) + "\nfx-talks,Outlet Q,https://example.org/q,,,,,,,\nfx-nope,Outlet R,https://example.org/r,,,,,,,\n"
    result = upload.analyse(rows.encode(), "more.csv", *tables(good_dir))
    assert result.kind == upload.SOURCES_KIND and result.accepted == 1
    assert [(p.row, p.column) for p in result.errors] == [(3, "incident_id")]


@pytest.mark.parametrize("case", sorted(p for p in BAD.iterdir() if p.suffix == ".csv"), ids=lambda p: p.stem)
def test_hostile_uploads_never_raise(case, good_dir):
    result = upload.analyse(case.read_bytes(), case.name, *tables(good_dir))
    assert result.errors or result.refused, "every hostile fixture has at least one error"
    upload.report_table(result.problems)
    if result.readable:
        upload.styled(upload.rows_with_problems(result), {}).to_html()
        upload.merged_csv_bytes(result)


def test_save_is_off_unless_enabled(good_dir, monkeypatch):
    monkeypatch.delenv(upload.ENV_ALLOW_SAVE, raising=False)
    before = (good_dir / "incidents.csv").read_bytes()
    with pytest.raises(errors.SaveDisabled, match="BORDERWATCH_ALLOW_SAVE=1"):
        upload.save(MIXED, "new.csv", good_dir)
    assert (good_dir / "incidents.csv").read_bytes() == before
    for value, on in (("1", True), ("true", True), ("yes", True), ("0", False), ("", False)):
        monkeypatch.setenv(upload.ENV_ALLOW_SAVE, value)
        assert upload.save_enabled() is on


def test_save_writes_atomically_with_backup_and_replans_under_the_lock(good_dir, monkeypatch):
    monkeypatch.setenv(upload.ENV_ALLOW_SAVE, "1")
    before_inc = (good_dir / "incidents.csv").read_bytes()
    # Another maintainer adds a ledger row after the page read the files: the save must keep it.
    with open(good_dir / "sources.csv", "a", encoding="utf-8") as fh:
        fh.write("fx-talks,Outlet Z,https://example.org/z,,,,,,,\n")
    saved = upload.save(MIXED, "new.csv", good_dir)
    assert (saved.added, saved.rejected, saved.files) == (2, 2, ["sources.csv", "incidents.csv"])
    inc, src = tables(good_dir)
    assert inc["incident_id"].tolist()[-2:] == ["up-ok-1", "up-ok-2"]
    assert "https://example.org/z" in set(src["url"])
    assert (good_dir / "incidents.csv.bak").read_bytes() == before_inc
    assert not list(good_dir.glob(".*.tmp"))


def test_save_refuses_when_a_data_file_has_unreadable_rows(good_dir, monkeypatch):
    monkeypatch.setenv(upload.ENV_ALLOW_SAVE, "1")
    with open(good_dir / "sources.csv", "a", encoding="utf-8") as fh:
        fh.write("fx-talks,Outlet Z,https://example.org/z\n")  # a short row: rewriting would drop it
    before = (good_dir / "sources.csv").read_bytes()
    with pytest.raises(IncidentsError, match="fix them first"):
        upload.save(MIXED, "new.csv", good_dir)
    assert (good_dir / "sources.csv").read_bytes() == before


# --- the page -------------------------------------------------------------------------------------------

@pytest.fixture
def page(good_dir, monkeypatch):
    monkeypatch.setenv("BORDERWATCH_DATA", str(good_dir))
    monkeypatch.delenv(upload.ENV_ALLOW_SAVE, raising=False)
    monkeypatch.delenv(config.ENV_MAX_UPLOAD_MB, raising=False)
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.run()
    assert not at.exception
    return at


def _texts(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [t.value for t in at.text]
    parts += [e.value for e in at.error] + [s.value for s in at.success] + [i.value for i in at.info]
    return "\n".join(map(str, parts))


def test_page_without_upload(page):
    assert page.info[0].value == "No file uploaded yet."
    assert len(page.file_uploader) == 1


def test_page_shows_report_highlights_merge_and_downloads(page, good_dir):
    page.file_uploader(key="upload_file").set_value(("new [x](javascript:alert(1)).csv", MIXED, "text/csv")).run()
    assert not page.exception
    report = page.dataframe[0].value
    assert report["row"].tolist() == [3, 5, 5]
    bad = page.dataframe[1]
    assert bad.value["incident_id"].tolist() == ["up-bad-1", "up-bad-2"]
    merged = page.dataframe[2].value
    assert merged["incident_id"].tolist() == ["up-ok-1", "up-ok-2"]
    assert merged.iloc[0]["summary"] == "Пограничники: <script>alert(1)</script>"
    assert [m.value for m in page.metric] == ["4", "2", "2", "0"]
    shown = _texts(page)
    assert "<script" not in shown and "onerror" not in shown  # cell text only ever inside dataframes
    assert page.text[0].value.startswith("File: new [x](javascript:alert(1)).csv")  # plain text, not a link
    assert "BORDERWATCH_ALLOW_SAVE=1" in shown and not page.button  # saving is off by default
    assert (good_dir / "incidents.csv").read_bytes() == (BAD.parent / "good" / "incidents.csv").read_bytes()


def test_page_refuses_an_oversized_upload(page, monkeypatch):
    monkeypatch.setenv(config.ENV_MAX_UPLOAD_MB, "0.001")
    page.file_uploader(key="upload_file").set_value(("big.csv", MIXED, "text/csv")).run()
    assert not page.exception
    assert "uploads are limited to 1.0 KB" in page.error[0].value
    assert not page.dataframe


def test_page_reports_an_unreadable_file(page):
    page.file_uploader(key="upload_file").set_value(("w.csv", (BAD / "encoding-windows-1251.csv").read_bytes(), "text/csv")).run()
    assert not page.exception
    assert "Windows-1251" in page.dataframe[0].value["message"][0]
    assert "could not be read" in page.error[0].value


def test_page_saves_only_when_enabled(page, good_dir, monkeypatch):
    monkeypatch.setenv(upload.ENV_ALLOW_SAVE, "1")
    page.file_uploader(key="upload_file").set_value(("new.csv", MIXED, "text/csv")).run()
    page.button(key="save").click().run()
    assert not page.exception
    assert page.success and "added 2 rows" in page.success[-1].value
    inc, _ = tables(good_dir)
    assert {"up-ok-1", "up-ok-2"} <= set(inc["incident_id"]) and "up-bad-1" not in set(inc["incident_id"])
    assert (good_dir / "incidents.csv.bak").exists()
