"""From one article to incident rows: find event mentions, attach dates, places, counts and actors
to them, drop what is out of scope, merge repeated mentions, and record evidence for every field."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

from .. import schema as S
from . import classify as C
from . import counts as N
from . import dates as D
from . import places as P
from . import rules as R
from .article import Article, Sentence

EXTRACTOR_VERSION = "extract-1.0"
HISTORY_YEARS = 2  # an event dated this long before the article's reference date is background history
SAME_PLACE_KM = 75.0

EXTRA_COLUMNS = (
    "source_file", "source_url", "source_outlet", "source_published", "language",
    "evidence", "char_start", "char_end",
    "date_evidence", "place_evidence", "killed_evidence", "injured_evidence", "type_evidence", "actor_evidence",
    "evidence_spans", "confidence", "needs_review", "review_reason", "extractor_version",
    "cluster_id", "matched_incident_id", "match_differences",
)
COLUMNS = tuple(S.INCIDENTS.names) + EXTRA_COLUMNS


@cache
def _table_re(name: str) -> dict[str, re.Pattern]:
    out: dict[str, list[str]] = {}
    for row in R.read(name):
        out.setdefault(row["lang"], []).append(row["pattern"])
    return {lang: re.compile("|".join(f"(?:{p})" for p in pats), R.FLAGS) for lang, pats in out.items()}


def _search(name: str, lang: str, text: str):
    if name.startswith("count_markers_"):
        pat = N.markers(name[len("count_markers_"):]).get(lang)
        return pat.search(text) if pat else None
    pat = _table_re(name).get(lang)
    return pat.search(text) if pat else None


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


@dataclass
class Mention:
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

    @property
    def start(self) -> int:
        return min(i.sent.start for i in self.infos)

    @property
    def end(self) -> int:
        return max(i.sent.end for i in self.infos)


def analyse(art: Article, rules: R.Rules) -> list[SentInfo]:
    """Dates and cues for every sentence; places, actors, borders and counts only where an event can be
    (a sentence with a cue, and the sentence after it), which keeps extraction fast."""
    lang = art.language
    body = art.body_sentences()
    dates = [D.find_dates(s.text, lang, s.start) for s in body]
    cues = [C.find_cues(s.text, lang, s.start, rules) for s in body]
    violent = {k for k, c in enumerate(cues) if any(h.violent for h in c)}
    # A strategic development needs a date or the lead sentence (see _anchored); skip the rest early.
    strategic = {k for k, c in enumerate(cues) if c and (dates[k] or k == 0)}
    wanted = violent | {k + 1 for k in violent} | strategic
    infos = []
    for k, s in enumerate(body):
        if k not in wanted:
            # counts everywhere: 'Погибли также двое сотрудников погранслужбы.' carries no event cue of its own
            counted = []
            if _casualty_word(lang).search(s.text):
                skip = [(d.start - s.start, d.end - s.start) for d in dates[k]]
                counted = N.find_counts(s.text, lang, s.start, skip, rules)
            infos.append(SentInfo(s, dates[k], cues[k], [], [], [], counted, [], []))
            continue
        skip = [(d.start - s.start, d.end - s.start) for d in dates[k]]
        infos.append(SentInfo(
            sent=s, dates=dates[k], cues=cues[k],
            actors=C.find_actors(s.text, lang, s.start, rules),
            places=P.find_places(s.text, s.start),
            borders=P.find_borders(s.text, s.start, rules, lang),
            counts=N.find_counts(s.text, lang, s.start, skip, rules),
            out_of_region=C.out_of_region_terms(s.text, lang, rules),
            history=C.history_terms(s.text, lang, rules),
        ))
    return infos


@cache
def _casualty_word(lang: str) -> re.Pattern:
    """Any casualty cue of the language: a quick test before looking for counts in a sentence without an event cue."""
    pats = [c.pattern.pattern for c in R.load().casualty_cues if c.lang == lang] or [r"(?!x)x"]
    return re.compile("|".join(f"(?:{p})" for p in pats), R.FLAGS)


def reference_date(art: Article, infos: list[SentInfo]) -> date | None:
    """Publication date, else the latest fully stated date in the article (used to recognise old history)."""
    if art.published:
        return art.published
    best = None
    for info in infos:
        for d in info.dates:
            if d.kind in ("day", "night", "part", "month") and d.year:
                r = D.resolve(d, None)
                if r.known and (best is None or r.event_date > best):
                    best = r.event_date
    return best


def article_countries(art: Article, infos: list[SentInfo]) -> tuple[str, str]:
    """(dominant Central Asian country, dominant border pair) of the article, for border-level events.

    Afghanistan is named in nearly every story about its borders, so the dominant country is the most
    named Central Asian country other than Afghanistan, when there is one.
    """
    counts: Counter = Counter()
    borders: Counter = Counter()
    body = " ".join(i.sent.text for i in infos)
    for _, iso3 in P.demonym_countries(body):
        if iso3 in P.REGION_COUNTRIES:
            counts[iso3] += 1
    for b in P.find_borders(body, lang=art.language):
        if b.border:
            borders[b.border] += 1
    non_afg = [(n, c) for c, n in counts.items() if c != "AFG"]
    country = max(non_afg)[1] if non_afg else ("AFG" if counts else "")
    border = borders.most_common(1)[0][0] if borders else ""
    return country, border


def _nearest(cue_spans: list[tuple[int, int]], span: tuple[int, int]) -> int:
    def dist(a, b):
        return max(0, max(a[0], b[0]) - min(a[1], b[1]))
    return min(range(len(cue_spans)), key=lambda k: dist(cue_spans[k], span))


def _is_history(d: D.DateMention, ref: date | None) -> bool:
    if d.kind == "decade":
        return True
    r = D.resolve(d, None, ref.year if ref else None)
    if not r.known:
        return False
    end = r.end_date or r.event_date
    if ref is None:
        return d.kind == "year"
    return end < ref - timedelta(days=365 * HISTORY_YEARS)


def find_mentions(art: Article, infos: list[SentInfo], ref: date | None) -> list[Mention]:
    lang = art.language
    mentions: list[Mention] = []
    consumed: set[tuple[int, str]] = set()
    for k, info in enumerate(infos):
        if not info.cues:
            continue
        groups = {"violent": [c for c in info.cues if c.violent], "strategic": [c for c in info.cues if not c.violent]}
        cue_list = [c for g in ("violent", "strategic") for c in groups[g]]
        spans = [(c.start, c.end) for c in cue_list]
        owner = {id(d): ("violent" if cue_list[_nearest(spans, (d.start, d.end))].violent else "strategic")
                 for d in info.dates}
        if groups["strategic"]:
            groups["strategic"] = [c for c in groups["strategic"] if not _historic_cue(info, c, ref)]
        for group, cues in groups.items():
            if not cues or (k, group) in consumed:
                continue
            m = Mention(group, [info], cues, [d for d in info.dates if owner[id(d)] == group])
            m.k = k
            m.prior = bool(_search("prior_markers.csv", lang, info.sent.text))
            m.actors = list(info.actors)
            if group == "violent":
                m.counts = list(info.counts)
            # a lead sentence that reports violence is about the violence ('battles ... despite ceasefire agreement')
            lead = k == 0 and not (group == "strategic" and groups["violent"])
            if not _anchored(m, info, lead, lang, ref) and not (group == "violent" and _set_before(infos, k, ref)):
                continue
            if group == "violent":
                _continue(m, infos, k, lang, consumed)
            if _out_of_scope(m, ref, lang):
                continue
            mentions.append(m)
    return _drop_total_summaries(mentions, lang)


HISTORIC_CUE = re.compile(r"(?<!\d)((?:1[89]|20)\d\d)\s*(?:-?year-old\s+)?$")


def _historic_cue(info: SentInfo, cue: C.CueHit, ref: date | None) -> bool:
    """'a 1973 treaty', 'the 2021 agreement': a strategic noun dated by a past year is background, not news."""
    before = info.sent.text[max(0, cue.start - info.sent.start - 12): cue.start - info.sent.start]
    m = HISTORIC_CUE.search(before)
    after = info.sent.text[cue.end - info.sent.start: cue.end - info.sent.start + 14]
    m2 = re.match(r"\s+(?:of\s+)?((?:1[89]|20)\d\d)\b", after)
    year = int((m or m2).group(1)) if (m or m2) else None
    return year is not None and (ref is None or year < ref.year - 1)


def _drop_total_summaries(mentions: list[Mention], lang: str) -> list[Mention]:
    """A sentence that sums up several incidents ('In total, five were killed in the two attacks') is not an
    incident of its own when the article reports the incidents themselves; its figures become a review note."""
    totals_re = R.load().total_markers.get(lang)
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
            for o in others:
                o.reasons.append(f"the article also gives a total over several incidents: {m.infos[0].sent.text.strip()[:160]!r}")
            continue
        kept.append(m)
    return kept


def _recent_dates(m: Mention, ref: date | None) -> list[D.DateMention]:
    return [d for d in m.dates if not _is_history(d, ref)]


def _anchored(m: Mention, info: SentInfo, lead: bool, lang: str, ref: date | None) -> bool:
    """Is this a report of a specific event rather than analysis? Needs a date, a count, named victims, or the lead."""
    dates = _recent_dates(m, ref)
    if m.group == "strategic":
        return bool(dates) or lead
    first = min(c.start for c in m.cues)
    before = info.sent.text[: first - info.sent.start]
    if _search("modality.csv", lang, before[-60:]) and not any(d.kind in ("day", "night") for d in dates):
        return False
    counts = [c for c in m.counts if not c.total]
    victims = any(a.category == "civilian" and a.canonical != "Civilians" for a in m.actors)
    return bool(dates) or bool(counts) or victims or bool(m.dates and not dates)


def _set_before(infos: list[SentInfo], k: int, ref: date | None) -> bool:
    """«21 августа 2022 года на острове ... была замечена группа. ... все нарушители были задержаны»: an action reported
    right after a sentence that sets a recent day (and has no event of its own) is a specific event."""
    for j in range(k - 1, max(-1, k - 1 - SETTING_BACK), -1):
        info = infos[j]
        if any(c.violent for c in info.cues) or infos[k].sent.paragraph - info.sent.paragraph > SETTING_BACK:
            return False
        if any(d.kind in ("day", "night") and not _is_history(d, ref) for d in info.dates):
            return True
    return False


def _continue(m: Mention, infos: list[SentInfo], k: int, lang: str, consumed: set, depth: int = 3) -> None:
    """Attach the next sentence(s) when they carry on the same event ('The violence claimed the lives of five ...',
    «Тогда ... Погибли трое ...»): up to `depth` sentences in a row."""
    if depth <= 0 or k + 1 >= len(infos):
        return
    nxt = infos[k + 1]
    if nxt.sent.paragraph - infos[k].sent.paragraph > 1:
        return
    if (k + 1, "violent") in consumed:
        return
    if not nxt.cues and not nxt.counts and _search("attribution.csv", lang, nxt.sent.text.lstrip()):
        # 'Об этом сообщает Радио Озоди.' names the source only: look past it (not part of the evidence)
        _continue(m, infos, k + 1, lang, consumed, depth)
        return
    if _search("prior_markers.csv", lang, nxt.sent.text) or (
            R.load().total_markers.get(lang) is not None and R.load().total_markers[lang].search(nxt.sent.text)):
        return  # 'This year has seen 22 skirmishes ...', 'Last year ...': a tally or an earlier event, not this one
    own_violent_date = any(c.violent for c in nxt.cues) and any(not _is_history(d, None) and d.kind != "year" for d in nxt.dates)
    if own_violent_date:
        return
    anaphoric = bool(_search("anaphora.csv", lang, nxt.sent.text.lstrip()))
    counted = any(not c.total for c in nxt.counts) and not nxt.dates
    if not (anaphoric or counted):
        return
    m.infos.append(nxt)
    m.counts += nxt.counts
    m.actors += nxt.actors
    m.cues += [c for c in nxt.cues if c.violent]
    if not m.dates:
        m.dates += [d for d in nxt.dates if d.kind not in ("decade", "year")]
    consumed.add((k + 1, "violent"))
    _continue(m, infos, k + 1, lang, consumed, depth - 1)


def _history_spans(info: SentInfo, lang: str) -> list[tuple[int, int]]:
    pat = R.load().history.get(lang)
    return [(m.start() + info.sent.start, m.end() + info.sent.start) for m in pat.finditer(info.sent.text)] if pat else []


def _out_of_scope(m: Mention, ref: date | None, lang: str) -> bool:
    primary = m.infos[0]
    dates = m.dates
    if dates and all(_is_history(d, ref) for d in dates):
        return True
    hist_spans = _history_spans(primary, lang)
    if any(hs < d.end and d.start < he for hs, he in hist_spans for d in dates):
        return True
    if primary.history and not any(d.kind in ("day", "night", "part", "relative", "weekday") and not _is_history(d, ref)
                                   for d in dates):
        return True
    local = [p for p in primary.places if p.in_region]
    specific_local = [p for p in local if p.feature_code != "PCLI"]
    if primary.out_of_region and not specific_local and not [b for b in primary.borders if b.border]:
        return True
    if primary.places and not local and not primary.borders:
        return True
    return False


# --- fields ---------------------------------------------------------------------------------------

def choose_place(m: Mention) -> None:
    cue_pos = min(c.start for c in m.cues)
    best, best_score = None, None
    for order, info in enumerate(m.infos):
        for p in info.places:
            # a dateline is where the story was filed: a fair place for talks and visits, never for violence
            if not p.in_region or p.feature_code == "PCLI" or not (p.eventive or (m.group == "strategic" and p.role == "dateline")):
                continue
            if order and m.group == "violent" and p.name.casefold() in _scope_areas().get("capital", frozenset()):
                continue  # 'the Chinese Ambassador to Dushanbe' in a follow-on sentence: the government, not the place
            spec = {0: 3.0, 1: 2.5, 2: 1.5}.get(p.rank, 1.0)
            score = spec + 2.0 * p.locative - 3.0 * p.reporting - abs(p.start - cue_pos) / 150.0 - 2.0 * order
            score -= 1.0 if p.how in ("fuzzy",) else 0.0
            if best_score is None or score > best_score:
                best, best_score = p, score
        if order == 0 and (best is not None or info.borders):
            break
    m.place = _refine(best, [p for i in m.infos for p in i.places])
    for info in m.infos:
        if info.borders:
            specific = [b for b in info.borders if b.border]
            m.border = (specific or info.borders)[0]
            if specific and not m.border.country:
                m.border = next((b for b in info.borders if b.country), m.border)
            break


def _refine(best: P.Place | None, places: list[P.Place]) -> P.Place | None:
    """A province named with the event, and a district or village of that province named in the same report:
    the more specific place wins («Хатлонской области ... Здесь ... в районе Шамсиддини Шохин»)."""
    if best is None:
        return None
    inside = [p for p in places if p.eventive and p.in_region and p.rank < best.rank and p.country == best.country
              and p.admin1 and p.admin1 == best.admin1 and p.latitude is not None]
    return min(inside, key=lambda p: (p.rank, p.start)) if inside else best


def choose_date(m: Mention, art: Article, ref: date | None) -> None:
    cue_spans = [(c.start, c.end) for c in m.cues]
    candidates = [d for d in m.dates if not _is_history(d, ref)]
    if not candidates:
        m.resolved = D.Resolved(None, None, D.UNKNOWN, "no date in the text")
        return
    candidates.sort(key=lambda d: (min(max(0, max(a, d.start) - min(b, d.end)) for a, b in cue_spans),))
    ref_year = ref.year if ref else None
    m.date_mention = candidates[0]
    m.resolved = D.resolve(candidates[0], art.published, ref_year)


def choose_counts(m: Mention, lang: str) -> tuple[int | None, int | None, list[N.Count], list[N.Count], str]:
    series = bool(_search("series_words.csv", lang, " ".join(i.sent.text for i in m.infos[:1])))
    usable = [c for c in m.counts if not c.total or series]
    totals = [c for c in m.counts if c.total and not series]
    note = ""
    if totals:
        note = "the text gives a total over several incidents (" + "; ".join(c.text for c in totals) + "); not assigned to this one"
    per_sentence: dict[int, list[N.Count]] = {}
    for c in usable:
        per_sentence.setdefault(next(i.sent.index for i in m.infos if i.sent.start <= c.start < i.sent.end + 1), []).append(c)
    k = i = None
    additive = {info.sent.index for info in m.infos[1:] if _search("count_markers_additive", lang, info.sent.text.lstrip())}
    for idx, cs in sorted(per_sentence.items()):
        for kind in ("killed", "injured"):
            v = N.combine(cs, kind)
            if v is None:
                continue
            cur = k if kind == "killed" else i
            # 'Three militants were neutralised. At the same time two border guards died.': other victims, added
            new = cur + v if (idx in additive and cur is not None) else max(v, cur or 0)
            if kind == "killed":
                k = new
            else:
                i = new
    # 'Two border guards died. All three terrorists were neutralised.': figures for different sides add up
    for kind in ("killed", "injured"):
        by_group: dict[str, int] = {}
        for c in usable:
            if c.kind == kind:
                g = victim_group(_count_context(m, c), lang)
                if g:
                    by_group[g] = max(by_group.get(g, 0), c.value)
        if len(by_group) > 1:
            total = sum(by_group.values())
            if kind == "killed" and (k is None or total > k):
                k = total
            elif kind == "injured" and (i is None or total > i):
                i = total
    if k is None and i is None and m.group == "violent" and any(_search("no_casualties.csv", lang, info.sent.text) for info in m.infos):
        k = i = 0
    return (k, i, [c for c in usable if c.kind == "killed"], [c for c in usable if c.kind == "injured"], note)


@cache
def _victim_groups() -> dict[str, list[tuple[str, re.Pattern]]]:
    out: dict[str, list[tuple[str, re.Pattern]]] = {}
    for row in R.read("victim_groups.csv"):
        out.setdefault(row["lang"], []).append((row["group"], re.compile(row["pattern"], R.FLAGS)))
    return out


def _count_context(m: Mention, c: N.Count) -> str:
    """The count's words and the few after it ('погибли три | члена террористической организации')."""
    for info in m.infos:
        s0 = info.sent.start
        if s0 <= c.start <= info.sent.end:
            tail = re.split(r"[,;:.]|\b(?:and|but|и|а|но)\b", info.sent.text[c.end - s0:], maxsplit=1)[0]
            return info.sent.text[c.start - s0:c.end - s0] + " " + " ".join(tail.split()[:4])
    return c.text


