"""Whether two rows (or a row and a curated incident) may report the same real incident: the pairwise rules.

Two rows are *compatible* only when all of these hold:

- they come from different articles and their types are compatible (schema.types_compatible);
- their places agree: both located within CLUSTER_KM, the same district (admin2), or one placed only in a province
  that contains the other; a row known only as "the border" or a country may join a located row of a country on
  that border when both carry tight dates (or the same nonzero toll);
- their dates agree: the date ranges, widened by what the precision allows, overlap. A row with an unknown date
  may join a row of the same type at the same place (one point, district or village): with its publication date
  known, that date must follow the other's event by at most RECENT_DAYS and a shared figure or agreeing actors must
  tie them; with no publication date, the figures must be the same (or, at one named town, neither gives a victim);
- their casualty figures are not contradictory beyond reason (sources count differently and tolls grow: reports of
  one type at one place within SAME_DAYS are one incident whatever their figures, unless one says nobody was hurt).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from rapidfuzz import fuzz

from ..schema import types_compatible
from .. import periods
from ..geo import geodesic_km
from . import rules as R

CLUSTER_KM = 75.0          # places further apart than this are different incidents
SAME_PLACE_KM = 15.0       # 'the same place' for joins that lack a date: one village/district point
ACTOR_SIMILARITY = 0.5
CATEGORY_WEIGHT = {"civilian": 2.0}
LOCAL_PRECISION = ("exact", "near", "district")     # district level or better
VAGUE_PRECISION = ("border_area", "country", "")    # 'the border', a country, nothing
# How far a date of each precision may be off, in days (week/month without an end date: see _interval).
DATE_SLACK = {"day": 1, "week": 4, "month": 3, "year": 0}
ADMIN2_SIMILARITY = 85     # rapidfuzz token_set_ratio of folded district names
POSSIBLE_MATCHES = 2       # at most this many 'possible match' hints per row
STRICT_SHARE = 0.2         # undated joins: figures may differ by this share of the larger (so 5~4, never 3~2)
NO_HINT_TYPES = ("strategic_development",)  # talks and visits are too many in any month for a hint to help


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


def _actors(row: dict, rules: R.Rules | None = None) -> dict[str, float]:
    cats = {a.canonical: a.category for a in (rules or R.load()).actors}
    names = [a.strip() for a in f"{row.get('actor1', '')};{row.get('actor2', '')}".split(";") if a.strip()]
    return {n: CATEGORY_WEIGHT.get(cats.get(n, ""), 1.0) for n in names if n not in ("Armed militants", "Civilians")}


def actor_similarity(a: dict, b: dict, rules: R.Rules | None = None) -> float:
    x, y = _actors(a, rules), _actors(b, rules)
    if not x or not y:
        return 0.0
    inter = sum(x[k] for k in x.keys() & y.keys())
    union = sum({**x, **y}.values())
    return inter / union if union else 0.0


# --- dates ------------------------------------------------------------------------------------------

def _interval(row: dict, slack: bool = True) -> tuple[date, date] | None:
    """The dates a row allows: the window its precision means (incidents.periods), widened by the
    tolerance for that precision (DATE_SLACK); None when the date is unknown."""
    return _interval_of(str(row.get("event_date", "")), str(row.get("date_precision", "")), str(row.get("end_date", "")),
                        slack)


@lru_cache(maxsize=65536)
def _interval_of(event_date: str, p: str, end_date: str, slack: bool) -> tuple[date, date] | None:
    row = {"end_date": end_date}
    s = _date(event_date)
    if s is None or p == "unknown":
        return None
    e = max(_date(row.get("end_date")) or s, s)
    if not slack:
        return s, e
    first, last = periods.window(s, p if p in periods.PRECISIONS else "day", e)
    d = timedelta(days=DATE_SLACK.get(p, 1))
    return first - d, last + d


def dates_compatible(a: dict, b: dict) -> bool:
    """Both dated and overlapping (given precision). An unknown date is *not* compatible by itself:
    whether an undated row may join is decided by `compatible` (same place, agreeing figures)."""
    ia, ib = _interval(a), _interval(b)
    return ia is not None and ib is not None and ia[0] <= ib[1] and ib[0] <= ia[1]


def _gap_days(a: dict, b: dict) -> int:
    ia, ib = _interval(a, slack=False), _interval(b, slack=False)
    if ia is None or ib is None:
        return 9999
    return max(0, (ib[0] - ia[1]).days, (ia[0] - ib[1]).days)


def same_month(a: dict, b: dict) -> bool:
    ia, ib = _interval(a, slack=False), _interval(b, slack=False)
    if ia is None or ib is None:
        return False
    months = lambda i: {(i[0].year, i[0].month), (i[1].year, i[1].month)}  # noqa: E731
    return bool(months(ia) & months(ib))


# --- places -----------------------------------------------------------------------------------------

def _located(row: dict) -> bool:
    return _num(row.get("latitude")) is not None and _num(row.get("longitude")) is not None


def _local(row: dict) -> bool:
    return str(row.get("geo_precision", "")) in LOCAL_PRECISION


def _vague(row: dict) -> bool:
    return not _located(row) and str(row.get("geo_precision", "")) in VAGUE_PRECISION


def km_between(a: dict, b: dict) -> float | None:
    if not (_located(a) and _located(b)):
        return None
    return _km(_num(a["latitude"]), _num(a["longitude"]), _num(b["latitude"]), _num(b["longitude"]))


@lru_cache(maxsize=262144)
def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Geodesic km between two points, remembered: rows share a few hundred district and village points."""
    if (lat1, lon1) > (lat2, lon2):
        return _km(lat2, lon2, lat1, lon1)
    return float(geodesic_km(lat1, lon1, lat2, lon2))


