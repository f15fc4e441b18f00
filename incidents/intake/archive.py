"""The article archive (<data>/articles/YYYY/MM/*.txt): file text and header, one-story keys (address, content hash), the index."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .. import store
from .sources import slugify

ARTICLES = "articles"
# The header keys the extractor reads, in the order they are written. Lines after them in the header
# (fetched:, further url: lines) are the intake's own; `for_extractor` blanks them for the extractor.
EXTRACTOR_KEYS = ("url", "title", "outlet", "published", "language")
TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|yclid|mc_cid|mc_eid|_openstat)$", re.I)
_KEY_LINE = re.compile(r"^([A-Za-z_]+)[ \t]*:[ \t]*(.*)$")


def url_key(url: str) -> str:
    """The address as a comparison key: http/https and 'www.' alike, no fragment, no tracking parameters,
    no trailing slash, parameters sorted. Two addresses with one key are one page."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").casefold()
    host = host[4:] if host.startswith("www.") else host
    if parts.port and parts.port not in (80, 443):
        host = f"{host}:{parts.port}"
    path = re.sub(r"/+", "/", parts.path or "/")
    if len(path) > 1:
        path = path.rstrip("/")
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING.match(k)))
    return urlunsplit(("", host, path, query, ""))[2:]


MIN_PARAGRAPH_WORDS = 12  # shorter paragraphs (headline, byline, 'Republished from ...') are not the story
SAME_STORY = 0.8  # share of the shorter article's paragraphs found in the other that makes two articles one story


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def _story_paragraphs(text: str) -> list[str]:
    paras = [_words(p) for p in re.split(r"\n\s*\n|\n", text)]
    long = [p for p in paras if len(p.split()) >= MIN_PARAGRAPH_WORDS]
    return long or [p for p in paras if p]


def content_hash(text: str) -> str:
    """A hash of the story's words (case, punctuation, spacing, headline and byline ignored): a syndicated
    copy of a story on another site, under another headline, hashes the same."""
    return hashlib.sha256("\n".join(_story_paragraphs(text)).encode("utf-8")).hexdigest()[:20]


def paragraph_keys(text: str) -> frozenset[str]:
    """Hashes of the story's paragraphs, for copies that differ by a paragraph added or dropped."""
    return frozenset(hashlib.sha256(p.encode("utf-8")).hexdigest()[:16] for p in _story_paragraphs(text))


def clean_value(value: str) -> str:
    return " ".join(str(value or "").split())


@dataclass
class Stored:
    """One article as the archive has it."""

    name: str  # path relative to <data>/articles, e.g. 2026/11/asiaplus-....txt (the candidates' source_file)
    urls: list[str]
    hash: str
    meta: dict = field(default_factory=dict)
    paragraphs: frozenset = frozenset()


def compose(urls: list[str], title: str, outlet: str, published: str, language: str, fetched: str, text: str) -> str:
    """The article file: header (extractor keys, then fetched: and any further url: lines), a blank line,
    the title as the first paragraph, then the main text."""
    lines = [f"url: {clean_value(urls[0])}", f"title: {clean_value(title)}", f"outlet: {clean_value(outlet)}",
             f"published: {clean_value(published)}", f"language: {clean_value(language)}",
             f"fetched: {clean_value(fetched)}"]
    lines += [f"url: {clean_value(u)}" for u in urls[1:]]
    text = text.strip()
    first = text.split("\n", 1)[0].strip()
    body = (clean_value(title) + "\n\n" if title.strip() and first != clean_value(title) else "") + text + "\n"
    return "\n".join(lines) + "\n\n" + body


def header(text: str) -> tuple[list[tuple[str, str]], int]:
    """The header's (key, value) lines in order and the offset where the header's blank line starts."""
    pairs, pos = [], 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if not stripped:
            return pairs, pos
        m = _KEY_LINE.match(stripped)
        if not m:
            return [], 0
        pairs.append((m.group(1).casefold(), m.group(2).strip()))
        pos += len(line)
    return pairs, pos


