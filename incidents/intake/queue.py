"""The review queue seen from the intake: appending without touching earlier rows, moving offsets, and what is new since a time."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from pathlib import Path

import pandas as pd

from .. import store
from ..schema import CANDIDATES

OFFSET_COLUMNS = ("char_start", "char_end")


def empty() -> pd.DataFrame:
    return store.empty_table(CANDIDATES)


def append(existing: pd.DataFrame | None, new: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Earlier rows unchanged and first, then the new rows whose candidate id is not in the queue yet (a
    re-run never duplicates or overwrites a candidate). New cluster ids continue after the highest one in
    use, so a cluster of this run is never mistaken for an earlier run's. Returns (queue, rows added)."""
    existing = empty() if existing is None else existing
    if new is None or new.empty:
        return existing, 0
    have = set(existing["incident_id"].astype(str)) if "incident_id" in existing else set()
    fresh = new[~new["incident_id"].astype(str).isin(have)].copy()
    fresh = fresh.drop_duplicates("incident_id")
    if fresh.empty:
        return existing, 0
    fresh["cluster_id"] = _renumber(fresh["cluster_id"].astype(str), existing.get("cluster_id"))
    columns = list(existing.columns) + [c for c in fresh.columns if c not in existing.columns]
    out = pd.concat([existing, fresh], ignore_index=True)[columns]
    return out.fillna("").astype(str), len(fresh)


def _renumber(clusters: pd.Series, used: pd.Series | None) -> list[str]:
    top = 0
    for value in (used if used is not None else []):
        m = re.fullmatch(r"c(\d+)", str(value))
        if m:
            top = max(top, int(m.group(1)))
    mapping: dict[str, str] = {}
    out = []
    for c in clusters:
        if c not in mapping:
            top += 1
            mapping[c] = f"c{top:03d}"
        out.append(mapping[c])
    return out


def shift_offsets(frame: pd.DataFrame, source_file: str, at: int, delta: int) -> pd.DataFrame:
    """Offsets at or after `at` in the rows of one article moved by `delta` (its header got a line)."""
    if frame is None or frame.empty or not delta:
        return frame
    out = frame.copy()
    rows = out["source_file"].astype(str) == source_file
    for col in OFFSET_COLUMNS:
        if col in out:
            out.loc[rows, col] = out.loc[rows, col].map(lambda v: _shift(v, at, delta))
    if "evidence_spans" in out:
        out.loc[rows, "evidence_spans"] = out.loc[rows, "evidence_spans"].map(lambda v: _shift_spans(v, at, delta))
    return out


def _shift(value, at: int, delta: int) -> str:
    try:
        n = int(float(value))
    except (TypeError, ValueError):
        return value
    return str(n + delta if n >= at else n)


def _shift_spans(value, at: int, delta: int) -> str:
    def one(m: re.Match) -> str:
        a, b = int(m.group(2)), int(m.group(3))
        return f"{m.group(1)}={a + delta if a >= at else a}:{b + delta if b >= at else b}"
    return re.sub(r"([\w]+)=(\d+):(\d+)", one, str(value or ""))


# --- for the review page -------------------------------------------------------------------------------

def article_info(frame: pd.DataFrame, roots: list[Path]) -> pd.DataFrame:
    """Per candidate (same index): the article's outlet, publication date, fetch time and addresses, read from
    the article file's header (the candidate's own source_outlet/source_published when there is no file)."""
    cache: dict[str, dict] = {}
    rows = []
    for _, r in frame.iterrows():
        name = str(r.get("source_file") or "")
        if name not in cache:
            cache[name] = _header_of(name, roots)
        h = cache[name]
        rows.append({"outlet": h.get("outlet") or str(r.get("source_outlet") or ""),
                     "published": h.get("published") or str(r.get("source_published") or ""),
                     "fetched": h.get("fetched", ""), "urls": " ".join(h.get("urls", [])) or str(r.get("source_url") or "")})
    return pd.DataFrame(rows, index=frame.index, columns=["outlet", "published", "fetched", "urls"])


def new_since(frame: pd.DataFrame, when, roots: list[Path]) -> pd.DataFrame:
    """The candidates whose article was fetched at or after `when` (a date, a datetime or an ISO string),
    newest first. Candidates from articles not fetched by the intake (no `fetched:` line) are left out."""
    since = _as_utc(when)
    if frame is None or frame.empty:
        return frame
    info = article_info(frame, roots)
    fetched = info["fetched"].map(_maybe_utc)
    keep = fetched.map(lambda t: t is not None and t >= since)
    out = frame[keep].copy()
    order = fetched[keep].sort_values(ascending=False, kind="stable").index
    return out.loc[order]


def _maybe_utc(value) -> datetime | None:
    try:
        return _as_utc(value) if value else None
    except ValueError:
        return None


def _header_of(name: str, roots: list[Path]) -> dict:
    from .archive import header

    path = store.articles.find(name, roots) if name else None
    if path is None:
        return {}
    pairs, _ = header(store.articles.read_head(path))
    out = {k: v for k, v in pairs if k != "url"}
    out["urls"] = [v for k, v in pairs if k == "url" and v]
    return out


def _as_utc(value) -> datetime:
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime(value.year, value.month, value.day)
    else:
        text = str(value).strip().replace("Z", "+00:00")
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"not a date or time: {value!r} (expected e.g. 2026-11-28 or 2026-11-28T10:00:00+00:00)") from None
    return dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt.astimezone(timezone.utc)
