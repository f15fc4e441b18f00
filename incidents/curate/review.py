"""The review queue for extracted candidates: accept, attach to an existing incident, or reject.

The Streamlit page (app_pages/review.py) only calls these functions. Each decision is one store
transaction: the data tables and the extraction file change together, under the data lock, and is
taken on the candidate the reviewer saw, by id:
* a candidate already decided (in another tab, by a double click, by another maintainer) is refused
  with what happened to it — never replaced by another candidate;
* accept: the candidate becomes a curated incident plus its first ledger row. A candidate the extractor
  matched to a curated incident, or one the plan finds may duplicate one, needs `confirm_new=True`:
  the default for a matched candidate is to attach it to its match;
* attach: the candidate becomes another claim (ledger row) on an existing incident (default: its match),
  with the article as the source; when the ledger already holds this source's claim, the candidate is
  closed as "already recorded" and nothing is added;
* reject: the candidate is marked rejected and never added.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import config, store
from .. import schema as S
from ..errors import ReviewError
from .plan import plan_add, plan_add_sources

PENDING = ("unreviewed", "")


class NeedsConfirmation(ReviewError):
    """Accepting would likely create a second record of an incident already curated."""

    def __init__(self, message: str, reasons: list[str]):
        super().__init__(message)
        self.reasons = reasons


@dataclass
class Decision:
    action: str  # accepted | attached | already recorded | rejected
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
    return frame[frame["review_status"].isin(PENDING)]


def _row(frame: pd.DataFrame, candidate_id: str) -> dict:
    """The candidate, which must still be waiting for a decision."""
    hits = frame[frame["incident_id"] == candidate_id]
    if hits.empty:
        raise ReviewError(f"no extracted candidate {candidate_id!r}")
    row = hits.iloc[0].to_dict()
    if row.get("review_status", "") not in PENDING:
        done = row.get("matched_incident_id") or ""
        raise ReviewError(f"candidate {candidate_id!r} was already {row['review_status']}"
                          + (f" (incident {done})" if done else "") + "; nothing changed. Reload to see the queue.")
    return row


def _quote(row: dict) -> str:
    text = " ".join(str(row.get("evidence", "")).split())
    return text if len(text) <= 300 else text[:299] + "…"


def article_ref(row: dict, data_dir: Path | None = None) -> str:
    """The source address of a candidate: its article's URL, else the article file as kept with the project
    ('seeds/<file>' or 'articles/<path>'), which the ledger accepts as a source."""
    url = str(row.get("source_url") or "").strip()
    if url:
        return url
    name = str(row.get("source_file") or "").strip()
    if data_dir is not None and name and "/" not in name and store.articles.find(name, [Path(data_dir) / "articles"]):
        return f"articles/{name}"
    return store.articles.ref(name)


def new_incident_row(row: dict, overrides: dict | None = None, data_dir: Path | None = None) -> pd.DataFrame:
    """NEW.csv-style row for plan_add: the incident's columns plus its first source (the article)."""
    new = {c: str(row.get(c, "") or "") for c in S.INCIDENTS.names}
    new.update({"incident_id": "", "origin": "extracted", "review_status": "reviewed"})
    if new["date_precision"] not in S.DATE_PRECISIONS:
        new["date_precision"] = ""
    new["source_name"] = str(row.get("source_outlet") or "") or f"article {row.get('source_file', '')}"
    new["url"] = article_ref(row, data_dir)
    new["published"] = str(row.get("source_published") or "")
    new["quote"] = _quote(row)
    new["note"] = f"extracted by {row.get('extractor_version', '')} from {row.get('source_file', '')}; accepted in review"
    for k, v in (overrides or {}).items():
        if v not in (None, ""):
            new[k] = str(v)
    return pd.DataFrame([new], dtype=str)


def claim_row(row: dict, incident_id: str, overrides: dict | None = None, data_dir: Path | None = None) -> pd.DataFrame:
    """A sources-ledger row: what this article claims about an existing incident."""
    claim = {
        "incident_id": incident_id,
        "source_name": str(row.get("source_outlet") or "") or f"article {row.get('source_file', '')}",
        "url": article_ref(row, data_dir),
        "published": str(row.get("source_published") or ""),
        "claim_date": str(row.get("event_date") or ""),
        "claim_location": str(row.get("location") or ""),
        "claim_killed": str(row.get("killed") or ""),
        "claim_injured": str(row.get("injured") or ""),
        "quote": _quote(row),
        "note": ("differs from the record: " + str(row["match_differences"])) if row.get("match_differences") else "",
    }
    for k, v in (overrides or {}).items():
        if k in claim and v not in (None, ""):
            claim[k] = str(v)
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