def victim_group(text: str, lang: str) -> str:
    """Which side a casualty figure counts ('two border guards' -> forces, 'three militants' -> attackers), or ''."""
    got = {g for g, pat in _victim_groups().get(lang, []) if pat.search(text)}
    return got.pop() if len(got) == 1 else ""


def choose_actors(m: Mention, event_type: str) -> tuple[str, str, list[C.ActorHit]]:
    seen: dict[str, C.ActorHit] = {}
    for a in m.actors:
        seen.setdefault(a.canonical, a)
    acts = list(seen.values())
    if event_type == C.STRATEGIC:
        parties = [a.canonical for a in acts if a.category not in ("civilian", "armed_group", "criminal")]
        return (parties[0] if parties else ""), "; ".join(parties[1:]), acts
    forces = [a.canonical for a in acts if a.category == "state_force"]
    groups = [a.canonical for a in acts if a.category in ("armed_group", "criminal")]
    specific_groups = [g for g in groups if g != "Armed militants"] or groups
    victims = [a.canonical for a in acts if a.category == "civilian"]
    specific_victims = [v for v in victims if v != "Civilians"] or victims
    if event_type == "attack_on_civilians":
        return "; ".join(specific_groups) or "Unidentified armed group", "; ".join(specific_victims), acts
    return "; ".join(forces) or "; ".join(a.canonical for a in acts if a.category == "state")[:80], "; ".join(specific_groups), acts


