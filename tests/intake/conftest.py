"""A local news site for the intake tests: recorded feeds and pages served on 127.0.0.1 (also reachable as
`localhost`, a second host), with the faults the intake must survive. Nothing here touches the internet."""

from __future__ import annotations

import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "feeds"
SITE = FIXTURES / "site"
SLOW_SECONDS = 3.0
LAST_MODIFIED = "Fri, 30 Jan 2026 12:00:00 GMT"

# path -> (file, content type, how to encode the text)
ROUTES = {
    "/robots.txt": ("robots.txt", "text/plain; charset=utf-8", "utf-8"),
    "/feed.xml": ("feed.xml", "application/rss+xml; charset=utf-8", "utf-8"),
    "/broken.xml": ("broken.xml", "text/html; charset=utf-8", "utf-8"),
    "/news/24kg-smugglers.html": ("site/24kg-smugglers.html", "text/html; charset=windows-1251", "cp1251"),
    "/news/anews-five-killed.html": ("site/anews-five-killed.html", "text/html; charset=utf-8", "utf-8"),
    "/mirror/tajik-border-clash-five-killed.html": ("site/mirror-five-killed.html", "text/html", "utf-8"),
    "/khaama/tajik-border-guard-trespasser-killed-in-clash-near-afghan-border-4718/":
        ("site/khaama-4718.html", "text/html; charset=utf-8", "utf-8"),
    "/news/bishkek-infrastructure.html": ("site/bishkek-infrastructure.html", "text/html; charset=utf-8", "utf-8"),
    "/private/internal.html": ("site/private.html", "text/html; charset=utf-8", "utf-8"),
}
REDIRECTS = {"/old/khaama-4718": "/khaama/tajik-border-guard-trespasser-killed-in-clash-near-afghan-border-4718/"}


class NewsSite:
    """The server, its base addresses and a log of every request it answered: (host, path, status)."""

    def __init__(self):
        self.log: list[tuple[str, str, int]] = []
        self.lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                site.answer(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.alt = f"http://localhost:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str) -> str:
        return self.base + path

    def requests(self, path: str | None = None) -> list[tuple[str, str, int]]:
        with self.lock:
            return [r for r in self.log if path is None or r[1] == path]

    def clear(self) -> None:
        with self.lock:
            self.log.clear()

    def _record(self, handler, status: int) -> None:
        host = (handler.headers.get("Host") or "").split(":")[0]
        with self.lock:
            self.log.append((host, handler.path, status))

    def answer(self, h: BaseHTTPRequestHandler) -> None:
        path = h.path
        if path.startswith("/slow/"):
            self._record(h, 200)
            time.sleep(SLOW_SECONDS)
            return self._send(h, 200, b"<html><body><p>too late</p></body></html>", "text/html")
        if path.startswith("/flaky/"):  # 503 with Retry-After on the first request, then the article
            first = not any(r[1] == path for r in self.requests())
            if first:
                self._record(h, 503)
                return self._send(h, 503, b"busy", "text/plain", {"Retry-After": "0"})
            path = "/news/anews-five-killed.html"
        if path in REDIRECTS:
            self._record(h, 301)
            return self._send(h, 301, b"", "text/html", {"Location": REDIRECTS[path]})
        route = ROUTES.get(path.split("?")[0])
        if route is None:
            self._record(h, 404)
            return self._send(h, 404, b"<html><body>Not found</body></html>", "text/html")
        name, ctype, encoding = route
        text = (FIXTURES / name).read_text(encoding="utf-8")
        body = text.replace("{base}", self.base).replace("{alt}", self.alt).encode(encoding)
        etag = '"' + hashlib.md5(body).hexdigest() + '"'
        if h.headers.get("If-None-Match") == etag or h.headers.get("If-Modified-Since") == LAST_MODIFIED:
            self._record(h, 304)
            return self._send(h, 304, b"", ctype, {"ETag": etag, "Last-Modified": LAST_MODIFIED})
        self._record(h, 200)
        self._send(h, 200, body, ctype, {"ETag": etag, "Last-Modified": LAST_MODIFIED})

    @staticmethod
    def _send(h, status: int, body: bytes, ctype: str, extra: dict | None = None) -> None:
        try:
            h.send_response(status)
            h.send_header("Content-Type", ctype)
            h.send_header("Content-Length", str(len(body)))
            for k, v in (extra or {}).items():
                h.send_header(k, v)
            h.end_headers()
            if body:
                h.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (the timeout test)
            pass


@pytest.fixture
def news_site():
    with NewsSite() as site:
        yield site


@pytest.fixture
def intake_env(tmp_path, monkeypatch):
    """A data directory with the good fixture's curated incidents, and a private HTTP cache."""
    import shutil

    data = tmp_path / "data"
    shutil.copytree(Path(__file__).resolve().parents[1] / "fixtures" / "good", data)
    monkeypatch.setenv("BORDERWATCH_HTTP_CACHE", str(tmp_path / "http-cache"))
    monkeypatch.setenv("BORDERWATCH_CACHE", "off")
    return data
