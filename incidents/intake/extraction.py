"""Stored articles to candidates: the extractor on each article's text (own header lines blanked), then clusters and curated matches."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .archive import Archive, for_extractor


def extract(archive: Archive, names: list[str], curated: pd.DataFrame | None) -> tuple[pd.DataFrame, list[str]]:
    """Candidates from the articles `names` (articles/-relative) and one line per article that failed."""
    from ..extract import extract_article, to_frame

    rows: list[dict] = []
    failed: list[str] = []
    for name in names:
        path = archive.path(name)
        try:
            text = for_extractor(archive.read(name))
            got = extract_article(path, text=text, meta={})
        except Exception as exc:  # one article's failure never stops the others; the line names it
            failed.append(f"{name}: extraction failed: {type(exc).__name__}: {' '.join(str(exc).split())[:160]}")
            continue
        for row in got:
            row["source_file"] = name
        rows += got
    link(rows, curated)
    return to_frame(rows), failed


def link(rows: list[dict], curated: pd.DataFrame | None) -> None:
    """Cluster ids across the new rows and matches to curated incidents, by the extractor's own rules.

    `extract_paths` does this for files it reads itself; the intake hands the extractor each article's text
    instead (see archive.for_extractor), so it asks the extractor's clustering module directly. If a later
    extractor moves those functions, rows keep one cluster each and stay unmatched (still reviewable)."""
    try:
        from ..extract.cluster import assign_clusters, match_curated
    except ImportError:  # pragma: no cover - only when the extractor's layout changes
        for i, row in enumerate(rows, 1):
            row["cluster_id"] = f"c{i:03d}"
        return
    assign_clusters(rows)
    if curated is not None and len(curated):
        match_curated(rows, curated)


def curated_incidents(data_dir: Path) -> pd.DataFrame | None:
    """The curated incidents (raw strings) for matching; None when the data directory has none."""
    from .. import store

    s = store.FileStore(data_dir)
    if not s.incidents_path.exists():
        return None
    frame, _ = store.read_table(s.incidents_path)
    return frame
