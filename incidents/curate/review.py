"""The review queue for extracted candidates: accept, reject, or attach to an existing incident.

The Streamlit page (app_pages/review.py) only calls these functions. Each decision is one store
transaction: the data tables and the extraction file change together, under the data lock.
* accept: the candidate becomes a curated incident plus its first ledger row (claim), via plan_add.
* attach: the candidate becomes an extra ledger row (another claim) on an existing incident.
* reject: the candidate is marked rejected in the extraction file and never added.
Every decision is written back to the extraction file (review_status, matched_incident_id).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import config, store
from .. import schema as S
from ..errors import ReviewError
from .plan import plan_add, plan_add_sources


@dataclass
class Decision:
    action: str
    incident_id: str = ""
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def extracted_path(data_dir=None) -> Path:
    return config.data_dir(data_dir) / S.CANDIDATES_FILE


def load_candidates(path: Path) -> pd.DataFrame:
    """The extraction file as strings ('' for empty)."""
    frame, problems = store.read_table(Path(path))
    if frame is None:
        raise ReviewError("; ".join(str(p) for p in problems))
    return frame


def pending(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["review_status"].isin(["unreviewed", ""])]


def _row(frame: pd.DataFrame, candidate_id: str) -> dict:
    hits = frame[frame["incident_id"] == candidate_id]
    if hits.empty:
        raise ReviewError(f"no extracted candidate {candidate_id!r}")
    return hits.iloc[0].to_dict()


def _quote(row: dict) -> str:
    text = " ".join(str(row.get("evidence", "")).split())
    return text if len(text) <= 300 else text[:299] + "…"


def new_incident_row(row: dict, overrides: dict | None = None) -> pd.DataFrame:
    """NEW.csv-style row for add.plan_add: the incident's columns plus its first source."""
    new = {c: str(row.get(c, "") or "") for c in S.INCIDENTS.names}
    new.update({"incident_id": "", "origin": "extracted", "review_status": "reviewed"})
    if new["date_precision"] not in S.DATE_PRECISIONS:
        new["date_precision"] = ""
    new["source_name"] = str(row.get("source_outlet") or "")
    new["url"] = str(row.get("source_url") or "")
    new["published"] = str(row.get("source_published") or "")
    new["quote"] = _quote(row)
    new["note"] = f"extracted by {row.get('extractor_version', '')} from {row.get('source_file', '')}; accepted in review"
    for k, v in (overrides or {}).items():
        new[k] = "" if v is None else str(v)
    return pd.DataFrame([new], dtype=str)


def claim_row(row: dict, incident_id: str, overrides: dict | None = None) -> pd.DataFrame:
    """A sources-ledger row: what this article claims about an existing incident."""
    claim = {
        "incident_id": incident_id,
        "source_name": str(row.get("source_outlet") or ""),
        "url": str(row.get("source_url") or ""),
        "published": str(row.get("source_published") or ""),
        "claim_date": str(row.get("event_date") or ""),
        "claim_location": str(row.get("location") or ""),
        "claim_killed": str(row.get("killed") or ""),
        "claim_injured": str(row.get("injured") or ""),
        "quote": _quote(row),
        "note": ("differs from the record: " + str(row["match_differences"])) if row.get("match_differences") else "",
    }
    for k, v in (overrides or {}).items():
        if k in claim:
            claim[k] = "" if v is None else str(v)
    return pd.DataFrame([claim], dtype=str)


def _marked(frame: pd.DataFrame, candidate_id: str, **changes) -> pd.DataFrame:
    """The extraction table with one candidate's review columns changed."""
    out = frame.copy()
    mask = out["incident_id"] == candidate_id
    for k, v in changes.items():
        if k not in out.columns:
            out[k] = ""
        out.loc[mask, k] = v
    return out


def accept(candidates: Path, candidate_id: str, data_dir=None, overrides: dict | None = None) -> Decision:
    """Add the candidate as a curated incident with its claim; all-or-nothing under the data lock.

    `overrides` sets fields the reviewer filled in or corrected (event_date, url, source_name, ...).
    Raises ReviewError with the validation problems when the record is not yet valid (e.g. no date).
    """
    with store.transaction(config.data_dir(data_dir), Path(candidates)) as tx:
        row = _row(tx.candidates, candidate_id)
        plan = plan_add(tx.incidents, tx.sources, new_incident_row(row, overrides), f"review:{candidate_id}",
                        str(store.table_path(tx.directory, S.INCIDENTS)),
                        str(store.table_path(tx.directory, S.SOURCES)))
        if not plan.accepted:
            raise ReviewError("not added: " + " | ".join(str(p) for p in plan.problems if p.is_error))
        new_id = plan.accepted[0]
        tx.write(sources=plan.sources, incidents=plan.incidents,
                 candidates=_marked(tx.candidates, candidate_id, review_status="reviewed", matched_incident_id=new_id))
    return Decision("accepted", new_id, warnings=plan.warnings)


def attach(candidates: Path, candidate_id: str, incident_id: str, data_dir=None, overrides: dict | None = None) -> Decision:
    """Add the candidate as another claim (ledger row) on an existing curated incident."""
    with store.transaction(config.data_dir(data_dir), Path(candidates)) as tx:
        row = _row(tx.candidates, candidate_id)
        if incident_id not in set(tx.incidents["incident_id"]):
            raise ReviewError(f"no curated incident {incident_id!r}")
        plan = plan_add_sources(tx.incidents, tx.sources, claim_row(row, incident_id, overrides), f"review:{candidate_id}")
        if not plan.accepted:
            raise ReviewError("not attached: " + " | ".join(str(p) for p in plan.problems if p.is_error))
        tx.write(sources=plan.sources, candidates=_marked(tx.candidates, candidate_id, review_status="reviewed",
                                                          matched_incident_id=incident_id))
    return Decision("attached", incident_id)


def reject(candidates: Path, candidate_id: str, reason: str = "", data_dir=None) -> Decision:
    """Mark the candidate rejected in the extraction file (nothing is added to the data)."""
    candidates = Path(candidates)
    with store.transaction(config.data_dir(data_dir) if data_dir else candidates.parent, candidates) as tx:
        _row(tx.candidates, candidate_id)
        changes = {"review_status": "rejected"}
        if reason:
            changes["review_reason"] = f"rejected in review: {reason}"
        tx.write(candidates=_marked(tx.candidates, candidate_id, **changes))
    return Decision("rejected", candidate_id)


def article_file(row: dict, roots: list[Path]) -> Path | None:
    """The candidate's article file, found only inside the article folders (never a path outside them)."""
    return store.articles.find(str(row.get("source_file") or ""), roots)


def highlight_segments(text: str, spans: str, start: int | None = None, end: int | None = None) -> list[tuple[str, str]]:
    """Split `text` into (segment, label) pieces: label is '' for plain text, 'evidence' for the candidate's
    sentences, or a field name (date, place, killed, injured, type) for its own evidence. Pure; the page
    renders the pieces as escaped text, never as HTML."""
    labels = [""] * len(text)
    if start is not None and end is not None:
        for k in range(max(0, start), min(len(text), end)):
            labels[k] = "evidence"
    for part in filter(None, str(spans or "").split(";")):
        name, _, rng = part.partition("=")
        try:
            a, b = (int(x) for x in rng.split(":"))
        except ValueError:
            continue
        for k in range(max(0, a), min(len(text), b)):
            labels[k] = name
    out: list[tuple[str, str]] = []
    for ch, lab in zip(text, labels):
        if out and out[-1][1] == lab:
            out[-1] = (out[-1][0] + ch, lab)
        else:
            out.append((ch, lab))
    return out
