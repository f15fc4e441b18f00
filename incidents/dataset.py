"""The analysis table, composed in one place: read (store) → check (check) → type and derive (derive).

`load` keeps its result in the load cache (store/cache.py) while the data files, the code and the
day stay the same. Rows with errors are left out of the working table, never silently: each is in
`Dataset.problems`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import schema as S
from .check import bad_rows, check_dataset
from .derive import derive_geography, derive_ledger, type_incidents, type_sources
from .errors import Problem
from .geo import Geography
from .store import articles, open_store
from .store import cache as load_cache
from .vector import isin


@dataclass
class Dataset:
    """The typed incidents (with derived columns), the typed sources ledger, and every problem found."""

    incidents: pd.DataFrame
    sources: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    data_dir: Path | None = None
    # Claims of unreviewed extracted candidates that match a curated incident: shown beside that
    # incident's ledger as pending, never part of it (no figure, range or dispute comes from them).
    pending: pd.DataFrame = field(default_factory=lambda: _empty_claims())

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def as_of(self) -> pd.Timestamp | None:
        """Data through: the latest publication date in the ledger of the reviewed records (else their
        latest event). Unreviewed candidates' articles do not move it."""
        inc = self.incidents
        if "review_status" in inc:
            inc = inc[inc["review_status"].isin(S.REVIEWED)]
        src = self.sources[self.sources["incident_id"].isin(set(inc["incident_id"]))] if len(self.sources) else self.sources
        for series in (src.get("published"), inc.get("event_date")):
            if series is not None and series.notna().any():
                return series.max()
        return None


def build(raw_incidents: pd.DataFrame | None, raw_sources: pd.DataFrame | None,
          inc_file: str = "incidents.csv", src_file: str = "sources.csv",
          problems: list[Problem] | None = None, geo: Geography | None = None) -> Dataset:
    """Check, type and derive. Rows with errors are left out of the working table, never silently:
    each is in `problems`."""
    problems = list(problems or []) + check_dataset(raw_incidents, raw_sources, inc_file, src_file)
    inc = raw_incidents if raw_incidents is not None else pd.DataFrame(columns=S.INCIDENTS.names, dtype=str)
    src = raw_sources if raw_sources is not None else pd.DataFrame(columns=S.SOURCES.names, dtype=str)
    inc = _drop_rows(inc, bad_rows(problems, inc_file))
    src = _drop_rows(src, bad_rows(problems, src_file))
    incidents, sources = type_incidents(inc), type_sources(src)
    known = isin(sources["incident_id"], incidents["incident_id"])
    if not known.all():
        sources = sources[known].reset_index(drop=True)
    incidents = derive_geography(derive_ledger(incidents, sources), geo)
    return Dataset(incidents=incidents, sources=sources, problems=problems)


def _drop_rows(frame: pd.DataFrame, rows: set[int]) -> pd.DataFrame:
    if not rows:
        return frame
    return frame.drop(index=list(rows & set(frame.index)))


