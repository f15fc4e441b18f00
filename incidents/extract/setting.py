"""An event's date and place: from its own sentences, else from the sentences around it or the rest of the article.

Each step returns what it found (`Found`) for the pipeline (assemble.build_rows) to apply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from ..geo import geodesic_km
from . import dates as D
from . import places as P
from . import rules as R
from .analyse import SentInfo, places_of, story_start
from .article import Article
from .mentions import SETTING_BACK, Mention, is_history

LEAD_SENTENCES = 3
CUE_NEAR = 100  # characters between a violent cue and a place named with it
FORWARD_SENTENCES = 4  # sentences after a lead event that may give its date and place
FORWARD_PARAGRAPHS = 2
ARTICLE_WINDOW = 80  # sentences either side of an event that the article-level steps read (more than any article has)
MEETING = re.compile(r"meet|met\b|talks|visit|summit|negotiat|consultation|delegation|sign|встреч|переговор|визит|"
                     r"саммит|консультац|делегац|подпис", re.I)  # cues of a meeting, which happens at a place
REPORT_DAYS = 6  # a date given only as the day of a report stands for that day and the days before
BODY_FORWARD_SENTENCES = 2  # after an event later in the article: its date may follow in the next two sentences


@dataclass(frozen=True)
class Found:
    """What a step found for a mention: a date (with the mention it came from), a place, and why. None = nothing."""

    resolved: D.Resolved | None = None
    date_mention: D.DateMention | None = None
    place: P.Place | None = None
    reasons: tuple[str, ...] = ()


def apply(m: Mention, found: Found | None) -> None:
    """Set on `m` what a step found."""
    if found is None:
        return
    if found.resolved is not None:
        m.resolved = found.resolved
    if found.date_mention is not None:
        m.date_mention = found.date_mention
    if found.place is not None:
        m.place = found.place
    m.reasons += found.reasons


def choose_date(m: Mention, art: Article, ref: date | None) -> tuple[D.Resolved, D.DateMention | None]:
    """The recent date nearest to the event's cues, resolved; unknown (with why) when the text gives none."""
    cue_spans = [(c.start, c.end) for c in m.cues]
    candidates = [d for d in m.dates if not is_history(d, ref)]
    if not candidates:
        return D.Resolved(None, None, D.UNKNOWN, "no date in the text"), None
    # an event date before the day of a report ('said on Monday'); then the date nearest the event's cues
    candidates.sort(key=lambda d: (d.report, min(max(0, max(a, d.start) - min(b, d.end)) for a, b in cue_spans)))
    ref_year = ref.year if ref else None
    best = candidates[0]
    r = D.resolve(best, art.published, ref_year)
    if best.report and r.known and r.precision == "day" and m.group == "violent":
        # only the day it was reported: the event happened on it or in the days before
        r = D.Resolved(r.event_date - timedelta(days=REPORT_DAYS), r.event_date, "week",
                       f"{best.text!r} is the day of the report: the event on it or in the {REPORT_DAYS} days before")
    return r, best


def choose_place(m: Mention, rules: R.Rules) -> tuple[P.Place | None, P.BorderMention | None]:
    """The best place named with the event (specific, locative, near the cue, in its first sentence) and the
    first border phrase of its sentences."""
    cue_pos = min(c.start for c in m.cues)
    capitals = rules.scope_areas.get("capital", frozenset())
    # violence told at the border ('shooting on the border ... Bishkek and Tashkent will investigate'): a capital named
    # with it is a government, not the place
    at_border = any(i.borders for i in m.infos)
    best, best_score = None, None
    for order, info in enumerate(m.infos):
        for p in info.places:
            # a dateline is where the story was filed: a fair place for talks and visits, never for violence
            if not p.in_region or p.feature_code == "PCLI" or not (p.eventive or (m.group == "strategic" and p.role == "dateline")):
                continue
            if m.group == "violent" and p.name.casefold() in capitals and (order or at_border):
                continue  # 'the Chinese Ambassador to Dushanbe' in a follow-on sentence: the government, not the place
            spec = {0: 3.0, 1: 2.5, 2: 1.5}.get(p.rank, 1.0)
            score = spec + 2.0 * p.locative - 3.0 * p.reporting - abs(p.start - cue_pos) / 150.0 - 2.0 * order
            score -= 1.0 if p.how in ("fuzzy",) else 0.0
            if best_score is None or score > best_score:
                best, best_score = p, score
        if order == 0 and best is not None:
            break  # a border phrase alone does not stop the search: 'The incident occurred in Khatlon province
    place = refine(best, [p for i in m.infos for p in i.places])
    border = None
    for info in m.infos:
        if info.borders:
            specific = [b for b in info.borders if b.border]
            border = (specific or info.borders)[0]
            if specific and not border.country:
                border = next((b for b in info.borders if b.country), border)
            break
    return place, border


