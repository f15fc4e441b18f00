"""The per-article pipeline: every step from an article's sentences to its rows, in order (build_rows).

Analyse the sentences, find event mentions, give each its date, place and type, merge repeated tellings,
complete dates and places from the article, drop what is out of scope, and turn each mention into a row.
"""

from __future__ import annotations

from datetime import date, timedelta

from . import classify as C
from . import dates as D
from . import rules as R
from .analyse import add_ner_places, analyse, article_countries, reference_date
from .article import Article
from .tolls import choose_counts, groups
from .fields import COLUMNS, EXTRA_COLUMNS, EXTRACTOR_VERSION, to_row
from .merge import merge_compatible, merge_mentions
from .mentions import Mention, find_mentions
from .scope import outside_region
from .sides import advisory_setting, crossing_setting, heard_across, soldiers_crossed
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
        if m.today and not m.resolved.known and art.published:
            m.resolved = news_days(art.published)
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
            if m.truce:  # a ceasefire agreed, told without a date: in the week before publication
                apply(m, lead_date_fallback(m, infos, art))
    # 4. scope, and one event told twice (now that dates and places are complete)
    mentions = [m for m in mentions if not (m.group == "violent" and outside_region(m, article_border, rules))]
    mentions = merge_compatible(mentions, lang, rules, art.published)
    for m in mentions:  # the merged event's type, from all its tellings' cues and actors
        m.event_type, m.type_reason = _event_type(m, lang, rules)
        if m.type_reason == C.CROSSED:
            crossing_setting(m, dominant, art, infos, rules)
        elif m.group == "violent":
            heard_across(m, dominant, article_border, art, infos, rules)  # sides.py: which side of the border
        else:
            advisory_setting(m, dominant, art, rules)
    return [to_row(art, m, dominant, article_border, rules) for m in mentions]


def news_days(published: date) -> D.Resolved:
    """The date of a development a report tells as its news without a date: the publication day or the day before."""
    return D.Resolved(published - timedelta(days=1), published, "week",
                      f"told as done in the lead of a report published on {published.isoformat()}: that day or the day before")


def _event_type(m: Mention, lang: str, rules: R.Rules, final: bool = True) -> tuple[str, str]:
    """The type of a mention; the sides its figures count decide it only for the whole (merged) event (`final`):
    a telling that gives no toll would otherwise type one event two ways and keep its tellings apart."""
    if m.group != "violent":
        return C.STRATEGIC, "strategic cue"
    killed = choose_counts(m, lang, rules)[0]
    if not final:
        return C.resolve_type(m.cues, m.actors, killed)
    sides = frozenset(g for kind in ("killed", "injured") for g in groups(m, lang, rules, kind))
    return C.resolve_type(m.cues, m.actors, killed, sides, one_sided=True,
                          soldiers_crossed=soldiers_crossed(m, lang, rules))