def merge_mentions(mentions: list[Mention]) -> list[Mention]:
    out: list[Mention] = []
    for m in mentions:
        target = next((o for o in out if _same_event(o, m)), None)
        if target is None:
            out.append(m)
            continue
        absorb(target, m)
    return out


PRECISION_ORDER = {"day": 0, "week": 1, "month": 2, "year": 3}


def absorb(target: Mention, m: Mention, same_article: bool = False) -> None:
    """Fold mention `m` into `target`: evidence, counts, actors and cues are pooled; the finer date and
    the more precise place win. Within one article a count repeated in both tellings is kept once."""
    target.infos += [i for i in m.infos if i not in target.infos]
    target.counts += [c for c in m.counts if c not in target.counts] if same_article else m.counts
    target.actors += m.actors
    target.cues += m.cues
    if m.resolved.known and (not target.resolved.known or _finer(m.resolved, target.resolved)):
        target.resolved, target.date_mention = m.resolved, m.date_mention
    if target.place is None or (m.place is not None and m.place.rank < target.place.rank):
        target.place = m.place if m.place is not None else target.place
    target.border = target.border or m.border
    if same_article:
        target.reasons += [r for r in m.reasons if r not in target.reasons]


def _finer(a: D.Resolved, b: D.Resolved) -> bool:
    return PRECISION_ORDER.get(a.precision, 9) < PRECISION_ORDER.get(b.precision, 9)


