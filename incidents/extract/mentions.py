"""Event mentions: which sentences report a specific event, how each is anchored, and the sentences that carry it on.

A mention is anchored by its own date, toll or named victims, by the sentences that set it (before) or complete it
(after), by a violent title, or by the lead; casualty phrases stand in as cues. Scope filters live in scope.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from . import classify as C
from . import counts as N
from . import dates as D
from . import places as P
from . import rules as R
from .analyse import STRATEGIC_LEAD, SentInfo  # body sentences in which an undated development may be news
from .article import Article
from .scope import (ADVISORY, CEASEFIRE_AGREED, EXERCISE, SECURITY_KINDS_RE, _framed_report, _generic, _historic_cue,  # noqa: F401 - is_history
                    _security_content, is_history, out_of_scope)

SETTING_BACK = 2  # sentences before an event that may give its date and place ('On 29 January five men crossed ...')
CONTINUE_SENTENCES = 3  # sentences after a violent event's sentence that may carry it on
TITLE_LEAD = 6  # body sentences in which a violent title's event may be told without a date or a toll
MAX_NOTED = 20  # events a total over several incidents is noted on
@dataclass
class Mention:
    """One event as the article tells it. Found here; its date, place and type are filled in by the steps of
    assemble.build_rows, in the order given there."""

    group: str  # 'violent' or 'strategic'
    infos: list[SentInfo]
    cues: list[C.CueHit]
    dates: list[D.DateMention]
    counts: list[N.Count] = field(default_factory=list)
    actors: list[C.ActorHit] = field(default_factory=list)
    resolved: D.Resolved | None = None
    date_mention: D.DateMention | None = None
    place: P.Place | None = None
    border: P.BorderMention | None = None
    event_type: str = ""
    type_reason: str = ""
    reasons: list[str] = field(default_factory=list)
    k: int = -1  # index of the primary sentence in the article's body sentences
    prior: bool = False  # the sentence recalls an earlier incident ('a similar attack on 26 November')
    side: str = ""  # the country whose side of the border a border-level event is on, when the event says so
    today: bool = False  # an undated development told as done in the first sentences: news of the publication day
    truce: bool = False  # an undated ceasefire agreed, wherever told: news of the days before publication

    @property
    def start(self) -> int:
        return min(i.sent.start for i in self.infos)

    @property
    def end(self) -> int:
        return max(i.sent.end for i in self.infos)


def find_mentions(art: Article, infos: list[SentInfo], ref: date | None, rules: R.Rules) -> list[Mention]:
    """The article's event mentions, in order: one per sentence and group (violent, strategic) that reports a
    specific event, with the sentences that carry it on; out-of-scope ones and tallies are left out."""
    lang = art.language
    mentions: list[Mention] = []
    consumed: set[tuple[int, str]] = set()
    # the title reports violence ('Shootout on the border'): the first telling of violence in the lead is that event
    title = art.meta.get("title", "")
    # an article about an exercise tells simulated fighting ('mobile groups engaged the notional militants')
    exercise = bool(EXERCISE.search(" ".join([title] + [i.sent.text for i in infos[:2]])))
    headline = any(c.kind in EVENT_KINDS for c in C.find_cues(title, lang, 0, rules)) and not R.search(rules.denial, lang, title)
    for k, info in enumerate(infos):
        cues = info.cues or _casualty_cues(info)
        if not cues:
            continue
        groups = {"violent": [c for c in cues if c.violent], "strategic": [c for c in cues if not c.violent]}
        owner = _date_owners(info, groups)
        if groups["strategic"]:
            groups["strategic"] = [c for c in groups["strategic"] if not _historic_cue(info, c, ref)]
        for group, cues in groups.items():
            if not cues or (k, group) in consumed:
                continue
            violent = group == "violent"
            m = Mention(group, [info], cues, [d for d in info.dates if owner[id(d)] == group],
                        counts=list(info.counts) if violent else [], actors=list(info.actors), k=k,
                        prior=bool(R.search(rules.prior_markers, lang, info.sent.text)))
            # a lead sentence that reports violence is about the violence ('battles ... despite ceasefire agreement')
            lead = k == 0 and not (group == "strategic" and groups["violent"])
            if not info.cues:
                m.prior = False  # «Ранее ... сообщал о 24 погибших»: an earlier report of figures, not an earlier event
            if violent and not m.dates and _after_tally(infos, k, lang, rules):
                continue  # '22 skirmishes this year. Twelve trespassers have been killed': the tally goes on
            violence_near = any(c.violent for i in infos[:STRATEGIC_LEAD + 2] for c in i.cues)
            m.today = not violent and not recent_dates(m, ref) and (lead or news_of_the_day(m, info, lang, rules)) \
                and not _ahead(m, info, lang, rules)
            m.truce = not violent and not m.today and not m.prior and not recent_dates(m, ref) \
                and bool(CEASEFIRE_AGREED.search(info.sent.text))
            if not anchored(m, info, lead, lang, ref, rules, violence_near) and not (
                    violent and not _modal(m, info, lang, rules) and (
                        _set_before(infos, k, ref) or (_eventive(m) and _set_after(infos, k, ref, lang, rules))
                        or (headline and _eventive(m) and not any(o.group == "violent" for o in mentions)
                            and k < TITLE_LEAD))):
                continue
            if violent and (R.search(rules.denial, lang, info.sent.text)
                            or (exercise and not any(not c.total for c in m.counts))):
                continue  # «информация ... о якобы ракетном обстреле ... не соответствует действительности»
            if violent:
                following = continuation(infos, k, lang, consumed, rules)
                consumed.update((j, "violent") for j in following)
                m = _carried_on(m, [infos[j] for j in following])
            if out_of_scope(m, ref, lang, rules) or (violent and _generic(m, info, lang, ref, rules)) \
                    or (not violent and (not _security_content(m, infos, art, lang, rules) or _framed_report(m))):
                continue
            mentions.append(m)
    return _drop_total_summaries(mentions, lang, rules)


def _date_owners(info: SentInfo, groups: dict[str, list[C.CueHit]]) -> dict[int, str]:
    """id(date) -> the group ('violent' or 'strategic') of the cue nearest to each date of the sentence."""
    cue_list = [c for g in ("violent", "strategic") for c in groups[g]]
    spans = [(c.start, c.end) for c in cue_list]
    return {id(d): ("violent" if cue_list[_nearest(spans, (d.start, d.end))].violent else "strategic")
            for d in info.dates}


def _nearest(cue_spans: list[tuple[int, int]], span: tuple[int, int]) -> int:
    def dist(a, b):
        return max(0, max(a[0], b[0]) - min(a[1], b[1]))
    return min(range(len(cue_spans)), key=lambda k: dist(cue_spans[k], span))


def _drop_total_summaries(mentions: list[Mention], lang: str, rules: R.Rules) -> list[Mention]:
    """A sentence that sums up several incidents ('In total, five were killed in the two attacks') is not an
    incident of its own when the article reports the incidents themselves; its figures become a review note."""
    totals_re = rules.total_markers.get(lang)
    if totals_re is None:
        return mentions
    def is_summary(m: Mention) -> bool:
        return m.group == "violent" and bool(totals_re.search(m.infos[0].sent.text))
    others = [m for m in mentions if m.group == "violent" and not is_summary(m)]
    if not others:
        return mentions
    kept = []
    for m in mentions:
        if is_summary(m):
            for o in others[:MAX_NOTED]:
                o.reasons.append(f"the article also gives a total over several incidents: {m.infos[0].sent.text.strip()[:160]!r}")
            continue
        kept.append(m)
    return kept


def recent_dates(m: Mention, ref: date | None) -> list[D.DateMention]:
    return [d for d in m.dates if not is_history(d, ref)]


def anchored(m: Mention, info: SentInfo, lead: bool, lang: str, ref: date | None, rules: R.Rules,
             violence_near: bool = False) -> bool:
    """Is this a report of a specific event rather than analysis? Needs a date, a count, named victims, or the lead."""
    dates = recent_dates(m, ref)
    if m.group == "strategic":
        # a mobilisation, deployment, closure or exercise in the first paragraphs is news of the day, dated or not
        # (not the evacuation that follows a clash told in the same article)
        security = m.k < STRATEGIC_LEAD and any(SECURITY_KINDS_RE.search(c.text) for c in m.cues) \
            and not violence_near
        return bool(dates) or lead or security or m.today or m.truce
    if _modal(m, info, lang, rules) and not any(d.kind in ("day", "night") for d in dates):
        return False
    counts = [c for c in m.counts if not c.total]
    victims = any(a.category == "civilian" and a.canonical != "Civilians" for a in m.actors)
    return bool(dates) or bool(counts) or victims or bool(m.dates and not dates)


def news_of_the_day(m: Mention, info: SentInfo, lang: str, rules: R.Rules) -> bool:
    """'Japarov and Rahmon signed the treaty', 'the two leaders held a phone conversation': a development told as done
    (done_acts) in the first STRATEGIC_LEAD sentences of a report is the report's news, though it gives no date.
    An advisory (an embassy urging its citizens to leave the border area) is news wherever the report tells it."""
    if m.prior:
        return False
    return (m.k < STRATEGIC_LEAD and bool(R.search(rules.done_acts, lang, info.sent.text))) or any(
        ADVISORY.search(c.text) for c in m.cues)


def _ahead(m: Mention, info: SentInfo, lang: str, rules: R.Rules) -> bool:
    """Future wording just before one of the mention's cues ('the treaty is to be signed', «будет подписан»)."""
    text, o = info.sent.text, info.sent.start
    return any(R.search(rules.future_markers, lang, text[max(0, c.start - o - 40): c.start - o]) for c in m.cues)