def refine(best: P.Place | None, places: list[P.Place]) -> P.Place | None:
    """A province named with the event, and a district or village of that province named in the same report:
    the more specific place wins («Хатлонской области ... Здесь ... в районе Шамсиддини Шохин»)."""
    if best is None:
        return None
    inside = [p for p in places if p.eventive and p.in_region and p.rank < best.rank and p.country == best.country
              and p.admin1 and p.admin1 == best.admin1 and p.latitude is not None]
    return min(inside, key=lambda p: (p.rank, p.start)) if inside else best


def inherit_setting(m: Mention, infos: list[SentInfo], mentions: list[Mention], art: Article, ref: date | None,
                    rules: R.Rules) -> Found | None:
    """News narrates an event after the sentence that sets it: an undated (or unplaced) event takes the date (place)
    of the nearest preceding sentence in the same or previous paragraph, unless that sentence is another event."""
    if m.k < 0 or m.prior:
        return None
    others = {o.k for o in mentions if o is not m and o.group == "violent" and not weak(o)}
    need_date = _needs_date(m)
    need_place = m.place is None
    capitals = rules.scope_areas.get("capital", frozenset())
    resolved = date_mention = place = None
    reasons: list[str] = []
    for j in range(m.k - 1, max(-1, m.k - 1 - SETTING_BACK), -1):
        if not (need_date or need_place):
            break
        info = infos[j]
        gap = infos[m.k].sent.paragraph - info.sent.paragraph
        if j in others or gap > SETTING_BACK:
            break
        if gap > 1:  # two paragraphs back: a date may still set the event (one-sentence paragraphs), a place may not
            need_place = False
        if gap >= 1 and j < story_start(infos):
            need_place = False  # a paragraph above the story's first report: a photo caption or a teaser
        dates = [d for d in info.dates if not is_history(d, ref) and not d.report
                 and d.kind in ("day", "night", "part", "weekday", "relative")]
        if need_date and dates:
            r = D.resolve(dates[-1], art.published, ref.year if ref else None)
            if r.known:
                resolved, date_mention = r, dates[-1]
                reasons.append(f"date taken from the sentence before the event: {dates[-1].text!r}")
                need_date = False
        places = [p for p in places_of(info, rules) if p.in_region and p.eventive and p.feature_code != "PCLI"
                  and p.name.casefold() not in capitals]  # capitals stand for governments: never borrowed
        if need_place and places:
            place = refine(min(places, key=lambda p: p.rank), places)
            reasons.append(f"place taken from the sentence before the event: {place.text!r}")
            need_place = False
    return Found(resolved, date_mention, place, tuple(reasons))


def _located_after_lead(m: Mention, places: list[P.Place], capitals: frozenset[str]) -> list[P.Place]:
    """Places after a lead that may be its place: eventive, locative, located, not a capital, on the border's side."""
    return [p for p in places if p.in_region and p.eventive and p.locative and p.feature_code != "PCLI"
            and p.latitude is not None and p.name.casefold() not in capitals
            and (m.border is None or not m.border.country or p.country == m.border.country)]