def _same_event(a: Mention, b: Mention) -> bool:
    if a.group != b.group or not S.types_compatible(a.event_type, b.event_type):
        return False
    if a.resolved.known and b.resolved.known:
        a0, a1 = a.resolved.event_date, a.resolved.end_date or a.resolved.event_date
        b0, b1 = b.resolved.event_date, b.resolved.end_date or b.resolved.event_date
        if a0 > b1 + timedelta(days=1) or b0 > a1 + timedelta(days=1):
            return False
    elif a.resolved.known != b.resolved.known and a.group == "violent":
        undated = b if a.resolved.known else a
        if undated.dates:  # it states a date we could not resolve: a different report
            return False
        # 'a series of attacks on Chinese engineers' is several incidents, not the dated one
        if _search("series_words.csv", "ru" if re.search(r"[а-яё]", undated.infos[0].sent.text, re.I) else "en",
                   undated.infos[0].sent.text):
            return False
    if a.group == "violent" and a.prior != b.prior:
        return False
    if not places_compatible(a.place, b.place):
        return False
    if a.group == "violent":
        ka = choose_counts(a, "en")[0]
        kb = choose_counts(b, "en")[0]
        if ka is not None and kb is not None and ka != kb and not _lead_and_detail(a, b):
            return False
    return True


