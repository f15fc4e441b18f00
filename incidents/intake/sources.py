"""Where news comes from: the outlets of data/feeds.toml (feeds, declared language, politeness delay) and ad-hoc URLs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .. import store
from ..errors import DataFileError

DEFAULT_DELAY = 5.0  # seconds between two requests to one host, unless an outlet or robots.txt asks for more


@dataclass(frozen=True)
class Feed:
    url: str
    language: str = ""  # what the outlet declares; the article's language is detected, this is only a hint
    confirmed: bool = True  # False: the address could not be confirmed when the list was made


@dataclass(frozen=True)
class Outlet:
    name: str
    slug: str
    feeds: tuple[Feed, ...] = ()
    language: str = ""
    delay: float = DEFAULT_DELAY
    domains: tuple[str, ...] = ()
    note: str = ""
    enabled: bool = True

    def owns(self, url: str) -> bool:
        """True when `url` is on one of this outlet's hosts (or a subdomain of one)."""
        host = host_of(url)
        return any(host == d or host.endswith("." + d) for d in self.domains)


@dataclass
class FeedsList:
    outlets: list[Outlet] = field(default_factory=list)
    delay: float = DEFAULT_DELAY
    path: Path | None = None

    def outlet_for(self, url: str) -> Outlet | None:
        """The outlet whose hosts include `url`'s host, if any."""
        return next((o for o in self.outlets if o.owns(url)), None)

    def select(self, names: list[str] | None) -> list[Outlet]:
        """The enabled outlets, or those named (by name or slug, any case) whether enabled or not."""
        if not names:
            return [o for o in self.outlets if o.enabled]
        wanted = {n.casefold() for n in names}
        chosen = [o for o in self.outlets if o.name.casefold() in wanted or o.slug in wanted]
        unknown = wanted - {o.name.casefold() for o in chosen} - {o.slug for o in chosen}
        if unknown:
            raise DataFileError(f"no outlet named {', '.join(sorted(unknown))} in {self.path}; "
                                f"known: {', '.join(o.slug for o in self.outlets)}")
        return chosen


def host_of(url: str) -> str:
    host = (urlsplit(url).hostname or "").casefold()
    return host[4:] if host.startswith("www.") else host


def slugify(text: str, limit: int = 60) -> str:
    """Lower-case ASCII words joined by '-', Cyrillic transliterated ('Хорог' -> 'khorog')."""
    text = "".join(TRANSLIT.get(ch, ch) for ch in text.casefold())
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return slug[:limit].rstrip("-")


TRANSLIT = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюяғӣқӯҳҷ",
                    "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya gh i q u h j".split()))
TRANSLIT.update({"ъ": "", "ь": ""})


def load(path: Path) -> FeedsList:
    """Read the feeds list; every outlet needs a name and at least one feed URL (http or https)."""
    raw = store.articles.read_feeds(path)
    defaults = raw.get("defaults", {})
    delay = _number(defaults.get("delay", DEFAULT_DELAY), f"{path}: defaults.delay")
    outlets = []
    for i, item in enumerate(raw.get("outlet", []), 1):
        where = f"{path}: outlet {i}"
        name = str(item.get("name") or "").strip()
        if not name:
            raise DataFileError(f"{where}: has no name")
        feeds = []
        for f in item.get("feeds", []):
            f = {"url": f} if isinstance(f, str) else dict(f)
            url = str(f.get("url") or "").strip()
            if not re.match(r"https?://", url):
                raise DataFileError(f"{where} ({name}): feed URL must start with http:// or https:// (found {url!r})")
            feeds.append(Feed(url, str(f.get("language") or item.get("language") or ""), bool(f.get("confirmed", True))))
        domains = tuple(dict.fromkeys([*(host_of(f.url) for f in feeds), *map(str.casefold, item.get("domains", []))]))
        outlets.append(Outlet(name=name, slug=str(item.get("slug") or slugify(name)), feeds=tuple(feeds),
                              language=str(item.get("language") or ""),
                              delay=_number(item.get("delay", delay), f"{where} ({name}): delay"),
                              domains=domains, note=str(item.get("note") or ""), enabled=bool(item.get("enabled", True))))
    return FeedsList(outlets, delay, Path(path))


def adhoc(url: str, known: FeedsList | None = None, delay: float | None = None) -> Outlet:
    """The outlet of a URL given on the command line: a listed outlet on that host, else one named after the host."""
    if known is not None and (o := known.outlet_for(url)) is not None:
        return o
    host = host_of(url) or "local"
    return Outlet(name=host, slug=slugify(host.split(":")[0].replace(".", "-")) or "site",
                  delay=DEFAULT_DELAY if delay is None else delay, domains=(host,))


def _number(value, where: str) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise DataFileError(f"{where}: not a number ({value!r})") from None
    if out < 0:
        raise DataFileError(f"{where}: must not be negative ({value!r})")
    return out
