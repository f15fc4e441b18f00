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
    other = frame[frame["source_file"] == "en_chinese_workers.txt"].iloc[0]
    with pytest.raises(review.ReviewError, match="no curated incident 'no-such-incident'"):
        review.attach(path, other["incident_id"], "no-such-incident", data)


def _with_match(path, candidate_id, incident_id, **more):
    frame = review.load_candidates(path)
    frame.loc[frame["incident_id"] == candidate_id, "matched_incident_id"] = incident_id
    for k, v in more.items():
        frame.loc[frame["incident_id"] == candidate_id, k] = v
    frame.to_csv(path, index=False)


def test_a_decided_candidate_is_never_decided_again(setup):
    data, path, frame = setup
    cand = frame[frame["source_file"] == "en_chinese_workers.txt"].iloc[0]["incident_id"]
    review.accept(path, cand, data)  # the first click
    after_one = (data / "incidents.csv").read_bytes()
    for again in (lambda: review.accept(path, cand, data), lambda: review.reject(path, cand, data_dir=data),
                  lambda: review.attach(path, cand, "fx-clash", data)):
        with pytest.raises(review.ReviewError, match="already reviewed"):  # a double click, a second tab
            again()
    assert (data / "incidents.csv").read_bytes() == after_one
    rejected = frame[frame["source_file"] == "ru_border_clash.txt"].iloc[0]["incident_id"]
    review.reject(path, rejected, data_dir=data)
    with pytest.raises(review.ReviewError, match="already rejected"):
        review.accept(path, rejected, data)


def test_a_matched_candidate_attaches_by_default_and_needs_a_choice_to_become_new(setup):
    data, path, frame = setup
    cand = frame[frame["source_file"] == "ru_border_clash.txt"].iloc[0]["incident_id"]
    _with_match(path, cand, "fx-clash")
    before = (data / "incidents.csv").read_bytes()
    with pytest.raises(review.NeedsConfirmation, match="matched it to curated incident fx-clash"):
        review.accept(path, cand, data, {"url": "https://example.org/ru", "source_name": "RU"})
    assert (data / "incidents.csv").read_bytes() == before  # no second incident without an explicit choice
    d = review.attach(path, cand, data_dir=data, overrides={"source_name": "Fixture RU"})  # the match by default
    assert d.action == "attached" and d.incident_id == "fx-clash"
    claim = _read(data, SOURCES).iloc[-1]
    assert claim["incident_id"] == "fx-clash" and claim["url"]  # the article is the source (URL or file)


def test_a_source_already_in_the_ledger_closes_the_candidate(setup):
    data, path, frame = setup
    known = _read(data, SOURCES)
    url = known[known["incident_id"] == "fx-clash"]["url"].iloc[0]
    cand = frame[frame["source_file"] == "ru_border_clash.txt"].iloc[0]["incident_id"]
    _with_match(path, cand, "fx-clash", source_url=url)
    before = (data / "sources.csv").read_bytes()
    d = review.attach(path, cand, data_dir=data)
    assert d.action == "already recorded" and (data / "sources.csv").read_bytes() == before
    row = review.load_candidates(path).set_index("incident_id").loc[cand]
    assert row["review_status"] == "reviewed" and row["matched_incident_id"] == "fx-clash"


def test_accept_of_a_likely_duplicate_needs_a_choice(setup):
    data, path, frame = setup
    cand = frame[frame["source_file"] == "en_chinese_workers.txt"].iloc[0]
    inc = _read(data, INCIDENTS).set_index("incident_id").loc["fx-clash"]
    frame2 = review.load_candidates(path)
    for k in ("event_date", "latitude", "longitude"):
        frame2.loc[frame2["incident_id"] == cand["incident_id"], k] = inc[k]
    frame2.loc[frame2["incident_id"] == cand["incident_id"], "end_date"] = ""
    frame2.to_csv(path, index=False)
    with pytest.raises(review.NeedsConfirmation, match="may duplicate fx-clash"):
        review.accept(path, cand["incident_id"], data)
    d = review.accept(path, cand["incident_id"], data, confirm_new=True)
    assert d.incident_id in set(_read(data, INCIDENTS)["incident_id"])


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


