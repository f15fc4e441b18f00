"""Merging a maintainer's new rows into the tables: which rows go in, which are rejected and why.

Pure functions on raw (string) frames; callers write the plan through `store.transaction`.
A row of NEW.csv is one incident plus its first source (source_name, url, published), so every
added incident arrives sourced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import schema as S
from ..check import check_dataset, check_header, sort_problems
from ..errors import Problem
from ..geo import geodesic_km

# Two incidents this close in time and space are probably the same event.
DUPLICATE_DAYS = 2
DUPLICATE_KM = 25.0


@dataclass
class AddPlan:
    """Result of planning an add: the full new tables, and what was accepted, rejected and suspected."""

    incidents: pd.DataFrame
    sources: pd.DataFrame
    accepted: list[str] = field(default_factory=list)
    rejected: pd.DataFrame = field(default_factory=pd.DataFrame)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:40] or "incident"


def assign_ids(new: pd.DataFrame, taken: set[str]) -> pd.DataFrame:
    """Give rows with a blank incident_id a readable unique one: <event_date>-<place>[-n]."""
    new = new.copy()
    if "incident_id" not in new:
        new["incident_id"] = ""
    taken = set(taken) | set(new["incident_id"])
    for i in new.index[new["incident_id"].str.strip() == ""]:
        place = next((new.at[i, c] for c in ("location", "admin2", "admin1", "country")
                      if c in new and str(new.at[i, c]).strip()), "")
        base = f"{new.at[i, 'event_date'] if 'event_date' in new else ''}-{_slug(place)}".strip("-")
        candidate, n = base, 2
        while candidate in taken:
            candidate, n = f"{base}-{n}", n + 1
        new.at[i, "incident_id"] = candidate
        taken.add(candidate)
    return new


def first_source_rows(new: pd.DataFrame) -> pd.DataFrame:
    """The ledger rows implied by NEW.csv: each row's source claims what the row says."""
    get = lambda c: new[c] if c in new else pd.Series("", index=new.index, dtype=str)  # noqa: E731
    return pd.DataFrame({
        "incident_id": get("incident_id"),
        "source_name": get("source_name"),
        "url": get("url"),
        "published": get("published"),
        "claim_date": get("event_date"),
        "claim_location": get("location"),
        "claim_killed": get("killed"),
        "claim_injured": get("injured"),
        "quote": get("quote"),
        "note": get("note"),
    }, index=new.index)


def plan_add(incidents: pd.DataFrame, sources: pd.DataFrame, new: pd.DataFrame, file: str,
             inc_file: str = "incidents.csv", src_file: str = "sources.csv") -> AddPlan:
    """Decide which rows of NEW.csv are added. Existing rows are never dropped or changed."""
    header = check_header(new, S.INCIDENTS, file, allowed_extra=S.ADD_SOURCE_COLUMNS + ("quote", "note"))
    for name in S.ADD_SOURCE_COLUMNS[:2]:
        if name not in new.columns:
            header.append(Problem(file, 1, name, "required column is missing: each new incident needs its first source",
                                  expected=f"a column named {name!r}"))
    if [p for p in header if p.is_error and p.row == 1 and "missing" in p.message]:
        return AddPlan(incidents, sources, rejected=_rejected(new, {i: ["header: " + str(p) for p in header] for i in new.index}),
                       problems=header)
    new = assign_ids(new, set(incidents.get("incident_id", [])))
    new_src = first_source_rows(new)
    # Check the new rows in the context of the existing tables, so duplicate ids and the like are caught.
    n_old, n_old_src = len(incidents), len(sources)
    combined = pd.concat([incidents.reset_index(drop=True), new[[c for c in new.columns if c in S.INCIDENTS.by_name]]
                          .reset_index(drop=True)], ignore_index=True).fillna("")
    combined_src = pd.concat([sources.reset_index(drop=True), new_src.reset_index(drop=True)], ignore_index=True).fillna("")
    found = check_dataset(combined, combined_src, "@new", "@new-src")
    reasons: dict[int, list[str]] = {}
    problems = list(header)
    for p in found:
        if not p.is_error or p.row is None:
            continue
        pos = p.row - 2 - (n_old if p.file == "@new" else n_old_src)
        if pos < 0:
            continue  # a problem already present in the existing data; `validate` reports those
        i = new.index[pos]
        column = p.column if p.file == "@new" else {"claim_killed": "killed", "claim_injured": "injured",
                                                    "claim_date": "event_date"}.get(p.column, p.column)
        located = Problem(file, int(i) + 2, column, p.message, p.found, p.expected, p.severity)
        reasons.setdefault(i, []).append(str(located))
        problems.append(located)
    good = new.index.difference(list(reasons))
    accepted_inc = new.loc[good, [c for c in S.INCIDENTS.names if c in new.columns]]
    out_inc = pd.concat([incidents, accepted_inc], ignore_index=True).fillna("")
    out_src = pd.concat([sources, new_src.loc[good]], ignore_index=True).fillna("")
    plan = AddPlan(out_inc, out_src, accepted=list(new.loc[good, "incident_id"]),
                   rejected=_rejected(new, reasons), problems=sort_problems(problems))
    plan.warnings = likely_duplicates(incidents, new.loc[good])
    return plan


