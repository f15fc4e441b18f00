"""Place roles and qualifiers: what a named place is in its sentence, and which country or province qualifies it.

A dateline, where attackers came from, where victims live, a seat of government (the place_roles table); 'Afghanistan's
Badakhshan', 'the Bulak-Bashy area of Batken Oblast'; countries named by demonyms.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..geo import ALPHA2_TO_3, Gazetteer
from ..geo.gazetteer import strip_generic
from . import rules as R


DATELINE_AFTER = re.compile(r"\s*(?:,|--|—|–|\(|/)")


DATELINE_MARK = re.compile(r"\s*(?::|--|—)\s")  # 'Dushanbe: Tajikistan has ...', 'DUSHANBE -- Three ...'


DATELINE_ALONE = re.compile(r"[\s.,:;—–-]*")  # «Москва.» on a line of its own: where the story was filed
# 'Dushanbe, Dec 25 (Reuters) -', 'Bishkek, 14 June (AKIpress) —', 'Kabul (AP) —'


DATELINE_FULL = re.compile(r"(?:\s*\[[^\[\]]{1,30}\])?"  # 'Termez [Uzbekistan], July 7 :'
                           r"(?:,\s*[^\W\d_]{3,}\.?\s+\d{1,2}|,\s*\d{1,2}\s+[^\W\d_]{3,}\.?|,\s*\d{1,2}\.\d{1,2}\.\d{2,4}\.?)?"
                           r"(?:,?\s*\d{4})?\s*"
                           r"(?:(?:\([^()]{1,40}\)|/[^/\s][^/]{0,30}/)\s*(?:[-—–:.]\s|(?=[A-ZА-ЯЁ]))"  # '(PTI) Three', '/Кабар/.'
                           r"|(?:\([^()]{1,40}\)\s*)?(?:-|--|—|–|:)\s)", re.UNICODE)
# 'Beijing, Nov 28 (PTI) Three ...', 'Бишкек, 05.04.22. /Кабар/. На ...', 'Termez [Uzbekistan], July 7 : ...'


def place_role(text: str, start: int, end: int, rules: R.Rules | None = None) -> str:
    """'KABUL, Afghanistan (AP) —' at the start of a sentence is a dateline; 'from X', 'the border with X' mark X
    as where attackers came from / the far side; otherwise ''."""
    phrase = text[start:end]
    if (not text[:start].strip() or CAPS_PREFIX.fullmatch(text, 0, start)) and ((phrase.isupper() and len(phrase) > 2 and DATELINE_AFTER.match(text, end))
                                     or DATELINE_MARK.match(text, end) or DATELINE_ALONE.fullmatch(text, end)
                                     or DATELINE_FULL.match(text, end)):
        return "dateline"
    before = text[max(0, start - 90):start]
    for pat, role in (rules or R.load()).place_roles:
        if pat.search(before):
            return role
    if AUTHORITY_AFTER.match(text, end):
        return "authority"  # 'the Batken oblast police department', «Баткенской области администрация»
    if FEATURE_AFTER.match(text, end):
        return "feature"  # 'the Ferghana valley', 'the Amu Darya river': a landscape, not a settlement
    return ""


FEATURE_AFTER = re.compile(r"\s+(?:valley|river|mountains|range|gorge|lake|reservoir|canal|долин\w+|рек[аиеу]\b|"
                           r"ущель\w+|водохранилищ\w+|озер\w+|хреб\w+)", re.I)


CAPS_PREFIX = re.compile(r"\s*(?:[A-ZА-ЯЁ][A-ZА-ЯЁ'’.-]+\s*/\s*)+")  # 'BISHKEK/DUSHANBE (Reuters) –'


AUTHORITY_AFTER = re.compile(r"\s+(?:(?:oblast|region|province|district|city|regional)\s+)?(?:police|administration|"
                             r"government|authorities|officials|governor'?s?|prosecutor'?s?|mayor'?s?|department)\b", re.I)


QUALIFIER_BEFORE = re.compile(r"\s+(?:(?:the|of|north(?:ern)?|south(?:ern)?|east(?:ern)?|west(?:ern)?|north-?east(?:ern)?|"
                              r"north-?west(?:ern)?|south-?east(?:ern)?|south-?west(?:ern)?|province|region|district|"
                              r"провинци\w+|област\w+|район\w*|уезд\w*|вилоят\w*|велаят\w*|северн\w+|южн\w+)\s+){0,3}$", re.I)


QUALIFIER_AFTER = re.compile(r"(?:\s+(?:province|region|district|провинции|области|района|уезда|вилоята|велаята))?"
                             r"\s*(?:,|\bof\b|\bin\b)?\s*(?:the\s+)?(?:northern\s+|north(?:-?east|-?west)?\s+)?"
                             r"([A-ZА-ЯЁ][\w-]+(?:\s+[A-ZА-ЯЁ][\w-]+)?)", re.UNICODE)


def _country_name(idx: Gazetteer, word: str) -> bool:
    """Is `word` a country's name («Узбекистана», 'Afghanistan'), not only an adjective ('Tajik')?"""
    ids, how = idx.match(word, allow_fuzzy=False)
    return how in ("exact", "stem") and any(idx.entries[i].feature_code == "PCLI" for i in ids)