def _after_tally(infos: list[SentInfo], k: int, lang: str, rules: R.Rules) -> bool:
    """The sentence before, in the same paragraph, counts many incidents (a total or habitual wording)."""
    if k == 0 or infos[k - 1].sent.paragraph != infos[k].sent.paragraph:
        return False
    before = infos[k - 1].sent.text
    totals = rules.total_markers.get(lang)
    return bool((totals is not None and totals.search(before)) or R.search(rules.habitual, lang, before))


def _modal(m: Mention, info: SentInfo, lang: str, rules: R.Rules) -> bool:
    """Hypothetical or future wording before the event's first cue ('could', 'threat of', «может»)."""
    first = min(c.start for c in m.cues)
    return bool(R.search(rules.modality, lang, info.sent.text[: first - info.sent.start][-60:]))


EVENT_KINDS = frozenset({"armed_clash", "attack", "remote_violence", "security_operation", "crossing"})


def _eventive(m: Mention) -> bool:
    """Does the mention name something that happened (a clash, an attack, a strike, an arrest), not only a trade or a
    tension ('smugglers', 'narcotics', 'build-up')?"""
    return any(c.kind in EVENT_KINDS for c in m.cues)


def _casualty_cues(info: SentInfo) -> list[C.CueHit]:
    """A sentence that reports people killed or wounded ('Two Kyrgyz citizens were shot dead', «погибли трое») without
    an event word of its own still reports violence: its casualty phrases stand in as cues (kind 'attack', resolved
    by the victims)."""
    return [C.CueHit(c.start, c.end, "attack", 1.0, c.text) for c in info.counts if not c.total]


