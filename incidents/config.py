"""Every setting borderwatch reads from the environment, and every default path, read in one place.

Settings are read when asked for (never at import time), so a test or a long-running dashboard that
changes the environment sees the change. No other module reads `os.environ`.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent

# Environment variables (names only; read by the functions below).
ENV_DATA = "BORDERWATCH_DATA"            # data directory (default ./data)
ENV_CACHE = "BORDERWATCH_CACHE"          # load cache directory, or 'off' (default ~/.cache/borderwatch)
ENV_ALLOW_SAVE = "BORDERWATCH_ALLOW_SAVE"  # 1/true/yes/on: the dashboard may write into the data directory
ENV_MAX_UPLOAD_MB = "BORDERWATCH_MAX_UPLOAD_MB"  # upload size limit (default 20)
ENV_DASHBOARD_URL = "BORDERWATCH_DASHBOARD_URL"  # public address of the dashboard, for links in briefs
ENV_BROWSER = "BROWSER_PATH"             # Chromium binary for exports (the name kaleido also reads)
ENV_USER_AGENT = "BORDERWATCH_USER_AGENT"  # User-Agent of `incidents fetch` (default names the tool and its purpose)
ENV_HTTP_CACHE = "BORDERWATCH_HTTP_CACHE"  # HTTP cache of `incidents fetch`, or 'off' (default <load cache>/http)
ENV_STORE = "BORDERWATCH_STORE"          # postgresql://... for the team's database; unset (or 'files'): the data directory
ENV_USER = "BORDERWATCH_USER"            # the maintainer's name in the change history (default: the login name)

DEFAULT_MAX_UPLOAD_MB = 20.0
DEFAULT_USER_AGENT = ("borderwatch-intake/0.2 (+offline border-incident research tool; reads public news feeds "
                      "politely: robots.txt, per-site delays, HTTP caching; set BORDERWATCH_USER_AGENT to add a contact)")
FEEDS_FILE = "feeds.toml"
LOCAL_DASHBOARD_URL = "http://127.0.0.1:8501/"
_TRUE = ("1", "true", "yes", "on")
_OFF = ("", "0", "off", "no", "none", "false")


def _env(name: str) -> str | None:
    value = os.environ.get(name)
    return value if value is None else value.strip()


def data_dir(explicit: str | os.PathLike | None = None) -> Path:
    """The data directory: the explicit one, else $BORDERWATCH_DATA, else ./data."""
    return Path(explicit or _env(ENV_DATA) or "data")


def bundled_dir() -> Path:
    """Where the shipped geography (geo/) and extraction rules (extract/) live.

    In a source checkout (editable install) that is the repository's `data/`; an installed wheel
    carries the same folders as package data in `incidents/_data/` (see pyproject.toml).
    """
    packaged = PACKAGE_DIR / "_data"
    if (packaged / "geo").is_dir():
        return packaged
    return PACKAGE_DIR.parent / "data"


def geo_dir() -> Path:
    """The bundled geography: boundaries, border lines, gazetteer (see data/geo/SOURCES.md)."""
    return bundled_dir() / "geo"


def rules_dir() -> Path:
    """The extractor's rule tables (data/extract/*.csv)."""
    return bundled_dir() / "extract"


def cache_root() -> Path | None:
    """The load cache directory, or None when $BORDERWATCH_CACHE switches it off."""
    value = _env(ENV_CACHE)
    if value is not None and value.casefold() in _OFF:
        return None
    return Path(value).expanduser() if value else Path.home() / ".cache" / "borderwatch"


_overrides: dict[str, str | None] = {}


def use_store(url: str | None) -> None:
    """Select the store for this process (the command line's --store), over $BORDERWATCH_STORE."""
    _overrides["store"] = url


def store_url() -> str | None:
    """The database the data lives in (postgresql://user:password@host:port/db), or None for the data
    directory's CSV files: --store, else $BORDERWATCH_STORE ('files' or empty: the CSV files)."""
    value = _overrides.get("store") or _env(ENV_STORE) or ""
    if value.casefold() in ("", "files", "file", "csv"):
        return None
    if not value.startswith(("postgresql://", "postgres://")):
        from .errors import StoreError

        raise StoreError(f"{ENV_STORE} must be a postgresql://... address or 'files', not {value.split('@')[-1]!r}")
    return value


def set_command(name: str | None) -> None:
    """The command recorded with each change in the database's history (the CLI sets it)."""
    _overrides["command"] = name


def command_name() -> str | None:
    return _overrides.get("command")


def maintainer() -> str | None:
    """The maintainer's name recorded with each change: $BORDERWATCH_USER, else None (the login name)."""
    return _env(ENV_USER) or None


def save_enabled() -> bool:
    """True when this deployment lets the dashboard save into the data directory."""
    return (_env(ENV_ALLOW_SAVE) or "").casefold() in _TRUE


def max_upload_bytes() -> int:
    """The upload limit in bytes: $BORDERWATCH_MAX_UPLOAD_MB megabytes, default 20."""
    try:
        mb = float(_env(ENV_MAX_UPLOAD_MB) or DEFAULT_MAX_UPLOAD_MB)
    except ValueError:
        mb = DEFAULT_MAX_UPLOAD_MB
    return max(0, int(mb * 1024 * 1024))


def dashboard_url() -> str | None:
    """The dashboard's public address for links sent to other people, or None when not configured."""
    return _env(ENV_DASHBOARD_URL) or None


def browser_path() -> str | None:
    """An explicitly configured Chromium binary ($BROWSER_PATH), or None."""
    return _env(ENV_BROWSER) or None


def user_agent() -> str:
    """The User-Agent `incidents fetch` sends: $BORDERWATCH_USER_AGENT, else one naming the tool and its purpose."""
    return _env(ENV_USER_AGENT) or DEFAULT_USER_AGENT


def http_cache_dir(explicit: str | os.PathLike | None = None) -> Path | None:
    """Where `incidents fetch` keeps its HTTP cache: the explicit folder, else $BORDERWATCH_HTTP_CACHE,
    else <load cache>/http; None when switched off ('off' in either variable)."""
    value = str(explicit) if explicit else _env(ENV_HTTP_CACHE)
    if value is not None and value.casefold() in _OFF:
        return None
    if value:
        return Path(value).expanduser()
    root = cache_root()
    return None if root is None else root / "http"


def feeds_file(data: str | os.PathLike | None = None) -> Path:
    """The outlets and feeds `incidents fetch` reads: <data>/feeds.toml when present, else the shipped list."""
    own = data_dir(data) / FEEDS_FILE
    if own.is_file():
        return own
    return bundled_dir() / FEEDS_FILE


def subprocess_env(**overrides: str) -> dict[str, str]:
    """The environment for a child process we start (Chromium for PDFs), with overrides."""
    return {**os.environ, **overrides}
