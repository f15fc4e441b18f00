"""Across articles: rows that describe the same real incident share a cluster_id, and are matched to curated ones.

Rows that match a curated incident carry its incident_id and the fields on which they differ. Whether two rows may
be the same incident is decided by the pairwise rules of links.py. Clustering is complete-link: two groups merge only
when every member of one is compatible with every member of the other, so a chain a~b~c never puts a and c together
when they contradict each other. Matching to curated incidents uses the same compatibility; an undated row that fits
several curated incidents is not matched but flagged, and a row of the same type and month as a curated incident that
is incompatible with it (another district, say) gets a 'possible match' hint, never a match.
"""

from __future__ import annotations

import pandas as pd

from . import rules as R
from .links import (  # noqa: F401 - the pairwise rules are part of this module's API
    CLUSTER_KM, NO_HINT_TYPES, POSSIBLE_MATCHES, _date, _gap_days, _interval, _num, actor_similarity, compatible,
    counts_compatible, dates_compatible, km_between, place_relation, places_compatible, same_admin2, same_incident,
    same_month)


def _closeness(a: dict, b: dict) -> tuple:
    km = km_between(a, b)
    return (_gap_days(a, b), km if km is not None else CLUSTER_KM, a["event_type"] != b["event_type"])


def assign_clusters(rows: list[dict], rules: R.Rules | None = None) -> None:
    """Complete-link agglomeration over compatible pairs, closest pairs first."""
    n = len(rows)
    ok = {(i, j) for i in range(n) for j in range(i + 1, n) if compatible(rows[i], rows[j], rules)}
    members = {i: [i] for i in range(n)}
    of = list(range(n))
    for i, j in sorted(ok, key=lambda p: (_closeness(rows[p[0]], rows[p[1]]), p)):
        ci, cj = of[i], of[j]
        if ci == cj:
            continue
        if all((min(x, y), max(x, y)) in ok for x in members[ci] for y in members[cj]):
            for x in members[cj]:
                of[x] = ci
            members[ci] += members.pop(cj)
    ids: dict[int, str] = {}
    for i, row in enumerate(rows):
        ids.setdefault(of[i], f"c{len(ids) + 1:03d}")
        row["cluster_id"] = ids[of[i]]


# --- curated incidents -------------------------------------------------------------------------------

def _add_reason(row: dict, reason: str) -> None:
    row["review_reason"] = "; ".join(x for x in (row.get("review_reason", ""), reason) if x)
    row["needs_review"] = True


def match_curated(rows: list[dict], curated: pd.DataFrame, rules: R.Rules | None = None) -> None:
    """Fill matched_incident_id and match_differences from the curated incidents (typed or raw frame),
    with the clustering's compatibility; flag possible matches that are not compatible."""
    cur = [c for c in curated.astype(str).replace({"nan": "", "NaT": "", "<NA>": ""}).to_dict("records")
           if c.get("review_status") != "rejected"]
    for c in cur:
        c["source_file"] = ""
    for row in rows:
        cands = [c for c in cur if compatible(row, c, rules)]
        if len(cands) > 1 and _interval(row) is None:
            ids = ", ".join(c["incident_id"] for c in cands)
            _add_reason(row, f"possible match (date unknown, several curated incidents fit): {ids}")
            continue
        if cands:
            best = min(cands, key=lambda c: _closeness(row, c))
            row["matched_incident_id"] = best["incident_id"]
            row["match_differences"] = differences(row, best, rules)
            if row["match_differences"]:
                _add_reason(row, f"matches curated {best['incident_id']} but differs: {row['match_differences']}")
            continue
        hints = sorted((c for c in cur if c["event_type"] == row["event_type"] not in NO_HINT_TYPES
                        and same_month(row, c)),
                       key=lambda c: _closeness(row, c))[:POSSIBLE_MATCHES]
        for c in hints:
            why = differences(row, c, rules) or "not compatible"
            what = "place differs" if not places_compatible(row, c, rules) else "differs"
            _add_reason(row, f"possible match: curated {c['incident_id']} (same type and month, but {what}: {why}); not matched")


def differences(row: dict, cur: dict, rules: R.Rules | None = None) -> str:
    out = []
    rs, cs = _date(row.get("event_date")), _date(cur.get("event_date"))
    re_ = _date(row.get("end_date")) or rs
    ce = _date(cur.get("end_date")) or cs
    if rs and cs and (re_ < cs or rs > ce):
        mine = f"{rs}{'..' + str(re_) if re_ != rs else ''}"
        out.append(f"date {mine} vs curated {cs}{'..' + str(ce) if ce != cs else ''}")
    km = km_between(row, cur)
    if km is not None and km > 10:
        out.append(f"place {row.get('location')!s} vs curated {cur.get('location')!s} ({km:.0f} km apart)")
    elif km is None and row.get("location") and cur.get("location") and place_relation(row, cur, rules) is None:
        out.append(f"place {row.get('location')!s} vs curated {cur.get('location')!s}")
    for f in ("killed", "injured"):
        a, b = _num(row.get(f)), _num(cur.get(f))
        if a is not None and b is not None and a != b:
            out.append(f"{f} {int(a)} vs curated {int(b)}")
    return "; ".join(out)