def extracted_candidates(frame: pd.DataFrame, taken_ids: set[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Incident and ledger rows for extracted candidates that are not yet curated.

    Only unreviewed candidates that match no curated incident become records (a matched one is a
    pending claim about that incident, see `pending_claims`; an accepted one is already curated);
    each brings its article as its source. They carry review_status 'unreviewed': views draw them
    only on request and never count them.
    """
    get = lambda c: frame[c] if c in frame else pd.Series("", index=frame.index, dtype=str)  # noqa: E731
    keep = get("review_status").isin(["unreviewed", ""]) & (get("matched_incident_id") == "") \
        & ~get("incident_id").isin(taken_ids)
    cand = frame[keep]
    inc = cand.reindex(columns=S.INCIDENTS.names, fill_value="")
    inc["origin"], inc["review_status"] = "extracted", "unreviewed"
    return inc, _candidate_claims(cand, cand["incident_id"])  # original index kept: problems name extracted.csv rows


def _empty_claims() -> pd.DataFrame:
    return type_sources(pd.DataFrame(columns=S.SOURCES.names, dtype=str))


def _candidate_claims(cand: pd.DataFrame, incident_ids: pd.Series) -> pd.DataFrame:
    """Ledger-shaped rows: what each candidate's article claims, about `incident_ids` (one per candidate)."""
    get = lambda c: cand[c] if c in cand else pd.Series("", index=cand.index, dtype=str)  # noqa: E731
    article = get("source_file")
    cited = article.map(articles.ref)
    return pd.DataFrame({
        "incident_id": incident_ids if len(cand) else pd.Series(dtype=str),
        "source_name": get("source_outlet").where(get("source_outlet") != "", "article " + article),
        "url": get("source_url").where(get("source_url") != "", cited),
        "published": get("source_published"),
        "claim_date": get("event_date"), "claim_location": get("location"),
        "claim_killed": get("killed"), "claim_injured": get("injured"),
        "quote": get("evidence").str.slice(0, 300), "note": "machine-extracted, not reviewed",
    }, index=cand.index).reindex(columns=S.SOURCES.names).fillna("")


def pending_claims(frame: pd.DataFrame, curated_ids: set[str]) -> pd.DataFrame:
    """Typed claims of unreviewed candidates matched to a curated incident (shown as pending)."""
    get = lambda c: frame[c] if c in frame else pd.Series("", index=frame.index, dtype=str)  # noqa: E731
    keep = get("review_status").isin(["unreviewed", ""]) & get("matched_incident_id").isin(curated_ids)
    cand = frame[keep]
    claims = _candidate_claims(cand, get("matched_incident_id")[keep])
    claims = claims[claims["claim_date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}|") & claims["claim_killed"].str.fullmatch(r"\d*")
                    & claims["claim_injured"].str.fullmatch(r"\d*")]
    claims = claims.assign(note="machine-extracted, pending review: " + get("incident_id")[claims.index])
    return type_sources(claims)


def load(directory: str | Path | None = None, include_extracted: bool = True, cache: bool = True) -> Dataset:
    """Read, check and build the dataset in a data directory (default: $BORDERWATCH_DATA, else ./data).

    Unreviewed extracted candidates (data/extracted.csv) are added with origin 'extracted'; one that
    fails a rule (e.g. no date yet) is left out with a warning, since it waits for review anyway.
    The result is kept in the load cache (store/cache.py) and served from there while the data
    files (or the database's newest change), the code and the day stay the same; `cache=False` always
    reads the store. With a database store (BORDERWATCH_STORE) the tables come from the database.
    """
    store = open_store(directory)
    entry = store.cache_entry(include_extracted) if cache else None
    if entry is not None:
        cached = load_cache.read(entry)
        if cached is not None:
            frames, problems = cached
            return Dataset(frames["incidents"], frames["sources"], problems, store.directory,
                           frames.get("pending", _empty_claims()))
    ds = _load(store, include_extracted)
    if entry is not None and store.cache_entry(include_extracted) == entry:
        load_cache.write(entry, {"incidents": ds.incidents, "sources": ds.sources, "pending": ds.pending},
                         ds.problems)  # files unchanged while we read them
    ds.data_dir = store.directory
    return ds


def cache_entry(directory: str | Path, include_extracted: bool = True) -> Path | None:
    """The load-cache entry for the data in `directory` as it is now, or None when it is not cached."""
    names = [S.INCIDENTS.file, S.SOURCES.file] + ([S.CANDIDATES_FILE] if include_extracted else [])
    return load_cache.entry(Path(directory), names, f"extracted={include_extracted}")


def _load(store, include_extracted: bool) -> Dataset:
    raw_inc, raw_src, read_problems = store.read_tables()
    ds = build(raw_inc, raw_src, str(store.incidents_path), str(store.sources_path), problems=read_problems)
    ext_path = store.candidates_path
    if include_extracted and store.has_candidates():
        ext, p3 = store.read_candidates()
        if ext is not None:
            e_inc, e_src = extracted_candidates(ext, set(ds.incidents["incident_id"]))
            extra = build(e_inc, e_src, str(ext_path), str(ext_path) + " (sources)")
            warned = [Problem(p.file, p.row, p.column, "candidate not shown until reviewed: " + p.message,
                              p.found, p.expected, severity="warning") for p in extra.problems if p.is_error]
            ds = Dataset(pd.concat([ds.incidents, extra.incidents], ignore_index=True),
                         pd.concat([ds.sources, extra.sources], ignore_index=True),
                         ds.problems + p3 + warned,
                         pending=pending_claims(ext, set(ds.incidents["incident_id"])))
    return ds
