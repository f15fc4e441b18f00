"""Rules across the columns of a row, across rows, and between the two tables (the claims ledger),
plus the geography warnings (a point outside its stated country)."""

from __future__ import annotations

import pandas as pd
from rapidfuzz import process

from .. import schema as S
from ..errors import Problem
from ..vector import duplicated, isin
from .fast import counts, numbers, parsed_dates, rows, stripped

MAX_ID_HINTS = 200  # "did you mean ...?" for at most this many unknown ids; beyond, the report stays fast

def check_incident_rows(frame: pd.DataFrame, file: str) -> list[Problem]:
    """Rules across the columns of one incident row, and across incident rows."""
    problems: list[Problem] = []
    get = lambda c: stripped(frame[c]) if c in frame.columns else pd.Series("", index=frame.index)  # noqa: E731
    raw = lambda c: frame[c] if c in frame.columns else pd.Series("", index=frame.index)  # noqa: E731
    lat_s, lon_s = get("latitude"), get("longitude")
    lat, lon = numbers(raw("latitude")), numbers(raw("longitude"))
    for i in rows((lat_s == "") ^ (lon_s == "")):
        col = "latitude" if lat_s[i] == "" else "longitude"
        problems.append(Problem(file, i + 2, col, "latitude and longitude must be given together",
                                found="", expected="both or neither"))
    ok = lat.between(-90, 90) & lon.between(-180, 180)
    outside = ok & ~(lat.between(*S.REGION_LAT) & lon.between(*S.REGION_LON))
    for i in rows(outside):
        swapped = S.in_region(lon[i], lat[i])
        msg = ("point is outside the region; latitude and longitude look swapped" if swapped
               else "point is far outside the region covered (Central Asia and Afghanistan)")
        expected = (f"latitude {lon[i]}, longitude {lat[i]}" if swapped
                    else f"latitude {S.REGION_LAT[0]}–{S.REGION_LAT[1]}, longitude {S.REGION_LON[0]}–{S.REGION_LON[1]}")
        problems.append(Problem(file, i + 2, "latitude", msg, f"{lat_s[i]}, {lon_s[i]}", expected))
    start, end = parsed_dates(raw("event_date")), parsed_dates(raw("end_date"))
    for i in rows(end < start):
        problems.append(Problem(file, i + 2, "end_date", "end_date is before event_date",
                                get("end_date")[i], f"{get('event_date')[i]} or later"))
    ids = get("incident_id")
    dup = duplicated(ids) & (ids != "")
    first_row = {}
    if dup.any():
        repeated = ids[isin(ids, list(set(ids[dup])))]
        first_row = {v: int(i) + 2 for i, v in repeated[~repeated.duplicated(keep="first")].items()}
    for i in rows(dup):
        problems.append(Problem(file, i + 2, "incident_id", f"duplicate id; first used on row {first_row[ids[i]]}",
                                ids[i], "a unique id"))
    return problems


def check_ledger(incidents: pd.DataFrame, sources: pd.DataFrame, inc_file: str, src_file: str) -> list[Problem]:
    """Rules between the two tables: unknown ids, unsourced incidents, best estimate within the claims."""
    problems: list[Problem] = []
    ids = stripped(incidents["incident_id"]) if "incident_id" in incidents else pd.Series(dtype=str)
    refs = stripped(sources["incident_id"]) if "incident_id" in sources else pd.Series(dtype=str)
    known: list[str] | None = None
    hinted: dict[str, str] = {}
    for i in rows(~isin(refs, ids) & (refs != "")):
        if known is None:
            known = list(ids[ids != ""].unique())
        if refs[i] not in hinted and len(hinted) < MAX_ID_HINTS:
            guess = process.extractOne(refs[i], known, score_cutoff=80) if known else None
            hinted[refs[i]] = f"; did you mean {guess[0]!r}?" if guess else ""
        hint = hinted.get(refs[i], "")
        problems.append(Problem(src_file, i + 2, "incident_id", f"ledger row points at an unknown incident{hint}",
                                refs[i], f"an incident_id from {inc_file}"))
    for i in rows(~isin(ids, refs) & (ids != "")):
        problems.append(Problem(inc_file, i + 2, "incident_id", "incident has no source in the ledger",
                                ids[i], f"at least one row in {src_file}"))
    if "url" in sources:
        urls = stripped(sources["url"])
        if refs.str.contains("\x1f", regex=False).any() or urls.str.contains("\x1f", regex=False).any():
            repeated = (refs + "\x1f" + urls).duplicated()  # the joined key's exact meaning, kept for this case
        else:
            repeated = duplicated(refs, urls)
        for i in rows(repeated & (refs != "")):
            problems.append(Problem(src_file, i + 2, "url", "the same source is listed twice for this incident",
                                    sources["url"][i], "one ledger row per source and incident"))
    if "killed" in incidents and "claim_killed" in sources:
        claims = pd.DataFrame({"incident_id": refs, "k": counts(sources["claim_killed"])}).dropna()
        span = claims.groupby("incident_id")["k"].agg(["min", "max"])
        killed = counts(incidents["killed"])
        lo, hi = ids.map(span["min"]), ids.map(span["max"])
        for i in rows((killed < lo) | (killed > hi)):
            problems.append(Problem(inc_file, i + 2, "killed",
                                    "best estimate lies outside the range the sources claim (killed_low..killed_high)",
                                    incidents["killed"][i], f"between {int(lo[i])} and {int(hi[i])}"))
    return problems
