"""Merging a maintainer's new rows into the tables: which rows go in, which are rejected and why.

Pure functions on raw (string) frames; callers write the plan through `store.transaction`.
A row of NEW.csv is one incident plus its first source (source_name, url, published), so every
added incident arrives sourced.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from .. import schema as S
from ..check import check_dataset, check_header, sort_problems
from ..errors import Problem
from ..geo import geodesic_km
from ..text import cut_at_word, name_key

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


SLUG_CHARS = 40


def _slug(text: str) -> str:
    """Lower-case ASCII words joined by '-', at most SLUG_CHARS, never cut inside a word."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return cut_at_word(re.sub(r"[^a-z0-9]+", "-", ascii_text.casefold()).strip("-"), SLUG_CHARS) or "incident"


def _iso_date(value) -> str:
    """The value when it is a real ISO date (YYYY-MM-DD), else '' (an id is made from valid fields only)."""
    v = str(value or "").strip()
    try:
        return date.fromisoformat(v).isoformat() if re.fullmatch(r"\d{4}-\d{2}-\d{2}", v) else ""
    except ValueError:
        return ""


def assign_ids(new: pd.DataFrame, taken: set[str]) -> pd.DataFrame:
    """Give rows with a blank incident_id a readable unique one: <event_date>-<place>[-n], from valid
    fields only (an invalid date is left out of the id), the place cut at a word boundary. Generated
    ids are listed in the `_generated_id` column so a rejected row goes back with its id blank."""
    new = new.copy()
    if "incident_id" not in new:
        new["incident_id"] = ""
    new["_generated_id"] = False
    taken = set(taken) | set(new["incident_id"])
    for i in new.index[new["incident_id"].str.strip() == ""]:
        place = next((new.at[i, c] for c in ("location", "admin2", "admin1", "country")
                      if c in new and str(new.at[i, c]).strip()), "")
        base = f"{_iso_date(new.at[i, 'event_date'] if 'event_date' in new else '')}-{_slug(place)}".strip("-")
        new.at[i, "_generated_id"] = True
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


CONFIRM_HINT = ("held back: add it with --allow-duplicates (on the upload page: tick 'add them anyway') if it "
                "is a different event, or add its source to the existing incident with `incidents add --sources`")


def _trimmed(new: pd.DataFrame, file: str) -> tuple[pd.DataFrame, list[Problem]]:
    """The rows with spaces around ids, dates, codes, numbers and addresses removed (stored values stay exact;
    free text is kept as written), and a warning per cell changed, so the maintainer sees what was stored
    (`incidents validate` on a data file reports the same spaces as an error)."""
    out, notes = new.copy(), []
    for c in out.columns:
        col = S.INCIDENTS.by_name.get(c) or S.SOURCES.by_name.get(c)
        if col is not None and col.kind != S.TEXT:
            raw = out[c].astype(str)
            out[c] = raw.str.strip()
            for i in raw.index[raw != out[c]]:
                notes.append(Problem(file, int(i) + 2, c, "spaces around the value were removed before adding",
                                     raw.at[i], repr(out.at[i, c]), "warning"))
    return out, notes


def _extra_columns_warn(header: list[Problem]) -> list[Problem]:
    """A column the schema does not have is not an error in rows being added: its values are left out, and
    the report says so (`incidents validate` on the data files keeps it an error)."""
    return [Problem(p.file, p.row, p.column, p.message.replace("unknown column", "unknown column: its values are "
                                                               "not added", 1), p.found, p.expected, "warning")
            if p.message.startswith("unknown column") else p for p in header]


def _dedupe(problems: list[Problem]) -> list[Problem]:
    """One report per cell and message (a row and its implied first source can fail the same rule)."""
    seen, out = set(), []
    for p in problems:
        key = (p.file, p.row, p.column, p.message)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def _event_keys(incidents: pd.DataFrame, urls: pd.Series) -> pd.Series:
    """date | type | place | source address: the same event from the same source (an exact duplicate)."""
    get = lambda c: incidents[c].astype(str).str.strip() if c in incidents else pd.Series("", index=incidents.index)  # noqa: E731
    return (get("event_date") + "|" + get("event_type") + "|" + get("location").map(name_key) + "|"
            + urls.astype(str).str.strip())


def exact_duplicates(incidents: pd.DataFrame, sources: pd.DataFrame, new: pd.DataFrame) -> dict[int, str]:
    """New rows that repeat an existing incident (same date, type, place and source URL) or an earlier
    row of the same file: {row index: the id they repeat}."""
    ledger = sources[["incident_id", "url"]].merge(incidents, on="incident_id", how="inner") \
        if len(sources) and len(incidents) else pd.DataFrame(columns=["incident_id", "url", "event_date"])
    known = dict(zip(_event_keys(ledger, ledger["url"]), ledger["incident_id"])) if len(ledger) else {}
    out: dict[int, str] = {}
    for i, key in _event_keys(new, new.get("url", pd.Series("", index=new.index))).items():
        if key.split("|", 1)[0] and key in known:
            out[i] = known[key]
        else:
            known.setdefault(key, new.at[i, "incident_id"])
    return out


