"""Killed and injured figures in a sentence ("at least five", «пятеро погибли»), and who the victims are."""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import rules as R

CLAUSE_BREAK = re.compile(r"[;:.!?()\[\]—–]|\bbut\b|\bwhile\b|\bwhereas\b|\bно\b|\bа также\b", re.I)
BEFORE_BREAK = re.compile(r",|\band\b|\bи\b|\bwhile\b", re.I)
CONJ_TAIL = re.compile(r"(?:,|\band\b|\bи\b|\bas well as\b)\s*$", re.I)
WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", re.UNICODE)
AFTER_GAP_WORDS, BEFORE_GAP_WORDS = 6, 3
# Plausibility: one border incident's toll above this is not taken from digits ('10,000 numbers' is a list or a
# total, not a toll). Number words in the tables stop at fifty, so a figure above it is never read from words.
PLAUSIBLE_TOLL = 500
MAX_COUNTS_PER_SENTENCE = 8  # more casualty figures than this in one sentence: a list or a table, not one toll
PASSIVE_GAP_WORDS = 12  # 'Four gunmen who crossed from Afghanistan into Tajikistan were killed'


def _marked(kind: str, lang: str, before: str, rules: R.Rules) -> bool:
    """Does `before` match a count_markers pattern of `kind` (partitive, subset, additive, passive_aux)?"""
    return bool(R.search(rules.count_markers.get(kind, {}), lang, before))


@dataclass(frozen=True)
class Number:
    start: int
    end: int
    value: int
    text: str


@dataclass(frozen=True)
class Count:
    kind: str  # killed | injured
    value: int
    start: int  # span of the number and its cue (offsets into the article)
    end: int
    text: str
    total: bool = False  # the sentence gives a total over several incidents
    implausible: bool = False  # above PLAUSIBLE_TOLL, or one of too many figures in a sentence: never a toll

    @property
    def usable(self) -> bool:
        return not self.implausible


def find_numbers(text: str, lang: str, skip: list[tuple[int, int]] = (), rules: R.Rules | None = None) -> list[Number]:
    """Numbers that could count people: not years, not dates (`skip` spans), not followed by a unit. Only the
    article language's number words and units apply ('5 км' is a distance, whatever the English tables say)."""
    rules = rules or R.load()
    pat = rules.number_re.get(lang)
    if pat is None:
        return []
    out = []
    unit = rules.units.get(lang)
    for m in pat.finditer(text):
        s, e = m.span()
        if any(s < ke and ks < e for ks, ke in skip):
            continue
        if m["digits"]:
            value = int(m["digits"].replace(",", ""))
            if 1900 <= value <= 2100 and "," not in m["digits"]:
                continue
            if re.match(r"\s*[-–]?\s*(?:st|nd|rd|th|й|я|го|х)\b", text[e:e + 4]):
                continue
        else:
            value = rules.number_words[lang][m["word"].casefold()]
        if unit and unit.match(re.sub(r"^[\s-]+", "", text[e:e + 30], count=1)):
            continue
        if re.search(r"\b(?:no|not|ни)\s*$", text[max(0, s - 5):s], re.I):
            continue  # 'no one was wounded', «ни один»: nobody, not one
        if m["word"] and m["word"].casefold() in ("a", "an", "another") and not _singular_casualty(text[e:e + 60]) \
                and not CASUALTY_VERB_BEFORE.search(text[max(0, s - 20):s]):
            continue
        out.append(Number(s, e, value, m.group(0)))
    return _compounds(text, out)


def _compounds(text: str, numbers: list[Number]) -> list[Number]:
    """'twenty-four', «двадцать четыре»: a tens word and a unit word written together are one number."""
    out: list[Number] = []
    for n in numbers:
        last = out[-1] if out else None
        if last and last.value % 10 == 0 and 20 <= last.value <= 90 and 0 < n.value < 10 and not last.text[:1].isdigit() \
                and not n.text[:1].isdigit() and re.fullmatch(r"[-\s]", text[last.end:n.start]):
            out[-1] = Number(last.start, n.end, last.value + n.value, text[last.start:n.end])
        else:
            out.append(n)
    return out


CASUALTY_VERB_BEFORE = re.compile(r"\b(?:killed|killing|shot dead|shot|wounded|wounding|injured|injuring|lost|losing)\s+$", re.I)


def _singular_casualty(tail: str) -> bool:
    """'a border guard was killed': 'a' counts as one only before a singular casualty phrase."""
    return bool(re.match(r"^(?:\s+[\w-]+){1,3}\s+(?:was|has been|had been)\s+(?:killed|shot dead|injured|wounded)\b", tail, re.I))


def _blocked(gap: str) -> bool:
    return bool(CLAUSE_BREAK.search(gap))