def same_admin2(a: dict, b: dict, rules: R.Rules | None = None) -> bool:
    """Both rows name the same district, allowing for spelling variants (Darvoz / Darvaz)."""
    spelling = (rules or R.load()).spelling
    x, y = str(a.get("admin2", "")).strip(), str(b.get("admin2", "")).strip()
    if not x or not y:
        return False
    return fuzz.token_set_ratio(spelling.variant(x.casefold()), spelling.variant(y.casefold())) >= ADMIN2_SIMILARITY


def _countries(row: dict) -> set[str]:
    out = {c for c in str(row.get("border", "")).split("-") if c}
    if row.get("country"):
        out.add(str(row["country"]))
    return out


def place_relation(a: dict, b: dict, rules: R.Rules | None = None) -> str | None:
    """'same' (one district-level place), 'near' (within CLUSTER_KM or the same district),
    'vague' (one side is only the border or a country, on a shared country), or None (different places)."""
    km = km_between(a, b)
    if km is not None:
        if _local(a) and _local(b) and (km <= SAME_PLACE_KM or same_admin2(a, b, rules)):
            return "same"
        return "near" if km <= CLUSTER_KM or same_admin2(a, b, rules) or _inside(a, b) or _inside(b, a) else None
    if same_admin2(a, b, rules):
        return "same" if _local(a) and _local(b) else "near"
    if not (_vague(a) or _vague(b)):
        return None  # a named place that cannot be located (or another district): not comparable
    if a.get("border") and b.get("border") and a["border"] != b["border"]:
        return None  # the Kyrgyz-Uzbek border and the Kyrgyz-Tajik border share a country, not a place
    ca, cb = _countries(a), _countries(b)
    return "vague" if not ca or not cb or ca & cb else None


def _inside(wide: dict, fine: dict) -> bool:
    """A row placed only in a province, and a row placed inside that province ('Khatlon province', 'Shohin district')."""
    return (str(wide.get("geo_precision", "")) == "province" and bool(wide.get("admin1"))
            and wide.get("admin1") == fine.get("admin1") and wide.get("country") == fine.get("country"))