def plan_add(incidents: pd.DataFrame, sources: pd.DataFrame, new: pd.DataFrame, file: str,
             inc_file: str = "incidents.csv", src_file: str = "sources.csv",
             allow_duplicates: bool = False) -> AddPlan:
    """Decide which rows of NEW.csv are added. Existing rows are never dropped or changed.

    Rows with errors are rejected; an exact duplicate of an existing incident (same date, type, place and
    source URL) is refused naming that incident; a likely duplicate (close in date and place) and a point
    that lies in another country than its `country` are held back unless `allow_duplicates`.
    """
    header = _extra_columns_warn(check_header(new, S.INCIDENTS, file, allowed_extra=S.ADD_SOURCE_COLUMNS + ("quote", "note")))
    for name in S.ADD_SOURCE_COLUMNS[:2]:
        if name not in new.columns:
            header.append(Problem(file, 1, name, "required column is missing: each new incident needs its first source",
                                  expected=f"a column named {name!r}"))
    if [p for p in header if p.is_error and p.row == 1 and "missing" in p.message]:
        return AddPlan(incidents, sources, rejected=_rejected(new, {i: ["header: " + str(p) for p in header] for i in new.index}),
                       problems=header)
    new, trimmed = _trimmed(new, file)
    header += trimmed
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
    outside: dict[int, str] = {}
    for p in found:
        if p.row is None:
            continue
        pos = p.row - 2 - (n_old if p.file == "@new" else n_old_src)
        if pos < 0:
            continue  # a problem already present in the existing data; `validate` reports those
        i = new.index[pos]
        if not p.is_error:
            if p.file == "@new" and p.column == "country":  # the point lies in another country
                outside[i] = f"the point lies in {p.expected}, not in the stated country {p.found}"
            continue
        column = p.column if p.file == "@new" else {"claim_killed": "killed", "claim_injured": "injured",
                                                    "claim_date": "event_date"}.get(p.column, p.column)
        located = Problem(file, int(i) + 2, column, p.message, p.found, p.expected, p.severity)
        if str(located) not in reasons.get(i, []):
            reasons.setdefault(i, []).append(str(located))
        problems.append(located)
    valid = new.index.difference(list(reasons))
    for i, other in exact_duplicates(incidents, sources, new.loc[valid]).items():
        located = Problem(file, int(i) + 2, "url", f"exact duplicate of incident {other}: same date, type, place and "
                          "source; nothing to add", new.at[i, "url"] if "url" in new else "",
                          "a new event, or another source of it via `incidents add --sources`")
        reasons.setdefault(i, []).append(str(located))
        problems.append(located)
    valid = new.index.difference(list(reasons))
    near = near_duplicates(incidents, new.loc[valid])
    held: dict[int, list[str]] = {}
    for i in valid:
        why = near.get(i, []) + ([outside[i]] if i in outside else [])
        if why:
            held[i] = why
    warnings = [f"{new.at[i, 'incident_id']}: {w}" for i, ws in held.items() for w in ws]
    if not allow_duplicates:
        for i, why in held.items():
            located = Problem(file, int(i) + 2, "incident_id", "needs confirmation: " + "; ".join(why) + "; " + CONFIRM_HINT,
                              new.at[i, "incident_id"], severity="warning")
            reasons.setdefault(i, []).append(str(located))
            problems.append(located)
    good = new.index.difference(list(reasons))
    accepted_inc = new.loc[good, [c for c in S.INCIDENTS.names if c in new.columns]]
    out_inc = pd.concat([incidents, accepted_inc], ignore_index=True).fillna("")
    out_src = pd.concat([sources, new_src.loc[good]], ignore_index=True).fillna("")
    rejected = new.copy()
    rejected.loc[rejected["_generated_id"], "incident_id"] = ""  # ids are given to rows that are added only
    return AddPlan(out_inc, out_src, accepted=list(new.loc[good, "incident_id"]),
                   rejected=_rejected(rejected.drop(columns="_generated_id"), reasons),
                   problems=sort_problems(_dedupe(problems)), warnings=warnings if allow_duplicates else [])


def plan_add_sources(incidents: pd.DataFrame, sources: pd.DataFrame, new: pd.DataFrame, file: str) -> AddPlan:
    """Decide which extra ledger rows (claims about existing incidents) are added."""
    n_old = len(sources)
    combined = pd.concat([sources.reset_index(drop=True), new.reset_index(drop=True)], ignore_index=True).fillna("")
    found = check_dataset(incidents, combined, "@inc", "@src")
    reasons: dict[int, list[str]] = {}
    problems = _extra_columns_warn(check_header(new, S.SOURCES, file))
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


def near_duplicates(existing: pd.DataFrame, new: pd.DataFrame) -> dict[int, list[str]]:
    """New rows close in date (DUPLICATE_DAYS) and place (DUPLICATE_KM) to an existing incident: {row: reasons}."""
    if existing.empty or new.empty:
        return {}

    def frame(df):
        return pd.DataFrame({"id": df["incident_id"],
                             "date": pd.to_datetime(df["event_date"], format="%Y-%m-%d", errors="coerce"),
                             "lat": pd.to_numeric(df.get("latitude", ""), errors="coerce"),
                             "lon": pd.to_numeric(df.get("longitude", ""), errors="coerce")})
    old, cand = frame(existing), frame(new)
    out: dict[int, list[str]] = {}
    for i, row in cand.dropna().iterrows():
        near_time = old[(old["date"] - row.date).abs() <= pd.Timedelta(days=DUPLICATE_DAYS)].dropna()
        if near_time.empty:
            continue
        km = geodesic_km(row.lat, row.lon, near_time["lat"].to_numpy(), near_time["lon"].to_numpy())
        for (_, other), d in zip(near_time.iterrows(), np.atleast_1d(km)):
            if d <= DUPLICATE_KM:
                out.setdefault(i, []).append(f"may duplicate {other.id}: {abs((other.date - row.date).days)} "
                                             f"day(s) and {d:.1f} km apart")
    return out