def places_compatible(a: P.Place | None, b: P.Place | None) -> bool:
    """Two places may be where one event happened: either is unknown (only 'the border'), they lie within 75 km, or
    one is a province (or a country) that contains the other ('Khatlon province' and 'Shuroobod district')."""
    if a is None or b is None or a.latitude is None or b.latitude is None:
        return True
    from ..geo import geodesic_km
    if float(geodesic_km(a.latitude, a.longitude, b.latitude, b.longitude)) <= SAME_PLACE_KM:
        return True
    for wide, fine in ((a, b), (b, a)):
        if wide.precision in ("province", "country") and wide.country == fine.country and (
                wide.feature_code == "PCLI" or (wide.admin1 and wide.admin1 == fine.admin1)):
            return True
    return False


def counts_compatible(a: int | None, b: int | None) -> bool:
    return a is None or b is None or a == b


def merge_compatible(mentions: list[Mention], lang: str) -> list[Mention]:
    """The last pass, after dates and places were completed from the article: one article that tells one event
    twice (a summary lead and a detail paragraph naming the place differently) gives one row. Merged only when
    type, dates, places (see places_compatible) and both tolls agree; an earlier incident ('last year ...') never."""
    out: list[Mention] = []
    for m in mentions:
        target = None
        if m.group == "violent" and not m.prior:
            for o in out:
                if o.group != "violent" or o.prior or not S.types_compatible(o.event_type, m.event_type):
                    continue
                if o.resolved.known and m.resolved.known:
                    a0, a1 = o.resolved.event_date, o.resolved.end_date or o.resolved.event_date
                    b0, b1 = m.resolved.event_date, m.resolved.end_date or m.resolved.event_date
                    if a0 > b1 + timedelta(days=1) or b0 > a1 + timedelta(days=1):
                        continue
                elif o.resolved.known != m.resolved.known:
                    undated = o if not o.resolved.known else m
                    if undated.dates or _search("series_words.csv", lang, undated.infos[0].sent.text):
                        continue  # it states a date we could not resolve, or it is 'a series of attacks'
                if not places_compatible(o.place, m.place):
                    continue
                ko, io_ = choose_counts(o, lang)[:2]
                km, im = choose_counts(m, lang)[:2]
                if not (counts_compatible(ko, km) and counts_compatible(io_, im)):
                    continue
                target = o
                break
        if target is None:
            out.append(m)
            continue
        absorb(target, m, same_article=True)
    return out


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


def story_start(infos: list[SentInfo]) -> int:
    """The first body sentence that reports something: a violent cue, or a date with a count. Paragraphs above it
    ('Borderguards patrolling the border ...', 'Illustrative photo.') are captions or teasers, not the event's setting."""
    return next((i for i, info in enumerate(infos) if not info.sent.heading
                 and (any(c.violent for c in info.cues) or (info.dates and info.counts))), 0)


SETTING_BACK = 2  # sentences before an event that may give its date and place ('On 29 January five men crossed ...')