def body_of(text: str) -> str:
    """The article text after the header and the title paragraph (what `content_hash` was taken over)."""
    pairs, end = header(text)
    body = text[end:].lstrip("\n") if pairs else text
    title = dict(pairs).get("title", "")
    if title and body.startswith(title + "\n\n"):
        body = body[len(title) + 2:]
    return body


def for_extractor(text: str) -> str:
    """The file text as the extractor should read it: the intake's own header lines (fetched:, further
    url: lines) are replaced by spaces of the same length, so the extractor's header ends before them and
    every character offset it reports is still an offset into the file."""
    pairs, end = header(text)
    if not pairs:
        return text
    out, pos, seen, masking = [], 0, set(), False
    for line in text[:end].splitlines(keepends=True):
        key = line.split(":", 1)[0].strip().casefold()
        if masking or key not in EXTRACTOR_KEYS or key in seen:
            masking = True
            body = line.rstrip("\n")
            out.append(" " * len(body) + line[len(body):])
        else:
            out.append(line)
            seen.add(key)
        pos += len(line)
    return "".join(out) + text[end:]


def add_url(text: str, url: str) -> tuple[str, int, int]:
    """The file text with one more `url:` line at the end of the header: (new text, offset, added length)."""
    _, end = header(text)
    line = f"url: {clean_value(url)}\n"
    return text[:end] + line + text[end:], end, len(line)


def file_name(outlet_slug: str, title: str, url: str, digest: str, published: str, fetched: str) -> str:
    """articles/-relative name: YYYY/MM (publication month, else the fetch month)/outlet-title-hash.txt."""
    month = published[:7] if re.match(r"\d{4}-\d{2}", published or "") else fetched[:7]
    words = slugify(title, 60) or slugify(urlsplit(url).path.rsplit("/", 1)[-1] or urlsplit(url).path, 60) or "article"
    return f"{month[:4]}/{month[5:7]}/{outlet_slug}-{words}-{digest[:8]}.txt"


def now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


class Archive:
    """The articles already stored under <data>/articles, indexed by address key and content hash."""

    def __init__(self, data_dir: Path):
        self.root = Path(data_dir) / ARTICLES
        self.by_url: dict[str, Stored] = {}
        self.by_hash: dict[str, Stored] = {}
        self.items: list[Stored] = []
        self.by_paragraph: dict[str, list[int]] = {}

    @classmethod
    def load(cls, data_dir: Path) -> "Archive":
        out = cls(data_dir)
        for path in store.articles.tree(out.root):
            text = store.articles.read_text(path)
            pairs, _ = header(text)
            meta = dict(pairs)
            urls = [v for k, v in pairs if k == "url" and v]
            body = body_of(text)
            out.add(Stored(path.relative_to(out.root).as_posix(), urls, content_hash(body), meta, paragraph_keys(body)))
        return out

    def add(self, item: Stored) -> None:
        for key in item.paragraphs:
            self.by_paragraph.setdefault(key, []).append(len(self.items))
        self.items.append(item)
        self.by_hash.setdefault(item.hash, item)
        for u in item.urls:
            self.by_url.setdefault(url_key(u), item)

    def same_story(self, digest: str, paragraphs: frozenset) -> Stored | None:
        """The stored article with this content hash, else one holding most of these paragraphs."""
        if digest in self.by_hash:
            return self.by_hash[digest]
        if len(paragraphs) < 2:
            return None
        counts: dict[int, int] = {}
        for key in paragraphs:
            for i in self.by_paragraph.get(key, ()):
                counts[i] = counts.get(i, 0) + 1
        for i, shared in sorted(counts.items(), key=lambda kv: -kv[1]):
            smaller = min(len(paragraphs), len(self.items[i].paragraphs))
            if shared >= 2 and shared >= SAME_STORY * smaller:
                return self.items[i]
        return None

    def known_url(self, url: str) -> Stored | None:
        return self.by_url.get(url_key(url))

    def path(self, name: str) -> Path:
        return self.root / name

    def write(self, name: str, text: str) -> Path:
        path = self.path(name)
        store.articles.write_article(path, text)
        return path

    def read(self, name: str) -> str:
        return store.articles.read_text(self.path(name))