def plan_add_sources(incidents: pd.DataFrame, sources: pd.DataFrame, new: pd.DataFrame, file: str) -> AddPlan:
    """Decide which extra ledger rows (claims about existing incidents) are added."""
    n_old = len(sources)
    combined = pd.concat([sources.reset_index(drop=True), new.reset_index(drop=True)], ignore_index=True).fillna("")
    found = check_dataset(incidents, combined, "@inc", "@src")
    reasons: dict[int, list[str]] = {}
    problems = check_header(new, S.SOURCES, file)
    for p in found:
        if p.is_error and p.file == "@src" and p.row is not None and p.row - 2 >= n_old:
            i = new.index[p.row - 2 - n_old]
            located = Problem(file, int(i) + 2, p.column, p.message, p.found, p.expected)
            reasons.setdefault(i, []).append(str(located))
            problems.append(located)
    if [p for p in problems if p.row == 1 and p.is_error]:
        reasons = {i: [str(p) for p in problems if p.row == 1] for i in new.index}
    good = new.index.difference(list(reasons))
    out_src = pd.concat([sources, new.loc[good, [c for c in S.SOURCES.names if c in new]]], ignore_index=True).fillna("")
    return AddPlan(incidents, out_src, accepted=list(new.loc[good, "incident_id"]) if "incident_id" in new else [],
                   rejected=_rejected(new, reasons), problems=sort_problems(problems))


def _rejected(new: pd.DataFrame, reasons: dict) -> pd.DataFrame:
    rows = new.loc[list(reasons)].copy() if reasons else new.iloc[0:0].copy()
    rows["rejected_because"] = [" | ".join(reasons[i]) for i in rows.index]
    return rows


def likely_duplicates(existing: pd.DataFrame, new: pd.DataFrame) -> list[str]:
    """Warnings for new incidents close in date and place to an existing one."""
    if existing.empty or new.empty:
        return []
    def frame(df):
        return pd.DataFrame({"id": df["incident_id"],
                             "date": pd.to_datetime(df["event_date"], format="%Y-%m-%d", errors="coerce"),
                             "lat": pd.to_numeric(df.get("latitude", ""), errors="coerce"),
                             "lon": pd.to_numeric(df.get("longitude", ""), errors="coerce")})
    old, cand = frame(existing), frame(new)
    warnings = []
    for row in cand.dropna().itertuples():
        near_time = old[(old["date"] - row.date).abs() <= pd.Timedelta(days=DUPLICATE_DAYS)].dropna()
        if near_time.empty:
            continue
        km = geodesic_km(row.lat, row.lon, near_time["lat"].to_numpy(), near_time["lon"].to_numpy())
        for other, d in zip(near_time["id"], np.atleast_1d(km)):
            if d <= DUPLICATE_KM:
                warnings.append(f"{row.id} may duplicate {other}: {abs((near_time.set_index('id').at[other, 'date'] - row.date).days)} "
                                f"day(s) and {d:.1f} km apart; if it is the same event, add the source with "
                                f"`incidents add --sources` instead")
    return warnings
