"""One intake run: feeds or pages to stored articles, the likely reports to the extractor, its candidates to the queue; faults one line each."""

from __future__ import annotations

import sys
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .. import config, store
from ..errors import IncidentsError
from . import sources as S
from .archive import Archive, Stored, add_url, body_of, compose, content_hash, file_name, now_iso, paragraph_keys, url_key
from .feeds import Entry, FeedError, parse
from .http import Blocked, FetchError, Fetcher
from .page import PageError, read


@dataclass
class Options:
    data_dir: Path
    feeds: list[str] = field(default_factory=list)  # --feed URLs (instead of the feeds file)
    pages: list[str] = field(default_factory=list)  # --page URLs
    feeds_file: Path | None = None
    outlets: list[str] | None = None
    since: date | None = None
    dry_run: bool = False
    reextract: bool = False  # run the prefilter and extractor again over every stored article
    cache_dir: Path | None = None
    timeout: float = 20.0
    retries: int = 2
    backoff: float = 1.0
    delay: float | None = None  # overrides every per-host delay


@dataclass
class Summary:
    feeds_read: int = 0
    feeds_failed: int = 0
    entries: int = 0
    new: int = 0
    duplicate: int = 0
    failed: int = 0
    blocked: int = 0
    older: int = 0
    to_extract: int = 0
    candidates: int = 0
    matched: int = 0
    requests: int = 0
    seconds: float = 0.0
    queue_error: str = ""
    dry_run: bool = False

    def line(self) -> str:
        parts = [_n(self.feeds_read, "feed") + " read" + (f" ({self.feeds_failed} failed)" if self.feeds_failed else ""),
                 f"articles: {self.new} new, {self.duplicate} duplicate, {self.failed} failed"
                 + (f", {self.blocked} blocked by robots.txt" if self.blocked else "")
                 + (f", {self.older} older than --since" if self.older else ""),
                 f"{self.to_extract} to extraction, " + _n(self.candidates, "candidate") + " added"
                 + (f" ({self.matched} matching curated incidents)" if self.matched else ""),
                 _n(self.requests, "HTTP request") + f", {self.seconds:.1f} s"]
        return ("dry run, nothing written: " if self.dry_run else "fetch: ") + "; ".join(parts)

    @property
    def ok(self) -> bool:
        """False when nothing could be read at all, or the review queue could not be written."""
        tried = self.feeds_read + self.feeds_failed + self.new + self.failed + self.duplicate
        return not self.queue_error and not (tried and self.feeds_read == 0 and self.feeds_failed and not self.new)


