"""The hostile CSV corpus (tests/fixtures/bad/): exact reports, no tracebacks, every good row kept intact.

Each case is named by its defect and has a `.expected` file with the exact lines `incidents validate`
prints. Small cases are committed files (test_validate.py checks their reports too); big ones — a
10 MB cell, 100,000 rows with one bad row in the middle — are committed as tiny JSON specs and
generated into tmp_path here. Row ids follow a convention: `ok-*` rows are valid and must be kept
with every cell exactly as in the file; `bad-*` rows carry the defect and must be left out.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from incidents import store
from incidents.cli import main
from incidents.dataset import build
from incidents.schema import INCIDENTS, SOURCES, TEXT

BAD = Path(__file__).resolve().parents[1] / "fixtures" / "bad"
FILES = sorted(p for p in BAD.iterdir() if p.suffix == ".csv" or p.is_dir())
SPECS = sorted(BAD.glob("*.json"))

# The valid row every generated case starts from (the same row the committed fixtures use).
BASE_ROW = dict(zip(INCIDENTS.names, (
    "ok-1,2025-12-23,,day,armed_clash,,TJK,AFG-TJK,Khatlon,Shamsiddin Shohin,Shuroobod,37.8414,70.0419,district,"
    "Border guards,Armed group,2,,A valid row.,curated,verified,").split(",")))

# Every item the issue lists, mapped to the case(s) covering it: a corpus edit cannot drop one silently.
REQUIRED = {
    "empty file": ["file-empty", "file-bom-only"],
    "header only": ["header-only"],
    "missing and extra columns": ["column-missing", "column-unknown", "row-extra-fields", "row-missing-fields",
                                  "header-trailing-empty-column", "header-column-without-name"],
    "duplicated header": ["header-duplicated"],
    "wrong delimiter": ["delimiter-semicolon", "delimiter-tab"],
    "BOM": ["bom-utf8", "file-bom-only"],
    "legacy encodings": ["encoding-windows-1251", "encoding-latin-1", "encoding-utf-16", "file-xlsx-workbook"],
    "mixed line endings": ["line-endings-mixed", "blank-lines"],
    "quoted newlines": ["quoted-newline"],
    "unterminated quote": ["quote-unterminated"],
    "NUL bytes": ["nul-byte"],
    "10 MB cell": ["cell-10mb", "cell-10mb-ragged"],
    "100k rows, one bad": ["rows-100k-one-bad", "rows-100k-one-ragged"],
    "dates in other formats": ["date-day-month-year", "date-month-day-year", "date-month-13", "date-february-30",
                               "date-single-digits", "date-with-time"],
    "future dates": ["date-future"],
    "swapped latitude/longitude": ["latlon-swapped"],
    "outside the region": ["point-outside-region", "latitude-out-of-range"],
    "NaN/inf/-0": ["number-nan", "number-inf", "count-nan", "count-negative-zero"],
    "negative and fractional counts": ["count-negative", "count-fractional"],
    "counts as words": ["count-as-word", "count-arabic-digits", "count-thousands-separator", "count-too-large"],
    "near-miss enums": ["enum-near-miss", "enum-zero-width-space", "geo-precision-unknown"],
    "duplicate ids": ["id-duplicate"],
    "ledger rows for unknown incidents": ["ledger-unknown-incident", "ledger-unknown-incidents-many"],
    "formula cells": ["formula-hyperlink", "formula-dde-plus", "formula-at-sum", "formula-minus-tab",
                      "ledger-formula-in-quote"],
    "HTML and script in text": ["text-html-script", "url-data-scheme", "source-url-invalid"],
    "right-to-left and Cyrillic text": ["text-cyrillic-rtl", "text-bidi-override"],
    "very long ids": ["id-too-long", "id-invalid-characters"],
    # issue 17 (red-team round two)
    "a quote left open swallows the next row": ["quote-open-swallows-next-row"],
    "a closed quote then text": ["quote-closed-then-text"],
    "many NULs in one cell": ["nul-many-in-one-cell"],
    "ids with spaces around them": ["id-surrounding-spaces"],
    "formulas after Unicode spaces": ["formula-after-unicode-space"],
    "noncharacters a workbook cannot hold": ["text-noncharacter"],
    "source paths outside the article folders": ["url-path-traversal"],
}


def case_names() -> set[str]:
    return {p.stem for p in FILES} | {p.stem for p in SPECS}


def materialise(spec_path: Path, directory: Path) -> Path:
    """Write the CSV a JSON spec describes: `rows` copies of BASE_ROW (ids ok-<n>), with `cells`
    overriding cells by record index (a {"repeat": s, "times": n} value is s*n) and `extra_field`
    listing records that get one surplus field."""
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    out = directory / f"{spec_path.stem}.csv"
    extra = set(spec.get("extra_field", []))
    with open(out, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(INCIDENTS.names)
        for i in range(spec["rows"]):
            row = dict(BASE_ROW, incident_id=f"ok-{i}")
            for name, value in spec.get("cells", {}).get(str(i), {}).items():
                row[name] = value["repeat"] * value["times"] if isinstance(value, dict) else value
            writer.writerow([row[c] for c in INCIDENTS.names] + (["surplus"] if i in extra else []))
    return out


def run_validate(target: Path, cwd: Path, capsys, monkeypatch) -> tuple[int, list[str]]:
    monkeypatch.chdir(cwd)
    code = main(["validate", target.name])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return code, captured.out.splitlines()


def strict_rows(path: Path) -> tuple[list[str], dict[str, list[str]]]:
    """The file's header and records keyed by id as Python's csv module reads them (for comparison only)."""
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return [h.strip() for h in rows[0]], {r[0]: r for r in rows[1:] if r and re.fullmatch(r"(ok|bad)-.*", r[0])}


def test_corpus_covers_every_item_of_the_issue():
    names = case_names()
    missing = {item: [c for c in cases if c not in names] for item, cases in REQUIRED.items()}
    assert not {k: v for k, v in missing.items() if v}
    assert len(names) >= 45, f"only {len(names)} hostile cases"
    assert all((BAD / f"{p.stem}.expected").exists() for p in SPECS)


def _sized(spec):
    """Cases of 100k rows or 10 MB cells are slow: left out of the fast daily subset."""
    big = any(word in spec.stem for word in ("100k", "10mb"))
    return pytest.param(spec, id=spec.stem, marks=[pytest.mark.slow] if big else [])


@pytest.mark.parametrize("spec", [_sized(s) for s in SPECS])
def test_generated_case_reports_exactly_the_expected_problems(spec, tmp_path, capsys, monkeypatch):
    path = materialise(spec, tmp_path)
    code, out = run_validate(path, tmp_path, capsys, monkeypatch)
    expected = (BAD / f"{spec.stem}.expected").read_text(encoding="utf-8").splitlines()
    assert [line for line in out if not line.startswith(("OK:", "FAILED:"))] == expected
    assert code == 1 and out[-1].startswith("FAILED:")
    _assert_good_rows_kept(path)


@pytest.mark.parametrize("case", [p for p in FILES if p.is_file()], ids=lambda p: p.stem)
def test_every_good_row_is_kept_intact(case):
    _assert_good_rows_kept(case)


def _assert_good_rows_kept(path: Path) -> None:
    """Rows named ok-* are in the built table with every cell unchanged; rows named bad-* are not."""
    frame, problems = store.read_table(path)
    if frame is None:  # refused as a whole: only file-level (or header) problems may explain that
        assert problems and all(p.row in (None, 1) for p in problems)
        return
    is_sources = "source_name" in frame.columns and "event_type" not in frame.columns
    ds = build(None, frame, src_file=str(path), problems=problems) if is_sources else build(
        frame, None, str(path), problems=problems)
    table = ds.sources if is_sources else ds.incidents
    if is_sources:  # a lone ledger has no incidents to attach to; check the raw rows the build kept instead
        from incidents.check import bad_rows
        table = frame.drop(index=list(bad_rows(ds.problems, str(path)) & set(frame.index)))
    header, raw = strict_rows(path)
    kept = set(table["incident_id"])
    ok = {i for i in raw if i.startswith("ok-")}
    assert ok <= kept, f"good rows lost: {sorted(ok - kept)}"
    assert not {i for i in raw if i.startswith("bad-")} & kept
    schema = SOURCES if is_sources else INCIDENTS
    names = [h for h in header if h in frame.columns]
    text_cols = [c.name for c in schema.columns if c.kind == TEXT and c.name in names]
    ids = sorted(ok)
    want = pd.DataFrame([[raw[i][header.index(n)] for n in names] for i in ids], columns=names, dtype=str).set_index("incident_id")
    got = frame.drop_duplicates("incident_id").set_index("incident_id").loc[ids, names[1:]]
    pd.testing.assert_frame_equal(got, want, check_dtype=False, check_index_type=False)
    built = table.drop_duplicates("incident_id").set_index("incident_id").loc[ids, text_cols]
    for c in text_cols:  # text is kept exactly (the built table strips surrounding spaces only)
        assert built[c].tolist() == want[c].str.strip().tolist(), c


def test_cyrillic_and_right_to_left_text_is_accepted_and_kept_intact():
    frame, problems = store.read_table(BAD / "text-cyrillic-rtl.csv")
    ds = build(frame, None, "x.csv", problems=problems)
    rows = ds.incidents.set_index("incident_id")
    assert rows.at["ok-1", "location"] == "Шурообод"
    assert rows.at["ok-1", "summary"].startswith("Пограничники ГКНБ Таджикистана")
    assert "درگیری مرزی" in rows.at["ok-2", "summary"] and "\u200f" in rows.at["ok-2", "summary"]
    assert rows.at["ok-2", "actor2"] == "طالبان"
    assert [str(p).split(": ", 1)[1] for p in ds.errors] == [
        "count is not a number; write digits (found 'пять'; expected a whole number >= 0, or empty if unknown)"]


def test_markup_in_text_is_kept_as_plain_text():
    frame, problems = store.read_table(BAD / "text-html-script.csv")
    rows = build(frame, None, "x.csv", problems=problems).incidents.set_index("incident_id")
    assert rows.at["ok-1", "summary"].startswith("<script>alert('x')</script>")
    assert rows.at["ok-2", "location"] == '<img src=x onerror="alert(1)">'
    assert rows.at["ok-2", "actor1"] == "[click me](javascript:alert(1))"


def test_nul_bytes_in_one_row_do_not_lose_the_others():
    frame, problems = store.read_table(BAD / "nul-byte.csv")
    assert problems == [] and frame["incident_id"].tolist() == ["ok-1", "bad-1", "ok-2"]
    assert "\x00" in frame.loc[1, "summary"]


def test_unterminated_quote_resumes_on_the_next_line(tmp_path):
    frame, problems = store.read_table(BAD / "quote-unterminated.csv")
    assert frame["incident_id"].tolist() == ["ok-1", "ok-2", "ok-3"]
    assert frame.index.tolist() == [0, 2, 3]  # spreadsheet rows 2, 4, 5
    assert [(p.row, p.message) for p in problems] == [(3, "cannot parse this row: a quote opened here is never closed")]


def test_short_row_is_never_padded_silently(tmp_path):
    """pandas pads a short row with empty cells; the reader must report it instead, even when another
    row's surplus field would balance the count."""
    header = ",".join(INCIDENTS.names)
    ok = ",".join(BASE_ROW.values())
    short = ",".join(list(BASE_ROW.values())[:-2]).replace("ok-1", "bad-short", 1)
    (tmp_path / "t.csv").write_text(f"{header}\n{ok}\n{short}\n{ok.replace('ok-1', 'ok-2')}\n", encoding="utf-8")
    frame, problems = store.read_table(tmp_path / "t.csv")
    assert frame["incident_id"].tolist() == ["ok-1", "ok-2"]
    assert [str(p).split(":", 1)[1] for p in problems] == [
        "3:-: row has 20 fields, header has 22 (found '20'; expected 22 comma-separated fields)"]


