"""Scope: the told events that are not incidents of this dashboard.

Background history, events outside the region, wording about many incidents, simulated fighting in exercises,
developments without security content.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from . import dates as D
from . import places as P
from . import rules as R
from .analyse import SentInfo
from .article import Article


HISTORY_YEARS = 2  # an event dated this long before the article's reference date is background history


HISTORIC_CUE = re.compile(r"(?<!\d)((?:1[89]|20)\d\d)\s*(?:-?year-old\s+)?$")


def is_history(d: D.DateMention, ref: date | None) -> bool:
    """Is this date background history (a decade, or more than HISTORY_YEARS before the reference date)?"""
    if d.kind == "decade":
        return True
    r = D.resolve(d, None, ref.year if ref else None)
    if not r.known:
        return False
    end = r.end_date or r.event_date
    if ref is None:
        return d.kind == "year"
    return end < ref - timedelta(days=365 * HISTORY_YEARS)


def _historic_cue(info: SentInfo, cue, ref: date | None) -> bool:
    """'a 1973 treaty', 'the 2021 agreement': a strategic noun dated by a past year is background, not news."""
    before = info.sent.text[max(0, cue.start - info.sent.start - 12): cue.start - info.sent.start]
    m = HISTORIC_CUE.search(before)
    after = info.sent.text[cue.end - info.sent.start: cue.end - info.sent.start + 14]
    m2 = re.match(r"\s+(?:of\s+)?((?:1[89]|20)\d\d)\b", after)
    year = int((m or m2).group(1)) if (m or m2) else None
    return year is not None and (ref is None or year < ref.year - 1)


SECURITY_KINDS_RE = re.compile(r"advisor|evacuat|deploy|patrol|exercise|drill|closed|closure|mobili|reserve|reinforce|"
                               r"эвакуац|разверт|патрул|учени|закрыт|мобилиз|переброс|техник|стягива|"
                               r"стянул|^urg|^advis|^warn|^remind|parade|парад", re.I)


ADVISORY = re.compile(r"^(?:urg|advis|warn|remind|(?:is|are|were) (?:urged|advised))", re.I)  # an advisory cue (event_cues)


# a ceasefire agreed or reached (not negotiated, announced or failed): a development of its own wherever told
CEASEFIRE_AGREED = re.compile(r"\b(?:agreed (?:to|on|upon)|reached|managed to reach) (?:a |an )?(?:\w+ )?(?:ceasefire|cease-fire|truce)|"
                              r"договорил\w* (?:\w+ ){0,2}о (?:прекращени\w+ огня|перемири\w*)|"
                              r"(?:достигли|заключили) (?:\w+ )?(?:перемири\w*|соглашени\w+ о прекращении огня)", re.I)


EXERCISE = re.compile(r"\b(?:military |joint |tactical )?(?:exercises?|drills|manoeuvres|maneuvers)\b|\bучени[яйе]\w*|"
                      r"\bманевр\w*|\bучебн\w+", re.I)


FRAMED_REPORT = re.compile(r"(?:в рамках|в ходе|во время|during|at)\s+(?:\w+\s+){0,2}(?:встречи|переговоров|meeting|talks)\b"
                           r".{0,200}?(?:сообщил\w*|заявил\w*|said|reported|told|informed)\W+(?:\w+\W+){0,3}?(?:что|that)\b",
                           re.I | re.S)


def _framed_report(m) -> bool:
    """«28 августа в рамках рабочей встречи ... сообщили, что 15 августа ...»: the meeting is where something was
    reported, not the development the sentence tells."""
    return bool(FRAMED_REPORT.search(m.infos[0].sent.text))


def _security_content(m, infos: list[SentInfo], art: Article, lang: str, rules: R.Rules) -> bool:
    """A strategic development needs security content: a cue that is one (advisory, evacuation, deployment, joint
    patrol, exercise, border closure) or security words (border, ceasefire, troops, demarcation...) in its sentence,
    the next one, or the article's title; a visit, meeting or agreement alone (trade, aid, a pipeline) is not one."""
    if any(SECURITY_KINDS_RE.search(c.text) for c in m.cues):
        return True
    nxt = [infos[m.k + 1].sent.text] if 0 <= m.k < len(infos) - 1 else []
    text = " ".join([i.sent.text for i in m.infos] + nxt + [art.meta.get("title", "")])
    return bool(R.search(rules.security_terms, lang, text))


