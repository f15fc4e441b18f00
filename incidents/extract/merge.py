"""Within one article: mentions that tell the same event merged into one, unless dates, places or victims differ."""

from __future__ import annotations

import re
from datetime import date, timedelta

from .. import schema as S
from ..geo import geodesic_km
from . import dates as D
from . import places as P
from . import rules as R
from .tolls import choose_counts, tolls_agree
from .mentions import Mention
from .setting import LEAD_SENTENCES, weak

PRECISION_ORDER = {"day": 0, "week": 1, "month": 2, "year": 3}
MERGE_WINDOW = 12  # a telling is compared with the last this many events only (an article tells few; keeps it linear)
MAX_PARTS = 40  # sentences, counts, cues and actors one event keeps (a megabyte of text must not make one giant event)


def merge_mentions(mentions: list[Mention], lang: str, rules: R.Rules, published: date | None = None) -> list[Mention]:
    """The first pass, right after each mention got its own date, place and type: the same event told again."""
    out: list[Mention] = []
    for m in mentions:
        target = next((o for o in out[-MERGE_WINDOW:] if _same_event(o, m, lang, rules)
                       and not _stale(o, m, published)), None)
        if target is None:
            out.append(m)
            continue
        absorb(target, m)
    return out


def absorb(target: Mention, m: Mention, same_article: bool = False) -> None:
    """Fold mention `m` into `target`: evidence, counts, actors and cues are pooled; the finer date and
    the more precise place win. Within one article a count repeated in both tellings is kept once."""
    room = lambda have: max(0, MAX_PARTS - len(have))  # noqa: E731
    target.infos += [i for i in m.infos if i not in target.infos][:room(target.infos)]
    target.counts += ([c for c in m.counts if c not in target.counts] if same_article else m.counts)[:room(target.counts)]
    target.actors += m.actors[:room(target.actors)]
    target.cues += m.cues[:room(target.cues)]
    if m.resolved.known and (not target.resolved.known or _finer(m.resolved, target.resolved)
                             or (_reported(target.resolved) and not _reported(m.resolved))):
        target.resolved, target.date_mention = m.resolved, m.date_mention
    if target.place is None or (m.place is not None and m.place.rank < target.place.rank):
        target.place = m.place if m.place is not None else target.place
    target.border = target.border or m.border
    if weak(target) and not weak(m):  # the stronger telling decides what happened
        target.event_type, target.type_reason = m.event_type, m.type_reason
    if same_article:
        target.reasons += [r for r in m.reasons if r not in target.reasons]


def _finer(a: D.Resolved, b: D.Resolved) -> bool:
    return PRECISION_ORDER.get(a.precision, 9) < PRECISION_ORDER.get(b.precision, 9)


def _overlap(a: D.Resolved, b: D.Resolved) -> bool:
    """Do two known dates (ranges) overlap, give or take a day? A date known only as the day of a report bounds the
    event from above: any earlier date fits it."""
    a0, a1 = a.event_date, a.end_date or a.event_date
    b0, b1 = b.event_date, b.end_date or b.event_date
    if _reported(a):
        a0 = date.min
    if _reported(b):
        b0 = date.min
    return not (a0 > b1 + timedelta(days=1) or b0 > a1 + timedelta(days=1))


STALE_DAYS = 30  # an undated telling in a dated report is news: not an event dated this long before publication


def _stale(a: Mention, b: Mention, published: date | None) -> bool:
    """An undated telling (the news of the day) and an event the article dates weeks before its publication: two events
    ('three smugglers destroyed' in a 30 January report, and the clash of 23 December it recalls)."""
    def dated(m: Mention) -> bool:
        return m.resolved.known and "before publication" not in m.resolved.note
    if published is None or dated(a) == dated(b):
        return False
    dated_one, undated = (a, b) if dated(a) else (b, a)
    if undated.dates or undated.prior or _reported(dated_one.resolved):
        return False
    dated = dated_one
    end = dated.resolved.end_date or dated.resolved.event_date
    return end < published - timedelta(days=STALE_DAYS)


def _reported(r: D.Resolved) -> bool:
    """A date that only bounds the event from above: the day of a report, or the week before publication assumed."""
    return "day of the report" in r.note or "before publication" in r.note


def _unresolved_other_day(undated: Mention, dated: Mention) -> bool:
    """The undated telling states a date of its own that could not be resolved, other than the day of a report and
    other than the dated telling's weekday ('Saturday's skirmish' and 'Saturday, March 5')."""
    day = dated.resolved.event_date
    for d in undated.dates:
        if d.report:
            continue
        if d.kind == "weekday" and day is not None and d.weekday in (day.weekday(), (dated.resolved.end_date or day).weekday()):
            continue
        return True
    return False


def _stated_apart(a: Mention, b: Mention) -> bool:
    """Both tell days the text states (resolved or not, '26 ноября' and '30 ноября' in an undated article) and no day of
    one is a day of the other: two events."""
    da = {(d.month, d.day) for d in a.dates if d.kind in ("day", "night") and not d.report}
    db = {(d.month, d.day) for d in b.dates if d.kind in ("day", "night") and not d.report}
    if da and db:
        return not da & db
    # 'В апреле сообщалось о попытке ...' and '5 июля ... упали пять снарядов': different months, different events
    ma = {d.month for d in a.dates if d.kind in ("day", "night", "month", "part") and d.month}
    mb = {d.month for d in b.dates if d.kind in ("day", "night", "month", "part") and d.month}
    return bool(ma and mb) and not ma & mb