def _set_after(infos: list[SentInfo], k: int, ref: date | None, lang: str, rules: R.Rules) -> bool:
    """'Clashes erupted ... in Badakhshan. The incident occurred on Saturday, October 24': a report whose date or toll
    comes in the next sentence (same or next paragraph, not an event or an earlier incident of its own)."""
    for j in (k + 1, k + 2):
        if j >= len(infos) or infos[j].sent.paragraph - infos[k].sent.paragraph > 1:
            return False
        nxt = infos[j]
        if R.search(rules.prior_markers, lang, nxt.sent.text) or nxt.history:
            return False
        # a sentence that tells an event of its own (a strong cue, not 'the incident occurred') dates that event
        own_event = any(c.violent and c.weight > 1 for c in nxt.cues) and not R.search(rules.anaphora, lang,
                                                                                      nxt.sent.text.lstrip())
        if any(d.kind in ("day", "night", "weekday", "relative") and not d.report and not is_history(d, ref)
               for d in nxt.dates) or any(not c.total for c in nxt.counts):
            return not own_event
        if own_event:
            return False
    return False


def _set_before(infos: list[SentInfo], k: int, ref: date | None) -> bool:
    """«21 августа 2022 года на острове ... была замечена группа. ... все нарушители были задержаны»: an action reported
    right after a sentence that sets a recent day (and has no event of its own) is a specific event."""
    for j in range(k - 1, max(-1, k - 1 - SETTING_BACK), -1):
        info = infos[j]
        if infos[k].sent.paragraph - info.sent.paragraph > SETTING_BACK:
            return False
        if any(c.violent and c.weight > 1 for c in info.cues):
            return False  # an event of its own ('the incident occurred on ...' only sets this one)
        if any(d.kind in ("day", "night") and not is_history(d, ref) for d in info.dates):
            return True
    return False