def places_compatible(a: dict, b: dict, rules: R.Rules | None = None) -> bool:
    return place_relation(a, b, rules) is not None


# --- counts -----------------------------------------------------------------------------------------

def counts_compatible(a: dict, b: dict, strict: bool = False) -> bool:
    """Killed and injured, where both rows give them, agree within reason. `strict` (for joins without
    a date) wants at least one figure given on both sides and all such figures close."""
    shared = 0
    for f in ("killed", "injured"):
        x, y = _num(a.get(f)), _num(b.get(f))
        if x is None or y is None:
            continue
        shared += 1
        lo, hi = min(x, y), max(x, y)
        limit = float(int(STRICT_SHARE * hi)) if strict else 2.0 + 0.5 * lo
        if hi - lo > limit:
            return False
    return shared > 0 or not strict


def _nonzero_shared(a: dict, b: dict) -> bool:
    return any((_num(a.get(f)) or 0) > 0 and (_num(b.get(f)) or 0) > 0 for f in ("killed", "injured"))


# --- the same incident? ------------------------------------------------------------------------------

def compatible(a: dict, b: dict, rules: R.Rules | None = None) -> bool:
    """Could rows a and b (or a row and a curated incident) be the same real incident?"""
    if a.get("source_file") and a.get("source_file") == b.get("source_file"):
        return False
    if not types_compatible(a["event_type"], b["event_type"]):
        return False
    undated = _interval(a) is None or _interval(b) is None
    if not undated and not dates_compatible(a, b):
        return False
    rel = place_relation(a, b, rules)
    if rel is None:
        return False
    if undated:
        return _undated_join(a, b, rel, rules)
    if rel == "vague":  # only 'the border' on one side: want tight dates, close figures and the same story
        tight = a.get("date_precision") in ("day", "week") and b.get("date_precision") in ("day", "week")
        return tight and counts_compatible(a, b) and (
            a["event_type"] == b["event_type"] or actor_similarity(a, b, rules) >= ACTOR_SIMILARITY
            or _same_nonzero(a, b))
    # sources count differently and tolls grow as bodies are found: at one place within a few days, the same type
    # of event is one incident whatever the figures
    return counts_compatible(a, b) or (a["event_type"] == b["event_type"] and _gap_days(a, b) <= SAME_DAYS
                                       and not _none_versus_some(a, b))


def _same_nonzero(a: dict, b: dict) -> bool:
    """Both give the same nonzero figure for killed (or injured), and no figure contradicts."""
    same = any((_num(a.get(f)) or 0) > 0 and _num(a.get(f)) == _num(b.get(f)) for f in ("killed", "injured"))
    return same and all(_num(a.get(f)) == _num(b.get(f)) for f in ("killed", "injured")
                        if _num(a.get(f)) is not None and _num(b.get(f)) is not None)


def _same_published_window(a: dict, b: dict) -> bool:
    """Publication dates (or event dates) within RECENT_DAYS of each other, or unknown on a side."""
    da = _interval(a, slack=False) or ((_published(a),) * 2 if _published(a) else None)
    db = _interval(b, slack=False) or ((_published(b),) * 2 if _published(b) else None)
    if da is None or db is None:
        return True
    return not (da[0] - db[1] > timedelta(days=RECENT_DAYS) or db[0] - da[1] > timedelta(days=RECENT_DAYS))


def _none_versus_some(a: dict, b: dict) -> bool:
    """One report says nobody was killed (or hurt), the other gives victims: a contradiction, not a later count."""
    for f in ("killed", "injured"):
        x, y = _num(a.get(f)), _num(b.get(f))
        if x is not None and y is not None and (x == 0) != (y == 0):
            return True
    return False


SAME_DAYS = 3  # dated reports this close, of one type at one place, are one incident whatever their figures
RECENT_DAYS = 45  # an undated report is about something at most this long before its publication date


def _published(row: dict) -> date | None:
    return _date(row.get("source_published") or row.get("published"))