def find_counts(text: str, lang: str, offset: int = 0, skip: list[tuple[int, int]] = (),
                rules: R.Rules | None = None) -> list[Count]:
    """Casualty counts in one sentence. Offsets are shifted by `offset`; `skip` spans are relative to `text`."""
    rules = rules or R.load()
    numbers = find_numbers(text, lang, skip, rules)
    # 'three of the five', «трое из пяти»: the whole group is not a casualty figure; 'five, including two guards':
    # the part is not counted again when the whole is given before it
    numbers = [n for k, n in enumerate(numbers)
               if not _marked("partitive", lang, text[max(0, n.start - 25):n.start], rules)
               and not (k > 0 and _marked("subset", lang, text[max(0, n.start - 25):n.start], rules))]
    cues = [c for c in rules.casualty_cues if c.lang == lang]
    total = bool(rules.total_markers.get(lang) and rules.total_markers[lang].search(text))
    assigned: dict[int, tuple[str, int, int, str]] = {}  # number index -> (kind, cue_start, cue_end, side)
    for i in range(len(numbers) - 1, -1, -1):
        n = numbers[i]
        best = None
        nxt = numbers[i + 1] if i + 1 < len(numbers) else None
        for c in cues:
            if c.side == "after":
                m = c.pattern.search(text, n.end, min(len(text), n.end + 90))
                if not m:
                    continue
                gap = text[n.end:m.start()]
                if nxt and nxt.start < m.start():
                    # 'two guards and three militants were killed': share the cue through a conjunction
                    if i + 1 in assigned and assigned[i + 1][3] == "after" and CONJ_TAIL.search(text[n.end:nxt.start]) \
                            and assigned[i + 1][0] == c.kind and not _blocked(text[n.end:nxt.start]):
                        dist = m.start() - n.end
                        if best is None or dist < best[0]:
                            best = (dist, c.kind, m.start(), m.end(), "after")
                    continue
                limit = PASSIVE_GAP_WORDS if _marked("passive_aux", lang, gap, rules) else AFTER_GAP_WORDS
                if _blocked(gap) or len(WORD.findall(gap)) > limit:
                    continue
                dist = len(gap)
                # at one distance the longer cue is the more specific ('ранения, несовместимые с жизнью' over 'ранения')
                if best is None or dist < best[0] or (dist == best[0] and m.end() - m.start() > best[3] - best[2]):
                    best = (dist, c.kind, m.start(), m.end(), "after")
            else:
                window_start = max(0, n.start - 80)
                last = None
                for m in c.pattern.finditer(text, window_start, n.start):
                    last = m
                if not last:
                    continue
                gap = text[last.end():n.start]
                prev = numbers[i - 1] if i > 0 else None
                if prev and prev.start >= last.end():
                    continue
                if _blocked(gap) or BEFORE_BREAK.search(gap) or len(WORD.findall(gap)) > BEFORE_GAP_WORDS:
                    continue
                dist = len(gap)
                if best is None or dist < best[0] - 1:
                    best = (dist, c.kind, last.start(), last.end(), "before")
        if best:
            assigned[i] = (best[1], best[2], best[3], best[4])
    for i in range(1, len(numbers)):
        # 'погибли 36 граждан Киргизии и 19 жителей Таджикистана': a cue before a list counts every number in it
        prev = assigned.get(i - 1)
        if i not in assigned and prev and prev[3] == "before" and LIST_GAP.fullmatch(text, numbers[i - 1].end, numbers[i].start):
            assigned[i] = prev
    assigned = {i: a for i, a in assigned.items() if not _negated_cue(text, a[1], a[2])}
    out = []
    for kind in ("killed", "injured"):
        # 'X was also killed', «погиб солдат»: one person for each singular verb, when no number is given
        pat = rules.count_markers.get(f"singular_{kind}", {}).get(lang)
        if pat is None or any(k == kind for k, *_ in assigned.values()):
            continue
        for m in pat.finditer(text):
            if not _negated(text, m.start()):
                out.append(Count(kind, 1, m.start() + offset, m.end() + offset, m.group(0), total))
    listed = len(assigned) > MAX_COUNTS_PER_SENTENCE
    for i, (kind, cs, ce, _side) in sorted(assigned.items()):
        n = numbers[i]
        s, e = min(n.start, cs), max(n.end, ce)
        out.append(Count(kind, n.value, s + offset, e + offset, text[s:e], total,
                         implausible=listed or n.value > PLAUSIBLE_TOLL))
    return out


LIST_GAP = re.compile(r"\s*[^\W\d]+(?:\s+[^\W\d]+){0,3}\s*(?:,\s*(?:and\s+|и\s+|а\s+также\s+|as\s+well\s+as\s+)?"
                      r"|\s+(?:and|и|а\s+также|as\s+well\s+as)\s+)", re.I)
NEGATED_AFTER = re.compile(r"\s*(?:не\s+было|нет\b|не\s+зафиксирован\w*|не\s+поступал\w*)", re.I)
NEGATED_BEFORE = re.compile(r"(?:\bno|\bбез|\bни\s+одн\w+)\s+(?:human\s+|человеческ\w+\s+)?$", re.I)


def _negated_cue(text: str, start: int, end: int) -> bool:
    """«четыре дома, жертв не было», 'no casualties': the casualty word is negated, so the number is not a toll."""
    return bool(NEGATED_AFTER.match(text, end)) or bool(NEGATED_BEFORE.search(text[max(0, start - 20):start]))


def _negated(text: str, pos: int) -> bool:
    """'nobody was killed', «никто не погиб»: a negation just before the verb."""
    return bool(re.search(r"(?:\bno\s*(?:one|body)|\bnobody|\bnot|\bне|\bникто\s+не|\bни\s+один\w*)\s+(?:\w+\s+)?$",
                          text[max(0, pos - 25):pos], re.I))


def combine(counts: list[Count], kind: str) -> int | None:
    """One figure from the counts of one kind in one sentence: a stated total of the parts wins, else the sum."""
    values = [c.value for c in counts if c.kind == kind]
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    biggest = max(values)
    rest = sum(values) - biggest
    if len(values) == 2 and values[0] == values[1]:
        return sum(values)  # 'killed a militant and lost an officer', 'two guards and two militants'
    return biggest if rest == biggest or rest == 0 else sum(values)


# --- a mention's toll ---------------------------------------------------------------------------------

def victim_group(text: str, lang: str, rules: R.Rules | None = None) -> str:
    """Which side a casualty figure counts ('two border guards' -> forces, 'three militants' -> attackers), or ''."""
    rules = rules or R.load()
    got = {g for g, pat in rules.victim_groups.get(lang, ()) if pat.search(text)}
    return got.pop() if len(got) == 1 else ""