def _qualifier(text: str, start: int, end: int, idx: Gazetteer, rules: R.Rules) -> str:
    """The country a place name is qualified by: a demonym or possessive right before it ('Afghanistan's
    Badakhshan', «афганской провинции Бадахшан») or a country named right after it ('Badakhshan province of
    Afghanistan', «провинции Бадахшан Афганистана»); '' when none."""
    before = text[max(0, start - 60):start].replace("’", "'")
    last = None
    for m, iso2 in _demonyms_in(before, rules):
        last = (m, iso2)
    if last and QUALIFIER_BEFORE.fullmatch(before, last[0].end()) is not None:
        return ALPHA2_TO_3.get(last[1], last[1])
    m = QUALIFIER_AFTER.match(text, end, min(len(text), end + 50))
    if m:
        ids, how = idx.match(m.group(1), allow_fuzzy=False)
        countries = [idx.entries[i].country for i in ids if idx.entries[i].feature_code == "PCLI"]
        if countries and how in ("exact", "stem"):
            return countries[0]
    return ""


def _inherit_roles(text: str, places: list, offset: int) -> list:
    """«жителей села Айгыр-Жал Чаткальского района (Джалал-Абадская область)»: a place in brackets or apposition right
    after a place with a role (residence, origin, ...) has that role too."""
    out = list(places)
    for n in range(1, len(out)):
        p, q = out[n - 1], out[n]
        if p.role and not q.role and re.fullmatch(r"\s*[(,]\s*", text[p.end - offset:q.start - offset]):
            out[n] = replace(q, role=p.role)
    return out


IN_PROVINCE = re.compile(r"\s*(?:(?:area|district|village|town|city|region|участк\w*|район\w*|сел\w*|кишлак\w*)\s+)?"
                         r"(?:of\s+(?:the\s+)?|in\s+(?:the\s+)?|,\s*)?", re.I)


def _in_province(text: str, places: list, idx: Gazetteer, offset: int) -> list:
    """'the Bulak-Bashy area of Batken Oblast', «района Деваштич Согдийской области»: a name followed by its province is
    read in that province when the gazetteer has it there (not the namesake elsewhere)."""
    out = list(places)
    for n, (p, q) in enumerate(zip(places, places[1:])):
        if q.feature_code != "ADM1" or not q.admin1 or (p.admin1 == q.admin1 and p.country == q.country):
            continue
        if not IN_PROVINCE.fullmatch(text, p.end - offset, q.start - offset):
            continue
        got = [e for e in idx.lookup(strip_generic(p.text) or p.text, country=q.country, admin1=q.admin1, fuzzy=False)
               if e.admin1 == q.admin1 and e.latitude is not None]
        if got:
            e = got[0]
            out[n] = replace(p, name=e.name, country=e.country, admin1=e.admin1, feature_code=e.feature_code,
                             latitude=e.latitude, longitude=e.longitude, alts=())
    return out


def _demonyms_in(text: str, rules: R.Rules):
    found = []
    for comb in rules.demonym_re.values():
        found += list(comb.finditer(text))
    return sorted(found, key=lambda t: t[0].start())


def demonym_countries(text: str, rules: R.Rules | None = None) -> list[tuple[int, str]]:
    """(position, ISO3) of every country named or implied by an adjective ('Tajik', «таджикских»)."""
    rules = rules or R.load()
    return [(m.start(), ALPHA2_TO_3.get(iso2, iso2)) for m, iso2 in _demonyms_in(text, rules)]
