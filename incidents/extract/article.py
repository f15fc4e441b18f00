"""Reading an article: optional `key: value` header, manifest metadata, page debris, language, sentences.

Offsets everywhere are character offsets into the article file's text exactly as read (after
decoding and newline normalisation), so an analyst's viewer can highlight the evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..store import articles
from ..store.articles import read_manifest  # noqa: F401 - part of this module's API
from . import rules as R

HEADER_KEYS = ("url", "title", "outlet", "published", "language", "source", "date", "author", "fetched")
HEADER_LINE = re.compile(r"^(?P<key>[A-Za-z_]+)\s*:\s*(?P<value>.*)$")

# Abbreviations after which a full stop does not end a sentence.
ABBREVIATIONS = frozenset("""
mr mrs ms dr gen lt col maj capt sgt st no nos vs etc jr sr prof gov sen rep approx dept est fig inc ltd co corp
jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k u.n e.g i.e a.m p.m
г гг ул им т.е т.д т.п др пр см стр тыс млн млрд руб
""".split())


@dataclass
class Sentence:
    start: int
    end: int
    text: str
    index: int
    paragraph: int
    heading: bool = False


@dataclass
class Article:
    path: str
    text: str  # the whole file text; offsets refer to it
    meta: dict[str, str] = field(default_factory=dict)
    body_start: int = 0
    excluded: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, why)
    language: str = "en"
    sentences: list[Sentence] = field(default_factory=list)

    @property
    def name(self) -> str:
        return Path(self.path).name

    @property
    def published(self) -> date | None:
        value = self.meta.get("published") or self.meta.get("date") or ""
        m = re.match(r"(\d{4})-(\d{2})-(\d{2})", value.strip())
        if not m:
            return None
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None

    @property
    def published_month(self) -> tuple[int, int] | None:
        """(year, month) of a publication date given only to the month ('published: 2021-05'), else of the full date."""
        value = (self.meta.get("published") or self.meta.get("date") or "").strip()
        m = re.match(r"(\d{4})-(\d{2})(?:$|-)", value)
        return (int(m[1]), int(m[2])) if m and 1 <= int(m[2]) <= 12 else None

    def body_sentences(self) -> list[Sentence]:
        return [s for s in self.sentences if not s.heading]


def parse_header(text: str) -> tuple[dict[str, str], int]:
    """Metadata lines at the top (`key: value`, known keys only) ended by a blank line; (meta, body offset)."""
    meta: dict[str, str] = {}
    pos = 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if not stripped:
            return (meta, pos + len(line)) if meta else ({}, 0)
        m = HEADER_LINE.match(stripped)
        if not m or m["key"].casefold() not in HEADER_KEYS:
            return {}, 0
        meta[m["key"].casefold()] = m["value"].strip()
        pos += len(line)
    return (meta, pos) if meta else ({}, 0)


CYRILLIC = re.compile(r"[\u0400-\u04FF]")
LATIN = re.compile(r"[A-Za-z]")


def detect_language(text: str) -> str:
    """'ru' when Cyrillic letters dominate (Russian and Tajik news are both handled by the Russian rules), else 'en'."""
    sample = text[:20000]
    cyr, lat = len(CYRILLIC.findall(sample)), len(LATIN.findall(sample))
    return "ru" if cyr > lat else "en"


def find_debris(text: str, start: int, rules: R.Rules) -> list[tuple[int, int, str]]:
    """Spans that are page furniture, teaser lists or citations, not article text."""
    spans: list[tuple[int, int, str]] = []
    pos = start
    in_teaser = False
    lines = text[start:].splitlines(keepends=True)
    for line in lines:
        stripped = line.strip()
        end = pos + len(line)
        if in_teaser:
            spans.append((pos, end, "teaser list"))
            if any(p.match(stripped) for p in rules.teaser_end):
                in_teaser = False
        elif stripped and any(p.match(stripped) for p in rules.teaser_start):
            spans.append((pos, end, "teaser list"))
            in_teaser = True
        elif stripped and any(p.match(stripped) for p in rules.debris_line):
            spans.append((pos, end, "page furniture"))
        pos = end
    for pattern in rules.citation:
        for m in pattern.finditer(text, start):
            spans.append((m.start(), m.end(), "citation"))
    return sorted(spans)


MAX_SENTENCE = 1200  # characters: a longer "sentence" is cut at a clause or word boundary (no real one is this long)
_CUT = re.compile(r"[;,:—–)]\s|\s")

_BOUNDARY = re.compile(r"""([.!?…]+)(["'”’»)\]]*)(\s+)(?=["'“‘«(\[]?[A-ZА-ЯЁ0-9])""")
_LINE = re.compile(r"\n")


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans in text[start:end]: a regex splitter that respects abbreviations, initials and decimals.

    Line breaks always end a sentence (articles put headings and paragraphs on their own lines). A span longer than
    MAX_SENTENCE characters is cut into pieces (see _capped), so the work per sentence is bounded and a megabyte of
    text without punctuation takes linear time.
    """
    out: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text[start:end]):
        ls, le = start + line.start(), start + line.end()
        seg_start = ls
        for m in _BOUNDARY.finditer(text, ls, le):
            before = text[seg_start:m.start()]
            word = re.search(r"([\w.]+)$", before)
            token = word.group(1).casefold().rstrip(".") if word else ""
            if m.group(1) == "." and (token in ABBREVIATIONS or (len(token) == 1 and token.isalpha())):
                continue
            cut = m.start() + len(m.group(1)) + len(m.group(2))
            if text[seg_start:cut].strip():
                out += _capped(text, *_trim(text, seg_start, cut))
            seg_start = m.end()
        if text[seg_start:le].strip():
            out += _capped(text, *_trim(text, seg_start, le))
    return out


def _capped(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """(s, e) cut into pieces of at most MAX_SENTENCE characters, each ending after a clause mark or a space in its
    last third when there is one."""
    out = []
    while e - s > MAX_SENTENCE:
        cut = s + MAX_SENTENCE
        last = None
        for m in _CUT.finditer(text, s + 2 * MAX_SENTENCE // 3, cut):
            last = m
        if last is not None:
            cut = last.end()
        out.append(_trim(text, s, cut))
        s = cut
    out.append(_trim(text, s, e))
    return [(a, b) for a, b in out if b > a]


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _is_heading(sentence: str) -> bool:
    """A short line without final punctuation ('The Catalyst', a headline)."""
    s = sentence.strip()
    return len(s.split()) <= 14 and not re.search(r"[.!?…:;\"”»]$", s)


def load_article(path: str | Path, text: str | None = None, meta: dict[str, str] | None = None,
                 rules: R.Rules | None = None) -> Article:
    """Read and segment one article. `meta` (e.g. from the manifest) fills what the header leaves out."""
    rules = rules or R.load()
    if text is None:
        text = articles.read_text(Path(path))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    header, body_start = parse_header(text)
    merged = dict(meta or {})
    merged.update({k: v for k, v in header.items() if v})
    art = Article(path=str(path), text=text, meta=merged, body_start=body_start)
    art.excluded = find_debris(text, body_start, rules)
    lang = (merged.get("language") or "").casefold()[:2]
    art.language = lang if lang in ("en", "ru") else detect_language(_visible(text, body_start, art.excluded))
    art.sentences = _sentences(art)
    return art


def _visible(text: str, start: int, excluded: list[tuple[int, int, str]]) -> str:
    parts, pos = [], start
    for s, e, _ in excluded:
        if s > pos:
            parts.append(text[pos:s])
        pos = max(pos, e)
    parts.append(text[pos:])
    return " ".join(parts)


def _sentences(art: Article) -> list[Sentence]:
    text = art.text
    # Whole-line debris is removed before splitting; citations are blanked inside the sentence text later.
    line_debris = [(s, e) for s, e, why in art.excluded if why != "citation"]
    spans: list[tuple[int, int]] = []
    pos = art.body_start
    for s, e in line_debris + [(len(text), len(text))]:
        if s > pos:
            spans.extend(split_sentences(text, pos, s))
        pos = max(pos, e)
    citations = [(s, e) for s, e, why in art.excluded if why == "citation"]
    out: list[Sentence] = []
    paragraph = 0
    last_end = art.body_start
    for i, (s, e) in enumerate(spans):
        if "\n" in text[last_end:s]:
            paragraph += 1
        last_end = e
        chunk = list(text[s:e])
        for cs, ce in citations:  # keep offsets: replace citation characters by spaces
            for k in range(max(cs, s), min(ce, e)):
                chunk[k - s] = " "
        sent = "".join(chunk)
        out.append(Sentence(s, e, sent, i, paragraph, heading=_is_heading(sent)))
    return out