class Intake:
    """Carry out one run with `options`; messages (one line each) and progress go to `err`."""

    def __init__(self, options: Options, err=None, fetcher: Fetcher | None = None):
        self.o = options
        self.err = err or sys.stderr
        self.fetcher = fetcher or Fetcher(cache_dir=options.cache_dir, timeout=options.timeout,
                                          retries=options.retries, backoff=options.backoff, delay=options.delay)
        self.summary = Summary(dry_run=options.dry_run)
        self.archive: Archive | None = None
        self.pending_urls: dict[str, list[str]] = {}
        self.extract_names: list[str] = []
        self.memory: dict[str, str] = {}  # dry run: the article files that would have been written
        self._prefilter = None

    # --- messages ---------------------------------------------------------------------------------------
    def say(self, text: str) -> None:
        print(text, file=self.err, flush=True)

    def progress(self, n: int, total: int, url: str) -> None:
        if getattr(self.err, "isatty", lambda: False)():
            print(f"\r[{n}/{total}] {url[:90]:<90}", end="" if n < total else "\n", file=self.err, flush=True)
        elif n == total or n % 10 == 0:
            self.say(f"progress: {n}/{total} pages")

    # --- the run ----------------------------------------------------------------------------------------
    def run(self) -> Summary:
        t0 = time.perf_counter()
        self.archive = Archive.load(self.o.data_dir)
        try:
            if self.o.reextract:
                self.extract_names = [i.name for i in self.archive.items if self._in_period(i.meta.get("published", ""))]
            else:
                work = self._entries()
                self._fetch_all(work)
            self._finish()
        finally:
            self.fetcher.close()
            self.summary.requests = self.fetcher.requests
            self.summary.seconds = time.perf_counter() - t0
        return self.summary

    def _outlets(self) -> tuple[list[S.Outlet], S.FeedsList | None]:
        path = self.o.feeds_file or config.feeds_file(self.o.data_dir)
        if self.o.feeds or self.o.pages:
            try:
                known = S.load(path) if path.exists() else None
            except IncidentsError as exc:
                self.say(f"warning: {exc}; outlets named after their hosts")
                known = None
            return [], known
        listed = S.load(path)
        return listed.select(self.o.outlets), listed

    def _entries(self) -> list[tuple[S.Outlet, Entry]]:
        """(outlet, entry) for every new feed entry and --page URL, in feed order."""
        outlets, known = self._outlets()
        feeds = [(o, f.url) for o in outlets for f in o.feeds]
        feeds += [(S.adhoc(u, known, self.o.delay), u) for u in self.o.feeds]
        work: list[tuple[S.Outlet, Entry]] = []
        seen: set[str] = set()
        for n, (outlet, url) in enumerate(feeds, 1):
            self._set_delay(outlet, url)
            try:
                resp = self.fetcher.get(url, refresh=True)
                parsed = parse(resp.content, resp.final_url, resp.content_type)
            except (FetchError, FeedError) as exc:
                self.summary.feeds_failed += 1
                self.say(f"error: feed {url} ({outlet.name}): {exc}")
                continue
            self.summary.feeds_read += 1
            for problem in parsed.problems:
                self.say(f"warning: feed {url} ({outlet.name}): {problem}")
            fresh = 0
            for entry in parsed.entries:
                self.summary.entries += 1
                key = url_key(entry.url)
                if key in seen:
                    continue
                seen.add(key)
                if entry.published and not self._in_period(entry.published):
                    self.summary.older += 1
                elif self.archive.known_url(entry.url):
                    self.summary.duplicate += 1
                else:
                    work.append((outlet, entry))
                    fresh += 1
            self.say(f"feed {n}/{len(feeds)} {outlet.name}: {len(parsed.entries)} entries, {fresh} to fetch"
                     + (" (unchanged since last run)" if resp.from_cache else ""))
        for url in self.o.pages:
            outlet = S.adhoc(url, known, self.o.delay)
            self._set_delay(outlet, url)
            if self.archive.known_url(url):
                self.summary.duplicate += 1
            elif url_key(url) not in seen:
                seen.add(url_key(url))
                work.append((outlet, Entry(url=url)))
        return work

    def _set_delay(self, outlet: S.Outlet, url: str) -> None:
        self.fetcher.set_delay(url, outlet.delay)
        for domain in outlet.domains:
            self.fetcher.set_delay(f"https://{domain}/", outlet.delay)

    def _fetch_all(self, work: list[tuple[S.Outlet, Entry]]) -> None:
        """Fetch the pages taking hosts in turn, so one site's delay is spent fetching from the others."""
        by_host: OrderedDict[str, list] = OrderedDict()
        for item in work:
            by_host.setdefault(S.host_of(item[1].url), []).append(item)
        order = []
        while by_host:
            for host in list(by_host):
                order.append(by_host[host].pop(0))
                if not by_host[host]:
                    del by_host[host]
        for n, (outlet, entry) in enumerate(order, 1):
            self._one(outlet, entry)
            self.progress(n, len(order), entry.url)

    def _one(self, outlet: S.Outlet, entry: Entry) -> None:
        s = self.summary
        try:
            resp = self.fetcher.get(entry.url)
        except Blocked as exc:
            s.blocked += 1
            self.say(f"skipped: page {entry.url}: {exc}")
            return
        except FetchError as exc:
            s.failed += 1
            self.say(f"error: page {entry.url}: {exc}")
            return
        if resp.redirected and (hit := self.archive.known_url(resp.final_url)):
            return self._duplicate(hit, [entry.url])
        try:
            page = read(resp.content, resp.final_url, resp.content_type)
        except PageError as exc:
            s.failed += 1
            self.say(f"error: page {entry.url}: {exc}")
            return
        urls = _unique([page.canonical, resp.final_url, entry.url])
        hits = [h for h in map(self.archive.known_url, urls) if h is not None]
        if hits:
            return self._duplicate(hits[0], urls)
        published = entry.published or page.published
        if not self._in_period(published):
            s.older += 1
            return
        fetched = now_iso()
        title = entry.title or page.title
        outlet_name = outlet.name if outlet.feeds or not page.sitename else page.sitename
        text = compose(urls, title, outlet_name, published, page.language or outlet.language, fetched, page.text)
        story = body_of(text)
        digest, paras = content_hash(story), paragraph_keys(story)
        if hit := self.archive.same_story(digest, paras):
            return self._duplicate(hit, urls)
        name = file_name(outlet.slug, title, urls[0], digest, published, fetched)
        self._write(name, text)
        self.archive.add(Stored(name, urls, digest, {"published": published, "outlet": outlet_name}, paras))
        s.new += 1
        self.extract_names.append(name)

    def _duplicate(self, hit: Stored, urls: list[str]) -> None:
        """The story is stored already: count it, and remember the addresses the article does not list yet."""
        self.summary.duplicate += 1
        have = {url_key(u) for u in hit.urls}
        for u in urls:
            if url_key(u) not in have:
                hit.urls.append(u)
                have.add(url_key(u))
                self.archive.by_url.setdefault(url_key(u), hit)
                self.pending_urls.setdefault(hit.name, []).append(u)

    def _in_period(self, published: str) -> bool:
        if not self.o.since or not published:
            return True
        try:
            return date.fromisoformat(published[:10]) >= self.o.since
        except ValueError:
            return True

    # --- files ------------------------------------------------------------------------------------------
    def _write(self, name: str, text: str) -> None:
        if self.o.dry_run:
            self.memory[name] = text
        else:
            self.archive.write(name, text)

    def _read(self, name: str) -> str:
        return self.memory[name] if name in self.memory else self.archive.read(name)

    # --- extraction and the queue -----------------------------------------------------------------------
    def _relevant(self, names: list[str]) -> list[str]:
        from .archive import header
        from .prefilter import Prefilter

        if not names:
            return []
        self._prefilter = self._prefilter or Prefilter()
        out = []
        for name in names:
            text = self._read(name)
            title = dict(header(text)[0]).get("title", "")
            if self._prefilter.check(title, body_of(text)).relevant:
                out.append(name)
        return out

    def _finish(self) -> None:
        names = self._relevant(self.extract_names)
        self.summary.to_extract = len(names)
        if self.o.dry_run:
            self._dry_extract(names)
            return
        if not names and not self.pending_urls:
            return
        from .extraction import extract
        from .queue import append, empty, shift_offsets

        try:
            with store.FileStore(self.o.data_dir).transaction() as tx:
                queue = tx.candidates if tx.candidates_path.exists() else empty()
                before = queue
                for name, extra in self.pending_urls.items():
                    text = self.archive.read(name)
                    for u in extra:
                        text, at, delta = add_url(text, u)
                        queue = shift_offsets(queue, name, at, delta)
                    self.archive.write(name, text)
                frame, failed = extract(self.archive, names, tx.incidents)
                for line in failed:
                    self.say(f"error: {line}")
                queue, added = append(queue, frame)
                self.summary.candidates = added
                self.summary.matched = int((queue.tail(added)["matched_incident_id"].astype(str) != "").sum()) if added else 0
                if added or queue is not before:
                    tx.write(candidates=queue)
        except IncidentsError as exc:
            self.summary.queue_error = str(exc)
            self.say(f"error: review queue not updated: {exc} (the articles are stored; "
                     "`incidents fetch --reextract` adds their candidates once this is fixed)")

    def _dry_extract(self, names: list[str]) -> None:
        from ..extract import extract_article
        from .archive import for_extractor

        for name in names:
            try:
                self.summary.candidates += len(extract_article(Path(name), text=for_extractor(self._read(name)), meta={}))
            except Exception as exc:  # the dry run reports, like a real run, and goes on
                self.say(f"error: {name}: extraction failed: {exc}")


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _unique(urls: list[str]) -> list[str]:
    """The addresses in order, the first of each key kept (the canonical address comes first)."""
    out: dict[str, str] = {}
    for u in urls:
        if u:
            out.setdefault(url_key(u), u)
    return list(out.values())