def continuation(infos: list[SentInfo], k: int, lang: str, consumed: set, rules: R.Rules,
                 depth: int = CONTINUE_SENTENCES) -> list[int]:
    """Indices of the sentences after sentence k that carry on its violent event ('The violence claimed the lives of
    five ...', «Тогда ... Погибли трое ...»): up to `depth` in a row. A sentence that only names the source
    ('Об этом сообщает Радио Озоди.') is looked past, and is not part of the evidence."""
    out: list[int] = []
    total_re = rules.total_markers.get(lang)
    while depth > 0 and k + 1 < len(infos):
        nxt = infos[k + 1]
        if nxt.sent.paragraph - infos[k].sent.paragraph > 1 or (k + 1, "violent") in consumed:
            break
        if not nxt.cues and not nxt.counts and R.search(rules.attribution, lang, nxt.sent.text.lstrip()):
            k += 1
            continue
        if R.search(rules.prior_markers, lang, nxt.sent.text) or (total_re is not None and total_re.search(nxt.sent.text)):
            break  # 'This year has seen 22 skirmishes ...', 'Last year ...': a tally or an earlier event, not this one
        if any(c.violent for c in nxt.cues) and any(not is_history(d, None) and d.kind != "year" for d in nxt.dates):
            break  # an event of its own, with its own date
        anaphoric = bool(R.search(rules.anaphora, lang, nxt.sent.text.lstrip()))
        counted = any(not c.total for c in nxt.counts) and not nxt.dates
        if not (anaphoric or counted):
            break
        out.append(k + 1)
        k += 1
        depth -= 1
    return out


def _carried_on(m: Mention, more: list[SentInfo]) -> Mention:
    """`m` with the sentences that carry it on: their counts, actors and violent cues; their dates only while
    the mention has none."""
    infos, counts, actors, cues, dates = list(m.infos), list(m.counts), list(m.actors), list(m.cues), list(m.dates)
    for nxt in more:
        infos.append(nxt)
        counts += nxt.counts
        actors += nxt.actors
        cues += [c for c in nxt.cues if c.violent]
        if not dates:
            dates += [d for d in nxt.dates if d.kind not in ("decade", "year")]
    return Mention(m.group, infos, cues, dates, counts=counts, actors=actors, reasons=list(m.reasons), k=m.k,
                   prior=m.prior)

