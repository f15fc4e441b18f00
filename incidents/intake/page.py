"""An article page read: charset as declared, main text (trafilatura), title, canonical address, date (htmldate), detected language."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from functools import cache
from urllib.parse import urljoin, urlsplit

MIN_TEXT = 200  # characters of main text below which a page is not taken as an article

# Languages the region's outlets publish in (plus a few that syndicated copies use). Limiting the detector to
# them keeps it from calling Russian 'bg' or Tajik 'uz' on short texts; the result is a detection, not the
# feed's declared language.
LANGUAGES = ("en", "ru", "tg", "uz", "ky", "kk", "tk", "fa", "ps", "ur", "ar", "tr", "uk", "de", "fr", "zh")

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)
_CANONICAL = re.compile(r"""<link\b[^>]*\brel\s*=\s*["']?canonical["']?[^>]*>""", re.I)
_HREF = re.compile(r"""\bhref\s*=\s*["']([^"']+)["']""", re.I)


class PageError(ValueError):
    """A fetched page that is not a readable article (not HTML, undecodable, no main text)."""


@dataclass
class Page:
    url: str
    canonical: str
    title: str
    text: str
    published: str  # ISO date or date-time with offset as the page gives it, '' when unknown
    language: str
    encoding: str
    sitename: str = ""


def charset(content: bytes, content_type: str = "") -> tuple[str, str]:
    """(encoding, where it came from): the HTTP header, a byte-order mark, a <meta> tag, else UTF-8 if it
    decodes, else charset-normalizer's best guess."""
    for name, where in ((_match(_HEADER_CHARSET, content_type), "http"),
                        (_bom(content), "bom"),
                        (_match(_META_CHARSET, content[:4096]), "meta")):
        if name and _known(name):
            return codecs.lookup(name).name, where
    try:
        content.decode("utf-8")
        return "utf-8", "default"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(content).best()
    return (best.encoding if best else "cp1251"), "guessed"


def decode(content: bytes, content_type: str = "") -> tuple[str, str]:
    """The page as text and the encoding used (bytes that do not fit are replaced, never dropped silently)."""
    enc, _ = charset(content, content_type)
    text = content.decode(enc, errors="replace")
    return text.lstrip("\ufeff"), enc


def read(content: bytes, url: str, content_type: str = "") -> Page:
    """Read an article page; raises PageError when it is not HTML or has no article text."""
    kind = content_type.split(";")[0].strip().casefold()
    if kind and not (kind.startswith("text/html") or "xhtml" in kind or kind == "text/plain"):
        raise PageError(f"not an HTML page ({kind})")
    html, enc = decode(content, content_type)
    if kind == "text/plain":
        text = _clean(html)
        meta = {}
    else:
        text, meta = _main_text(html, url)
    if len(text) < MIN_TEXT:
        raise PageError(f"no article text found ({len(text)} characters)")
    canonical = _canonical(html, url) or meta.get("url") or url
    published = meta.get("published") or page_date(html, url)
    return Page(url=url, canonical=canonical, title=(meta.get("title") or "").strip(), text=text,
                published=published, language=detect_language(text), encoding=enc,
                sitename=(meta.get("sitename") or "").strip())


def _main_text(html: str, url: str) -> tuple[str, dict]:
    import trafilatura

    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                      include_tables=False, favor_precision=True)
    if not doc:
        return "", {}
    doc = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    text = _clean(doc.get("text") or "")
    meta = {"title": doc.get("title") or "", "url": doc.get("url") or "", "sitename": doc.get("sitename") or ""}
    return text, meta


def page_date(html: str, url: str = "") -> str:
    """The publication date the page's markup states (meta tags, JSON-LD, <time>, the URL), or ''.
    Dates in the running text are never used: an event date there is not the publication date."""
    import htmldate

    try:
        found = htmldate.find_date(html, url=url or None, original_date=True, extensive_search=False,
                                   outputformat="%Y-%m-%d")
    except Exception:  # htmldate parses arbitrary markup; any failure just means no date
        return ""
    return found or ""


def _canonical(html: str, base: str) -> str:
    head = html[:200_000]
    for tag in _CANONICAL.findall(head):
        href = _HREF.search(tag)
        if href and href.group(1).strip():
            out = urljoin(base, href.group(1).strip())
            # a site that names its home page as every article's canonical address would merge all its stories
            if out.startswith(("http://", "https://")) and urlsplit(out).path.strip("/"):
                return out
    return ""


def _clean(text: str) -> str:
    """Paragraphs separated by one blank line, spaces collapsed, no trailing blanks."""
    paras = []
    for para in re.split(r"\n\s*\n|\n", text.replace("\r", "\n")):
        para = " ".join(para.split())
        if para:
            paras.append(para)
    return "\n\n".join(paras)


def detect_language(text: str) -> str:
    """The language of `text` (ISO 639-1) by py3langid over the region's languages; '' for too little text."""
    sample = text[:5000]
    if len(re.findall(r"\w", sample)) < 20:
        return ""
    lang, _ = _identifier().classify(sample)
    return str(lang)


@cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages([code for code in LANGUAGES if code in ident.nb_classes])
    return ident


def iso_datetime(value) -> str:
    """A feed's date (RFC 822, ISO 8601, or a time.struct_time in UTC) as ISO 8601 keeping the outlet's
    own UTC offset, so the local publication date stays right; '' when unreadable."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        parsed = _parse_date_text(value.strip())
        return parsed.isoformat() if parsed else ""
    try:  # time.struct_time from feedparser: UTC
        return datetime(*value[:6], tzinfo=timezone.utc).isoformat()
    except (TypeError, ValueError):
        return ""


def _parse_date_text(text: str) -> datetime | date | None:
    from email.utils import parsedate_to_datetime

    try:
        out = parsedate_to_datetime(text)
        if out is not None:
            return out
    except (TypeError, ValueError, IndexError):
        pass
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    return None


def _match(pattern: re.Pattern, data) -> str:
    m = pattern.search(data)
    if not m:
        return ""
    value = m.group(1)
    return value.decode("ascii", "ignore") if isinstance(value, bytes) else value


def _bom(content: bytes) -> str:
    if content.startswith(codecs.BOM_UTF8):
        return "utf-8"
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return ""


def _known(name: str) -> bool:
    try:
        codecs.lookup(name)
        return True
    except LookupError:
        return False
