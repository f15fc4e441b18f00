"""The per-article pipeline: every step from an article's sentences to its rows, in order (build_rows).

Analyse the sentences, find event mentions, give each its date, place and type, merge repeated tellings,
complete dates and places from the article, drop what is out of scope, and turn each mention into a row.
"""

from __future__ import annotations

import re

from . import classify as C
from . import places as P
from . import rules as R
from .analyse import add_ner_places, analyse, article_countries, places_of, reference_date
from .article import Article
from .tolls import choose_counts, groups
from .fields import COLUMNS, EXTRA_COLUMNS, EXTRACTOR_VERSION, to_row
from .merge import merge_compatible, merge_mentions
from .mentions import Mention, find_mentions
from .scope import outside_region
from .setting import (apply, article_place_fallback, choose_date, choose_place, forward_setting, inherit_setting,
                      lead_date_fallback, same_place, strategic_place)

__all__ = ["COLUMNS", "EXTRA_COLUMNS", "EXTRACTOR_VERSION", "build_rows"]


def build_rows(art: Article, rules: R.Rules | None = None) -> list[dict]:
    """The incident rows of one article (not clustered)."""
    rules = rules or R.load()
    lang = art.language
    infos = analyse(art, rules)
    ref = reference_date(art, infos)
    dominant, article_border = article_countries(art, infos, rules)
    mentions = find_mentions(art, infos, ref, rules)
    # 1. each mention on its own: date, place (borrowed from the sentences around a violent event), type
    for m in mentions:
        m.resolved, m.date_mention = choose_date(m, art, ref)
        m.place, m.border = choose_place(m, rules)
        if m.place is None and lang == "ru" and add_ner_places(m.infos[0], rules):
            m.place, m.border = choose_place(m, rules)  # «на участке Росровут района Деваштич»: natasha's spans
        if m.group == "violent":
            apply(m, inherit_setting(m, infos, mentions, art, ref, rules))
            apply(m, forward_setting(m, infos, mentions, art, ref, rules))
            apply(m, same_place(m, mentions, lang, rules))
        m.event_type, m.type_reason = _event_type(m, lang, rules, final=False)
    # 2. the same event told again
    mentions = merge_mentions(mentions, lang, rules, art.published)
    # 3. what is still missing, from the rest of the article
    for m in mentions:
        if m.group == "violent":
            apply(m, lead_date_fallback(m, infos, art))
            apply(m, article_place_fallback(m, infos, dominant, mentions, rules))
        else:
            if m.k < 2 and not m.resolved.known:  # 'Uzbekistan closed the border ... the ministry said on Monday'
                apply(m, forward_setting(m, infos, mentions, art, ref, rules))
            apply(m, strategic_place(m, infos, mentions, rules))
    # 4. scope, and one event told twice (now that dates and places are complete)
    mentions = [m for m in mentions if not (m.group == "violent" and outside_region(m, article_border, rules))]
    mentions = merge_compatible(mentions, lang, rules, art.published)
    for m in mentions:  # the merged event's type, from all its tellings' cues and actors
        m.event_type, m.type_reason = _event_type(m, lang, rules)
        if m.type_reason == C.CROSSED:
            crossing_setting(m, dominant, art, infos, rules)
        elif m.group == "violent":
            heard_across(m, dominant, article_border, art, infos, rules)
    return [to_row(art, m, dominant, article_border, rules) for m in mentions]


def _event_type(m: Mention, lang: str, rules: R.Rules, final: bool = True) -> tuple[str, str]:
    """The type of a mention; the sides its figures count decide it only for the whole (merged) event (`final`):
    a telling that gives no toll would otherwise type one event two ways and keep its tellings apart."""
    if m.group != "violent":
        return C.STRATEGIC, "strategic cue"
    killed = choose_counts(m, lang, rules)[0]
    if not final:
        return C.resolve_type(m.cues, m.actors, killed)
    sides = frozenset(g for kind in ("killed", "injured") for g in groups(m, lang, rules, kind))
    return C.resolve_type(m.cues, m.actors, killed, sides, one_sided=True, soldiers_crossed=soldiers_crossed(m, lang, rules))


