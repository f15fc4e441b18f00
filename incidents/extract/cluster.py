"""Rows from different articles that describe the same real incident share a cluster_id; rows that
match a curated incident carry its incident_id and the fields on which they differ."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from ..evaluate import types_compatible
from ..geo import geodesic_km
from . import rules as R

CLUSTER_KM = 75.0
ACTOR_SIMILARITY = 0.5
CATEGORY_WEIGHT = {"civilian": 2.0}
MATCH_DAYS = {"day": 2, "week": 4, "month": 10, "year": 0}


def _date(v) -> date | None:
    try:
        return date.fromisoformat(str(v)[:10]) if v not in (None, "") and str(v) not in ("nan", "NaT") else None
    except ValueError:
        return None


def _num(v) -> float | None:
    try:
        x = float(v)
        return None if x != x else x
    except (TypeError, ValueError):
        return None


def _actors(row: dict) -> dict[str, float]:
    cats = {a.canonical: a.category for a in R.load().actors}
    names = [a.strip() for a in f"{row.get('actor1', '')};{row.get('actor2', '')}".split(";") if a.strip()]
    return {n: CATEGORY_WEIGHT.get(cats.get(n, ""), 1.0) for n in names if n not in ("Armed militants", "Civilians")}


def actor_similarity(a: dict, b: dict) -> float:
    x, y = _actors(a), _actors(b)
    if not x or not y:
        return 0.0
    inter = sum(x[k] for k in x.keys() & y.keys())
    union = sum({**x, **y}.values())
    return inter / union if union else 0.0


def _interval(row: dict, slack: int = 0) -> tuple[date, date] | None:
    s = _date(row.get("event_date"))
    if s is None:
        return None
    e = _date(row.get("end_date")) or s
    return s - timedelta(days=slack), e + timedelta(days=slack)


def dates_compatible(a: dict, b: dict) -> bool:
    ia, ib = _interval(a, 1), _interval(b, 1)
    if ia is None or ib is None:
        return ia is None and ib is None or True
    return ia[0] <= ib[1] and ib[0] <= ia[1]


def places_compatible(a: dict, b: dict) -> bool:
    la, lb = _num(a.get("latitude")), _num(b.get("latitude"))
    if la is None or lb is None:
        both_vague = la is None and lb is None
        return (both_vague and (not a.get("country") or not b.get("country") or a["country"] == b["country"])) or \
            (not both_vague and a.get("geo_precision") in ("border_area", "country") and b.get("geo_precision") in ("border_area", "country", "district", "exact", "near", "province"))
    return float(geodesic_km(la, _num(a["longitude"]), lb, _num(b["longitude"]))) <= CLUSTER_KM


def same_incident(a: dict, b: dict) -> bool:
    if a["source_file"] == b["source_file"]:
        return False
    if not types_compatible(a["event_type"], b["event_type"]):
        return False
    if not dates_compatible(a, b) or not places_compatible(a, b):
        return False
    both_dated = _interval(a) is not None and _interval(b) is not None
    if both_dated and a["event_type"] == b["event_type"] and a.get("date_precision") == "day" == b.get("date_precision"):
        return True
    return actor_similarity(a, b) >= ACTOR_SIMILARITY


def assign_clusters(rows: list[dict]) -> None:
    parent = list(range(len(rows)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(rows)):
        for j in range(i + 1, len(rows)):
            if same_incident(rows[i], rows[j]):
                parent[find(j)] = find(i)
    ids: dict[int, str] = {}
    for i, row in enumerate(rows):
        root = find(i)
        ids.setdefault(root, f"c{len(ids) + 1:03d}")
        row["cluster_id"] = ids[root]


def match_curated(rows: list[dict], curated: pd.DataFrame) -> None:
    """Fill matched_incident_id and match_differences from the curated incidents (typed or raw frame)."""
    cur = curated.astype(str).replace({"nan": "", "NaT": "", "<NA>": ""}).to_dict("records")
    for row in rows:
        best, best_key = None, None
        ri = _interval(row, MATCH_DAYS.get(row.get("date_precision", ""), 0))
        for c in cur:
            if c.get("review_status") == "rejected" or not types_compatible(row["event_type"], c["event_type"]):
                continue
            ci = _interval(c)
            if ri is None or ci is None or not (ri[0] <= ci[1] and ci[0] <= ri[1]):
                continue
            km = None
            if _num(row.get("latitude")) is not None and _num(c.get("latitude")) is not None:
                km = float(geodesic_km(_num(row["latitude"]), _num(row["longitude"]), _num(c["latitude"]), _num(c["longitude"])))
                if km > CLUSTER_KM:
                    continue
            elif row.get("country") and c.get("country") and row["country"] != c["country"]:
                continue
            key = (abs((ri[0] - ci[0]).days), km or 0.0)
            if best_key is None or key < best_key:
                best, best_key = c, key
        if best is None:
            continue
        row["matched_incident_id"] = best["incident_id"]
        row["match_differences"] = differences(row, best)
        if row["match_differences"]:
            reason = f"matches curated {best['incident_id']} but differs: {row['match_differences']}"
            row["review_reason"] = "; ".join(x for x in (row.get("review_reason", ""), reason) if x)
            row["needs_review"] = True


def differences(row: dict, cur: dict) -> str:
    out = []
    rs, cs = _date(row.get("event_date")), _date(cur.get("event_date"))
    ce = _date(cur.get("end_date")) or cs
    if rs and cs and not (cs <= rs <= ce):
        out.append(f"date {rs} vs curated {cs}{'..' + str(ce) if ce != cs else ''}")
    if _num(row.get("latitude")) is not None and _num(cur.get("latitude")) is not None:
        km = float(geodesic_km(_num(row["latitude"]), _num(row["longitude"]), _num(cur["latitude"]), _num(cur["longitude"])))
        if km > 10:
            out.append(f"place {row.get('location')!s} vs curated {cur.get('location')!s} ({km:.0f} km apart)")
    for f in ("killed", "injured"):
        a, b = _num(row.get(f)), _num(cur.get(f))
        if a is not None and b is not None and a != b:
            out.append(f"{f} {int(a)} vs curated {int(b)}")
    return "; ".join(out)