def _generic(m, info: SentInfo, lang: str, ref: date | None, rules: R.Rules) -> bool:
    """'Clashes have sporadically flared on the border', 'the third such attack this month': wording about many
    incidents (habitual_markers), or a sentence whose dates are all background history, with no day of its own."""
    own_day = any((d.kind in ("day", "night", "weekday") or (d.kind == "relative" and d.unit == "day"))
                  and not is_history(d, ref) for d in m.dates)  # 'this month's attacks' names no day
    if own_day:
        return False
    if R.search(rules.habitual, lang, info.sent.text):
        return True
    if m.dates and ref is not None and all(d.kind in ("year", "decade") and (d.year or ref.year) < ref.year for d in m.dates):
        return True  # 'In 2021, unprecedented clashes killed 50 people' in a 2022 report: background, not news
    if _summed_up(m, info, lang, ref, rules):
        return True  # 'In November, attacks targeted Chinese workers, killing five' in a February report
    return bool(info.dates) and all(is_history(d, ref) for d in info.dates) and not m.dates


SUMMARY_DAYS = 14  # months of incidents this long over before the report: a summary of them, not news


def _summed_up(m, info: SentInfo, lang: str, ref: date | None, rules: R.Rules) -> bool:
    """Several incidents (series_words: 'attacks', 'shelled twice') dated only by months that were over before the
    report: a summary of earlier incidents, which the article (or others) tells one by one."""
    if ref is None or not m.dates or not R.search(rules.series_words, lang, info.sent.text):
        return False
    if any(d.kind not in ("month", "part") for d in m.dates):
        return False
    ends = [D.resolve(d, ref, ref.year) for d in m.dates]
    return all(r.known and (r.end_date or r.event_date) < ref - timedelta(days=SUMMARY_DAYS) for r in ends)


def _history_spans(info: SentInfo, lang: str, rules: R.Rules) -> list[tuple[int, int]]:
    pat = rules.history.get(lang)
    return [(m.start() + info.sent.start, m.end() + info.sent.start) for m in pat.finditer(info.sent.text)] if pat else []


def out_of_scope(m, ref: date | None, lang: str, rules: R.Rules) -> bool:
    """Background history, or an event placed outside the region (by its own sentence)."""
    primary = m.infos[0]
    dates = m.dates
    if dates and all(is_history(d, ref) for d in dates):
        return True
    hist_spans = _history_spans(primary, lang, rules)
    if any(hs < d.end and d.start < he for hs, he in hist_spans for d in dates):
        return True
    if primary.history and not any(d.kind in ("day", "night", "part", "relative", "weekday") and not is_history(d, ref)
                                   for d in dates):
        return True
    local = [p for p in primary.places if p.in_region]
    specific_local = [p for p in local if p.feature_code != "PCLI"]
    if primary.out_of_region and not specific_local and not [b for b in primary.borders if b.border]:
        return True
    if primary.places and not local and not primary.borders:
        # a place outside the region ('gunmen from X') drops the place, not an event of the region's forces
        return m.group != "violent" or not (set(P.demonym_countries(primary.sent.text, rules) and
                                                 [c for _, c in P.demonym_countries(primary.sent.text, rules)])
                                             & P.REGION_COUNTRIES)
    return False


def outside_region(m, article_border: str, rules: R.Rules) -> bool:
    """Violence on Afghanistan's borders with Iran or Pakistan, or deep inside Afghanistan, is not a Central Asian
    border incident (the scope_areas table)."""
    areas = rules.scope_areas
    out_borders = areas.get("out_border", frozenset())
    if m.border and m.border.border and m.border.border.casefold() in out_borders:
        return True
    p = m.place
    if p is not None:
        if p.country.casefold() in areas.get("out_country", frozenset()):
            return True
        if p.country == "AFG" and p.admin1 and p.admin1.casefold() not in areas.get("af_borderland", frozenset()):
            return True
        return False
    if m.border and m.border.country and m.border.country.casefold() in areas.get("out_country", frozenset()):
        return True
    if m.border is not None and not m.border.border and article_border.casefold() in out_borders:
        return True
    return False