def forward_setting(m: Mention, infos: list[SentInfo], mentions: list[Mention], art: Article, ref: date | None,
                    rules: R.Rules) -> Found | None:
    """A news lead states the event; the next paragraph says when and where («Инцидент произошел днем 24 декабря в районе
    Шамсиддин Шохин», 'STEPANAKERT, JUNE 14: ... on June 14', '... crossed into Khatlon province'). An undated (unplaced)
    event in the lead takes the first day date (locative place) of the sentences that follow, up to the next event."""
    if m.prior or m.k < 0:
        return None
    lead = m.k < LEAD_SENTENCES
    need_date = _needs_date(m)
    need_place = m.place is None and lead
    if not (need_date or need_place):
        return None
    others = {o.k: o for o in mentions if o is not m and o.group == "violent" and not weak(o)}
    last = max(infos.index(i) for i in m.infos)
    capitals = rules.scope_areas.get("capital", frozenset())
    lang = art.language
    resolved = date_mention = place = None
    reasons: list[str] = []
    ahead = FORWARD_SENTENCES if lead else BODY_FORWARD_SENTENCES
    for j in range(last + 1, min(len(infos), last + 1 + ahead)):
        info = infos[j]
        if info.sent.paragraph - infos[m.k].sent.paragraph > (FORWARD_PARAGRAPHS if lead else 1):
            break
        prior = R.search(rules.prior_markers, lang, info.sent.text)
        if (j in others and not others[j].prior) or info.history:
            if j in others:
                break
            continue
        if prior:
            # 'the firefight broke out in the Kekh area, where a similar incident took place on June 3': the clause
            # before the earlier incident still sets this event's place (never its date)
            cut = info.sent.start + prior.start()
            if need_place:
                places = [p for p in _located_after_lead(m, places_of(info, rules), capitals) if p.end <= cut]
                if places:
                    place = refine(min(places, key=lambda p: p.rank), places)
                    reasons.append(f"place taken from the sentences after the lead: {place.text!r}")
                    need_place = False
            if j in others:
                break
            continue
        # only a sentence that tells the event ('The incident occurred on ...', a toll) gives it a date; a date in a
        # sentence about something else (a meeting where it was reported, a missing-person report) does not
        tells = any(c.violent for c in info.cues) or any(not c.total for c in info.counts)
        if need_date and (tells or m.group == "strategic"):
            dates = [d for d in info.dates if d.kind in ("day", "night", "weekday") and not d.future
                     and (not d.report or m.group == "strategic")  # an announcement is dated by its report
                     and not is_history(d, ref)]
            if dates:
                r = D.resolve(dates[0], art.published, ref.year if ref else None)
                if r.known and (art.published is None or r.event_date <= art.published + timedelta(days=1)):
                    resolved, date_mention = r, dates[0]
                    reasons.append(f"date taken from the sentences after the lead: {dates[0].text!r}")
                    need_date = False
        if need_place:
            places = _located_after_lead(m, places_of(info, rules), capitals)
            if places:
                place = refine(min(places, key=lambda p: p.rank), places)
                reasons.append(f"place taken from the sentences after the lead: {place.text!r}")
                need_place = False
        if not (need_date or need_place):
            break
    return Found(resolved, date_mention, place, tuple(reasons))


def weak(m: Mention) -> bool:
    """Only weak cues (weight 1: a border crossing, a casualty phrase): the setting of an event, not another event."""
    return m.group == "violent" and all(c.weight <= 1 for c in m.cues)


def same_place(m: Mention, mentions: list[Mention], lang: str, rules: R.Rules) -> Found | None:
    """«Четыре дня спустя ещё двое рабочих были застрелены в том же регионе», 'in the same area': an event without a
    place of its own that points back takes the place of the violent event told before it."""
    if m.place is not None or m.group != "violent" or not R.search(rules.place_anaphora, lang, m.infos[0].sent.text):
        return None
    before = [o for o in mentions if o.group == "violent" and o.k < m.k and o.place is not None]
    if not before:
        return None
    place = before[-1].place
    return Found(place=place, reasons=(f"place of the event told before ('the same region'): {place.text!r}",))


def _needs_date(m: Mention) -> bool:
    """No date of its own, or only the day of a report ('the ministry said on Monday'): look around for the event's."""
    if m.dates and not (m.date_mention is not None and m.date_mention.report):
        return False
    return not m.resolved.known or (m.date_mention is not None and m.date_mention.report)


def strategic_place(m: Mention, infos: list[SentInfo], mentions: list[Mention], rules: R.Rules) -> Found | None:
    """Talks or a deal with no place in their own sentence: the place named for a meeting elsewhere in the article
    ('after the meeting in the Kyrgyz city of Batken'), when the article names one such place only."""
    if m.place is not None:
        return None
    got = []
    taken = _others(m, mentions)
    for info in _near(m, infos):
        if not any(not c.violent and MEETING.search(c.text) for c in info.cues) or id(info) in taken:
            continue
        got += [p for p in places_of(info, rules) if p.in_region and p.eventive and p.locative and p.feature_code != "PCLI"
                and p.latitude is not None]
    if got and len({p.name for p in got}) == 1:
        return Found(place=got[0], reasons=(f"place taken from elsewhere in the article: {got[0].text!r}",))
    return None


