"""Scoring an extraction against gold annotations (see ../shared/eval/README.md for the gold format).

An extracted row matches a gold row when it comes from the same article, its type is compatible,
its date is within the gold date's tolerance, and its place is within 75 km (or both are
border-level). Matching is one-to-one (best pairs first). Reported: incident precision, recall and
F1; on matched pairs the accuracy of killed, injured, date, coordinates and type; and pairwise
precision/recall of cluster_id against the gold incident_key.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import combinations

import pandas as pd

from .geo import geodesic_km
from . import periods
from .schema import types_compatible

PLACE_KM = 75.0
COORD_OK_KM = 25.0  # coordinates count as right within this distance of the gold point
BORDER_LEVEL = ("border_area", "country", "")


def _d(v) -> date | None:
    if v is None or (isinstance(v, float) and math.isnan(v)) or str(v).strip() in ("", "nan", "NaT"):
        return None
    try:
        return date.fromisoformat(str(v).strip()[:10])
    except ValueError:
        return None


def _f(v) -> float | None:
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


def _i(v) -> int | None:
    x = _f(v)
    return None if x is None else int(round(x))


# Tolerance in days around the window a gold date's precision means (incidents.periods.window): a day
# reported as the previous or next day (night events, time zones) still counts as right.
GOLD_TOLERANCE_DAYS = {"day": 1, "week": 1, "month": 0, "year": 0}
GOLD_MONTH_HALF_SPAN = 10  # a month-precision gold date is a representative day: early/mid/late month


def gold_window(event_date, precision: str) -> tuple[date, date] | None:
    """The dates a gold row accepts: the window its precision means (periods.window: a week is the 7 days
    from the date), widened by GOLD_TOLERANCE_DAYS. A month-precision gold date is a representative day
    (the annotation convention of ../shared/eval/README.md), so `2026-01-05` with `month` accepts
    2026-01-01..2026-01-15 ("early January"): the month's window cut to ±10 days of that day.
    None when the gold date is unknown.
    """
    d = _d(event_date)
    if d is None or precision not in periods.PRECISIONS:
        return None
    if precision == "month":
        first, last = periods.window(d.replace(day=1), "month")
        return max(first, d - timedelta(days=GOLD_MONTH_HALF_SPAN)), min(last, d + timedelta(days=GOLD_MONTH_HALF_SPAN))
    first, last = periods.window(d, precision)
    tol = timedelta(days=GOLD_TOLERANCE_DAYS[precision])
    return first - tol, last + tol


def date_ok(gold: dict, ext: dict) -> bool:
    """Is the extracted date right? Unknown gold dates want an empty (flagged) extracted date."""
    window = gold_window(gold.get("event_date"), str(gold.get("date_precision", "")))
    start = _d(ext.get("event_date"))
    if window is None:
        return start is None
    if start is None:
        return False
    end = _d(ext.get("end_date")) or start
    return start <= window[1] and end >= window[0]


def date_compatible(gold: dict, ext: dict) -> bool:
    """For matching: an unknown date on either side does not rule a pair out."""
    window = gold_window(gold.get("event_date"), str(gold.get("date_precision", "")))
    start = _d(ext.get("event_date"))
    if window is None or start is None:
        return True
    end = _d(ext.get("end_date")) or start
    return start <= window[1] and end >= window[0]


def place_km(gold: dict, ext: dict) -> float | None:
    glat, glon, elat, elon = (_f(gold.get("latitude")), _f(gold.get("longitude")),
                              _f(ext.get("latitude")), _f(ext.get("longitude")))
    if None in (glat, glon, elat, elon):
        return None
    return float(geodesic_km(glat, glon, elat, elon))


def _border_level(ext: dict) -> bool:
    return _f(ext.get("latitude")) is None or str(ext.get("geo_precision", "")) in BORDER_LEVEL


def place_compatible(gold: dict, ext: dict) -> bool:
    """Within 75 km; a border-level gold row (blank coordinates) wants a border-level row in the same country."""
    if _f(gold.get("latitude")) is None:
        return _border_level(ext) and (not ext.get("country") or not gold.get("country")
                                       or ext.get("country") == gold.get("country"))
    km = place_km(gold, ext)
    return km is not None and km <= PLACE_KM


def coords_ok(gold: dict, ext: dict) -> bool:
    if _f(gold.get("latitude")) is None:
        return _f(ext.get("latitude")) is None
    km = place_km(gold, ext)
    return km is not None and km <= COORD_OK_KM


def toll_ok(gold: dict, ext: dict, field: str) -> bool:
    """The same figure; for a strategic development (an agreement, a deployment) a gold 0 and a blank say the
    same: the gold sets write 0 where the schema leaves no toll stated (blank), so both are accepted there."""
    g, e = _i(gold.get(field)), _i(ext.get(field))
    if gold.get("event_type") == "strategic_development" and g in (0, None) and e in (0, None):
        return True
    return g == e


def is_match(gold: dict, ext: dict) -> bool:
    return (str(gold["article_file"]) == str(ext["source_file"]) and types_compatible(gold["event_type"], ext["event_type"])
            and date_compatible(gold, ext) and place_compatible(gold, ext))


def _pair_cost(gold: dict, ext: dict) -> tuple:
    return (gold["event_type"] != ext["event_type"], not date_ok(gold, ext), place_km(gold, ext) or 0.0)


@dataclass
class Report:
    tp: int
    n_gold: int
    n_extracted: int
    matches: list[tuple[dict, dict]] = field(default_factory=list)
    unmatched_gold: list[dict] = field(default_factory=list)
    unmatched_extracted: list[dict] = field(default_factory=list)
    field_accuracy: dict[str, tuple[int, int]] = field(default_factory=dict)
    cluster: tuple[float | None, float | None, int, int] = (None, None, 0, 0)

    @property
    def precision(self) -> float:
        return self.tp / self.n_extracted if self.n_extracted else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def core_recall(self) -> tuple[int, int]:
        core = [g for g in self.unmatched_gold if g.get("scope") == "core"]
        n_core = sum(1 for g, _ in self.matches if g.get("scope") == "core") + len(core)
        return n_core - len(core), n_core


def score(gold: pd.DataFrame, extracted: pd.DataFrame, articles: set[str] | None = None) -> Report:
    """Compare extracted rows with gold rows. `articles` limits both to those article files."""
    g = gold.fillna("").astype(str).to_dict("records")
    e = extracted.fillna("").astype(str).to_dict("records")
    if articles is not None:
        g = [r for r in g if r["article_file"] in articles]
        e = [r for r in e if r["source_file"] in articles]
    pairs = sorted(((gi, ei) for gi, gr in enumerate(g) for ei, er in enumerate(e) if is_match(gr, er)),
                   key=lambda p: _pair_cost(g[p[0]], e[p[1]]))
    used_g, used_e, matches = set(), set(), []
    for gi, ei in pairs:
        if gi in used_g or ei in used_e:
            continue
        used_g.add(gi)
        used_e.add(ei)
        matches.append((g[gi], e[ei]))
    rep = Report(len(matches), len(g), len(e), matches,
                 [r for i, r in enumerate(g) if i not in used_g], [r for i, r in enumerate(e) if i not in used_e])
    acc = {
        "killed": lambda gr, er: toll_ok(gr, er, "killed"),
        "injured": lambda gr, er: toll_ok(gr, er, "injured"),
        "date": date_ok,
        "coordinates": coords_ok,
        "type": lambda gr, er: gr["event_type"] == er["event_type"],
    }
    rep.field_accuracy = {k: (sum(bool(f(gr, er)) for gr, er in matches), len(matches)) for k, f in acc.items()}
    rep.cluster = cluster_pairs(matches)
    return rep


def cluster_pairs(matches: list[tuple[dict, dict]]) -> tuple[float | None, float | None, int, int]:
    """Pairwise precision and recall of cluster_id against incident_key over matched rows."""
    same_gold = same_ext = both = 0
    for (g1, e1), (g2, e2) in combinations(matches, 2):
        sg = g1["incident_key"] == g2["incident_key"]
        se = bool(e1.get("cluster_id")) and e1.get("cluster_id") == e2.get("cluster_id")
        same_gold += sg
        same_ext += se
        both += sg and se
    p = both / same_ext if same_ext else None
    r = both / same_gold if same_gold else None
    return p, r, same_ext, same_gold


def format_report(rep: Report) -> str:
    def pct(n, d):
        return f"{n}/{d} = {n / d:.2f}" if d else "n/a"
    lines = [
        f"incidents: gold {rep.n_gold}, extracted {rep.n_extracted}, matched {rep.tp}",
        f"precision {rep.precision:.3f}  recall {rep.recall:.3f}  F1 {rep.f1:.3f}",
        f"core incidents found: {pct(*rep.core_recall())}",
        "accuracy on matches:",
    ]
    for k, (n, d) in rep.field_accuracy.items():
        lines.append(f"  {k:<12} {pct(n, d)}")
    p, r, n_ext, n_gold = rep.cluster
    lines.append(f"clustering (pairwise): precision {'n/a' if p is None else f'{p:.2f}'} ({n_ext} predicted pairs), "
                 f"recall {'n/a' if r is None else f'{r:.2f}'} ({n_gold} gold pairs)")
    if rep.unmatched_gold:
        lines.append("missed (gold without a match):")
        lines += [f"  {g['article_file']}  {g['incident_key']}  {g['event_type']}  {g['event_date'] or '(date unknown)'}"
                  for g in rep.unmatched_gold]
    if rep.unmatched_extracted:
        lines.append("spurious (extracted without a match):")
        lines += [f"  {e['source_file']}  {e['event_type']}  {e['event_date'] or '(date unknown)'}  "
                  f"{e['location'] or e['country']}  chars {e['char_start']}-{e['char_end']}: {e['evidence'][:100]}"
                  for e in rep.unmatched_extracted]
    return "\n".join(lines)
