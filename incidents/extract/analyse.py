"""Per-sentence analysis of an article: the dates, cues, actors, places, borders and counts found in each sentence."""

from __future__ import annotations

import calendar
import re
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date

from . import classify as C
from . import counts as N
from . import dates as D
from . import places as P
from . import rules as R
from .article import Article, Sentence
from .roles import DATELINE_FULL

NEVER = re.compile(r"(?!x)x")
STRATEGIC_LEAD = 4  # body sentences in which an undated development may be news (mentions.STRATEGIC_LEAD)


@dataclass
class SentInfo:
    sent: Sentence
    dates: list[D.DateMention]
    cues: list[C.CueHit]
    actors: list[C.ActorHit]
    places: list[P.Place]
    borders: list[P.BorderMention]
    counts: list[N.Count]
    out_of_region: list[str]
    history: list[str]
    prefer: frozenset[str] = frozenset()  # countries the article's unambiguous places lie in (see _disambiguate)
    looked: bool = False  # places looked up (places_of caches them here)
    ner_done: bool = False  # natasha's location spans added (add_ner_places)


def analyse(art: Article, rules: R.Rules) -> list[SentInfo]:
    """Dates and cues for every sentence; places, actors, borders and counts only where an event can be
    (a sentence with a cue, and the sentence after it), which keeps extraction fast."""
    lang = art.language
    body = art.body_sentences()
    dates = [D.find_dates(s.text, lang, s.start, rules) for s in body]
    cues = [C.find_cues(s.text, lang, s.start, rules) for s in body]
    violent = {k for k, c in enumerate(cues) if any(h.violent for h in c)}
    # A strategic development needs a date or the lead sentence (see mentions.anchored); skip the rest early.
    strategic = {k for k, c in enumerate(cues) if c and (dates[k] or k < STRATEGIC_LEAD)}
    casualty_word = rules.casualty_any.get(lang, NEVER)
    skips = [[(d.start - s.start, d.end - s.start) for d in dates[k]] for k, s in enumerate(body)]
    # counts everywhere: 'Погибли также двое сотрудников погранслужбы.' carries no event cue of its own
    counts = [N.find_counts(s.text, lang, s.start, skips[k], rules) if casualty_word.search(s.text) else []
              for k, s in enumerate(body)]
    casualties = {k for k, c in enumerate(counts) if any(not x.total for x in c)}  # may report an event by itself
    wanted = violent | {k + 1 for k in violent} | strategic | casualties
    infos = []
    for k, s in enumerate(body):
        if k not in wanted:
            infos.append(SentInfo(s, dates[k], cues[k], [], [], [], counts[k], [], []))
            continue
        infos.append(SentInfo(
            sent=s, dates=dates[k], cues=cues[k],
            actors=C.find_actors(s.text, lang, s.start, rules),
            places=P.find_places(s.text, s.start, rules=rules),
            borders=P.find_borders(s.text, s.start, rules, lang),
            counts=counts[k] if casualty_word.search(s.text) else [],
            out_of_region=C.out_of_region_terms(s.text, lang, rules),
            history=C.history_terms(s.text, lang, rules),
        ))
    _disambiguate(infos, rules)
    for info in infos:
        _datelines(info)
    return infos


def _datelines(info: SentInfo) -> None:
    """A sentence opening with a dateline ('Beijing, Nov 28 (PTI) ...', «Бишкек, 05.04.22. /Кабар/.»): its date is the
    day the story was filed (a report date), and words of a date are not places ('Nov' is also a town). The dateline's
    place need not be in the gazetteer (Beijing is not)."""
    info.places = _not_dates(info.places, info.dates)
    if not info.dates:
        return
    text, s0 = info.sent.text, info.sent.start
    head = next((p.end - s0 for p in info.places if p.role == "dateline"), None)
    if head is None and (w := DATELINE_WORDS.match(text)):
        head = w.end()
    if head is not None and (m := DATELINE_FULL.match(text, head)):
        end = s0 + m.end()
        info.dates = [replace(d, report=True) if d.start < end and d.kind in REPORTABLE else d for d in info.dates]


DATELINE_WORDS = re.compile(r"\s*[A-ZА-ЯЁ][\w'’.-]*(?:\s+[A-ZА-ЯЁ][\w'’.-]*){0,2}")  # the place a dateline opens with


