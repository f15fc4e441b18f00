"""Extraction of incident records from news articles, with evidence for every field (the public API).

    rows = extract_paths(["seeds/"])          # list of dicts, columns = COLUMNS
    frame = to_frame(rows)

Pipeline (assemble.build_rows): article (header/manifest, debris, language, sentences cut at MAX_SENTENCE) ->
per-sentence analysis (analyse: dates, counts, places with their roles, cues, actors; Russian place spans from
natasha in russian) -> event mentions anchored by their own date or toll, the sentences before and after, a
violent title or the lead (mentions), scope filters (scope) -> date and place from the sentence, its
neighbours and the article, each with its evidence (setting), type (classify), toll (tolls) -> tellings of one
event merged unless dates, places or victims differ (merge) -> the side of the border of soldiers who crossed and of
violence heard across (sides) -> rows with evidence (fields) -> clustering
across articles (cluster, pairwise rules in links) and matching to curated incidents. Rule tables:
rules.load(). Files that are binary or not UTF-8 are reported through `warn` (extract_paths).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..store import articles
from ..store.articles import ARTICLE_SUFFIXES  # noqa: F401 - part of this package's API
from . import rules as R
from .article import Article, load_article, read_manifest
from .assemble import build_rows
from .fields import COLUMNS, EXTRA_COLUMNS, EXTRACTOR_VERSION


__all__ = ["COLUMNS", "EXTRA_COLUMNS", "EXTRACTOR_VERSION", "article_files", "extract_article", "extract_paths",
           "load_article", "text_problem", "to_frame", "warm_up"]


def warm_up() -> float:
    """Load the rule tables, the place index and dateparser's language data; returns the seconds it took."""
    import time

    from . import dates, places, russian
    t0 = time.perf_counter()
    R.load()
    places.index()
    russian.warm_up()
    dates._dateparse("1 January 2025", "en", None)
    dates._dateparse("1 января 2025", "ru", None)
    return time.perf_counter() - t0


def article_files(paths) -> list[Path]:
    """The .txt/.md files named or contained (not recursively) in `paths`, sorted; a folder's README is its
    documentation, not an article (a README named explicitly is read)."""
    named = {Path(p) for p in paths}
    return [f for f in articles.list_files(paths) if f in named or not f.stem.casefold() == "readme"]


def extract_article(path, text: str | None = None, meta: dict | None = None,
                    rules: R.Rules | None = None) -> list[dict]:
    """Rows for one article (no clustering), with the rule tables of `rules` (default: data/extract/)."""
    path = Path(path)
    rules = rules or R.load()
    if meta is None:
        meta = read_manifest(path.parent).get(path.name, {})
    art = load_article(path, text=text, meta=meta, rules=rules)
    return build_rows(art, rules)


BINARY_SHARE = 0.02  # undecodable characters above this share of a file (or any NUL byte): not a text article
# Prose ends a sentence or a line every few hundred characters; a long file with almost no ends (a word list, a
# dump) would be cut into thousands of capped pieces and flood the review queue with candidates.
PROSE_MIN_LENGTH, PROSE_MAX_RUN = 20_000, 2_000


def text_problem(text: str) -> tuple[str, bool]:
    """(what is wrong with an article's decoded text, whether to skip it): binary content (NUL bytes, or more than
    BINARY_SHARE undecodable bytes) is skipped; a few undecodable bytes are read and flagged; ('', False) if fine."""
    bad = text.count("\ufffd")
    if "\x00" in text or (text and bad > BINARY_SHARE * len(text)):
        return "binary or not UTF-8 text; skipped", True
    if len(text) > PROSE_MIN_LENGTH and len(re.findall(r"[.!?…。\n]", text)) < len(text) / PROSE_MAX_RUN:
        return (f"not prose: {len(text):,} characters with almost no sentence or line ends (fewer than one per "
                f"{PROSE_MAX_RUN:,}); skipped"), True
    if bad:
        return f"not valid UTF-8 ({bad} undecodable bytes shown as U+FFFD); rows flagged for review", False
    return "", False


def extract_paths(paths, curated: pd.DataFrame | None = None, rules: R.Rules | None = None, warn=None) -> list[dict]:
    """Rows for every article under `paths`, clustered across articles and matched to `curated` incidents.

    A file that is binary or not valid UTF-8 is reported through `warn(message)` (one line naming the file): binary
    files are skipped, files with a few undecodable bytes are read and their rows flagged for review."""
    from .cluster import assign_clusters, match_curated

    rules = rules or R.load()
    rows: list[dict] = []
    for f in article_files(paths):
        text = articles.read_text(f)
        problem, skip = text_problem(text)
        if problem and warn is not None:
            warn(f"{f}: {problem}")
        if skip:
            continue
        got = extract_article(f, text=text, rules=rules)
        for row in got:
            if problem:
                row["needs_review"] = True
                row["review_reason"] = "; ".join(x for x in (row["review_reason"], f"source file {problem}") if x)
        rows += got
    assign_clusters(rows, rules)
    if curated is not None and len(curated):
        match_curated(rows, curated, rules)
    return rows


def to_frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    return frame.astype(str).replace({"nan": "", "None": ""})
