"""Article files (the extractor's input): reading their text, and finding one safely by name."""

from __future__ import annotations

from pathlib import Path

ARTICLE_SUFFIXES = (".txt", ".md")


def read_text(path: Path) -> str:
    """An article's text as UTF-8 (undecodable bytes shown as U+FFFD), line ends normalised to \\n."""
    text = Path(path).read_bytes().decode("utf-8-sig", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")


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
