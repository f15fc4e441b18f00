"""`incidents fetch` end to end against the local news site: articles stored once with their metadata, the
review queue appended, every fault one line and the run going on, a second run fetching nothing new."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from incidents.cli import main
from incidents.store import FileStore, articles

FAST = ["--delay", "0", "--timeout", "0.5", "--retries", "0"]


def _fetch(capsys, data: Path, *args: str) -> tuple[int, str, str]:
    rc = main(["fetch", "--data", str(data), *FAST, *args])
    out, err = capsys.readouterr()
    return rc, out, err


def _queue(data: Path) -> list[dict]:
    with open(data / "extracted.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _files(data: Path) -> dict[str, str]:
    root = data / "articles"
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.txt"))}


def _header(text: str) -> list[tuple[str, str]]:
    head = text.split("\n\n", 1)[0]
    return [tuple(part.strip() for part in line.split(":", 1)) for line in head.splitlines()]


def test_a_run_stores_each_story_once_queues_candidates_and_survives_every_fault(news_site, intake_env, capsys):
    data = intake_env
    rc, out, err = _fetch(capsys, data, "--feed", news_site.url("/feed.xml"), "--feed", news_site.url("/broken.xml"))
    assert rc == 0
    summary = out.strip().splitlines()[-1]
    assert summary.startswith("fetch: 1 feed read (1 failed); articles: 4 new, 1 duplicate, 2 failed, 1 blocked by robots.txt")
    assert re.search(r"3 to extraction, [1-9]\d* candidates? added", summary)

    # one line per fault, and the run went on
    lines = err.splitlines()
    def one(pattern: str) -> str:
        hits = [line for line in lines if re.search(pattern, line)]
        assert len(hits) == 1, (pattern, err)
        return hits[0]
    one(r"^error: feed .*/broken\.xml .*not a feed")
    one(r"^error: page .*/slow/late-article\.html: timed out after 0\.5 s")
    one(r"^error: page .*/gone/deleted-article\.html: HTTP 404")
    one(r"^skipped: page .*/private/internal\.html: robots\.txt forbids it")
    one(r"^warning: feed .*entry 6 .*has no link; skipped")
    one(r"^warning: feed .*unreadable date 'sometime last week'")
    assert not news_site.requests("/private/internal.html"), "robots.txt was ignored"

    files = _files(data)
    assert len(files) == 4
    for name, text in files.items():
        assert re.fullmatch(r"\d{4}/\d{2}/[a-z0-9-]+-[0-9a-f]{8}\.txt", name)
        keys = [k for k, _ in _header(text)]
        assert keys[:6] == ["url", "title", "outlet", "published", "language", "fetched"], name

    smugglers = next(t for n, t in files.items() if n.startswith("2026/01/"))
    head = dict(_header(smugglers))
    assert head["url"] == news_site.url("/news/24kg-smugglers.html")  # canonical: no tracking parameters
    assert head["published"] == "2026-01-30T15:42:00+06:00"  # the feed's date with the outlet's own offset
    assert head["language"] == "ru"
    assert "заставы «Бахорак» района Шамсиддини Шохин" in smugglers  # windows-1251 decoded as declared

    khaama = next(t for n, t in files.items() if n.startswith("2016/03/"))
    urls = [v for k, v in _header(khaama) if k == "url"]
    assert urls == [news_site.url("/khaama/tajik-border-guard-trespasser-killed-in-clash-near-afghan-border-4718/"),
                    news_site.url("/old/khaama-4718")]  # the redirect's target and the address in the feed
    assert dict(_header(khaama))["published"] == "2016-03-07"  # no date in the feed: the page's own

    story = [t for t in files.values() if "Kavo, Shamsiddin Shokhin" in t]
    assert len(story) == 1, "the syndicated story was stored twice"
    urls = [v for k, v in _header(story[0]) if k == "url"]
    assert sorted(urls) == sorted([news_site.url("/news/anews-five-killed.html"),
                                   news_site.alt + "/mirror/tajik-border-clash-five-killed.html"])

    queue = _queue(data)
    assert queue and all(r["review_status"] == "unreviewed" and r["origin"] == "extracted" for r in queue)
    roots = FileStore(data).article_roots()
    for r in queue:
        path = articles.find(r["source_file"], roots)
        assert path is not None and path.parent.parent.parent == data / "articles"
        text = path.read_text(encoding="utf-8")
        span = text[int(r["char_start"]):int(r["char_end"])]
        assert span.startswith(r["evidence"][:40]) and span.endswith(r["evidence"][-20:])  # offsets into the file
        assert r["source_outlet"] and re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["source_published"])
    assert not any("bishkek" in r["source_file"] for r in queue), "an off-topic article reached the extractor"
    assert "fx-clash" in {r["matched_incident_id"] for r in queue}, "the Kavo clash was not linked to the curated one"
    assert len({r["incident_id"] for r in queue}) == len(queue)

    # the second run: nothing new, nothing stored re-downloaded, the queue untouched
    before = (data / "extracted.csv").read_bytes()
    news_site.clear()
    rc, out, err = _fetch(capsys, data, "--feed", news_site.url("/feed.xml"))
    assert rc == 0
    assert "articles: 0 new, 5 duplicate" in out and "0 candidates added" in out
    asked = {path for _, path, _ in news_site.requests()}
    assert asked <= {"/feed.xml", "/slow/late-article.html", "/gone/deleted-article.html"}, asked
    assert [s for _, p, s in news_site.requests() if p == "/feed.xml"] == [304]
    assert (data / "extracted.csv").read_bytes() == before
    assert _files(data) == files


def test_earlier_candidates_and_review_decisions_are_kept(news_site, intake_env, capsys):
    data = intake_env
    _fetch(capsys, data, "--feed", news_site.url("/feed.xml"))
    first = _queue(data)
    with open(data / "extracted.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
        fields = list(rows[0])
    rows[0]["review_status"] = "rejected"
    rows[0]["review_reason"] = "rejected in review: not a border incident"
    kept = rows[0]["incident_id"]
    with open(data / "extracted.csv", "w", encoding="utf-8", newline="") as fh:  # a queue holding only the decided row
        w = csv.DictWriter(fh, fields)
        w.writeheader()
        w.writerow(rows[0])
    _fetch(capsys, data, "--reextract")
    after = _queue(data)
    assert after[0]["incident_id"] == kept and after[0]["review_status"] == "rejected"
    assert after[0]["review_reason"] == "rejected in review: not a border incident"
    assert {r["incident_id"] for r in after} == {r["incident_id"] for r in first}
    assert after[0]["cluster_id"] not in {r["cluster_id"] for r in after[1:]}  # new clusters never reuse an old id


def test_dry_run_writes_nothing(news_site, intake_env, capsys):
    data = intake_env
    rc, out, err = _fetch(capsys, data, "--dry-run", "--feed", news_site.url("/feed.xml"))
    assert rc == 0 and out.startswith("dry run, nothing written: ")
    assert "4 new" in out and re.search(r"[1-9]\d* candidates? added", out)
    assert not (data / "articles").exists() and not (data / "extracted.csv").exists()


def test_since_keeps_only_recent_articles(news_site, intake_env, capsys):
    data = intake_env
    rc, out, _ = _fetch(capsys, data, "--since", "2026-01-01", "--feed", news_site.url("/feed.xml"))
    assert "articles: 1 new" in out and "older than --since" in out
    assert [n[:7] for n in _files(data)] == ["2026/01"]
    assert not news_site.requests("/news/anews-five-killed.html"), "a dated entry before --since was fetched"


def test_page_option_fetches_one_article_and_a_retry_recovers_from_503(news_site, intake_env, capsys):
    data = intake_env
    rc = main(["fetch", "--data", str(data), "--delay", "0", "--retries", "1", "--timeout", "2",
               "--page", news_site.url("/flaky/five-killed")])
    out, err = capsys.readouterr()
    assert rc == 0, err
    assert "articles: 1 new" in out
    assert [s for _, p, s in news_site.requests() if p.startswith("/flaky/")] == [503, 200]


def test_a_feed_that_is_missing_is_one_line_and_the_run_ends_with_status_1(news_site, intake_env, capsys):
    rc, out, err = _fetch(capsys, intake_env, "--feed", news_site.url("/nothing-here.xml"))
    assert rc == 1
    assert [line for line in err.splitlines() if line.startswith("error:")] == [
        f"error: feed {news_site.url('/nothing-here.xml')} (127.0.0.1): HTTP 404 Not Found"]


def test_the_feeds_file_names_the_outlets(news_site, intake_env, capsys, tmp_path):
    feeds = tmp_path / "feeds.toml"
    feeds.write_text(f'''[[outlet]]
name = "Recorded Wire"
slug = "wire"
delay = 0
feeds = ["{news_site.url('/feed.xml')}"]
''', encoding="utf-8")
    rc, out, err = _fetch(capsys, intake_env, "--feeds", str(feeds))
    assert rc == 0 and "feed 1/1 Recorded Wire" in err
    names = list(_files(intake_env))
    assert names and all(Path(n).name.startswith("wire-") for n in names)
    assert {dict(_header(t))["outlet"] for t in _files(intake_env).values()} == {"Recorded Wire"}


@pytest.mark.slow
def test_every_runs_on_a_schedule_in_the_foreground(news_site, intake_env, capsys):
    rc = main(["fetch", "--data", str(intake_env), *FAST, "--feed", news_site.url("/feed.xml"), "--every", "1s", "--runs", "2"])
    out, err = capsys.readouterr()
    assert rc == 0
    runs = [line for line in out.splitlines() if line.startswith("fetch: ")]
    assert len(runs) == 2 and "4 new" in runs[0] and "0 new" in runs[1]
    assert "next run" in err
