"""Properties checked with Hypothesis over generated tables and arbitrary bytes.

1. Any schema-valid pair of tables round-trips write -> read unchanged, and builds to the same dataset.
2. Any byte string given to `incidents validate` ends in a report (or a clean error), never a traceback.
3. Validation is idempotent: the same input gives the same report, and the rows it keeps, written and
   validated again, raise no row errors (cleaning is a fixpoint).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from incidents import schema as S
from incidents import store
from incidents.cli import main
from incidents.dataset import build
from incidents.check import CONTROL_CLASS, bad_rows, check_dataset

EXAMPLES = {"round_trip": 60, "bytes": 150, "idempotent": 100}
COMMON = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# --- schema-valid tables -------------------------------------------------------------------------------

_control = re.compile(CONTROL_CLASS)
_formula = re.compile(r"^[ \t\r\n]*[=+\-@\uff1d\uff0b\uff0d\uff20]")
_chars = st.one_of(
    st.characters(exclude_categories=("Cs", "Cc")),
    st.sampled_from(list("\n\r\t,\";' <>&ЖжёشكPersianעב\u200f\u200e") + ["\r\n", "<script>", "$x$", "[a](b)"]),
)
text = st.lists(_chars, max_size=25).map("".join).filter(lambda t: not _control.search(t) and not _formula.match(t))
# Required text: at least one letter after stripping (what "required" means for the rule).
required_text = st.tuples(st.sampled_from(["A", "Ж", "ش", "z"]), text).map("".join)
ids = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,30}", fullmatch=True)
days = st.dates(min_value=S.EARLIEST_DATE, max_value=date.today())
count = st.one_of(st.just(""), st.integers(0, 100_000).map(str))


def _coord(lo, hi):
    return st.tuples(st.floats(lo, hi), st.integers(0, 6)).map(lambda t: f"{t[0]:.{t[1]}f}")


def _country_at(lat: str, lon: str) -> str:
    """The country the point lies in (a valid row names it: the other side is an error unless explained)."""
    from incidents.geo import Geography
    return str(Geography.load().country_at([float(lat)], [float(lon)])[0])


@st.composite
def incident(draw, incident_id):
    start = draw(days)
    located = draw(st.booleans())
    lat, lon = (draw(_coord(36.5, 40.5)), draw(_coord(67.0, 74.0))) if located else ("", "")
    side = _country_at(lat, lon) if located else ""
    return {
        "incident_id": incident_id,
        "event_date": start.isoformat(),
        "end_date": draw(st.one_of(st.just(""), st.dates(min_value=start, max_value=date.today()).map(date.isoformat))),
        "date_precision": draw(st.sampled_from(S.DATE_PRECISIONS)),
        "event_type": draw(st.sampled_from(S.EVENT_TYPES)),
        "sub_event_type": draw(text),
        "country": side or draw(st.sampled_from(["TJK", "AFG", "KGZ", "UZB", "TKM"])),
        "border": draw(st.sampled_from(["", "AFG-TJK", "KGZ-TJK", "AFG-UZB", "AFG-TKM", "KGZ-UZB"])),
        "admin1": draw(text), "admin2": draw(text), "location": draw(text),
        "latitude": lat,
        "longitude": lon,
        "geo_precision": draw(st.sampled_from(("",) + S.GEO_PRECISIONS)),
        "actor1": draw(text), "actor2": draw(text),
        "killed": draw(count), "injured": draw(count),
        "summary": draw(required_text),
        "origin": draw(st.sampled_from(S.ORIGINS)),
        "review_status": draw(st.sampled_from(S.REVIEW_STATUSES)),
        "tags": draw(text),
    }


@st.composite
def valid_tables(draw):
    keys = draw(st.lists(ids, min_size=1, max_size=6, unique_by=str.casefold))
    incidents = [draw(incident(k)) for k in keys]
    sources = []
    for inc in incidents:
        for n in range(draw(st.integers(1, 2))):
            sources.append({
                "incident_id": inc["incident_id"], "source_name": draw(required_text),
                "url": f"https://example.org/{len(sources)}/{n}", "published": draw(st.one_of(st.just(""), days.map(date.isoformat))),
                "claim_date": draw(st.one_of(st.just(""), st.just(inc["event_date"]))),
                "claim_location": draw(text), "claim_killed": draw(st.sampled_from(["", inc["killed"]])),
                "claim_injured": draw(count), "quote": draw(text), "note": draw(text),
            })
    frame = lambda rows, table: pd.DataFrame(rows, columns=table.names, dtype=str)  # noqa: E731
    return frame(incidents, S.INCIDENTS), frame(sources, S.SOURCES)


@pytest.mark.slow
@settings(max_examples=EXAMPLES["round_trip"], **COMMON)
@given(tables=valid_tables())
def test_valid_tables_round_trip_through_write_and_read(tables, tmp_path_factory):
    inc, src = tables
    d = tmp_path_factory.mktemp("rt")
    store.write_table(inc, d / "incidents.csv", S.INCIDENTS)
    store.write_table(src, d / "sources.csv", S.SOURCES)
    inc2, p1 = store.read_table(d / "incidents.csv")
    src2, p2 = store.read_table(d / "sources.csv")
    assert p1 == [] and p2 == []
    pd.testing.assert_frame_equal(inc2, inc, check_index_type=False)
    pd.testing.assert_frame_equal(src2, src, check_index_type=False)
    before, after = build(inc, src), build(inc2, src2)
    # Random points may lie across a border from their stated country (a cross-row error the generator
    # cannot avoid): the round trip must change nothing, problems included, and nothing but that.
    assert before.problems == after.problems
    assert all(p.column == "country" and "the point lies in" in p.message for p in before.errors), before.errors
    pd.testing.assert_frame_equal(after.incidents, before.incidents)
    pd.testing.assert_frame_equal(after.sources, before.sources)


# --- arbitrary bytes ----------------------------------------------------------------------------------

HEADER = ",".join(S.INCIDENTS.names).encode() + b"\n"
SOURCES_HEADER = ",".join(S.SOURCES.names).encode() + b"\n"
ROW = (b"ok-1,2025-12-23,,day,armed_clash,,TJK,AFG-TJK,Khatlon,Shamsiddin Shohin,Shuroobod,37.8414,70.0419,"
       b"district,Border guards,Armed group,2,,A valid row.,curated,verified,\n")
FRAGMENTS = [HEADER, SOURCES_HEADER, ROW, ROW, b",", b",,", b'"', b'""', b"\n", b"\r\n", b"\r", b"\x00", b"\xff\xfe",
             b"\xef\xbb\xbf", b"\xd0\xb6", b"\xd0", b"\xe9", b";", b"\t", b" ", b"=cmd|' /C calc'!A0", b"@SUM(1)",
             b"NaN", b"inf", b"-0", b"2025-02-30", b"25.12.2025", b"ok-1", b"killed", b"summary", b"<script>",
             "\u202e".encode(), b"PK\x03\x04", b"x" * 300]
hostile_bytes = st.one_of(st.binary(max_size=400), st.lists(st.sampled_from(FRAGMENTS), max_size=30).map(b"".join))


def _validate(path: Path, capsys) -> tuple[int, list[str]]:
    code = main(["validate", str(path)])
    out = capsys.readouterr()
    return code, out.out.splitlines() + out.err.splitlines()


@settings(max_examples=EXAMPLES["bytes"], **COMMON)
@given(raw=hostile_bytes)
def test_any_bytes_end_in_a_report_never_a_traceback(raw, tmp_path_factory, capsys):
    path = tmp_path_factory.mktemp("b") / "input.csv"
    path.write_bytes(raw)
    code, lines = _validate(path, capsys)  # an uncaught exception fails the test with its traceback
    assert code in (0, 1)
    assert lines and lines[-1].startswith(("OK:", "FAILED:", "error:"))
    assert all(line.startswith((str(path) + ":", "OK:", "FAILED:", "error:")) for line in lines)


@pytest.mark.slow
@settings(max_examples=EXAMPLES["idempotent"], **COMMON)
@given(raw=hostile_bytes)
def test_validation_is_idempotent(raw, tmp_path_factory, capsys):
    d = tmp_path_factory.mktemp("i")
    path = d / "input.csv"
    path.write_bytes(raw)
    assert _validate(path, capsys) == _validate(path, capsys)  # same input, same report
    frame, problems = store.read_table(path)
    if frame is None:
        return
    problems += check_dataset(frame, None, str(path))
    clean = frame.drop(index=list(bad_rows(problems, str(path)) & set(frame.index)))
    store.write_table(clean, path)
    again, p2 = store.read_table(path)
    assert again is not None and len(again) == len(clean)
    p2 += check_dataset(again, None, str(path))
    assert [str(p) for p in p2 if p.is_error and p.row is not None and p.row >= 2] == []
    file_level = lambda ps: {str(p) for p in ps if p.is_error and p.row in (None, 1)}  # noqa: E731
    assert file_level(p2) - {f"{path}:-:-: file has a header but no data rows (found (empty); expected at least one data row)"} \
        <= file_level(problems)