def crossing_setting(m: Mention, dominant: str, art: Article, infos, rules: R.Rules) -> None:
    """Soldiers who crossed the border are on the side they crossed to ('fled into Tajikistan', «на территорию
    Таджикистана», else the article's country): the event keeps a place on that side, or a district on the other
    (where they crossed), never the province they were routed in or the town others fled to; else the border."""
    into = [p.country for c in m.cues if c.kind == "crossing" for i in m.infos if i.sent.start <= c.start < i.sent.end
            for p in i.places if p.feature_code == "PCLI" and p.in_region and p.start >= c.start]
    if not into:  # 'Hundreds of Afghan troops flee the Taliban into Tajikistan' (title), '... fled into neighbouring
        # Tajikistan' (lead): a country named in the title, the lead or the event's sentences, other than the one fled
        texts = [(art.meta.get("title", ""), 0)] + [(i.sent.text, i.sent.start) for i in infos[:LEAD] + m.infos]
        into = [p.country for t, o in texts for p in P.find_places(t, o, rules=rules)
                if p.feature_code == "PCLI" and p.in_region and p.country != ORIGIN]
    m.side = into[0] if into else dominant
    p = m.place
    if p is None or (p.country == m.side and p.feature_code != "ADM1") or (p.country != m.side and p.feature_code == "ADM2"):
        return
    m.reasons.append(f"{p.text!r} is where the soldiers came from or fled to, not where they crossed")
    m.place = None


HEARD = re.compile(r"\b(?:(?:was|were|could be|be) heard|heard (?:from|across)|слыш\w+|доносил\w+)", re.I)


def heard_across(m: Mention, dominant: str, article_border: str, art: Article, infos, rules: R.Rules) -> None:
    """Explosions or shooting only heard from across the border («из соседней страны было слышно два мощных взрыва»,
    «с афганской территории доносились звуки взрывов»): the event is on the other side (the article's border pair,
    else Afghanistan when the article names it), not where the hearers live."""
    if not dominant or not HEARD.search(m.infos[0].sent.text) or (m.place is not None and m.place.country != dominant):
        return
    pair = article_border.split("-") if article_border else []
    if dominant in pair and len(pair) == 2:
        m.side = pair[1] if pair[0] == dominant else pair[0]
    elif dominant != ORIGIN and any(iso == ORIGIN for _, iso in P.demonym_countries(art.text, rules)):
        m.side = ORIGIN
    else:
        return
    if m.place is not None:
        m.reasons.append(f"{m.place.text!r} is where it was heard, not where it happened")
    # «Звуки доносились из Тургунди – афганского поселка»: the place the sounds came from, in the telling or the next
    near = m.infos + infos[m.k + 1:m.k + 2] if m.k >= 0 else m.infos
    there = [p for i in near for p in places_of(i, rules) if p.country == m.side and p.in_region
             and p.feature_code != "PCLI" and p.latitude is not None]
    m.place = min(there, key=lambda p: p.role != "origin") if there else None  # 'from X' names the source first


ORIGIN = "AFG"  # the country soldiers flee from in this region's news (Afghan troops into Tajikistan, Uzbekistan)
LEAD = 3  # body sentences that may name where soldiers fled to
CROSSER_SPAN = 150  # characters before a crossing cue, in its sentence, that may name who crossed


def soldiers_crossed(m: Mention, lang: str, rules: R.Rules) -> bool:
    """Does a crossing cue of the event have soldiers (the 'forces' victim group's words) as its subject: 'Afghan
    troops crossed the border', «военнослужащих ... пересекли государственную границу»?"""
    forces = [pat for g, pat in rules.victim_groups.get(lang, ()) if g == "forces"]
    for c in m.cues:
        if c.kind != "crossing":
            continue
        for info in m.infos:
            if info.sent.start <= c.start < info.sent.end:
                before = info.sent.text[max(0, c.start - info.sent.start - CROSSER_SPAN):c.start - info.sent.start]
                if any(p.search(before) for p in forces):
                    return True
    return False