REPORTABLE = ("day", "weekday", "relative")  # date kinds a report date may have (dates._reported)


def _not_dates(places: list[P.Place], dates: list[D.DateMention]) -> list[P.Place]:
    return [p for p in places if not any(d.start <= p.start < d.end for d in dates)]


def add_ner_places(info: SentInfo, rules: R.Rules) -> bool:
    """A Russian sentence that reports an event but where the capitalised-name scan found no place in the region:
    add natasha's location spans found in the gazetteer (see russian.py); True when it added one. Run at most once
    per sentence, and only for event sentences (the NER model takes a few milliseconds a sentence)."""
    if info.ner_done or any(p.in_region and p.feature_code != "PCLI" for p in info.places):
        return False
    info.ner_done = True
    extra = P.ner_places(info.sent.text, info.sent.start, info.places, countries=info.prefer, rules=rules)
    info.places = sorted(info.places + extra, key=lambda p: p.start)
    return bool(extra)


def _disambiguate(infos: list[SentInfo], rules: R.Rules) -> None:
    """A name two countries share (Badakhshan), written without a qualifier, is read in the country of the article's
    other, unambiguous places ('... in Badakhshan province. ... in the Dawong area of Shahr-e-Buzurg district')."""
    votes: Counter = Counter(p.country for info in infos for p in info.places
                             if not p.alts and p.in_region and p.feature_code != "PCLI" and p.latitude is not None)
    top = max(votes.values(), default=0)
    prefer = frozenset(c for c, n in votes.items() if n == top and n > 0)
    for info in infos:
        info.prefer = prefer
        if any(p.alts and votes[c] > votes[p.country] for p in info.places for c in p.alts):
            info.places = P.find_places(info.sent.text, info.sent.start, countries=prefer, rules=rules)


def places_of(info: SentInfo, rules: R.Rules) -> list[P.Place]:
    """The places of a sentence: those found by `analyse`, else looked up now (sentences without an event cue)."""
    if not info.places and not info.looked:
        info.places = _not_dates(P.find_places(info.sent.text, info.sent.start, countries=info.prefer, rules=rules),
                                 info.dates)
        info.looked = True
    return info.places


def reference_date(art: Article, infos: list[SentInfo]) -> date | None:
    """Publication date, else the latest fully stated date in the article (used to recognise old history)."""
    if art.published:
        return art.published
    if art.published_month:  # 'published: 2021-05': the month's last day bounds the article's dates
        y, mo = art.published_month
        return date(y, mo, calendar.monthrange(y, mo)[1])
    best = None
    for info in infos:
        for d in info.dates:
            if d.kind in ("day", "night", "part", "month") and d.year:
                r = D.resolve(d, None)
                if r.known and (best is None or r.event_date > best):
                    best = r.event_date
    return best


def article_countries(art: Article, infos: list[SentInfo], rules: R.Rules) -> tuple[str, str]:
    """(dominant Central Asian country, dominant border pair) of the article, for border-level events.

    Afghanistan is named in nearly every story about its borders, so the dominant country is the most
    named Central Asian country other than Afghanistan, when there is one.
    """
    counts: Counter = Counter()
    borders: Counter = Counter()
    body = " ".join(i.sent.text for i in infos)
    for _, iso3 in P.demonym_countries(body, rules):
        if iso3 in P.REGION_COUNTRIES:
            counts[iso3] += 1
    for b in P.find_borders(body, rules=rules, lang=art.language):
        if b.border:
            borders[b.border] += 1
    non_afg = [(n, c) for c, n in counts.items() if c != "AFG"]
    country = max(non_afg)[1] if non_afg else ("AFG" if counts else "")
    border = borders.most_common(1)[0][0] if borders else ""
    return country, border


def story_start(infos: list[SentInfo]) -> int:
    """The first body sentence that reports something: a violent cue, or a date with a count. Paragraphs above it
    ('Borderguards patrolling the border ...', 'Illustrative photo.') are captions or teasers, not the event's setting."""
    return next((i for i, info in enumerate(infos) if not info.sent.heading
                 and (any(c.kind in STORY_KINDS for c in info.cues) or (info.dates and info.counts))), 0)


# what happens in a story ('a known drug corridor for opium and heroin' in a caption is not a report of anything)
STORY_KINDS = frozenset({"armed_clash", "attack", "remote_violence", "security_operation"})