def test_two_tabs_on_one_candidate_never_accept_another(setup, monkeypatch):
    from streamlit.testing.v1 import AppTest

    data, path, frame = setup
    monkeypatch.setenv("BORDERWATCH_DATA", str(data))
    tab1 = AppTest.from_file(str(ROOT / "app_pages" / "review.py"), default_timeout=30).run()
    tab2 = AppTest.from_file(str(ROOT / "app_pages" / "review.py"), default_timeout=30).run()
    shown = tab1.selectbox(key="candidate").value
    assert tab2.selectbox(key="candidate").value == shown
    accept = lambda at: next(b for b in at.button if b.label == "Accept as new incident")  # noqa: E731
    date_box = lambda at: next(t for t in at.text_input if t.label.startswith("event_date"))  # noqa: E731
    assert date_box(tab1).value  # the candidate has a date, so accepting it needs nothing more
    accept(tab1).click().run()
    assert not tab1.exception and any("Added incident" in s.value for s in tab1.success)
    n = len(_read(data, INCIDENTS))
    accept(tab2).click().run()  # the second tab still shows the candidate tab 1 accepted
    assert not tab2.exception
    assert any("already reviewed" in e.value for e in tab2.error)
    assert len(_read(data, INCIDENTS)) == n  # nothing else was added in its place


def test_page_says_what_is_new_since_the_last_visit(setup, monkeypatch):
    from streamlit.testing.v1 import AppTest

    data, path, frame = setup
    monkeypatch.setenv("BORDERWATCH_DATA", str(data))
    art = data / "articles" / "2026" / "11"
    art.mkdir(parents=True)
    text = (FIX / "articles" / "en_chinese_workers.txt").read_text(encoding="utf-8")
    (art / "en_chinese_workers.txt").write_text("fetched: 2026-11-28T09:00:00+00:00\n" + text, encoding="utf-8")
    frame2 = review.load_candidates(path)
    frame2.loc[frame2["source_file"] == "en_chinese_workers.txt", "source_file"] = "2026/11/en_chinese_workers.txt"
    frame2.to_csv(path, index=False)
    (data / ".last_review_visit").write_text("2026-11-27T00:00:00+00:00", encoding="utf-8")
    at = AppTest.from_file(str(ROOT / "app_pages" / "review.py"), default_timeout=30).run()
    assert not at.exception
    n = int((frame2["source_file"] == "2026/11/en_chinese_workers.txt").sum())
    assert n and any(f"{n} new candidates fetched since the review page was last opened" in i.value for i in at.info)
    assert any(label.startswith("[NEW · UNREVIEWED]") for label in at.selectbox(key="candidate").options)
    assert (data / ".last_review_visit").read_text(encoding="utf-8") > "2026-11-27T00:00:00+00:00"


def test_page_never_shows_a_file_outside_the_article_folders(setup, monkeypatch):
    from streamlit.testing.v1 import AppTest

    data, path, frame = setup
    monkeypatch.setenv("BORDERWATCH_DATA", str(data))
    secret = data.parent / "secret.txt"
    secret.write_text("TOP SECRET LINE", encoding="utf-8")
    queue = review.load_candidates(path)
    first = queue.iloc[0]["incident_id"]
    queue.loc[queue["incident_id"] == first, "source_file"] = "../secret.txt"
    queue.to_csv(path, index=False)
    for name in ("../secret.txt", "../../../../etc/os-release", str(secret)):
        assert review.article_file({"source_file": name}, [data / "articles", data]) is None
    at = AppTest.from_file(str(ROOT / "app_pages" / "review.py"), default_timeout=30).run()
    assert not at.exception and at.selectbox(key="candidate").value == first
    shown = " ".join(m.value for m in at.markdown) + " ".join(t.value for t in at.text)
    assert "TOP SECRET" not in shown


def test_candidate_text_is_never_markdown(setup, monkeypatch):
    from streamlit.testing.v1 import AppTest

    data, path, frame = setup
    monkeypatch.setenv("BORDERWATCH_DATA", str(data))
    queue = review.load_candidates(path)
    first = queue.iloc[0]["incident_id"]
    hostile = "![](http://evil.example/p.png) **bold** :red[red] $x^2$ <img src=x>"
    queue.loc[queue["incident_id"] == first, ["review_reason", "confidence", "source_outlet"]] = [hostile, "**0.9**", hostile]
    queue.to_csv(path, index=False)
    at = AppTest.from_file(str(ROOT / "app_pages" / "review.py"), default_timeout=30).run()
    assert not at.exception
    rendered = [w.value for w in at.warning] + [c.value for c in at.caption] + [i.value for i in at.info]
    warning = next(v for v in rendered if "needs review" in v)
    for escaped in ("\\!\\[\\]\\(http\\://evil", "\\*\\*bold\\*\\*", "\\:red\\[red\\]", "\\$x\\^2\\$", "\\<img"):
        assert escaped in warning, escaped
    assert not any("](http://evil" in v for v in rendered)  # no live image or link anywhere