def lead_date_fallback(m: Mention, infos: list[SentInfo], art: Article) -> Found | None:
    """An undated event in a dated news report (not an earlier incident it recalls) happened shortly before
    publication: the week up to the publication date, flagged for review (never used without a publication date)."""
    if m.resolved.known or m.dates or m.prior or art.published is None or m.k < 0:
        return None
    pub = art.published
    return Found(resolved=D.Resolved(pub - timedelta(days=7), pub, "week", "no date in the text: the week before publication"),
                 reasons=("date: no date in the text; the week before publication assumed",))


def article_place_fallback(m: Mention, infos: list[SentInfo], dominant: str, mentions: list[Mention],
                           rules: R.Rules) -> Found | None:
    """An event whose sentences name only the border or the country takes the place the article names for the
    violence elsewhere (a sentence with an event cue), or else the one place it names at all, when all such places
    lie together (within 75 km) in the event's country."""
    if m.prior:
        return None
    if m.place is not None:
        return _refine_from_article(m, infos, mentions, rules)
    country = (m.border.country if m.border and m.border.country else "") or dominant
    if not country:
        return None
    # a border pair named at the event ('the Kyrgyz-Tajik border'): a place on either side of it may be the place
    countries = set(m.border.border.split("-")) if m.border is not None and m.border.border else {country}
    capitals = rules.scope_areas.get("capital", frozenset())

    # a photo caption or teaser above the story ('Borderguards patrolling ... The road from Dushanbe through the
    # Pamir') is not where it happened: places without a cue nearby count only from the first report of violence on
    first_event = story_start(infos)

    taken = _others(m, mentions)

    def candidates(with_cue: bool, others_too: bool = False) -> list[P.Place]:
        out = []
        for n, info in enumerate(infos):
            if abs(n - m.k) > ARTICLE_WINDOW:
                continue
            if not with_cue and n < first_event:
                continue
            if id(info) in taken and not others_too:  # another event's sentence
                continue
            cues = [c for c in info.cues if c.violent]
            if with_cue and not cues:
                continue
            out += [p for p in places_of(info, rules) if p.in_region and p.eventive and p.feature_code != "PCLI"
                    and (p.country in countries or others_too) and p.latitude is not None
                    and p.name.casefold() not in capitals
                    and (not with_cue or min(abs(p.start - c.start) for c in cues) <= CUE_NEAR)]
        return out
    # with only a side of a border named at the event, only a place named next to the violence elsewhere may refine it;
    # last, the one place the whole article names for its events ('clashes in Jawzjan province ... a civilian killed')
    passes = ((True, False),) if m.border is not None and not m.border.border else ((True, False), (False, False),
                                                                                   (False, True))
    for with_cue, others_too in passes:
        got = candidates(with_cue, others_too)
        if not got:
            continue
        first = got[0]
        if all(float(geodesic_km(first.latitude, first.longitude, p.latitude, p.longitude)) <= P.SAME_PLACE_KM for p in got):
            place = refine(min(got, key=lambda p: p.rank), got)
            return Found(place=place, reasons=(f"place taken from elsewhere in the article: {place.text!r}",))
        return None
    return None


def _refine_from_article(m: Mention, infos: list[SentInfo], mentions: list[Mention], rules: R.Rules) -> Found | None:
    """An event placed only in a province, and one place inside that province named elsewhere in the article (not in
    another event's sentences): 'shells fell in Surkhandarya region ... four houses damaged in Termez' -> Termez."""
    if m.place.rank < 2 or not m.place.admin1:
        return None
    taken = _others(m, mentions)
    got = [p for info in _near(m, infos) if id(info) not in taken
           for p in places_of(info, rules) if p.in_region and p.eventive and p.rank < m.place.rank
           and p.country == m.place.country and p.admin1 == m.place.admin1 and p.latitude is not None]
    if not got or len({(p.latitude, p.longitude) for p in got}) > 1:
        return None
    return Found(place=got[0], reasons=(f"place refined from elsewhere in the article: {got[0].text!r}",))


def _others(m: Mention, mentions: list[Mention]) -> set[int]:
    """id() of the sentences that belong to the article's other events (those told near it: see _near)."""
    return {id(i) for o in mentions if o is not m and abs(o.k - m.k) <= ARTICLE_WINDOW for i in o.infos}


def _near(m: Mention, infos: list[SentInfo]) -> list[SentInfo]:
    """The sentences an article-level step looks at for `m`: the whole of any real article (ARTICLE_WINDOW sentences
    either side), so that a megabyte of text is still read in linear time."""
    return infos[max(0, m.k - ARTICLE_WINDOW): m.k + ARTICLE_WINDOW + 1] if m.k >= 0 else infos[:2 * ARTICLE_WINDOW]
