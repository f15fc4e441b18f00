"""Start the dashboard with `streamlit run` on a free local port and drive Debian's Chromium.

Used by tests/test_browser.py (as pytest fixtures) and scripts/screenshot.py (as plain functions).
Never downloads a browser: Playwright launches /usr/bin/chromium (override with $BROWSER_PATH).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("BROWSER_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
VIEWPORT = {"width": 1280, "height": 800}

# Both charts drawn: the map (a geo subplot with our border lines) and the timeline (cartesian
# subplot with incident markers).
JS_CHARTS_DRAWN = """() => {
  const plots = [...document.querySelectorAll('.js-plotly-plot')];
  const map = plots.find(p => p.querySelector('.geo'));
  const tl = plots.find(p => p.querySelector('.cartesianlayer .xy'));
  return !!(map && tl && map.querySelector('.geo .scatterlayer path.js-line')
            && tl.querySelector('.scatterlayer .points path'));
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server(data_dir: str | Path, port: int | None = None, timeout: float = 60.0) -> Iterator[str]:
    """Run `python -m streamlit run dashboard.py` with BORDERWATCH_DATA=data_dir; yield its base URL."""
    port = port or free_port()
    env = {**os.environ, "BORDERWATCH_DATA": str(data_dir), "PYTHONUNBUFFERED": "1"}
    log = open(ROOT / f".streamlit-test-{port}.log", "w") if os.environ.get("BW_KEEP_LOG") else subprocess.DEVNULL
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
         "--server.headless", "true", "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with code {proc.returncode}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError("streamlit did not become healthy")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def chromium() -> Iterator[object]:
    """A headless Playwright Chromium (Debian's binary)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


class RequestLog:
    """Records every request a page makes; requests to non-local hosts are aborted and remembered."""

    def __init__(self) -> None:
        self.urls: list[str] = []
        self.external: list[str] = []

    def attach(self, page) -> None:
        page.route("**/*", self._route)

    def _route(self, route) -> None:
        url = route.request.url
        self.urls.append(url)
        host = urlsplit(url).hostname or ""
        if urlsplit(url).scheme in ("data", "blob", "about") or host in LOCAL_HOSTS:
            route.continue_()
        else:
            self.external.append(url)
            route.abort()


def open_dashboard(browser, url: str, timeout_ms: int = 60_000, viewport: dict | None = None):
    """New page at 1280x800 with a request log; returns (page, log, seconds from navigation to both charts)."""
    page = browser.new_page(viewport=viewport or VIEWPORT)
    log = RequestLog()
    log.attach(page)
    t0 = time.perf_counter()
    page.goto(url)
    page.wait_for_function(JS_CHARTS_DRAWN, timeout=timeout_ms)
    return page, log, time.perf_counter() - t0


def wait_idle(page, timeout_ms: int = 30_000) -> None:
    """Wait until Streamlit has finished the current script run (no 'running' status widget)."""
    page.wait_for_timeout(300)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || !document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.match(/Running/i)",
        timeout=timeout_ms)
    page.wait_for_timeout(300)


# --- pytest fixtures (imported by test_browser.py) ------------------------------------------------

@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: install Debian's chromium package (never `playwright install`)")
    with chromium() as b:
        yield b
