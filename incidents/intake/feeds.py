"""A feed read with feedparser: its usable entries (address, title, dated with the outlet's offset) and one line per unusable one."""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field

from .page import iso_datetime


class FeedError(ValueError):
    """The document is not a feed at all (HTML, garbage, empty)."""


@dataclass(frozen=True)
class Entry:
    url: str
    title: str = ""
    published: str = ""  # ISO 8601 with the outlet's offset, or ''
    summary: str = ""


@dataclass
class ParsedFeed:
    title: str = ""
    entries: list[Entry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # one line per unusable entry or feed-level oddity


def parse(content: bytes, url: str, content_type: str = "") -> ParsedFeed:
    """Entries of an RSS/Atom document; raises FeedError when it is no feed at all."""
    import feedparser

    headers = {"content-type": content_type} if content_type else None
    with warnings.catch_warnings():  # feedparser warns about its own updated/published fallback
        warnings.simplefilter("ignore", DeprecationWarning)
        return _parse(feedparser.parse(content, response_headers=headers), content, url)


def _parse(doc, content: bytes, url: str) -> ParsedFeed:
    version = doc.get("version") or ""
    if not doc.entries and (not version or doc.get("bozo")):
        why = doc.get("bozo_exception")
        looks = "an HTML page" if re.search(rb"<html", content[:2048], re.I) else "not RSS or Atom"
        raise FeedError(f"not a feed ({looks}{': ' + _one_line(why) if why else ''})")
    out = ParsedFeed(title=str(doc.feed.get("title", "")).strip())
    if doc.get("bozo") and doc.entries:
        out.problems.append(f"feed is not well-formed ({_one_line(doc.get('bozo_exception'))}); "
                            f"read {len(doc.entries)} entries anyway")
    seen: set[str] = set()
    for n, e in enumerate(doc.entries, 1):
        link = _link(e, url)
        title = " ".join(str(e.get("title", "")).split())
        if not link:
            out.problems.append(f"entry {n} ({title[:60] or 'untitled'}) has no link; skipped")
            continue
        if link in seen:
            continue
        seen.add(link)
        raw_date = e.get("published") or e.get("updated") or e.get("dc_date") or ""
        published = iso_datetime(raw_date) or iso_datetime(e.get("published_parsed") or e.get("updated_parsed"))
        if raw_date and not published:
            out.problems.append(f"entry {n} ({title[:60] or link}) has an unreadable date {str(raw_date)[:40]!r}; "
                                "the page's own date will be used")
        out.entries.append(Entry(url=link, title=title, published=published,
                                 summary=" ".join(str(e.get("summary", "")).split())[:500]))
    return out


def _link(entry, base: str) -> str:
    from urllib.parse import urljoin

    link = str(entry.get("link") or "").strip()
    if not link:
        for alt in entry.get("links", []) or []:
            if alt.get("rel", "alternate") == "alternate" and alt.get("href"):
                link = str(alt["href"]).strip()
                break
    if not link and str(entry.get("id", "")).startswith(("http://", "https://")):
        link = str(entry["id"]).strip()
    if not link:
        return ""
    link = urljoin(base, link)
    return link if link.startswith(("http://", "https://")) else ""


def _one_line(exc) -> str:
    return " ".join(str(exc or "").split())[:160]
