"""Which stored articles go to extraction: an event or casualty cue (extractor's tables) and a place in the region (gazetteer)."""

from __future__ import annotations

# Nothing is discarded here: every fetched article is stored, so a changed filter (or changed rule tables)
# can be applied again later with `incidents fetch --reextract`.

import re
from dataclasses import dataclass, field

REGION = frozenset({"AFG", "TJK", "KGZ", "UZB", "TKM", "KAZ"})
_CAPS = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
MAX_PHRASE = 3


@dataclass
class Verdict:
    relevant: bool
    cues: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)

    @property
    def reason(self) -> str:
        if self.relevant:
            return f"cues {', '.join(self.cues[:3])}; places {', '.join(self.places[:3])}"
        if not self.cues:
            return "no event or casualty cue"
        return "no place in the region"


class Prefilter:
    """The cue and place tables, loaded once (extract.rules.load and geo.Gazetteer)."""

    def __init__(self, rules=None, gazetteer=None):
        from ..extract import rules as R
        from ..geo import Gazetteer

        self.rules = rules or R.load()
        self.gazetteer = gazetteer or Gazetteer.load(self.rules.spelling)

    def check(self, title: str, text: str) -> Verdict:
        whole = f"{title}\n{text}"
        cues = self.cues(whole)
        if not cues:
            return Verdict(False)
        places = self.places(whole)
        return Verdict(bool(places), cues, places)

    def cues(self, text: str, limit: int = 5) -> list[str]:
        found: list[str] = []
        for combined in self.rules.cue_re.values():
            for m, _ in combined.finditer(text):
                found.append(m.group(0))
                if len(found) >= limit:
                    return list(dict.fromkeys(found))
        for pattern in self.rules.casualty_any.values():
            m = pattern.search(text)
            if m:
                found.append(m.group(0))
        return list(dict.fromkeys(found))

    def places(self, text: str, limit: int = 5) -> list[str]:
        found: list[str] = []
        for combined in self.rules.border_re.values():
            for m, _ in combined.finditer(text):
                found.append(m.group(0))
                break
        for combined in self.rules.demonym_re.values():
            for m, country in combined.finditer(text):
                if country in REGION:
                    found.append(m.group(0))
                    break
        stop = self.rules.place_stopwords
        tokens = list(_CAPS.finditer(text))
        i = 0
        while i < len(tokens) and len(found) < limit:
            if not tokens[i].group(0)[:1].isupper():
                i += 1
                continue
            hit = 0
            for n in range(MAX_PHRASE, 0, -1):
                span = tokens[i:i + n]
                if len(span) < n or not all(t.group(0)[:1].isupper() for t in span):
                    continue
                if any(text[a.end():b.start()].strip(" -") for a, b in zip(span, span[1:])):
                    continue
                phrase = text[span[0].start():span[-1].end()]
                if n == 1 and (phrase.casefold() in stop or len(phrase) < 4):
                    continue
                ids, how = self.gazetteer.match(phrase, False)
                if ids and how in ("exact", "stem") and any(self.gazetteer.entries[k].country in REGION for k in ids):
                    found.append(phrase)
                    hit = n
                    break
            i += hit or 1
        return list(dict.fromkeys(found))
