"""Build the analysis table: validated rows typed, with the ledger and geography derivations added.

Steps, in order (this is the only place they are composed):
1. read both CSVs (store) and check every rule (validate);
2. drop rows with errors from the working table (they stay in the files and in the report);
3. type the columns (dates, nullable integers, floats);
4. derive from the sources ledger: source_count, killed_low/killed_high, disputed, disputed_fields;
5. derive from the geography: point_country, nearest_border, distance_to_border_km, and fill a blank
   admin1 or border from the point.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import schema as S
from . import store
from .errors import Problem
from .geo import Geography, normalize, strip_generic
from .validate import bad_rows, check_dataset

# A point within this distance of a border line belongs to that border when `border` is blank.
BORDER_ZONE_KM = 30.0


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


def empty_incidents() -> pd.DataFrame:
    return type_incidents(pd.DataFrame({c: pd.Series(dtype=str) for c in S.INCIDENTS.names}))


def type_incidents(raw: pd.DataFrame) -> pd.DataFrame:
    """Convert a clean raw incidents frame to typed columns (schema order)."""
    return _typed(raw, S.INCIDENTS)


def type_sources(raw: pd.DataFrame) -> pd.DataFrame:
    return _typed(raw, S.SOURCES)


def _typed(raw: pd.DataFrame, table: S.Table) -> pd.DataFrame:
    out = {}
    for col in table.columns:
        s = raw[col.name].str.strip() if col.name in raw else pd.Series("", index=raw.index, dtype=str)
        if col.kind == S.DATE:
            out[col.name] = pd.to_datetime(s, format="%Y-%m-%d", errors="coerce")
        elif col.kind == S.INT:
            out[col.name] = pd.to_numeric(s.replace("", None), errors="coerce").astype("Int64")
        elif col.kind == S.FLOAT:
            out[col.name] = pd.to_numeric(s.replace("", None), errors="coerce").astype("float64")
        else:
            out[col.name] = s.astype(str)
    return pd.DataFrame(out, index=raw.index).reset_index(drop=True)


def derive_ledger(incidents: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """Add source_count, killed_low, killed_high, disputed and disputed_fields from the claims ledger.

    killed_low/killed_high are the lowest and highest killed figures the sources claim; with no
    claimed figure both equal the record's own best estimate (UCDP's low/best/high convention).
    """
    df = incidents.copy()
    g = sources.groupby("incident_id")
    df["source_count"] = df["incident_id"].map(g.size()).fillna(0).astype("Int64")
    claims = sources.dropna(subset=["claim_killed"]).groupby("incident_id")["claim_killed"]
    lo, hi = df["incident_id"].map(claims.min()), df["incident_id"].map(claims.max())
    df["killed_low"] = lo.astype("Int64").fillna(df["killed"])
    df["killed_high"] = hi.astype("Int64").fillna(df["killed"])
    disputes = _disputes(sources)
    df["disputed_fields"] = df["incident_id"].map(disputes).astype(object).fillna("").astype(str)
    df["disputed"] = df["disputed_fields"] != ""
    return df


def _disputes(sources: pd.DataFrame) -> pd.Series:
    """Per incident, the semicolon-joined fields on which at least two sources disagree."""
    if sources.empty:
        return pd.Series(dtype=str)
    keyed = pd.DataFrame({
        "incident_id": sources["incident_id"],
        "date": sources["claim_date"].dt.strftime("%Y-%m-%d"),
        "location": _place_keys(sources["claim_location"]),
        "killed": sources["claim_killed"],
        "injured": sources["claim_injured"],
    })
    fields = ["date", "location", "killed", "injured"]
    counts = keyed.groupby("incident_id")[fields].nunique()
    # Places disagree only when neither name contains the other ("Shohin" vs "Shamsiddin Shohin" agree).
    located = keyed.dropna(subset=["location"])
    several = located["incident_id"].duplicated(keep=False)  # one named place cannot conflict with itself
    loc_conflict = located[several].groupby("incident_id")["location"].agg(_places_conflict)
    conflicting = loc_conflict[loc_conflict.astype(bool)].index
    counts["location"] = np.where(counts.index.isin(conflicting), 2, 0)
    joined = pd.Series("", index=counts.index, dtype=object)
    for f in fields:
        joined = joined + np.where(counts[f] > 1, f + ";", "")
    return joined.str.rstrip(";")


def _place_keys(places: pd.Series) -> pd.Series:
    """Normalised place names for comparison (None when blank); each distinct name is folded once."""
    uniq = pd.unique(places)
    folded = {v: (normalize(strip_generic(v)) or None) for v in uniq}
    return places.map(folded)


def _places_conflict(names: pd.Series) -> bool:
    uniq = sorted(set(names), key=len)
    return any(not (a in b) for i, a in enumerate(uniq) for b in uniq[i + 1:])


def derive_geography(incidents: pd.DataFrame, geo: Geography | None = None) -> pd.DataFrame:
    """Add point_country, nearest_border and distance_to_border_km; fill blank admin1 and border."""
    geo = geo or Geography.load()
    df = incidents.copy()
    lat, lon = df["latitude"].to_numpy(float), df["longitude"].to_numpy(float)
    df["point_country"] = geo.country_at(lat, lon).astype(str)
    pair, km = geo.nearest_border(lat, lon)
    df["nearest_border"] = pair.astype(str)
    df["distance_to_border_km"] = np.round(km, 2)
    admin1 = geo.admin1_at(lat, lon).astype(str)
    df["admin1"] = df["admin1"].where(df["admin1"] != "", admin1)
    near = df["distance_to_border_km"] <= BORDER_ZONE_KM
    df["border"] = df["border"].where((df["border"] != "") | ~near, df["nearest_border"])
    return df


def build(raw_incidents: pd.DataFrame | None, raw_sources: pd.DataFrame | None,
          inc_file: str = "incidents.csv", src_file: str = "sources.csv",
          problems: list[Problem] | None = None, geo: Geography | None = None) -> Dataset:
    """Check, type and derive. Rows with errors are left out of the working table, never silently:
    each is in `problems`."""
    problems = list(problems or []) + check_dataset(raw_incidents, raw_sources, inc_file, src_file)
    inc = raw_incidents if raw_incidents is not None else pd.DataFrame(columns=S.INCIDENTS.names, dtype=str)
    src = raw_sources if raw_sources is not None else pd.DataFrame(columns=S.SOURCES.names, dtype=str)
    inc = inc.drop(index=list(bad_rows(problems, inc_file) & set(inc.index)))
    src = src.drop(index=list(bad_rows(problems, src_file) & set(src.index)))
    incidents, sources = type_incidents(inc), type_sources(src)
    sources = sources[sources["incident_id"].isin(set(incidents["incident_id"]))].reset_index(drop=True)
    incidents = derive_geography(derive_ledger(incidents, sources), geo)
    return Dataset(incidents=incidents, sources=sources, problems=problems)


EXTRACTED_FILE = "extracted.csv"


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


def load(directory: str | Path | None = None, include_extracted: bool = True) -> Dataset:
    """Read, check and build the dataset in a data directory (default: see store.data_dir).

    Unreviewed extracted candidates (data/extracted.csv) are added with origin 'extracted'; one that
    fails a rule (e.g. no date yet) is left out with a warning, since it waits for review anyway.
    """
    d = store.data_dir(directory)
    inc_path, src_path = store.table_path(d, S.INCIDENTS), store.table_path(d, S.SOURCES)
    raw_inc, p1 = store.read_table(inc_path)
    raw_src, p2 = store.read_table(src_path)
    ds = build(raw_inc, raw_src, str(inc_path), str(src_path), problems=p1 + p2)
    ext_path = d / EXTRACTED_FILE
    if include_extracted and ext_path.exists():
        ext, p3 = store.read_table(ext_path)
        if ext is not None:
            e_inc, e_src = extracted_candidates(ext, set(ds.incidents["incident_id"]))
            extra = build(e_inc, e_src, str(ext_path), str(ext_path) + " (sources)")
            warned = [Problem(p.file, p.row, p.column, "candidate not shown until reviewed: " + p.message,
                              p.found, p.expected, severity="warning") for p in extra.problems if p.is_error]
            ds = Dataset(pd.concat([ds.incidents, extra.incidents], ignore_index=True),
                         pd.concat([ds.sources, extra.sources], ignore_index=True),
                         ds.problems + p3 + warned)
    ds.data_dir = d
    return ds
