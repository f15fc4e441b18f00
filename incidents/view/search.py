"""The free-text search's two halves: what is searched (per incident, its own text and its ledger's,
folded) and what is looked for (the words and quoted phrases of the search box, folded the same way).

The query layer keeps the haystacks in a table of their own (`view/index.py`) and matches each term
with `strpos`, so a search is exact substring matching on folded text in every engine.
"""

from __future__ import annotations

import re

import pandas as pd

from ..text import fold, fold_all

INCIDENT_TEXT_COLUMNS = ("incident_id", "summary", "location", "admin1", "admin2", "sub_event_type",
                         "actor1", "actor2", "tags")
SOURCE_TEXT_COLUMNS = ("source_name", "url", "claim_location", "quote", "note")


def haystack(df: pd.DataFrame, sources: pd.DataFrame | None = None) -> pd.Series:
    """Per incident, the folded text the free-text search looks in: its own text fields plus every
    ledger row's outlet, address, place, quote and note."""
    parts = _joined(df, INCIDENT_TEXT_COLUMNS)
    if sources is not None and len(sources):
        ledger = _joined(sources, SOURCE_TEXT_COLUMNS).groupby(sources["incident_id"]).agg(" ".join)
        parts = parts + " " + df["incident_id"].map(ledger).fillna("")
    return fold_all(parts) if len(parts) else parts.map(fold)


def _joined(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.Series:
    """The columns' text joined with spaces, row by row (vectorised; a Series even when empty)."""
    out = pd.Series("", index=frame.index, dtype=object)
    for col in columns:
        out = out + " " + frame[col].astype(str)
    return out


def search_terms(text: str) -> list[str]:
    """Words to find (all must match); "double quotes" keep a phrase together."""
    terms = re.findall(r'"([^"]+)"|(\S+)', text or "")
    return [fold(a or b) for a, b in terms if (a or b).strip()]