def inherit_setting(m: Mention, infos: list[SentInfo], mentions: list[Mention], art: Article, ref: date | None) -> None:
    """News narrates an event after the sentence that sets it: an undated (or unplaced) event takes the date (place)
    of the nearest preceding sentence in the same or previous paragraph, unless that sentence is another event."""
    if m.k < 0 or m.prior:
        return
    others = {o.k for o in mentions if o is not m and o.group == "violent"}
    need_date = not m.resolved.known and not m.dates
    need_place = m.place is None
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
        dates = [d for d in info.dates if not _is_history(d, ref) and d.kind in ("day", "night", "part", "weekday", "relative")]
        if need_date and dates:
            r = D.resolve(dates[-1], art.published, ref.year if ref else None)
            if r.known:
                m.resolved, m.date_mention = r, dates[-1]
                m.reasons.append(f"date taken from the sentence before the event: {dates[-1].text!r}")
                need_date = False
        places = [p for p in (info.places or P.find_places(info.sent.text, info.sent.start))
                  if p.in_region and p.eventive and p.feature_code != "PCLI"]
        if need_place and places:
            m.place = _refine(min(places, key=lambda p: p.rank), places)
            m.reasons.append(f"place taken from the sentence before the event: {m.place.text!r}")
            need_place = False


LEAD_SENTENCES = 3
CUE_NEAR = 100  # characters between a violent cue and a place named with it
FORWARD_SENTENCES = 4  # sentences after a lead event that may give its date and place
FORWARD_PARAGRAPHS = 2


def forward_setting(m: Mention, infos: list[SentInfo], mentions: list[Mention], art: Article, ref: date | None) -> None:
    """A news lead states the event; the next paragraph says when and where («Инцидент произошел днем 24 декабря в районе
    Шамсиддин Шохин», 'STEPANAKERT, JUNE 14: ... on June 14', '... crossed into Khatlon province'). An undated (unplaced)
    event in the lead takes the first day date (locative place) of the sentences that follow, up to the next event."""
    if m.prior or m.k < 0 or m.k >= LEAD_SENTENCES:
        return
    need_date = not m.resolved.known and not m.dates
    need_place = m.place is None
    if not (need_date or need_place):
        return
    others = {o.k: o for o in mentions if o is not m and o.group == "violent"}
    last = max(infos.index(i) for i in m.infos)
    capitals = _scope_areas().get("capital", frozenset())
    lang = art.language
    for j in range(last + 1, min(len(infos), last + 1 + FORWARD_SENTENCES)):
        info = infos[j]
        if info.sent.paragraph - infos[m.k].sent.paragraph > FORWARD_PARAGRAPHS:
            break
        prior = _search("prior_markers.csv", lang, info.sent.text)
        if (j in others and not others[j].prior) or info.history:
            if j in others:
                break
            continue
        if prior:
            # 'the firefight broke out in the Kekh area, where a similar incident took place on June 3': the clause
            # before the earlier incident still sets this event's place (never its date)
            cut = info.sent.start + prior.start()
            if need_place:
                places = [p for p in (info.places or P.find_places(info.sent.text, info.sent.start))
                          if p.end <= cut and p.in_region and p.eventive and p.locative and p.feature_code != "PCLI"
                          and p.latitude is not None and p.name.casefold() not in capitals
                          and (m.border is None or not m.border.country or p.country == m.border.country)]
                if places:
                    m.place = _refine(min(places, key=lambda p: p.rank), places)
                    m.reasons.append(f"place taken from the sentences after the lead: {m.place.text!r}")
                    need_place = False
            if j in others:
                break
            continue
        if need_date:
            dates = [d for d in info.dates if d.kind in ("day", "night") and not d.future and not _is_history(d, ref)]
            if dates:
                r = D.resolve(dates[0], art.published, ref.year if ref else None)
                if r.known and (art.published is None or r.event_date <= art.published + timedelta(days=1)):
                    m.resolved, m.date_mention = r, dates[0]
                    m.reasons.append(f"date taken from the sentences after the lead: {dates[0].text!r}")
                    need_date = False
        if need_place:
            places = [p for p in (info.places or P.find_places(info.sent.text, info.sent.start))
                      if p.in_region and p.eventive and p.locative and p.feature_code != "PCLI" and p.latitude is not None
                      and p.name.casefold() not in capitals
                      and (m.border is None or not m.border.country or p.country == m.border.country)]
            if places:
                m.place = _refine(min(places, key=lambda p: p.rank), places)
                m.reasons.append(f"place taken from the sentences after the lead: {m.place.text!r}")
                need_place = False
        if not (need_date or need_place):
            break


def strategic_place(m: Mention, infos: list[SentInfo], mentions: list[Mention]) -> None:
    """Talks or a deal with no place in their own sentence: the place named for a meeting elsewhere in the article
    ('after the meeting in the Kyrgyz city of Batken'), when the article names one such place only."""
    if m.place is not None:
        return
    got = []
    for info in infos:
        if not any(not c.violent for c in info.cues) or any(info in o.infos for o in mentions if o is not m):
            continue
        places = info.places or P.find_places(info.sent.text, info.sent.start)
        got += [p for p in places if p.in_region and p.eventive and p.locative and p.feature_code != "PCLI"
                and p.latitude is not None]
    if got and len({p.name for p in got}) == 1:
        m.place = got[0]
        m.reasons.append(f"place taken from elsewhere in the article: {m.place.text!r}")


