"""Review queue: accept (atomic add of incident + claim), attach (extra ledger row), reject; and the page."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from incidents import store
from incidents.curate import review
from incidents.extract import extract_paths, to_frame
from incidents.schema import INCIDENTS, SOURCES

FIX = Path(__file__).resolve().parents[1] / "fixtures"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def setup(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(FIX / "good", data)
    frame = to_frame(extract_paths([FIX / "articles"]))
    path = data / "extracted.csv"
    frame.to_csv(path, index=False)
    return data, path, frame


def _read(data, table):
    return store.read_table(store.table_path(data, table))[0]


def test_accept_adds_incident_and_claim(setup):
    data, path, frame = setup
    cand = frame[frame["source_file"] == "en_chinese_workers.txt"].iloc[0]
    before_inc, before_src = len(_read(data, INCIDENTS)), len(_read(data, SOURCES))
    d = review.accept(path, cand["incident_id"], data)
    inc, src = _read(data, INCIDENTS), _read(data, SOURCES)
    assert len(inc) == before_inc + 1 and len(src) == before_src + 1
    new = inc[inc["incident_id"] == d.incident_id].iloc[0]
    assert new["origin"] == "extracted" and new["event_date"] == cand["event_date"]
    claim = src[src["incident_id"] == d.incident_id].iloc[0]
    assert claim["url"] == cand["source_url"] and claim["claim_killed"] == cand["killed"]
    after = review.load_candidates(path)
    row = after[after["incident_id"] == cand["incident_id"]].iloc[0]
    assert row["review_status"] == "reviewed" and row["matched_incident_id"] == d.incident_id


def test_accept_without_date_or_url_is_refused_and_changes_nothing(setup):
    data, path, frame = setup
    cand = frame[frame["source_file"] == "en_undated.txt"].iloc[0]
    before = (data / "incidents.csv").read_bytes(), (data / "sources.csv").read_bytes()
    with pytest.raises(review.ReviewError):
        review.accept(path, cand["incident_id"], data)
    assert ((data / "incidents.csv").read_bytes(), (data / "sources.csv").read_bytes()) == before
    d = review.accept(path, cand["incident_id"], data, {"event_date": "2026-01-18", "date_precision": "week",
                                                        "url": "https://example.org/x", "source_name": "Example"})
    assert d.incident_id in set(_read(data, INCIDENTS)["incident_id"])


def test_attach_adds_ledger_row(setup):
    data, path, frame = setup
    cand = frame[frame["source_file"] == "ru_border_clash.txt"].iloc[0]
    before = len(_read(data, SOURCES))
    review.attach(path, cand["incident_id"], "fx-clash", data, {"source_name": "Fixture RU"})
    src = _read(data, SOURCES)
    assert len(src) == before + 1 and src.iloc[-1]["incident_id"] == "fx-clash"
    with pytest.raises(review.ReviewError):
        review.attach(path, cand["incident_id"], "no-such-incident", data)


def test_reject(setup):
    data, path, frame = setup
    cid = frame.iloc[0]["incident_id"]
    review.reject(path, cid, "not an incident")
    after = review.load_candidates(path)
    assert after[after["incident_id"] == cid].iloc[0]["review_status"] == "rejected"
    assert cid not in set(review.pending(after)["incident_id"])


def test_highlight_segments_cover_text_in_order():
    text = "On 5 May guards killed two men in Darvoz."
    segs = review.highlight_segments(text, "date=3:8;killed=16:26;place=34:40", 0, len(text))
    assert "".join(s for s, _ in segs) == text
    labels = {lab for _, lab in segs}
    assert {"date", "killed", "place", "evidence"} <= labels


def test_page_runs_and_escapes_article_text(setup, monkeypatch):
    from streamlit.testing.v1 import AppTest

    data, path, frame = setup
    monkeypatch.setenv("BORDERWATCH_DATA", str(data))
    shutil.copytree(FIX / "articles", data / "articles")  # the articles a fetch would have stored
    at = AppTest.from_file(str(ROOT / "app_pages" / "review.py"), default_timeout=30).run()
    assert not at.exception
    assert any("UNREVIEWED" in w.value for w in at.warning)
    md = " ".join(m.value for m in at.markdown)
    assert "background[" in md and "<script" not in md
