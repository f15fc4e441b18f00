"""From a mention to an incident row: every field with its evidence, the spans, a confidence and review reasons."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date

from .. import schema as S
from ..geo import ALPHA2_TO_3
from . import classify as C
from . import places as P
from . import rules as R
from .article import Article
from .counts import Count
from .tolls import choose_counts
from .mentions import Mention

EXTRACTOR_VERSION = "extract-2.0"
IMPLAUSIBLE_CONFIDENCE = 0.2  # a row whose text gives implausible casualty figures

# The candidates table is declared in the schema (incidents columns, then provenance, evidence, review).
COLUMNS = tuple(S.CANDIDATES.names)
EXTRA_COLUMNS = COLUMNS[len(S.INCIDENTS.names):]


@dataclass
class Where:
    """The place fields of a row, with the evidence, spans and review reasons they bring."""

    country: str
    border: str
    geo_precision: str
    evidence: str
    admin1: str = ""
    admin2: str = ""
    location: str = ""
    latitude: float | None = None
    longitude: float | None = None
    spans: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


def to_row(art: Article, m: Mention, dominant: str, article_border: str, rules: R.Rules) -> dict:
    """The incident row of mention `m` (columns: COLUMNS)."""
    lang = art.language
    killed, injured, kc, ic, total_note = _toll(m, lang, rules)
    actor1, actor2, acts = C.choose_actors(m.actors, m.event_type)
    where = _where(art, m, acts, dominant, article_border, rules)
    date_evidence, date_spans, date_reasons = _when(art, m)
    r = m.resolved
    reasons = list(dict.fromkeys(m.reasons)) + where.reasons + date_reasons + ([total_note] if total_note else [])
    kinds = {c.kind for c in m.cues if c.violent}
    if len(kinds - {"attack"}) > 1:
        reasons.append("several event-type cues: " + ", ".join(sorted(kinds)))
    conf = confidence(r.precision, where.geo_precision, killed, injured, m.cues)
    if "implausible" in total_note:
        conf = min(conf, IMPLAUSIBLE_CONFIDENCE)
    if conf < 0.5:
        reasons.append(f"low confidence ({conf})")
    spans = (where.spans + date_spans + [f"killed={c.start}:{c.end}" for c in kc]
             + [f"injured={c.start}:{c.end}" for c in ic] + [f"type={c.start}:{c.end}" for c in m.cues[:3]])
    evidence = " ".join(art.text[i.sent.start:i.sent.end] for i in sorted(m.infos, key=lambda i: i.sent.start))
    digest = hashlib.sha1(f"{art.name}:{m.start}:{m.event_type}".encode()).hexdigest()[:10]
    return {
        "incident_id": f"x-{digest}",
        "event_date": _fmt(r.event_date),
        "end_date": _fmt(r.end_date) if r.end_date and r.end_date != r.event_date else "",
        "date_precision": r.precision,
        "event_type": m.event_type,
        "sub_event_type": ", ".join(dict.fromkeys(c.text.casefold() for c in m.cues))[:80],
        "country": where.country,
        "border": where.border,
        "admin1": where.admin1,
        "admin2": where.admin2,
        "location": where.location,
        "latitude": "" if where.latitude is None else round(where.latitude, 4),
        "longitude": "" if where.longitude is None else round(where.longitude, 4),
        "geo_precision": where.geo_precision,
        "actor1": actor1,
        "actor2": actor2,
        "killed": "" if killed is None else killed,
        "injured": "" if injured is None else injured,
        "summary": summary(evidence),
        "origin": "extracted",
        "review_status": "unreviewed",
        "tags": f"extracted;{lang}",
        "source_file": art.name,
        "source_url": art.meta.get("url", ""),
        "source_outlet": art.meta.get("outlet") or art.meta.get("source", ""),
        "source_published": _fmt(art.published),
        "language": lang,
        "evidence": evidence,
        "char_start": m.start,
        "char_end": m.end,
        "date_evidence": date_evidence,
        "place_evidence": where.evidence,
        "killed_evidence": " | ".join(c.text for c in kc),
        "injured_evidence": " | ".join(c.text for c in ic),
        "type_evidence": f"{m.type_reason}: " + ", ".join(dict.fromkeys(c.text for c in m.cues)),
        "actor_evidence": " | ".join(dict.fromkeys(a.text for a in acts)),
        "evidence_spans": ";".join(dict.fromkeys(spans)),
        "confidence": conf,
        "needs_review": bool(reasons),
        "review_reason": "; ".join(reasons),
        "extractor_version": EXTRACTOR_VERSION,
        "cluster_id": "",
        "matched_incident_id": "",
        "match_differences": "",
    }


def _toll(m: Mention, lang: str, rules: R.Rules) -> tuple[int | None, int | None, list[Count], list[Count], str]:
    """Killed and injured with their counts and a note on totals. A strategic development (agreement, talks, visit) has
    no toll of its own: blank, not 0 (a clash told in the same sentence is its own row and carries the figures)."""
    if m.event_type == C.STRATEGIC:
        return None, None, [], [], ""
    return choose_counts(m, lang, rules)


def _where(art: Article, m: Mention, acts: list[C.ActorHit], dominant: str, article_border: str,
           rules: R.Rules) -> Where:
    """The place fields: from the chosen place, else the border, else the country."""
    place, border = m.place, m.border
    border_code = (border.border if border and border.border else "") or (article_border if border else "")
    if place is not None:
        w = Where(place.country, border_code, place.precision, art.text[place.start:place.end], admin1=place.admin1,
                  location=place.text, latitude=place.latitude, longitude=place.longitude)
        if w.latitude is None and (pt := P.province_point(place.country, place.admin1, rules)) is not None:
            w.latitude, w.longitude = pt  # a district listed without coordinates: its province's point, flagged
            w.reasons.append(f"coordinates: {place.text!r} has none in the gazetteer; the point of {place.admin1} used")
        if place.feature_code == "ADM2":
            w.admin2 = re.sub(r"\s+(?:district|rayon|район\w*)$", "", place.text, flags=re.I)
        if place.how in ("fuzzy", "folded"):
            w.reasons.append(f"place matched by spelling variant: {place.text!r} -> {place.name}")
        w.spans.append(f"place={place.start}:{place.end}")
        return w
    if border is not None:
        label = next((lbl for _, b, lbl, _lg in rules.border_phrases if b == border_code and b), "")
        if border.border:
            location = label
        elif label:  # 'a border post' in an article about the Tajik-Afghan border -> 'Tajik-Afghan border post'
            location = re.sub(r"^.*?\b(?:border|frontier)\b", label, border.text, count=1, flags=re.I)
        else:
            location = border.text
        territory = [p for i in m.infos for p in i.places if p.feature_code == "PCLI" and p.in_region and p.eventive
                     and p.locative] or _article_territory(art, m, rules)
        # 'on the territory of Uzbekistan', «на территории Узбекистана» names the side of the border
        # a border between two named countries: the side is one of the two (the first that the territory, a state
        # force or the article's dominant country names), never a third country named elsewhere in the article
        pair = set(border_code.split("-")) if border.border else set()
        sides = [c for c in (border.country, territory[0].country if territory else "",
                             *_force_sides(art, acts, rules), dominant) if c and (not pair or c in pair)]
        country = sides[0] if sides else (border.country or dominant)
        return Where(country, border_code, "border_area", art.text[border.start:border.end], location=location,
                     spans=[f"place={border.start}:{border.end}"], reasons=["place known only as the border"])
    countries = [p for i in m.infos for p in i.places if p.feature_code == "PCLI" and p.in_region and p.eventive]
    country = countries[0].country if countries else (_actor_country(acts, rules) or dominant)
    return Where(country, border_code, "country", countries[0].text if countries else "",
                 spans=[f"place={countries[0].start}:{countries[0].end}"] if countries else [],
                 reasons=["no place more precise than the country"])


def _when(art: Article, m: Mention) -> tuple[str, list[str], list[str]]:
    """(date evidence, spans, review reasons) of the chosen date."""
    r, dm = m.resolved, m.date_mention
    if r.known and dm is None:  # the week before publication (setting.lead_date_fallback)
        return art.meta.get("published", ""), [], []
    spans = [f"date={dm.start}:{dm.end}"] if dm else []
    if r.known:
        noted = r.note and ("inferred" in r.note or "relative" in r.note or "before publication" in r.note)
        return dm.text, spans, [f"date: {r.note}"] if noted else []
    return dm.text if dm else "", spans, [f"date unknown: {r.note}"]


TERRITORY = re.compile(r"(?:territory\s+of|\bterritori\w*|территори\w+)\s+$", re.I)


def _article_territory(art: Article, m: Mention, rules: R.Rules) -> list:
    """'on the territory of Uzbekistan' said of the event in a nearby sentence of the article («15 августа на территории
    Узбекистана ... были обнаружены»): that country, when the article names one country so."""
    near = art.body_sentences()[max(0, m.k - 2): m.k + 8] if m.k >= 0 else []
    got = [p for s in near for p in P.find_places(s.text, s.start, rules=rules)
           if p.feature_code == "PCLI" and p.in_region and TERRITORY.search(art.text[max(0, p.start - 30):p.start])]
    return got if len({p.country for p in got}) == 1 else []


def confidence(precision: str, geo_precision: str, killed: int | None, injured: int | None, cues) -> float:
    """0.05..0.99 from the date and place precision, whether a toll is known, and the strongest cue."""
    conf = 0.45
    conf += {"day": 0.2, "week": 0.1, "month": 0.1, "year": 0.0}.get(precision, -0.15)
    conf += {"exact": 0.15, "near": 0.12, "district": 0.12, "province": 0.08, "border_area": 0.0}.get(geo_precision, -0.05)
    conf += 0.1 if killed is not None or injured is not None else 0.0
    conf += 0.05 * min(2, max((c.weight for c in cues), default=1) - 1)
    return round(max(0.05, min(0.99, conf)), 2)


def summary(evidence: str) -> str:
    """The evidence on one line, cut at a word before 300 characters."""
    text = re.sub(r"\s+", " ", evidence)
    if len(text) > 300:
        text = text[:297].rsplit(" ", 1)[0] + "…"
    return text


def _fmt(d: date | None) -> str:
    return d.isoformat() if d else ""


def _actor_country(acts: list[C.ActorHit], rules: R.Rules) -> str:
    """The country of the first state force named (by its demonym), or ''."""
    for a in acts:
        if a.category == "state_force":
            for pat, iso2 in rules.demonyms:
                if pat.search(a.canonical):
                    return ALPHA2_TO_3.get(iso2, iso2)
    return ""


def _force_sides(art: Article, acts: list[C.ActorHit], rules: R.Rules) -> list[str]:
    """The countries of the state forces as the text writes them ('Uzbek border guards', «узбекскими пограничниками»):
    a demonym in the words of the force or right before them, in the order the forces are named. The canonical name
    is not used: a bare 'border guards' is filed under one country's forces whatever country they serve."""
    out = []
    for a in sorted(acts, key=lambda a: a.start):
        if a.category != "state_force":
            continue
        found = P.demonym_countries(art.text[max(0, a.start - 25):a.end], rules)
        if found:
            out.append(found[-1][1])
    return out