def lead_date_fallback(m: Mention, infos: list[SentInfo], art: Article) -> None:
    """An undated event in the lead of a dated news report happened shortly before publication: the week up to the
    publication date, flagged for review (never used without a publication date)."""
    if m.resolved.known or m.dates or m.prior or art.published is None or m.k < 0:
        return
    body_index = [i for i, info in enumerate(infos) if not info.sent.heading]
    if m.k not in body_index[:LEAD_SENTENCES]:
        return
    pub = art.published
    m.resolved = D.Resolved(pub - timedelta(days=7), pub, "week", "no date in the text: the week before publication")
    m.reasons.append("date: no date in the text; the week before publication assumed")


def article_place_fallback(m: Mention, infos: list[SentInfo], dominant: str, mentions: list[Mention] = ()) -> None:
    """An event whose sentences name only the border or the country takes the place the article names for the
    violence elsewhere (a sentence with an event cue), or else the one place it names at all, when all such places
    lie together (within 75 km) in the event's country."""
    if m.place is not None or m.prior:
        return
    country = (m.border.country if m.border and m.border.country else "") or dominant
    if not country:
        return
    capitals = _scope_areas().get("capital", frozenset())

    # a photo caption or teaser above the story ('Borderguards patrolling ... The road from Dushanbe through the
    # Pamir') is not where it happened: places without a cue nearby count only from the first report of violence on
    first_event = story_start(infos)

    def candidates(with_cue: bool) -> list[P.Place]:
        out = []
        for n, info in enumerate(infos):
            if not with_cue and n < first_event:
                continue
            if any(info in o.infos for o in mentions if o is not m):  # another event's sentence
                continue
            cues = [c for c in info.cues if c.violent]
            if with_cue and not cues:
                continue
            places = info.places or P.find_places(info.sent.text, info.sent.start)
            out += [p for p in places if p.in_region and p.eventive and p.feature_code != "PCLI" and p.country == country
                    and p.latitude is not None and p.name.casefold() not in capitals
                    and (not with_cue or min(abs(p.start - c.start) for c in cues) <= CUE_NEAR)]
        return out
    from ..geo import geodesic_km
    # with a border named at the event, only a place named next to the violence elsewhere may refine it
    for with_cue in ((True,) if m.border is not None else (True, False)):
        got = candidates(with_cue)
        if not got:
            continue
        first = got[0]
        if all(float(geodesic_km(first.latitude, first.longitude, p.latitude, p.longitude)) <= SAME_PLACE_KM for p in got):
            m.place = _refine(min(got, key=lambda p: p.rank), got)
            m.reasons.append(f"place taken from elsewhere in the article: {m.place.text!r}")
        return


@cache
def _scope_areas() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for row in R.read("scope_areas.csv"):
        out.setdefault(row["kind"], set()).add(row["value"].casefold())
    return {k: frozenset(v) for k, v in out.items()}


def _outside_region(m: Mention, article_border: str) -> bool:
    """Violence on Afghanistan's borders with Iran or Pakistan, or deep inside Afghanistan, is not a Central Asian
    border incident (data/extract/scope_areas.csv)."""
    areas = _scope_areas()
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


# --- rows -----------------------------------------------------------------------------------------

def _fmt(d: date | None) -> str:
    return d.isoformat() if d else ""


def build_rows(art: Article, rules: R.Rules | None = None) -> list[dict]:
    rules = rules or R.load()
    lang = art.language
    infos = analyse(art, rules)
    ref = reference_date(art, infos)
    dominant, article_border = article_countries(art, infos)
    mentions = find_mentions(art, infos, ref)
    for m in mentions:
        choose_date(m, art, ref)
        choose_place(m)
        if m.group == "violent":
            inherit_setting(m, infos, mentions, art, ref)
            forward_setting(m, infos, mentions, art, ref)
        killed, _, _, _, _ = choose_counts(m, lang)
        if m.group == "violent":
            m.event_type, m.type_reason = C.resolve_type(m.cues, m.actors, killed)
        else:
            m.event_type, m.type_reason = C.STRATEGIC, "strategic cue"
    mentions = merge_mentions(mentions)
    for m in mentions:
        if m.group == "violent":
            lead_date_fallback(m, infos, art)
            article_place_fallback(m, infos, dominant, mentions)
        else:
            strategic_place(m, infos, mentions)
    mentions = [m for m in mentions if not (m.group == "violent" and _outside_region(m, article_border))]
    mentions = merge_compatible(mentions, lang)
    rows = []
    for m in mentions:
        rows.append(_row(art, m, lang, dominant, article_border))
    return rows


