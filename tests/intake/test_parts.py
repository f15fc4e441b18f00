"""The intake's parts on their own: address keys, story hashes, headers the extractor reads, offsets, charsets,
feeds with bad entries, dates with their offsets, languages, the prefilter, the queue, the schedule, robots.txt."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pytest

from incidents import config
from incidents.intake import archive as A
from incidents.intake import feeds, page, queue, schedule, sources

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "feeds"
STORY = ("Five people were killed in an armed clash on the Tajik-Afghan border after an alleged illegal border "
         "crossing from Afghanistan, Tajik officials said Thursday.\n\n"
         "Officials claimed the group resisted security forces and attempted to target a border post near the "
         "village of Kavo in Shamsiddin Shokhin district.\n\n"
         "Afghanistan did not immediately comment on the development, and the Taliban made no statement.")


def test_address_keys_ignore_scheme_www_tracking_fragment_and_trailing_slash():
    assert A.url_key("https://www.Example.com/a/b/?utm_source=rss&id=2#top") == A.url_key("http://example.com/a/b?id=2")
    assert A.url_key("https://example.com/a?id=2") != A.url_key("https://example.com/a?id=3")
    assert A.url_key("http://127.0.0.1:8000/x") != A.url_key("http://127.0.0.1:9000/x")


def test_a_syndicated_copy_hashes_the_same_and_a_copy_with_a_paragraph_less_is_the_same_story(tmp_path):
    copy = "Five killed as intruders clash with border guards\n\nRepublished from A News\n\n" + STORY
    assert A.content_hash(STORY) == A.content_hash(copy.replace("Thursday.", "Thursday. "))
    archive = A.Archive(tmp_path)
    archive.add(A.Stored("2025/12/a.txt", ["https://a.example/x"], A.content_hash(STORY), {}, A.paragraph_keys(STORY)))
    extra = STORY + "\n\nThis paragraph was added by the second site to round off the story for its own readers today."
    assert archive.same_story(A.content_hash(extra), A.paragraph_keys(extra)).name == "2025/12/a.txt"
    other = "A completely different story about the weather in Dushanbe, which was sunny and warm all week long."
    assert archive.same_story(A.content_hash(other), A.paragraph_keys(other)) is None


def test_the_extractor_reads_the_header_and_offsets_stay_offsets_into_the_file():
    from incidents.extract.article import load_article

    text = A.compose(["https://a.example/x", "https://b.example/y"], "Clash on the border", "A News",
                     "2025-12-25T14:05:00+03:00", "en", "2026-11-28T10:00:00+00:00", STORY)
    masked = A.for_extractor(text)
    assert len(masked) == len(text) and masked.count("\n") == text.count("\n")
    assert "fetched" not in masked and "b.example" not in masked
    art = load_article(Path("x.txt"), text=masked, meta={})
    assert art.meta["url"] == "https://a.example/x" and art.meta["outlet"] == "A News"
    assert str(art.published) == "2025-12-25"
    assert masked[art.body_start:].lstrip().startswith("Clash on the border")
    assert A.body_of(text).strip() == STORY


def test_adding_an_address_moves_the_offsets_of_that_article_only():
    text = A.compose(["https://a.example/x"], "T", "O", "2025-12-25", "en", "2026-11-28T10:00:00+00:00", STORY)
    start = text.index("Five people")
    new, at, delta = A.add_url(text, "https://b.example/y")
    assert new[start + delta:].startswith("Five people") and [v for k, v in A.header(new)[0] if k == "url"][-1] == "https://b.example/y"
    frame = pd.DataFrame({"source_file": ["a.txt", "b.txt"], "char_start": [str(start), str(start)],
                          "char_end": [str(start + 10)] * 2, "evidence_spans": [f"date={start}:{start + 4};type=1:2"] * 2})
    moved = queue.shift_offsets(frame, "a.txt", at, delta)
    assert moved.loc[0, "char_start"] == str(start + delta) and moved.loc[1, "char_start"] == str(start)
    assert moved.loc[0, "evidence_spans"] == f"date={start + delta}:{start + 4 + delta};type=1:2"


@pytest.mark.parametrize("content_type, body, expected", [
    ("text/html; charset=windows-1251", "<html><body>Граница</body></html>", "cp1251"),
    ("text/html", '<html><head><meta charset="windows-1251"></head><body>Граница</body></html>', "cp1251"),
    ("text/html", '<html><head><meta http-equiv="Content-Type" content="text/html; charset=koi8-r"></head>Граница', "koi8-r"),
    ("text/html", "<html><body>Граница</body></html>", "utf-8"),
])
def test_pages_are_decoded_by_their_declared_charset(content_type, body, expected):
    raw = body.encode(expected)
    text, enc = page.decode(raw, content_type)
    assert enc == expected and "Граница" in text


def test_a_feed_with_bad_entries_keeps_the_good_ones_and_a_page_is_no_feed():
    xml = (FIXTURES / "feed.xml").read_text(encoding="utf-8").replace("{base}", "http://x.test").replace("{alt}", "http://y.test")
    parsed = feeds.parse(xml.encode("utf-8"), "http://x.test/feed.xml", "application/rss+xml")
    assert len(parsed.entries) == 8
    assert any("has no link" in p for p in parsed.problems) and any("unreadable date" in p for p in parsed.problems)
    assert parsed.entries[0].published == "2026-01-30T15:42:00+06:00"
    with pytest.raises(feeds.FeedError, match="not a feed"):
        feeds.parse((FIXTURES / "broken.xml").read_bytes(), "http://x.test/broken.xml", "text/html")


def test_dates_keep_the_outlets_offset():
    assert page.iso_datetime("Fri, 30 Jan 2026 23:42:00 +0600") == "2026-01-30T23:42:00+06:00"
    assert page.iso_datetime("2025-12-25T14:05:00Z") == "2025-12-25T14:05:00+00:00"
    assert page.iso_datetime("sometime last week") == ""


def test_language_is_detected_not_assumed():
    assert page.detect_language("Пограничники задержали группу контрабандистов на таджикско-афганской границе ночью.") == "ru"
    assert page.detect_language("Border guards detained a group of smugglers on the Tajik-Afghan border overnight.") == "en"
    assert page.detect_language("Сарҳадбонони Тоҷикистон гурӯҳи қочоқбаронро дар марз боздошт карданд.") == "tg"
    assert page.detect_language("...") == ""


def test_the_prefilter_wants_a_cue_and_a_place_in_the_region():
    from incidents.intake.prefilter import Prefilter

    f = Prefilter()
    assert f.check("Clash", STORY).relevant
    ru = "Пограничники ликвидировали троих контрабандистов в районе Шамсиддини Шохин."
    assert f.check("", ru).relevant
    assert not f.check("", "Public discussions on the new general plan are taking place in Bishkek this week.").relevant
    assert not f.check("", "Five people were killed in an armed clash in a remote valley of Peru, officials said.").relevant


def test_the_queue_appends_new_rows_only_and_numbers_their_clusters_after_the_old_ones():
    old = queue.empty()
    old.loc[0, ["incident_id", "cluster_id", "review_status"]] = ["x-1", "c007", "reviewed"]
    old = old.fillna("")
    new = pd.DataFrame({"incident_id": ["x-1", "x-2", "x-3"], "cluster_id": ["c001", "c001", "c002"]})
    out, added = queue.append(old, new)
    assert added == 2 and list(out["incident_id"]) == ["x-1", "x-2", "x-3"]
    assert list(out["cluster_id"]) == ["c007", "c008", "c008"][:2] + ["c009"]
    assert out.loc[0, "review_status"] == "reviewed"


def test_new_since_uses_the_fetch_time_of_each_candidates_article(tmp_path):
    root = tmp_path / "articles"
    for name, fetched in (("2026/11/a.txt", "2026-11-27T10:00:00+00:00"), ("2026/11/b.txt", "2026-11-28T09:00:00+00:00")):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(A.compose(["https://a.example/" + name], "T", "Outlet " + name[-5], "2026-11-26", "en",
                                           fetched, STORY), encoding="utf-8")
    frame = pd.DataFrame({"incident_id": ["x-a", "x-b", "x-seed"], "source_file": ["2026/11/a.txt", "2026/11/b.txt", "000_seed.txt"],
                          "source_outlet": ["", "", "Seed"], "source_published": ["", "", "2025-01-01"], "source_url": ["", "", ""]})
    got = queue.new_since(frame, "2026-11-28", [root])
    assert list(got["incident_id"]) == ["x-b"]
    assert list(queue.new_since(frame, datetime(2026, 11, 1, tzinfo=timezone.utc), [root])["incident_id"]) == ["x-b", "x-a"]
    info = queue.article_info(frame, [root])
    assert list(info["outlet"]) == ["Outlet a", "Outlet b", "Seed"] and info.loc[2, "published"] == "2025-01-01"


def test_intervals_and_a_schedule_that_outlives_a_failing_run():
    assert schedule.parse_interval("1h") == 3600 and schedule.parse_interval("1h30m") == 5400
    assert schedule.parse_interval("90") == 90
    with pytest.raises(ValueError):
        schedule.parse_interval("hourly")
    calls, said, slept = [], [], []
    clock = iter([0.0, 10.0, 3610.0]).__next__

    def job():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("network down")

    assert schedule.every(3600, job, runs=3, say=said.append, sleep=slept.append, clock=clock) == 3
    assert len(calls) == 3 and said[0].startswith("error: run failed: RuntimeError: network down")
    assert slept == [3590.0, 3590.0]


def test_the_shipped_feeds_list_names_real_outlets_and_marks_unconfirmed_addresses():
    listed = sources.load(config.PACKAGE_DIR.parent / "data" / "feeds.toml")
    slugs = {o.slug for o in listed.outlets}
    assert {"asiaplus", "ozodi", "24kg", "kunuz", "khovar", "avesta", "timesca", "fergana", "khaama", "tolonews"} <= slugs
    assert all(o.feeds and o.delay >= 1 for o in listed.outlets)
    assert all(f.url.startswith("https://") for o in listed.outlets for f in o.feeds)
    assert any(not f.confirmed for o in listed.outlets for f in o.feeds)
    assert listed.outlet_for("https://www.khaama.com/some-story-123/").slug == "khaama"


def test_robots_txt_is_honoured(news_site, tmp_path):
    from incidents.intake.http import Fetcher

    f = Fetcher(cache_dir=tmp_path / "cache", delay=0, timeout=2, retries=0)
    assert f.allowed(news_site.url("/news/anews-five-killed.html"))
    assert not f.allowed(news_site.url("/private/internal.html"))
    f.close()


def test_a_canonical_link_to_the_home_page_is_ignored():
    assert page._canonical('<link rel="canonical" href="/news/1.html">', "http://a.test/x?utm_source=rss") == "http://a.test/news/1.html"
    assert page._canonical('<link rel="canonical" href="https://a.test/">', "http://a.test/news/2.html") == ""