def _same_event(a: Mention, b: Mention, lang: str, rules: R.Rules) -> bool:
    if a.group != b.group or a.truce != b.truce:
        return False  # a ceasefire agreed and the talks or calls around it are developments of their own
    if not S.types_compatible(a.event_type, b.event_type) and not (weak(a) or weak(b)):
        return False
    if a.resolved.known and b.resolved.known:
        if not _overlap(a.resolved, b.resolved):
            return False
    elif _stated_apart(a, b):
        return False
    elif a.resolved.known != b.resolved.known and a.group == "violent":
        undated, dated = (b, a) if a.resolved.known else (a, b)
        if _unresolved_other_day(undated, dated):  # it states a date we could not resolve: a different report
            return False
        # 'a series of attacks on Chinese engineers' is several incidents, not the dated one
        if R.search(rules.series_words, lang, undated.infos[0].sent.text):
            return False
    if a.group == "violent" and a.prior != b.prior:
        return False
    if a.group == "violent" and _crossers_differ(a, b):
        return False
    if not places_compatible(a.place, b.place):
        return False
    if a.group == "violent":
        ka = choose_counts(a, lang, rules)[0]  # the article's language: «При этом погибли ...» adds to the toll
        kb = choose_counts(b, lang, rules)[0]
        if ka is not None and kb is not None and ka != kb and not _lead_and_detail(a, b) \
                and not ((weak(a) and ka < kb) or (weak(b) and kb < ka)) and not tolls_agree(a, b, lang, rules):
            return False  # 'one of the killed guards was buried on ...' (a casualty phrase) is part of the toll
    return True


CROSSERS = re.compile(r"(?<![\d.,])(\d[\d ,]*\d|\d)\s+(?:[\w-]+\s+){0,2}?(?:военн|солдат|пограничник|афганц|soldiers|troops|"
                      r"servicemen|military|personnel|border guards|Afghans)", re.I)


def _crossers_differ(a: Mention, b: Mention) -> bool:
    """Both tell people crossing the border and give different numbers of them ('1037 soldiers retreated ...' and
    'yesterday more than 300 soldiers retreated ...'): two crossings, not one told twice."""
    def crossers(m: Mention) -> set[int]:
        texts = {i.sent.text for c in m.cues if c.kind == "crossing" for i in m.infos if i.sent.start <= c.start < i.sent.end}
        return {int(re.sub(r"[ ,]", "", x.group(1))) for t in texts for x in CROSSERS.finditer(t)}
    na, nb = crossers(a), crossers(b)
    return bool(na and nb) and not na & nb


def places_compatible(a: P.Place | None, b: P.Place | None) -> bool:
    """Two places may be where one event happened: either is unknown (only 'the border'), they lie within 75 km, or
    one is a province (or a country) that contains the other ('Khatlon province' and 'Shuroobod district')."""
    if a is None or b is None or a.latitude is None or b.latitude is None:
        return True
    if float(geodesic_km(a.latitude, a.longitude, b.latitude, b.longitude)) <= P.SAME_PLACE_KM:
        return True
    for wide, fine in ((a, b), (b, a)):
        if wide.precision in ("province", "country") and wide.country == fine.country and (
                wide.feature_code == "PCLI" or (wide.admin1 and wide.admin1 == fine.admin1)):
            return True
    return False


def counts_compatible(a: int | None, b: int | None) -> bool:
    return a is None or b is None or a == b


def merge_compatible(mentions: list[Mention], lang: str, rules: R.Rules, published: date | None = None) -> list[Mention]:
    """The last pass, after dates and places were completed from the article: one article that tells one event
    twice (a summary lead and a detail paragraph naming the place differently) gives one row. Merged only when
    type, dates, places (see places_compatible) and both tolls agree; an earlier incident ('last year ...') never."""
    out: list[Mention] = []
    for m in mentions:
        target = None
        if m.group == "violent" and not m.prior:
            target = next((o for o in out[-MERGE_WINDOW:] if _tells_again(o, m, lang, rules)
                           and not _stale(o, m, published)), None)
        if target is None:
            out.append(m)
            continue
        absorb(target, m, same_article=True)
    return out


def _tells_again(o: Mention, m: Mention, lang: str, rules: R.Rules) -> bool:
    """Does violent mention `m` tell again the event of `o` (see merge_compatible)?"""
    if o.group != "violent" or o.prior or not (S.types_compatible(o.event_type, m.event_type) or weak(o) or weak(m)):
        return False
    if _crossers_differ(o, m):
        return False
    if o.resolved.known and m.resolved.known:
        if not _overlap(o.resolved, m.resolved):
            return False
    elif _stated_apart(o, m):
        return False
    elif o.resolved.known != m.resolved.known:
        undated, dated = (o, m) if not o.resolved.known else (m, o)
        if _unresolved_other_day(undated, dated) or R.search(rules.series_words, lang, undated.infos[0].sent.text):
            return False  # it states a date we could not resolve, or it is 'a series of attacks'
    if not places_compatible(o.place, m.place):
        return False
    ko, io_ = choose_counts(o, lang, rules)[:2]
    km, im = choose_counts(m, lang, rules)[:2]
    return (counts_compatible(ko, km) or tolls_agree(o, m, lang, rules)) and counts_compatible(io_, im)


def _lead_and_detail(a: Mention, b: Mention) -> bool:
    """The lead reports an event and a later paragraph tells the same event in detail, each with its own part of the
    toll: the same event when both resolve to the same day (or the lead's date came from that detail)."""
    first, second = (a, b) if a.k <= b.k else (b, a)
    if first.k > LEAD_SENTENCES or first.prior or second.prior:
        return False
    if not (first.resolved.known and second.resolved.known):
        return False
    same_day = first.resolved.precision == "day" and second.resolved.precision == "day" \
        and abs((first.resolved.event_date - second.resolved.event_date).days) <= 1
    return same_day