def test_blank_lines_count_as_spreadsheet_rows():
    frame, _ = store.read_table(BAD / "blank-lines.csv")
    assert frame["incident_id"].tolist() == ["ok-1", "ok-2", "bad-1"]
    assert (frame.index + 2).tolist() == [2, 4, 7]


def test_happy_path_never_reads_row_by_row(good_dir, monkeypatch):
    """The per-row reader is only for broken files; a clean one (quoted newlines included) takes the fast path."""
    monkeypatch.setattr(store.tables, "_parse_slow", lambda *a, **k: pytest.fail("slow path on a clean file"))
    for path in (good_dir / "incidents.csv", good_dir / "sources.csv", BAD / "quoted-newline.csv",
                 BAD / "line-endings-mixed.csv", BAD / "text-cyrillic-rtl.csv", BAD / "nul-byte.csv"):
        frame, problems = store.read_table(path)
        assert frame is not None and not [p for p in problems if p.row is not None], path


def test_generated_cases_are_what_their_names_say(tmp_path):
    big = materialise(BAD / "cell-10mb.json", tmp_path)
    frame, _ = store.read_table(big)
    assert len(frame.loc[1, "summary"]) == 10 * 1024 * 1024
    rows = materialise(BAD / "rows-100k-one-bad.json", tmp_path)
    frame, _ = store.read_table(rows)
    assert len(frame) == 100_000 and frame.loc[50_000, "killed"] == "five"


