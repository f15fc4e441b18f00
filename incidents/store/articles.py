"""Article files (the extractor's input): reading, writing and listing them, finding one safely by name, and reading the feeds list."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from ..errors import DataFileError
from .files import write_bytes_atomic
from .tables import read_table

ARTICLE_SUFFIXES = (".txt", ".md")
MANIFEST = "manifest.csv"  # optional metadata of a folder's articles: file, url, title, outlet, published, language


def list_files(paths) -> list[Path]:
    """The .txt/.md files named or contained (not recursively) in `paths`, sorted per folder."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(f for f in p.iterdir() if f.suffix.lower() in ARTICLE_SUFFIXES and f.is_file())
        elif p.is_file():
            out.append(p)
        else:
            raise FileNotFoundError(f"{p}: no such file or directory")
    return out


def read_manifest(directory: Path) -> dict[str, dict[str, str]]:
    """file name -> metadata from <directory>/manifest.csv ({} when there is none)."""
    return dict(_manifest(str(directory)))


@cache
def _manifest(directory: str) -> tuple:
    path = Path(directory) / MANIFEST
    if not path.exists():
        return ()
    frame, _ = read_table(path)
    if frame is None or frame.empty:
        return ()
    rows = frame.to_dict("records")
    key = "file" if "file" in frame.columns else frame.columns[0]
    return tuple((str(row[key]).strip(), {k: (v or "").strip() for k, v in row.items() if k != key and v})
                 for row in rows if row.get(key))


def read_text(path: Path) -> str:
    """An article's text as UTF-8 (undecodable bytes shown as U+FFFD), line ends normalised to \\n."""
    text = Path(path).read_bytes().decode("utf-8-sig", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def ref(name: str) -> str:
    """How the ledger cites an article file kept with the project: 'seeds/<file>' for the seed articles,
    'articles/<year>/<month>/<file>' for fetched ones (the only relative sources the schema accepts)."""
    name = str(name or "").strip().lstrip("/")
    if not name or name.startswith(("seeds/", "articles/")):
        return name
    return f"articles/{name}" if "/" in name else f"seeds/{name}"


def find(name: str, roots: list[Path]) -> Path | None:
    """The article file `name` (as recorded in extracted.csv) inside one of `roots`, or None.

    A name that would lead outside every root ('../../etc/passwd', an absolute path elsewhere, a
    symbolic link out) is never followed: review pages show only files from the article folders.
    """
    if not name or "\x00" in name:
        return None
    for root in roots:
        base = Path(root).resolve()
        candidate = (base / name).resolve()
        if candidate != base and base in candidate.parents and candidate.is_file() \
                and candidate.suffix.lower() in ARTICLE_SUFFIXES:
            return candidate
    return None


def write_article(path: Path, text: str) -> None:
    """Write an article file as UTF-8 with LF line ends, atomically (readers see the old or the new file)."""
    write_bytes_atomic(Path(path), text.replace("\r\n", "\n").encode("utf-8"))


def tree(root: Path) -> list[Path]:
    """Every article file under `root`, recursively (articles/YYYY/MM/...), sorted; [] when `root` does not exist."""
    root = Path(root)
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.suffix.lower() in ARTICLE_SUFFIXES and p.is_file()
                  and not p.name.startswith("."))


def read_head(path: Path, limit: int = 4096) -> str:
    """The first `limit` bytes of an article file as text (enough for its metadata header)."""
    with open(path, "rb") as fh:
        return fh.read(limit).decode("utf-8", errors="replace").replace("\r\n", "\n")


def read_feeds(path: Path) -> dict:
    """The feeds list (TOML) as a dict; a missing or malformed file raises DataFileError naming it."""
    path = Path(path)
    try:
        return tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except FileNotFoundError:
        raise DataFileError(f"{path}: feeds file not found") from None
    except UnicodeDecodeError:
        raise DataFileError(f"{path}: feeds file is not UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError(f"{path}: not valid TOML: {exc}") from None
