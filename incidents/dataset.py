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
from .store import FileStore
from .store import cache as load_cache
from .vector import isin


@dataclass
class Dataset:
    """The typed incidents (with derived columns), the typed sources ledger, and every problem found."""

    incidents: pd.DataFrame
    sources: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    data_dir: Path | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def as_of(self) -> pd.Timestamp | None:
        """Data-as-of date: the latest publication date in the ledger (else the latest event)."""
        for series in (self.sources.get("published"), self.incidents.get("event_date")):
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

    Only unreviewed candidates that match no curated incident are shown (a matched one is a claim
    about that incident, and an accepted one is already curated); each brings its article as source.
    """
    get = lambda c: frame[c] if c in frame else pd.Series("", index=frame.index, dtype=str)  # noqa: E731
    keep = get("review_status").isin(["unreviewed", ""]) & (get("matched_incident_id") == "") \
        & ~get("incident_id").isin(taken_ids)
    cand = frame[keep]
    inc = cand.reindex(columns=S.INCIDENTS.names).fillna("")
    inc["origin"], inc["review_status"] = "extracted", "unreviewed"
    article = get("source_file")[keep]
    src = pd.DataFrame({
        "incident_id": cand["incident_id"] if len(cand) else pd.Series(dtype=str),
        "source_name": get("source_outlet")[keep].where(get("source_outlet")[keep] != "", "article " + article),
        "url": get("source_url")[keep].where(get("source_url")[keep] != "", article),
        "published": get("source_published")[keep],
        "claim_date": get("event_date")[keep], "claim_location": get("location")[keep],
        "claim_killed": get("killed")[keep], "claim_injured": get("injured")[keep],
        "quote": get("evidence")[keep].str.slice(0, 300), "note": "machine-extracted, not reviewed",
    }).reindex(columns=S.SOURCES.names).fillna("")
    return inc, src  # original index kept, so problems name the row of extracted.csv


def load(directory: str | Path | None = None, include_extracted: bool = True, cache: bool = True) -> Dataset:
    """Read, check and build the dataset in a data directory (default: $BORDERWATCH_DATA, else ./data).

    Unreviewed extracted candidates (data/extracted.csv) are added with origin 'extracted'; one that
    fails a rule (e.g. no date yet) is left out with a warning, since it waits for review anyway.
    The result is kept in the load cache (store/cache.py) and served from there while the data
    files, the code and the day stay the same; `cache=False` always reads the CSVs.
    """
    store = FileStore(directory)
    entry = cache_entry(store.directory, include_extracted) if cache else None
    if entry is not None:
        cached = load_cache.read(entry)
        if cached is not None:
            return Dataset(*cached, data_dir=store.directory)
    ds = _load(store, include_extracted)
    if entry is not None and cache_entry(store.directory, include_extracted) == entry:
        load_cache.write(entry, ds.incidents, ds.sources, ds.problems)  # files unchanged while we read them
    ds.data_dir = store.directory
    return ds


def cache_entry(directory: str | Path, include_extracted: bool = True) -> Path | None:
    """The load-cache entry for the data in `directory` as it is now, or None when it is not cached."""
    names = [S.INCIDENTS.file, S.SOURCES.file] + ([S.CANDIDATES_FILE] if include_extracted else [])
    return load_cache.entry(Path(directory), names, f"extracted={include_extracted}")


def _load(store: FileStore, include_extracted: bool) -> Dataset:
    raw_inc, raw_src, read_problems = store.read_tables()
    ds = build(raw_inc, raw_src, str(store.incidents_path), str(store.sources_path), problems=read_problems)
    ext_path = store.candidates_path
    if include_extracted and ext_path.exists():
        ext, p3 = store.read_candidates()
        if ext is not None:
            e_inc, e_src = extracted_candidates(ext, set(ds.incidents["incident_id"]))
            extra = build(e_inc, e_src, str(ext_path), str(ext_path) + " (sources)")
            warned = [Problem(p.file, p.row, p.column, "candidate not shown until reviewed: " + p.message,
                              p.found, p.expected, severity="warning") for p in extra.problems if p.is_error]
            ds = Dataset(pd.concat([ds.incidents, extra.incidents], ignore_index=True),
                         pd.concat([ds.sources, extra.sources], ignore_index=True),
                         ds.problems + p3 + warned)
    return ds