def _days_named(row: dict) -> frozenset[tuple[int, int]]:
    """(month, day) of the dates an undated row's evidence names without a year («14 сентября»)."""
    return _days_in(str(row.get("date_evidence", "")), str(row.get("language", "")) or "en")


@lru_cache(maxsize=8192)
def _days_in(text: str, lang: str) -> frozenset[tuple[int, int]]:
    from .dates import find_dates
    return frozenset((d.month, d.day) for d in find_dates(text, lang) if d.kind in ("day", "night") and d.month and d.day)


def _same_day_of_year(a: dict, b: dict) -> bool:
    """One row is undated but names a day without its year; the other is dated and its dates include that day."""
    for undated, other in ((a, b), (b, a)):
        if _interval(undated) is not None or _interval(other) is None:
            continue
        days = _days_named(undated)
        first, last = _interval(other, slack=False)
        span = {(first + timedelta(days=i)).timetuple()[1:3] for i in range(min(40, (last - first).days + 1))}
        if days and days & span:
            return True
    return False


def _undated_join(a: dict, b: dict, rel: str, rules: R.Rules | None) -> bool:
    """A report without a date joins another of the same type at the same place (one point, one district, or the
    same village). With its publication date known, that date must follow the other's event (or publication) by at
    most RECENT_DAYS, figures on both sides must agree within reason, and a shared figure or agreeing actors must tie
    them; with no publication date, figures must be given on both sides and close (STRICT_SHARE)."""
    if _same_day_of_year(a, b) and a["event_type"] == b["event_type"]:
        # '14 сентября' with no year, and a report dated 14 September: the same day named, at the same place
        return counts_compatible(a, b)
    if rel == "vague":
        # only the country on one side: the same victims counted alike ('three Chinese nationals killed') still tie them
        return (a["event_type"] == b["event_type"] and _same_nonzero(a, b) and _same_published_window(a, b)
                and actor_similarity(a, b, rules) >= ACTOR_SIMILARITY)
    if a["event_type"] != b["event_type"] and actor_similarity(a, b, rules) < ACTOR_SIMILARITY:
        return False
    km = km_between(a, b)
    if not (rel == "same" or same_admin2(a, b, rules) or (km is not None and km < 1.0) or _inside(a, b) or _inside(b, a)):
        return False
    tied = _nonzero_shared(a, b) or actor_similarity(a, b, rules) >= ACTOR_SIMILARITY
    undated = [r for r in (a, b) if _interval(r) is None]
    if any(_published(r) is None for r in undated):
        # no date at all: the same figures on both sides (and a shared one or agreeing actors), or one named town or
        # village (exact point) where neither report gives a victim ('five rockets fell on Termez')
        no_figures = not any(_num(r.get(f)) for r in (a, b) for f in ("killed", "injured"))  # none, or nobody hurt
        same_spot = a.get("geo_precision") == b.get("geo_precision") == "exact" and km is not None and km < 1.0 \
            and a["event_type"] not in NO_HINT_TYPES  # talks in a capital are many: never joined on the place alone
        same_figures = all(_num(a.get(f)) == _num(b.get(f)) for f in ("killed", "injured")
                           if _num(a.get(f)) is not None and _num(b.get(f)) is not None)
        # talks and visits carry no toll (blank): agreeing actors at one place tie them without figures
        strategic = a["event_type"] == b["event_type"] == NO_HINT_TYPES[0] and no_figures and km is not None and km < 1.0
        return (counts_compatible(a, b, strict=True) and same_figures and tied) or (no_figures and same_spot) \
            or (strategic and tied)
    for r in undated:
        other = b if r is a else a
        pub = _published(r)
        when = _interval(other, slack=False) or ((_published(other),) * 2 if _published(other) else None)
        if when is not None and not (when[0] - timedelta(days=1) <= pub and pub - when[1] <= timedelta(days=RECENT_DAYS)):
            return False
    return counts_compatible(a, b) and tied


same_incident = compatible
