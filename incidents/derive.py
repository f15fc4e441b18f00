"""What loading adds to the checked rows: typed columns, the claims-ledger figures and the geography.

* typing: dates, nullable integers, floats, enums as categoricals with the schema's values;
* from the sources ledger: source_count, killed_low/killed_high, disputed, disputed_fields;
* from the geography: point_country, nearest_border, distance_to_border_km, and a blank admin1 or
  border filled from the point.

Conversions run once per distinct value and the ledger derivations on integer codes of the incident
ids, with the same results as row by row (a million rows load in seconds).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

from . import schema as S
from .geo import Geography, strip_generic
from .text import name_key

# A point within this distance of a border line belongs to that border when `border` is blank.
BORDER_ZONE_KM = 30.0


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
            # A value outside the schema (an invalid row, reported by the checks) becomes missing explicitly:
            # pandas deprecates doing that silently inside the constructor.
            known = s.where(s.isin(categories))
            out[col.name] = pd.Series(pd.Categorical(known, categories=categories), index=raw.index)
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
    folded = [name_key(strip_generic(v)) or None for v in uniq]
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