def accept(candidates: Path, candidate_id: str, data_dir=None, overrides: dict | None = None,
           confirm_new: bool = False) -> Decision:
    """Add the candidate as a curated incident with its claim; all-or-nothing under the data lock.

    `overrides` sets fields the reviewer filled in or corrected (event_date, url, source_name, ...).
    Raises ReviewError with the validation problems when the record is not yet valid (e.g. no date),
    and NeedsConfirmation when it matches or may duplicate a curated incident and `confirm_new` is off.
    """
    with store.transaction(config.data_dir(data_dir), Path(candidates)) as tx:
        row = _row(tx.candidates, candidate_id)
        reasons = [f"the extractor matched it to curated incident {row['matched_incident_id']}: attaching it to that "
                   "incident adds this article as another source"] if row.get("matched_incident_id") else []
        if reasons and not confirm_new:
            raise NeedsConfirmation("not added: " + reasons[0], reasons)
        plan = plan_add(tx.incidents, tx.sources, new_incident_row(row, overrides, tx.directory),
                        f"review:{candidate_id}", str(store.table_path(tx.directory, S.INCIDENTS)),
                        str(store.table_path(tx.directory, S.SOURCES)), allow_duplicates=confirm_new)
        if not plan.accepted:
            errors = [p for p in plan.problems if p.is_error]
            if errors:
                raise ReviewError("not added: " + " | ".join(str(p) for p in errors))
            held = [p.message.removeprefix("needs confirmation: ").split("; held back")[0] for p in plan.problems]
            raise NeedsConfirmation("not added: it looks like an incident already curated: " + "; ".join(held), held)
        new_id = plan.accepted[0]
        tx.write(sources=plan.sources, incidents=plan.incidents,
                 candidates=_marked(tx.candidates, candidate_id, review_status="reviewed", matched_incident_id=new_id))
    return Decision("accepted", new_id, warnings=plan.warnings)


def _already_recorded(sources: pd.DataFrame, incident_id: str, claim: pd.DataFrame) -> bool:
    url = claim["url"].iloc[0].strip()
    return bool(url) and bool(((sources["incident_id"] == incident_id) & (sources["url"].str.strip() == url)).any())


def attach(candidates: Path, candidate_id: str, incident_id: str | None = None, data_dir=None,
           overrides: dict | None = None) -> Decision:
    """Add the candidate as another claim (ledger row) on an existing curated incident (default: its match).

    When the ledger already holds a claim from this source for that incident, the candidate is closed
    as 'already recorded' and nothing is added."""
    with store.transaction(config.data_dir(data_dir), Path(candidates)) as tx:
        row = _row(tx.candidates, candidate_id)
        incident_id = (incident_id or row.get("matched_incident_id") or "").strip()
        if not incident_id:
            raise ReviewError("choose the curated incident to attach this candidate to")
        if incident_id not in set(tx.incidents["incident_id"]):
            raise ReviewError(f"no curated incident {incident_id!r}")
        claim = claim_row(row, incident_id, overrides, tx.directory)
        closed = _marked(tx.candidates, candidate_id, review_status="reviewed", matched_incident_id=incident_id)
        if _already_recorded(tx.sources, incident_id, claim):
            tx.write(candidates=closed)
            return Decision("already recorded", incident_id)
        plan = plan_add_sources(tx.incidents, tx.sources, claim, f"review:{candidate_id}")
        if not plan.accepted:
            raise ReviewError("not attached: " + " | ".join(str(p) for p in plan.problems if p.is_error))
        tx.write(sources=plan.sources, candidates=closed)
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


def highlight_segments(text: str, spans: str, start: int | None = None, end: int | None = None,
                       hidden: list[tuple[int, int]] = ()) -> list[tuple[str, str]]:
    """Split `text` into (segment, label) pieces: label is '' for plain text, 'evidence' for the candidate's
    sentences, or a field name (date, place, killed, injured, type) for its own evidence; characters in
    `hidden` ranges (page debris) are left out. Pure; the page renders the pieces as escaped text."""
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
    for a, b in hidden:
        for k in range(max(0, a), min(len(text), b)):
            labels[k] = None
    out: list[tuple[str, str]] = []
    for ch, lab in zip(text, labels):
        if lab is None:
            continue
        if out and out[-1][1] == lab:
            out[-1] = (out[-1][0] + ch, lab)
        else:
            out.append((ch, lab))
    return out


def _int(value) -> int | None:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def article_segments(path: Path, row: dict, context: int = 1500) -> tuple[list[tuple[str, str]], bool, bool]:
    """The article around the candidate's evidence as labelled segments, page debris and the metadata
    header left out; and whether text was cut before / after the shown window."""
    from ..extract.article import load_article

    art = load_article(path)
    text = art.text
    start, end = _int(row.get("char_start")), _int(row.get("char_end"))
    if start is None or end is None:
        start = end = art.body_start
    lo, hi = max(art.body_start, start - context), min(len(text), end + context)
    shifted = []
    for part in str(row.get("evidence_spans") or "").split(";"):
        name, _, rng = part.partition("=")
        a, _, b = rng.partition(":")
        if _int(a) is not None and _int(b) is not None:
            shifted.append(f"{name}={_int(a) - lo}:{_int(b) - lo}")
    hidden = [(a - lo, b - lo) for a, b, _ in art.excluded]
    return (highlight_segments(text[lo:hi], ";".join(shifted), start - lo, end - lo, hidden),
            lo > art.body_start, hi < len(text))
