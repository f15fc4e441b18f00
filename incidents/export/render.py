"""Rendering with Debian's Chromium: plotly figures to PNG, SVG and PDF (kaleido), HTML documents to PDF.

One warm kaleido server per process, every call serialised by a lock: kaleido 1.x's sync server
hands results back through one shared queue, so two threads exporting at once can receive each
other's images (see docs/stack-notes). Never downloads a browser: when Chromium is missing we say so.

Exports stay offline. Chromium's own services (sign-in, component updates, the default search
engine's start page) reach for the network even with every documented switch off, so both launches
(kaleido's and the PDF printer's) go through one wrapper script that (1) maps every host name to
"not found" (`--host-resolver-rules`: no DNS query is ever made) and turns background networking off,
and (2) where the system allows it, starts Chromium in a private network namespace (`unshare --net`)
that has no interface but a down loopback, so nothing it tries can leave the machine. kaleido gives no
way to pass switches, hence a wrapper given to it as the browser path.
"""

from __future__ import annotations

import functools
import os
import shlex
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

import plotly.graph_objects as go

from .. import config
from ..errors import ExportUnavailable, IncidentsError

FORMATS = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/lib/chromium/chromium", "/usr/bin/chromium-browser")

PDF_TIMEOUT = 90.0
CHROMIUM_PDF_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                      "--disable-background-networking", "--disable-component-update", "--disable-sync",
                      "--disable-extensions", "--disable-dev-shm-usage", "--hide-scrollbars",
                      "--no-pdf-header-footer")

OFFLINE_FLAGS = ("--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
                 "--disable-background-networking", "--disable-domain-reliability",
                 "--disable-client-side-phishing-detection", "--no-pings", "--dns-prefetch-disable",
                 "--disable-extensions", "--disable-default-apps", "--no-default-browser-check",
                 "--disable-component-update", "--disable-sync")

_lock = threading.Lock()
_server_started = False
_wrapper: dict[str, str] = {}


@functools.cache
def private_network() -> bool:
    """Whether this system lets us start a process in a new, empty network namespace."""
    unshare = shutil.which("unshare")
    if not unshare or os.name != "posix":
        return False
    try:
        return subprocess.run([unshare, "--net", "--", "true"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def offline_chromium(path: str) -> str:
    """A launcher for `path` that keeps Chromium off the network (see the module docstring); made once
    per process in a private temporary folder. On systems without a POSIX shell, `path` itself."""
    if os.name != "posix":
        return path
    if path not in _wrapper:
        folder = Path(tempfile.mkdtemp(prefix="bw-chromium-"))
        script = folder / "chromium-offline"
        prefix = "unshare --net -- " if private_network() else ""
        script.write_text("#!/bin/sh\nexec " + prefix + shlex.quote(path) + " "
                          + " ".join(shlex.quote(f) for f in OFFLINE_FLAGS) + ' "$@"\n', encoding="utf-8")
        script.chmod(0o700)
        _wrapper[path] = str(script)
    return _wrapper[path]


def chromium_path() -> str | None:
    """The Chromium binary to use: $BROWSER_PATH, else Debian's package, else one on PATH."""
    explicit = config.browser_path()
    if explicit:
        return explicit if Path(explicit).exists() else None
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    return shutil.which("chromium") or shutil.which("chromium-browser")


def available() -> bool:
    return chromium_path() is not None


def render(fig: go.Figure, fmt: str, width: int = 1200, height: int = 800, scale: float = 1) -> bytes:
    """Render a figure to bytes in `fmt` (png, svg or pdf). Thread-safe; ~0.2–0.4 s once warm.

    Raises:
        ExportUnavailable: no Chromium on this machine (install Debian's `chromium` package).
        ValueError: an unknown format.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    path = chromium_path()
    if path is None:
        raise ExportUnavailable("chart export needs Chromium, which is not installed here: "
                                "run `apt-get install chromium` (Debian) or set BROWSER_PATH. "
                                "Data exports (CSV, GeoJSON, Excel) work without it.")
    import kaleido

    global _server_started
    with _lock:
        if not _server_started:
            kaleido.start_sync_server(path=offline_chromium(path), mathjax=False, silence_warnings=True)
            _server_started = True
        return kaleido.calc_fig_sync(fig, opts={"format": fmt, "width": width, "height": height, "scale": scale})


def html_to_pdf(document: str, timeout: float = PDF_TIMEOUT) -> bytes:
    """Print an HTML document to PDF with headless Chromium (Debian's; never a downloaded one).

    Raises render.ExportUnavailable when Chromium is missing, IncidentsError when printing fails.
    """
    chromium = chromium_path()
    if chromium is None:
        raise ExportUnavailable(
            "the PDF brief needs Chromium, which is not installed here: run `apt-get install chromium` (Debian) "
            "or set BROWSER_PATH. `incidents brief --out FILE.html --no-charts` writes the HTML brief without charts.")
    work = Path(tempfile.mkdtemp(prefix="bw-brief-"))
    try:
        src, out = work / "brief.html", work / "brief.pdf"
        src.write_text(document, encoding="utf-8")
        cmd = [offline_chromium(chromium), *CHROMIUM_PDF_FLAGS, f"--user-data-dir={work / 'profile'}", f"--print-to-pdf={out}",
               src.as_uri()]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=timeout, cwd=work,
                                  env=config.subprocess_env(HOME=str(work)))
        except subprocess.TimeoutExpired as exc:
            raise IncidentsError(f"Chromium did not print the brief within {timeout:.0f} s") from exc
        if not out.exists() or out.stat().st_size == 0:
            tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            raise IncidentsError(f"Chromium could not print the brief (exit {proc.returncode}): " + " | ".join(tail))
        return out.read_bytes()
    finally:
        shutil.rmtree(work, ignore_errors=True)
