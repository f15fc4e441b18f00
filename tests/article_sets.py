"""Shared by the tests of the annotated article sets (held-out and blind sets in tests/fixtures/)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from incidents.evaluate import score
from incidents.extract import extract_paths, to_frame
from incidents.extract.article import load_article

FIXTURES = Path(__file__).parent / "fixtures"


def score_folder(folder: Path):
    """Extract every article of a set and score it against the set's gold.csv: (report, extracted rows)."""
    gold = pd.read_csv(folder / "gold.csv", dtype=str, keep_default_na=False)
    rows = to_frame(extract_paths([folder]))
    return score(gold, rows, {p.name for p in folder.glob("*.txt")}), rows


def articles(folder: Path) -> list:
    return [load_article(f) for f in sorted(folder.glob("*.txt"))]


def urls(*names: str) -> set:
    """The article URLs of the named fixture sets (to prove a new set shares none of them)."""
    return {a.meta.get("url") for name in names for a in articles(FIXTURES / name)}