def _row(art: Article, m: Mention, lang: str, dominant: str, article_border: str) -> dict:
    text = art.text
    killed, injured, kc, ic, total_note = choose_counts(m, lang)
    if m.event_type == C.STRATEGIC:  # agreements, talks and visits kill nobody: 0, not "unknown"
        killed, injured, kc, ic, total_note = 0, 0, [], [], ""
    actor1, actor2, acts = choose_actors(m, m.event_type)
    reasons: list[str] = list(dict.fromkeys(m.reasons))
    spans: list[str] = []
    r = m.resolved
    # place
    place, border = m.place, m.border
    lat = lon = None
    admin1 = admin2 = location = ""
    border_code = (border.border if border and border.border else "") or (article_border if border else "")
    if place is not None:
        country = place.country
        lat, lon, admin1 = place.latitude, place.longitude, place.admin1
        location = place.text
        geo_precision = place.precision
        if lat is None and (pt := P.province_point(place.country, place.admin1)) is not None:
            lat, lon = pt  # a district listed without coordinates: its province's point, flagged
            reasons.append(f"coordinates: {place.text!r} has none in the gazetteer; the point of {place.admin1} used")
        if place.feature_code == "ADM2":
            admin2 = re.sub(r"\s+(?:district|rayon|район\w*)$", "", place.text, flags=re.I)
        if place.how in ("fuzzy", "folded"):
            reasons.append(f"place matched by spelling variant: {place.text!r} -> {place.name}")
        spans.append(f"place={place.start}:{place.end}")
        place_evidence = text[place.start:place.end]
    elif border is not None:
        country = border.country or _actor_country(acts) or dominant
        geo_precision = "border_area"
        label = next((lbl for _, b, lbl, _lg in R.load().border_phrases if b == border_code and b), "")
        if border.border:
            location = label
        elif label:  # 'a border post' in an article about the Tajik-Afghan border -> 'Tajik-Afghan border post'
            location = re.sub(r"^.*?\b(?:border|frontier)\b", label, border.text, count=1, flags=re.I)
        else:
            location = border.text
        reasons.append("place known only as the border")
        spans.append(f"place={border.start}:{border.end}")
        place_evidence = text[border.start:border.end]
    else:
        countries = [p for i in m.infos for p in i.places if p.feature_code == "PCLI" and p.in_region and p.eventive]
        country = countries[0].country if countries else (_actor_country(acts) or dominant)
        geo_precision = "country"
        location = ""
        place_evidence = countries[0].text if countries else ""
        if countries:
            spans.append(f"place={countries[0].start}:{countries[0].end}")
        reasons.append("no place more precise than the country")
    # date
    if r.known and m.date_mention is None:  # the week before publication (lead_date_fallback)
        date_evidence = art.meta.get("published", "")
    elif r.known:
        date_evidence = m.date_mention.text
        spans.append(f"date={m.date_mention.start}:{m.date_mention.end}")
        if r.note and ("inferred" in r.note or "relative" in r.note or "before publication" in r.note):
            reasons.append(f"date: {r.note}")
    else:
        date_evidence = m.date_mention.text if m.date_mention else ""
        if m.date_mention:
            spans.append(f"date={m.date_mention.start}:{m.date_mention.end}")
        reasons.append(f"date unknown: {r.note}")
    if total_note:
        reasons.append(total_note)
    for c in kc:
        spans.append(f"killed={c.start}:{c.end}")
    for c in ic:
        spans.append(f"injured={c.start}:{c.end}")
    for c in m.cues[:3]:
        spans.append(f"type={c.start}:{c.end}")
    kinds = {c.kind for c in m.cues if c.violent}
    if len(kinds - {"attack"}) > 1:
        reasons.append("several event-type cues: " + ", ".join(sorted(kinds)))
    # confidence
    conf = 0.45
    conf += {"day": 0.2, "week": 0.1, "month": 0.1, "year": 0.0}.get(r.precision, -0.15)
    conf += {"exact": 0.15, "near": 0.12, "district": 0.12, "province": 0.08, "border_area": 0.0}.get(geo_precision, -0.05)
    conf += 0.1 if killed is not None or injured is not None else 0.0
    conf += 0.05 * min(2, max((c.weight for c in m.cues), default=1) - 1)
    conf = round(max(0.05, min(0.99, conf)), 2)
    if conf < 0.5:
        reasons.append(f"low confidence ({conf})")
    evidence = " ".join(text[i.sent.start:i.sent.end] for i in sorted(m.infos, key=lambda i: i.sent.start))
    summary = re.sub(r"\s+", " ", evidence)
    if len(summary) > 300:
        summary = summary[:297].rsplit(" ", 1)[0] + "…"
    digest = hashlib.sha1(f"{art.name}:{m.start}:{m.event_type}".encode()).hexdigest()[:10]
    return {
        "incident_id": f"x-{digest}",
        "event_date": _fmt(r.event_date),
        "end_date": _fmt(r.end_date) if r.end_date and r.end_date != r.event_date else "",
        "date_precision": r.precision,
        "event_type": m.event_type,
        "sub_event_type": ", ".join(dict.fromkeys(c.text.casefold() for c in m.cues))[:80],
        "country": country,
        "border": border_code,
        "admin1": admin1,
        "admin2": admin2,
        "location": location,
        "latitude": "" if lat is None else round(lat, 4),
        "longitude": "" if lon is None else round(lon, 4),
        "geo_precision": geo_precision,
        "actor1": actor1,
        "actor2": actor2,
        "killed": "" if killed is None else killed,
        "injured": "" if injured is None else injured,
        "summary": summary,
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
        "place_evidence": place_evidence,
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


def _actor_country(acts: list[C.ActorHit]) -> str:
    for a in acts:
        if a.category == "state_force":
            for pat, iso2 in R.load().demonyms:
                if pat.search(a.canonical):
                    from ..geo import ALPHA2_TO_3
                    return ALPHA2_TO_3.get(iso2, iso2)
    return ""
