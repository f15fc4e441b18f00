"""Which side of the border an event lies on: soldiers who crossed, violence heard across, an embassy's advisory."""

from __future__ import annotations

import re

from . import places as P
from . import rules as R
from .analyse import SentInfo, places_of
from .article import Article
from .mentions import Mention
from .scope import ADVISORY


def crossing_setting(m: Mention, dominant: str, art: Article, infos: list[SentInfo], rules: R.Rules) -> None:
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


def heard_across(m: Mention, dominant: str, article_border: str, art: Article, infos: list[SentInfo], rules: R.Rules) -> None:
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


EMBASSY_IN = re.compile(r"\b(?:[Ee]mbassy|[Cc]onsulate)(?: of [\w’'-]+)? in ([A-Z][\w-]+)")


def advisory_setting(m: Mention, dominant: str, art: Article, rules: R.Rules) -> None:
    """An advisory to leave the border area (an embassy's warning after an attack) is about that area, not the place of
    the attack that prompted it: no place of its own, on the side of the country the embassy is in ('the Chinese
    Embassy in Afghanistan'; the embassy named in the article, else the article's country). A ceasefire agreed has
    no place of its own either (the gold sets keep it at the border)."""
    if m.group == "violent":
        return
    if m.truce:  # «Бишкек и Душанбе договорились о прекращении огня»: the capitals are the parties, not the place
        if m.place is not None:
            m.reasons.append(f"{m.place.text!r} names a party to the ceasefire, not its place")
        m.place = None
        return
    if not any(ADVISORY.search(c.text) for c in m.cues):
        return
    texts = [i.sent.text for i in m.infos] + [art.text]
    hosts = [p.country for t in texts for h in EMBASSY_IN.finditer(t) for p in P.find_places(h.group(1), 0, rules=rules)
             if p.feature_code == "PCLI" and p.in_region]
    if m.place is not None:
        m.reasons.append(f"{m.place.text!r} is where the violence that prompted the advisory was, not its place")
        m.place = None
    m.side = hosts[0] if hosts else dominant