def test_add_keeps_good_rows_of_a_hostile_file(good_dir, tmp_path, capsys):
    """`incidents add` with a file mixing good and hostile rows adds exactly the good ones."""
    header = ",".join(INCIDENTS.names + ["source_name", "url", "published"])

    def row(i, **kw):
        d = dict(BASE_ROW, incident_id=f"new-{i}", event_date=f"2024-0{i}-01", **kw)
        out = io.StringIO()
        csv.writer(out, lineterminator="").writerow([d[c] for c in INCIDENTS.names] + ["Outlet", f"https://example.org/{i}", ""])
        return out.getvalue()
    new = tmp_path / "new.csv"
    new.write_text("\n".join([header, row(1, summary="Граница: столкновение"), row(2, summary="=HYPERLINK(\"x\")"),
                              row(3, location="<script>x</script>"), row(4, killed="-0")]) + "\n", encoding="utf-8")
    assert main(["add", str(new), "--data", str(good_dir)]) == 1
    frame, _ = store.read_table(good_dir / "incidents.csv")
    assert {"new-1", "new-3"} <= set(frame["incident_id"]) and not {"new-2", "new-4"} & set(frame["incident_id"])
    assert frame.set_index("incident_id").at["new-1", "summary"] == "Граница: столкновение"
    rejected = pd.read_csv(tmp_path / "new.rejected.csv", dtype=str, keep_default_na=False)
    assert rejected["incident_id"].tolist() == ["new-2", "new-4"]
