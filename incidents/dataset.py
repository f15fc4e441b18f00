"""Build the analysis table: validated rows typed, with the ledger and geography derivations added.

Steps, in order (this is the only place they are composed):
1. read both CSVs (store) and check every rule (validate);
2. drop rows with errors from the working table (they stay in the files and in the report);
3. type the columns (dates, nullable integers, floats);
4. derive from the sources ledger: source_count, killed_low/killed_high, disputed, disputed_fields;
5. derive from the geography: point_country, nearest_border, distance_to_border_km, and fill a blank
   admin1 or border from the point.

`load` keeps its result in a cache keyed by the files' identity, size and times, the code and the
day (see the cache section at the end); conversions run once per distinct value and the ledger
derivations on integer codes of the incident ids, with the same results as row by row.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from . import schema as S
from . import store
from .errors import Problem
from .geo import GEO_DIR, Geography, normalize, strip_generic
from .validate import _isin, bad_rows, check_dataset

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
            out[col.name] = _per_distinct(s, lambda v: pd.to_datetime(v, format="%Y-%m-%d", errors="coerce"))
        elif col.kind == S.INT:
            out[col.name] = _per_distinct(s, lambda v: pd.to_numeric(v.replace("", None), errors="coerce")).astype("Int64")
        elif col.kind == S.FLOAT:
            out[col.name] = _per_distinct(s, lambda v: pd.to_numeric(v.replace("", None), errors="coerce")).astype("float64")
        elif col.kind == S.ENUM:
            # Categoricals with the schema's values: filters and group-bys over a million rows run on
            # small integer codes. Optional enums keep '' (blank) as a category of its own.
            categories = list(col.allowed) + ([] if col.required else [""])
            out[col.name] = pd.Series(pd.Categorical(s, categories=categories), index=raw.index)
        else:
            out[col.name] = s.astype(str)
    return pd.DataFrame(out, index=raw.index).reset_index(drop=True)


def _per_distinct(s: pd.Series, convert) -> pd.Series:
    """convert(s) for an elementwise conversion, run once per distinct value (dates, counts and
    coordinates repeat a lot) and spread back over the rows: the same values, much less parsing."""
    codes, uniques = pd.factorize(s.array)
    if len(uniques) == len(s):
        return convert(s)
    result = convert(pd.Series(uniques, copy=False))
    return pd.Series(pd.api.extensions.take(result.array, codes, allow_fill=True), index=s.index, name=s.name)


def derive_ledger(incidents: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """Add source_count, killed_low, killed_high, disputed and disputed_fields from the claims ledger.

    killed_low/killed_high are the lowest and highest killed figures the sources claim; with no
    claimed figure both equal the record's own best estimate (UCDP's low/best/high convention).
    """
    df = incidents.copy()
    # Integer codes for incident ids, shared by both tables: every aggregate below is a bincount or
    # an integer groupby, then a take by each incident row's code (what `map` by id did).
    codes, uniques = pd.factorize(pd.concat([df["incident_id"], sources["incident_id"]], ignore_index=True).array)
    inc_codes, src_codes = codes[: len(df)], codes[len(df):]
    k = len(uniques)
    present = src_codes >= 0
    count = np.bincount(src_codes[present], minlength=k)
    df["source_count"] = pd.array(np.where(inc_codes >= 0, count[inc_codes], 0), dtype="Int64")
    claimed = sources["claim_killed"].notna().to_numpy() & present
    per = pd.Series(sources["claim_killed"].array[claimed]).groupby(src_codes[claimed])
    for name, agg in (("killed_low", per.min()), ("killed_high", per.max())):
        value = agg.reindex(range(k)).astype("Int64").array if k else pd.array([], dtype="Int64")
        taken = pd.Series(pd.api.extensions.take(value, inc_codes, allow_fill=True), index=df.index, dtype="Int64")
        df[name] = taken.fillna(df["killed"])
    labels = _dispute_labels(sources, src_codes, k)
    fields = np.where(inc_codes >= 0, labels[np.maximum(inc_codes, 0)] if k else "", "")
    df["disputed_fields"] = pd.Series(fields.astype(object), index=df.index).astype(str)
    df["disputed"] = df["disputed_fields"] != ""
    return df


_DISPUTE_FIELDS = ("date", "location", "killed", "injured")


def _dispute_labels(sources: pd.DataFrame, codes: np.ndarray, k: int) -> np.ndarray:
    """For each incident code 0..k-1, the semicolon-joined fields on which at least two sources
    disagree ('' when none), computed on integer codes so it scales to millions of ledger rows."""
    mask = np.zeros(k, dtype=np.int64)
    if len(sources) and k:
        present = codes >= 0
        values = {
            "date": sources["claim_date"].to_numpy(dtype="datetime64[ns]").view(np.int64),
            "killed": sources["claim_killed"].to_numpy(dtype="float64", na_value=np.nan),
            "injured": sources["claim_injured"].to_numpy(dtype="float64", na_value=np.nan),
        }
        valid = {"date": sources["claim_date"].notna().to_numpy(), "killed": sources["claim_killed"].notna().to_numpy(),
                 "injured": sources["claim_injured"].notna().to_numpy()}
        for bit, name in enumerate(_DISPUTE_FIELDS):
            if name == "location":
                conflicting = _location_conflicts(sources["claim_location"], codes, k)
            else:
                keep = valid[name] & present
                pairs = pd.DataFrame({"c": codes[keep], "v": values[name][keep]}).drop_duplicates()
                conflicting = np.bincount(pairs["c"].to_numpy(), minlength=k) > 1
            mask |= conflicting.astype(np.int64) << bit
    table = np.array([";".join(f for bit, f in enumerate(_DISPUTE_FIELDS) if m >> bit & 1) for m in range(16)],
                     dtype=object)
    return table[mask]


def _location_conflicts(places: pd.Series, codes: np.ndarray, k: int) -> np.ndarray:
    """Incidents whose sources name places that conflict (neither name contains the other)."""
    out = np.zeros(k, dtype=bool)
    place_codes, uniq = pd.factorize(places.array)
    folded = [normalize(strip_generic(v)) or None for v in uniq]
    key_codes, _ = pd.factorize(pd.Series(folded, dtype=object))  # None -> -1 (blank, never compared)
    loc = np.where(place_codes >= 0, key_codes[np.maximum(place_codes, 0)] if len(uniq) else -1, -1)
    keep = (loc >= 0) & (codes >= 0)
    pairs = pd.DataFrame({"c": codes[keep], "l": loc[keep], "p": np.maximum(place_codes, 0)[keep]}
                         ).drop_duplicates(subset=["c", "l"])
    several = np.bincount(pairs["c"].to_numpy(), minlength=k) > 1  # one distinct place cannot conflict
    if several.any():
        pairs = pairs[several[pairs["c"].to_numpy()]]
        for c, group in pairs.groupby("c")["p"]:
            out[c] = _places_conflict(pd.Series([folded[p] for p in group]))
    return out


def _places_conflict(names: pd.Series) -> bool:
    """Places disagree only when neither name contains the other ("Shohin" vs "Shamsiddin Shohin" agree)."""
    uniq = sorted(set(names), key=len)
    return any(not (a in b) for i, a in enumerate(uniq) for b in uniq[i + 1:])


def derive_geography(incidents: pd.DataFrame, geo: Geography | None = None) -> pd.DataFrame:
    """Add point_country, nearest_border and distance_to_border_km; fill blank admin1 and border."""
    geo = geo or Geography.load()
    df = incidents.copy()
    lat, lon = df["latitude"].to_numpy(float), df["longitude"].to_numpy(float)
    if len(df) >= 100_000:  # the polygon lookups overlap the nearest-border search (GEOS releases the GIL)
        with ThreadPoolExecutor(1) as pool:
            polygons = pool.submit(lambda: (geo.country_at(lat, lon), geo.admin1_at(lat, lon)))
            pair, km = geo.nearest_border(lat, lon)
            country, admin1 = polygons.result()
    else:
        country, admin1 = geo.country_at(lat, lon), geo.admin1_at(lat, lon)
        pair, km = geo.nearest_border(lat, lon)
    df["point_country"] = country.astype(str)
    df["nearest_border"] = pair.astype(str)
    df["distance_to_border_km"] = np.round(km, 2)
    admin1 = admin1.astype(str)
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
    inc = _drop_rows(inc, bad_rows(problems, inc_file))
    src = _drop_rows(src, bad_rows(problems, src_file))
    incidents, sources = type_incidents(inc), type_sources(src)
    known = _isin(sources["incident_id"], incidents["incident_id"])
    if not known.all():
        sources = sources[known].reset_index(drop=True)
    incidents = derive_geography(derive_ledger(incidents, sources), geo)
    return Dataset(incidents=incidents, sources=sources, problems=problems)


def _drop_rows(frame: pd.DataFrame, rows: set[int]) -> pd.DataFrame:
    if not rows:
        return frame
    return frame.drop(index=list(rows & set(frame.index)))


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


def load(directory: str | Path | None = None, include_extracted: bool = True, cache: bool = True) -> Dataset:
    """Read, check and build the dataset in a data directory (default: see store.data_dir).

    Unreviewed extracted candidates (data/extracted.csv) are added with origin 'extracted'; one that
    fails a rule (e.g. no date yet) is left out with a warning, since it waits for review anyway.

    The result of a load is kept in a cache directory (see `cache_entry`) and served from there
    while the data files, the code and the day stay the same; `cache=False` always reads the CSVs.
    """
    d = store.data_dir(directory)
    entry = cache_entry(d, include_extracted) if cache else None
    if entry is not None:
        cached = _cache_read(entry)
        if cached is not None:
            cached.data_dir = d
            return cached
    ds = _load(d, include_extracted)
    if entry is not None and cache_entry(d, include_extracted) == entry:  # files unchanged while we read them
        _cache_write(entry, ds)
    ds.data_dir = d
    return ds


def _load(d: Path, include_extracted: bool) -> Dataset:
    inc_path, src_path = store.table_path(d, S.INCIDENTS), store.table_path(d, S.SOURCES)
    raw_inc, raw_src, read_problems = store.read_dataset(d)
    ds = build(raw_inc, raw_src, str(inc_path), str(src_path), problems=read_problems)
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
    return ds


# --- Cache of loaded datasets ---------------------------------------------------------------------
#
# A cold load of a million incidents reads, checks and derives for several seconds; the result is
# stored as Arrow IPC (Feather: exact dtypes, fast to read) plus the problems as JSON, in
# $BORDERWATCH_CACHE (default ~/.cache/borderwatch; 'off' disables it), never inside the data
# directory. An entry is keyed by everything the result depends on: each data file's identity and
# (size, mtime_ns, ctime_ns) - rewriting or touching a file changes them, and ctime cannot be set
# back -, the directory as given (problems name files by that path), the source of the modules
# that read, check and derive, the bundled geography, library versions, and today's date (dates in
# the future are errors). Files modified in the last few seconds are not cached (a second write
# within one timestamp tick could keep size and times). Any failure to read or write the cache
# falls back silently to a normal load.

CACHE_ENV = "BORDERWATCH_CACHE"
CACHE_FORMAT = 1
CACHE_MIN_BYTES = 4 << 20  # smaller data loads in well under a second: not worth a cache entry
CACHE_RACY_SECONDS = 3.0
_CACHE_OFF = {"", "0", "off", "no", "none", "false"}
_CODE_FILES = ("schema.py", "store.py", "validate.py", "dataset.py", "geo.py", "errors.py")


def cache_root() -> Path | None:
    value = os.environ.get(CACHE_ENV)
    if value is not None and value.strip().lower() in _CACHE_OFF:
        return None
    return Path(value).expanduser() if value else Path.home() / ".cache" / "borderwatch"


@functools.cache
def _code_version() -> str:
    h = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for name in _CODE_FILES:
        h.update(name.encode() + b"\0" + (here / name).read_bytes())
    for geo_file in sorted((Path(GEO_DIR)).glob("*.geojson")):
        st = geo_file.stat()
        h.update(f"{geo_file.name}:{st.st_size}:{st.st_mtime_ns}".encode())
    import pyarrow
    h.update(f"pandas {pd.__version__} numpy {np.__version__} pyarrow {pyarrow.__version__}".encode())
    return h.hexdigest()


def cache_entry(directory: Path, include_extracted: bool = True) -> Path | None:
    """The cache entry for the data in `directory` as it is now, or None when not cached."""
    try:
        root = cache_root()
        if root is None:
            return None
        d = Path(directory)
        names = [S.INCIDENTS.file, S.SOURCES.file] + ([EXTRACTED_FILE] if include_extracted else [])
        stats, total, newest = [], 0, 0
        for name in names:
            try:
                st = (d / name).stat()
            except FileNotFoundError:
                stats.append([name, None])
                continue
            stats.append([name, st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns])
            total += st.st_size
            newest = max(newest, st.st_mtime_ns, st.st_ctime_ns)
        if total < CACHE_MIN_BYTES or time.time_ns() - newest < CACHE_RACY_SECONDS * 1e9:
            return None
        real_dir, real_root = d.resolve(), root.resolve()
        if real_root == real_dir or real_dir in real_root.parents:
            return None  # never write into the data directory
        material = json.dumps([CACHE_FORMAT, _code_version(), date.today().isoformat(), str(d), str(real_dir),
                               include_extracted, stats])
        dir_key = hashlib.sha256(str(real_dir).encode()).hexdigest()[:16]
        return root / f"{dir_key}-{hashlib.sha256(material.encode()).hexdigest()[:32]}"
    except Exception:  # noqa: BLE001 - no cache rather than no data
        return None


def _cache_read(entry: Path) -> Dataset | None:
    try:
        if not entry.is_dir():
            return None
        meta = json.loads((entry / "meta.json").read_text(encoding="utf-8"))
        if meta.get("format") != CACHE_FORMAT:
            return None
        import pyarrow.feather as feather

        incidents = feather.read_table(entry / "incidents.arrow").to_pandas()
        sources = feather.read_table(entry / "sources.arrow").to_pandas()
        if list(incidents.columns) != meta["incident_columns"] or list(sources.columns) != meta["source_columns"]:
            return None
        if (len(incidents), len(sources)) != (meta["incident_rows"], meta["source_rows"]):
            return None
        problems = [Problem(**p) for p in meta["problems"]]
        return Dataset(incidents=incidents, sources=sources, problems=problems)
    except Exception:  # noqa: BLE001 - a damaged or foreign entry is a cache miss
        return None


def _cache_write(entry: Path, ds: Dataset) -> None:
    tmp = None
    try:
        import pyarrow as pa
        import pyarrow.feather as feather

        entry.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=entry.parent, prefix=".tmp-"))
        for name, frame in (("incidents.arrow", ds.incidents), ("sources.arrow", ds.sources)):
            feather.write_feather(pa.Table.from_pandas(frame, preserve_index=False), tmp / name, compression="lz4")
        meta = {"format": CACHE_FORMAT, "incident_columns": list(ds.incidents.columns),
                "source_columns": list(ds.sources.columns), "incident_rows": len(ds.incidents),
                "source_rows": len(ds.sources), "problems": [dataclasses.asdict(p) for p in ds.problems]}
        (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")  # written last: marks a whole entry
        try:
            os.rename(tmp, entry)
            tmp = None
        except OSError:  # another process stored the same entry first
            pass
        prefix = entry.name.split("-")[0] + "-"
        for old in entry.parent.glob(prefix + "*"):  # older versions of this directory's data
            if old != entry and old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
    except Exception:  # noqa: BLE001 - the cache is an optimisation only
        pass
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
