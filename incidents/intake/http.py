"""Polite HTTP for the intake: timeouts, retries with backoff, a descriptive User-Agent, robots.txt, per-host delays, an on-disk cache."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from .. import config

ROBOTS_TTL = 24 * 3600  # a host's robots.txt is asked for again after a day
MAX_BYTES = 8 * 1024 * 1024  # a page or feed larger than this is refused, not read
RETRY_STATUS = (429, 500, 502, 503, 504)
ROBOTS_AGENT = "borderwatch"  # the product token robots.txt rules are matched against


class FetchError(Exception):
    """A URL could not be fetched; the message is one line saying why (status, timeout, robots.txt)."""


class Blocked(FetchError):
    """robots.txt forbids the URL for this tool."""


@dataclass
class Response:
    url: str  # the address asked for
    final_url: str  # after redirects
    status: int
    content: bytes
    content_type: str
    from_cache: bool
    revalidated: bool = False  # a cached copy confirmed by the server (304 Not Modified)
    headers: dict = field(default_factory=dict)

    @property
    def redirected(self) -> bool:
        return self.final_url != self.url


@dataclass
class Fetcher:
    """Fetch pages and feeds politely. `delay` overrides every per-host delay (tests use 0)."""

    cache_dir: Path | None = None
    timeout: float = 20.0
    retries: int = 2
    backoff: float = 1.0
    user_agent: str = ""
    delay: float | None = None
    requests: int = 0  # requests that went to the network (a cache revalidation counts)
    _robots: dict = field(default_factory=dict, repr=False)
    _last: dict = field(default_factory=dict, repr=False)
    _host_delay: dict = field(default_factory=dict, repr=False)
    _session: object = field(default=None, repr=False)

    def __post_init__(self):
        self.user_agent = self.user_agent or config.user_agent()

    # --- the session ----------------------------------------------------------------------------------
    @property
    def session(self):
        if self._session is None:
            self._session = self._make_session()
        return self._session

    def _make_session(self):
        import requests
        from requests.adapters import HTTPAdapter
        from urllib3.util.retry import Retry

        if self.cache_dir is not None:
            import requests_cache

            Path(self.cache_dir).mkdir(parents=True, exist_ok=True)
            session = requests_cache.CachedSession(str(Path(self.cache_dir) / "http"), backend="sqlite",
                                                   cache_control=True, expire_after=-1, allowable_codes=(200,),
                                                   stale_if_error=False)
        else:
            session = requests.Session()
        retry = Retry(total=self.retries, connect=self.retries, read=self.retries, status=self.retries,
                      backoff_factor=self.backoff, status_forcelist=RETRY_STATUS, allowed_methods=("GET", "HEAD"),
                      respect_retry_after_header=True, raise_on_status=False)
        adapter = HTTPAdapter(max_retries=retry)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        session.headers.update({"User-Agent": self.user_agent, "Accept-Language": "en, ru;q=0.9, *;q=0.5"})
        return session

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None

    # --- politeness -----------------------------------------------------------------------------------
    def set_delay(self, url: str, seconds: float) -> None:
        """The minimum gap between two network requests to `url`'s host (the larger of two settings wins)."""
        host = _host(url)
        self._host_delay[host] = max(self._host_delay.get(host, 0.0), seconds)

    def _wait(self, host: str) -> None:
        gap = self._host_delay.get(host, 0.0) if self.delay is None else self.delay
        last = self._last.get(host)
        if last is not None and gap > 0:
            pause = last + gap - time.monotonic()
            if pause > 0:
                time.sleep(pause)

    def allowed(self, url: str) -> bool:
        """True when the host's robots.txt lets this tool fetch `url` (no robots.txt, or a 404: allowed)."""
        host = _host(url)
        parser = self._robots.get(host)
        if parser is None:
            parser = self._robots[host] = self._read_robots(url)
        if isinstance(parser, str):  # robots.txt could not be read: nothing on the host is fetched this run
            raise Blocked(parser)
        return parser.can_fetch(ROBOTS_AGENT, url)

    def _read_robots(self, url: str):
        parts = urlsplit(url)
        robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
        parser = RobotFileParser(robots_url)
        try:
            resp = self._get(robots_url, expire_after=ROBOTS_TTL)
        except FetchError as exc:
            status = re.match(r"HTTP (\d+)", str(exc))
            code = int(status.group(1)) if status else 0
            if 400 <= code < 500 and code not in (401, 403, 429):
                parser.allow_all = True  # no robots.txt: everything is allowed
                return parser
            if code in (401, 403):
                parser.disallow_all = True
                return parser
            return f"robots.txt of {parts.netloc} could not be read ({exc}); the host is skipped this run"
        text = resp.content.decode("utf-8", errors="replace")
        parser.parse(text.splitlines())
        crawl = parser.crawl_delay(ROBOTS_AGENT)
        if crawl:
            self.set_delay(url, float(crawl))
        return parser

    # --- fetching -------------------------------------------------------------------------------------
    def get(self, url: str, refresh: bool = False) -> Response:
        """GET `url` (robots.txt permitting). `refresh` revalidates a cached copy (feeds); pages are taken
        from the cache when there. Raises FetchError with a one-line reason."""
        if not self.allowed(url):
            raise Blocked("robots.txt forbids it")
        return self._get(url, refresh=refresh)

    def _get(self, url: str, refresh: bool = False, expire_after=None) -> Response:
        import requests

        host = _host(url)
        self._wait(host)
        kwargs = {"timeout": self.timeout, "allow_redirects": True, "stream": False}
        if self.cache_dir is not None:
            kwargs["refresh"] = refresh
            if expire_after is not None:
                kwargs["expire_after"] = expire_after
        try:
            resp = self.session.get(url, **kwargs)
        except requests.exceptions.RequestException as exc:
            self.requests += 1 + self.retries  # each attempt went to the network
            self._last[host] = time.monotonic()
            raise self._failure(exc) from None
        from_cache = bool(getattr(resp, "from_cache", False))
        revalidated = from_cache and bool(getattr(resp, "revalidated", False))
        if not from_cache or revalidated:
            self.requests += 1 + len(resp.history)
            self._last[host] = time.monotonic()
        if resp.status_code >= 400:
            raise FetchError(f"HTTP {resp.status_code} {resp.reason or ''}".strip())
        content = resp.content or b""
        if len(content) > MAX_BYTES:
            raise FetchError(f"response too large ({len(content) // 1024} KiB; limit {MAX_BYTES // 1024} KiB)")
        return Response(url=url, final_url=resp.url or url, status=resp.status_code, content=content,
                        content_type=resp.headers.get("Content-Type", ""), from_cache=from_cache,
                        revalidated=revalidated, headers=dict(resp.headers))

    def _failure(self, exc: Exception) -> FetchError:
        """The one-line FetchError for a requests exception."""
        import requests

        if isinstance(exc, requests.exceptions.Timeout):
            return FetchError(f"timed out after {self.timeout:g} s ({self.retries} retries)")
        if isinstance(exc, requests.exceptions.TooManyRedirects):
            return FetchError("too many redirects")
        if isinstance(exc, requests.exceptions.RetryError):
            return FetchError(f"gave up after {self.retries} retries: {_reason(exc)}")
        if isinstance(exc, requests.exceptions.ConnectionError):
            if "timed out" in str(exc).casefold() or "timeout" in type(exc).__name__.casefold():
                return FetchError(f"timed out after {self.timeout:g} s ({self.retries} retries)")
            return FetchError(f"connection failed: {_reason(exc)}")
        return FetchError(f"request failed: {_reason(exc)}")


def _host(url: str) -> str:
    return urlsplit(url).netloc.casefold()


def _reason(exc: Exception) -> str:
    """The innermost, shortest readable cause of a requests/urllib3 error, on one line."""
    text = str(exc)
    m = re.search(r"\(Caused by [A-Za-z]+\('?(.*?)'?\)\)?$", text)
    if m:
        text = m.group(1)
    text = re.sub(r"<[^>]*object at 0x[0-9a-f]+>[:,]?\s*", "", text)
    return " ".join(text.split())[:200] or type(exc).__name__
