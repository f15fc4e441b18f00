"""A mention's toll: the killed and injured figures chosen from the counts of its sentences."""

from __future__ import annotations

import re

from . import rules as R
from .counts import PLAUSIBLE_TOLL, Count, combine, victim_group
from .mentions import Mention


def choose_counts(m: Mention, lang: str, rules: R.Rules) -> tuple[int | None, int | None, list[Count], list[Count], str]:
    """(killed, injured, killed counts, injured counts, note on totals set aside) for a mention."""
    series = bool(R.search(rules.series_words, lang, " ".join(i.sent.text for i in m.infos[:1])))
    bad = [c for c in m.counts if c.implausible]
    usable = [c for c in m.counts if (not c.total or series) and c.usable]
    totals = [c for c in m.counts if c.total and not series and c.usable]
    notes = []
    if totals:
        notes.append("the text gives a total over several incidents (" + "; ".join(c.text for c in totals[:5])
                     + "); not assigned to this one")
    if bad:
        notes.append(f"implausible casualty figures not used ({len(bad)}: " + "; ".join(c.text for c in bad[:3])
                     + f"{'; ...' if len(bad) > 3 else ''}): a toll above {PLAUSIBLE_TOLL} or a list of figures")
    note = "; ".join(notes)
    per_sentence: dict[int, list[Count]] = {}
    for c in usable:
        per_sentence.setdefault(next(i.sent.index for i in m.infos if i.sent.start <= c.start < i.sent.end + 1), []).append(c)
    k = i = None
    additive = {info.sent.index for info in m.infos[1:]
                if R.search(rules.count_markers.get("additive", {}), lang, info.sent.text.lstrip())}
    seen: dict[str, set[str]] = {"killed": set(), "injured": set()}  # victim groups counted in earlier sentences
    for idx, cs in sorted(per_sentence.items()):
        for kind in ("killed", "injured"):
            v = combine(cs, kind)
            if v is None:
                continue
            cur = k if kind == "killed" else i
            # 'Three militants were neutralised. At the same time two border guards died.': other victims, added
            # 'Warrant Officer X was also killed': one more named victim, unless his side was counted already (a lead
            # that 'lost an officer' and a detail that names him)
            groups_here = {victim_group(_count_context(m, c), lang, rules) for c in cs if c.kind == kind}
            also = any(c.value == 1 and (ALSO.search(c.text) or ALSO.search(_count_context(m, c))) for c in cs
                       if c.kind == kind) and not (groups_here - {""}) & seen[kind]
            seen[kind] |= groups_here - {""}
            new = cur + v if ((idx in additive or also) and cur is not None) else max(v, cur or 0)
            if kind == "killed":
                k = new
            else:
                i = new
    # 'Two border guards died. All three terrorists were neutralised.': figures for different sides add up
    for kind in ("killed", "injured"):
        by_group: dict[str, int] = {}
        for c in usable:
            if c.kind == kind:
                g = victim_group(_count_context(m, c), lang, rules)
                if g:
                    by_group[g] = max(by_group.get(g, 0), c.value)
        if len(by_group) > 1:
            total = sum(by_group.values())
            if kind == "killed" and (k is None or total > k):
                k = total
            elif kind == "injured" and (i is None or total > i):
                i = total
    for kind, v in (("killed", k), ("injured", i)):
        if v is not None and v > PLAUSIBLE_TOLL:  # figures that add up beyond belief are not a toll either
            notes.append(f"implausible {kind} total {v} (above {PLAUSIBLE_TOLL}) not used")
            k, i = (None, i) if kind == "killed" else (k, None)
    note = "; ".join(notes)
    if k is None and i is None and m.group == "violent" and any(
            R.search(rules.no_casualties, lang, info.sent.text) for info in m.infos):
        k = i = 0
    return (k, i, [c for c in usable if c.kind == "killed"], [c for c in usable if c.kind == "injured"], note)


def groups(m: Mention, lang: str, rules: R.Rules, kind: str = "killed") -> dict[str, int]:
    """Whose casualties the mention counts: victim group ('forces', 'attackers', 'civilians') -> the largest figure."""
    out: dict[str, int] = {}
    for c in m.counts:
        if c.kind == kind and c.usable and not c.total:
            g = victim_group(_count_context(m, c), lang, rules)
            if g:
                out[g] = max(out.get(g, 0), c.value)
    return out


def tolls_agree(a: Mention, b: Mention, lang: str, rules: R.Rules) -> bool:
    """Two tellings' tolls fit one event: equal; or the figures they give for the same side agree ('two guards died' and
    'three militants and two guards were killed'); or they count the two sides of a clash ('one border guard was
    killed' and 'three trespassers were killed'). Figures for the same civilians that differ are two events."""
    ka, kb = choose_counts(a, lang, rules)[0], choose_counts(b, lang, rules)[0]
    if ka is None or kb is None or ka == kb:
        return True
    ga, gb = groups(a, lang, rules), groups(b, lang, rules)
    if not ga or not gb:
        return False
    shared = ga.keys() & gb.keys()
    if shared:
        return all(ga[g] == gb[g] for g in shared)
    return not ({"civilians"} & (ga.keys() | gb.keys()))


ALSO = re.compile(r"\b(?:also|as well|также|тоже)\b", re.I)  # 'X was also killed': another victim, added


def _count_context(m: Mention, c: Count) -> str:
    """The count's words and the few after it ('погибли три | члена террористической организации')."""
    for info in m.infos:
        s0 = info.sent.start
        if s0 <= c.start <= info.sent.end:
            tail = re.split(r"[,;:.]|\b(?:and|but|и|а|но)\b", info.sent.text[c.end - s0:], maxsplit=1)[0]
            head = re.split(r"[,;:.]|\b(?:and|but|и|а|но)\b", info.sent.text[:c.start - s0])[-1]
            own = re.split(r"[,;:(]|\b(?:including|among them|в том числе|среди них)\b", c.text, maxsplit=1)
            if len(own) > 1:  # 'Five people, including two Tajik border guards, were killed': the group is 'people'
                return " ".join(head.split()[-4:]) + " " + own[0]
            return " ".join(head.split()[-4:]) + " " + info.sent.text[c.start - s0:c.end - s0] + " " + " ".join(tail.split()[:4])
    return c.text
