"""Place names, border phrases and demonyms in a sentence, looked up in the gazetteer and the alias table.

Lookup with transliteration folding, Russian case endings and fuzzy matching; border phrases ("the Tajik-Afghan
border"); countries named by demonyms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from .. import schema as S
from .. import store
from ..store import geodata
from ..geo import ALPHA2_TO_3, GENERIC_WORDS, Gazetteer
from ..geo.gazetteer import Entry, feature_precision, feature_rank, strip_generic
from . import rules as R
from . import russian
from .roles import (_country_name, _demonyms_in, _in_province, _inherit_roles, _qualifier,  # noqa: F401
                    demonym_countries, place_role)

GAP = re.compile(r"[\s\-'’]{1,2}")
TOKEN = re.compile(r"[^\W\d_]+(?:['’`][^\W\d_]+)?", re.UNICODE)
DISTRICT_WORDS = frozenset("district districts rayon raion nohiya район района районе районом нохия уезд уезда уезде "
                           "уездом".split())
PROVINCE_WORDS = frozenset("province region oblast viloyat область области областью вилоят".split())
VILLAGE_WORDS = frozenset("village town city settlement kishlak jamoat село села селе кишлак кишлака кишлаке поселок посёлок город города городе джамоат джамоата".split())
LOCATIVE = re.compile(r"(?:\b(?:in|near|at|into|outside|around|inside|across|from|of|to|through|via|в|во|на|под|возле|около|у|из|близ|вблизи|через)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}|\b(?:in|near|at)\s+the\s+[\w-]+\s+(?:city|town|village|district|province|region)\s+of\s+)$", re.I)
REPORTING = re.compile(r"^\s*(?:said|told|announced|reported|stated|according|—|,\s*(?:said|told|reported))", re.I)
REGION_COUNTRIES = frozenset({"AFG", "TJK", "KGZ", "UZB", "TKM", "KAZ"})
SAME_PLACE_KM = 75.0  # two places this close may be where one event happened
BORDER_PLACES = "border_places.csv"  # crossings, posts and border villages with points (data/geo)


@dataclass(frozen=True)
class Place:
    start: int
    end: int
    text: str  # as written, with its generic word ('Darvoz district')
    name: str  # gazetteer / alias name
    country: str  # ISO3
    admin1: str
    feature_code: str
    latitude: float | None
    longitude: float | None
    in_region: bool
    locative: bool = False
    reporting: bool = False
    how: str = "exact"  # exact | alias | stem | folded | fuzzy
    role: str = ""  # '' = could be where it happened; origin | other_side | dateline | ... (the place_roles table)
    alts: tuple[str, ...] = ()  # other countries with a place of this name (Badakhshan: AFG and TJK), when unqualified

    @property
    def eventive(self) -> bool:
        """Could this be the event's place? Not a dateline, not where attackers came from, not the far side of a border."""
        return not self.role

    @property
    def precision(self) -> str:
        return feature_precision(self.feature_code)

    @property
    def rank(self) -> int:
        return feature_rank(self.feature_code)


def index(rules: R.Rules | None = None) -> Gazetteer:
    """The one gazetteer index (incidents.geo) with the rules' spelling tables (built once per spelling)."""
    return _index(rules or R.load())


@lru_cache(maxsize=8)
def _index(rules: R.Rules) -> Gazetteer:
    # Rules hash by identity: the spelling tables are hashed once, not per call
    base = Gazetteer.load(rules.spelling)
    extra = tuple(_border_place_aliases(base))
    if not extra:
        return base
    return Gazetteer.load(replace(rules.spelling, aliases=rules.spelling.aliases + extra))


def _border_place_aliases(base: Gazetteer) -> list[dict[str, str]]:
    """The border crossings, posts and villages of data/geo/border_places.csv (read through the store) as located
    aliases of the one gazetteer index, for the names it does not know yet (Dowang, Khirmanjo post, Sarichashma)."""
    frame, _ = store.read_table(geodata.geo_file(BORDER_PLACES))
    if frame is None or frame.empty:
        return []
    out = []
    for row in frame.to_dict("records"):
        if not str(row.get("latitude", "") or "").strip():
            continue  # a place the geography team could not locate ('no sourced coordinate')
        canonical = re.sub(r"\s*\(.*\)$", "", str(row.get("name", ""))).strip()
        names = [canonical, *str(row.get("alternate_names", "") or "").split("|")]
        for name in dict.fromkeys(n.strip() for n in names if n and n.strip()):
            ids, how = base.match(name, False)
            if ids:
                continue  # the gazetteer (or the alias table) knows this name, in any spelling: never override it
            out.append({"alias": name, "canonical": canonical, "country": str(row.get("country_code", "")),
                        "feature_code": "PPL", "latitude": str(row.get("latitude", "")),
                        "longitude": str(row.get("longitude", "")), "admin1": str(row.get("admin1", "") or ""),
                        "note": "border_places.csv"})
    return out


def province_point(country: str, admin1: str, rules: R.Rules | None = None) -> tuple[float, float] | None:
    """The gazetteer point of a province (ADM1), for a district the gazetteer lists without coordinates."""
    return index(rules).province_point(country, admin1) if admin1 else None


def find_places(text: str, offset: int = 0, countries: frozenset[str] = frozenset(),
                skip_words: frozenset[str] = frozenset(), rules: R.Rules | None = None) -> list[Place]:
    """Places named in `text` (one sentence), longest phrase first; offsets shifted by `offset`."""
    rules = rules or R.load()
    idx = index(rules)
    stop = rules.place_stopwords
    demonyms = [c.regex for c in rules.demonym_re.values()]
    toks = [(m.start(), m.end(), m.group(0)) for m in TOKEN.finditer(text)]
    caps = [t[2][:1].isupper() for t in toks]
    generic = [t[2].casefold() in GENERIC_WORDS for t in toks]
    out: list[Place] = []
    i = 0
    while i < len(toks):
        if not caps[i] or toks[i][2].casefold() in skip_words:
            i += 1
            continue
        maxn = 1
        while maxn < 5 and i + maxn < len(toks) and (caps[i + maxn] or generic[i + maxn] or _particle(toks, text, i + maxn)) \
                and GAP.fullmatch(text, toks[i + maxn - 1][1], toks[i + maxn][0]):
            maxn += 1
        found = None
        for n in range(maxn, 0, -1):
            span = toks[i:i + n]
            if generic[i + n - 1] or not caps[i + n - 1]:
                continue
            if n < maxn and text[span[-1][1]:toks[i + n][0]] == "-":
                continue  # 'Aral-Baba', 'Kok-Tash': a hyphenated name is one name, never its first half
            phrase = re.sub(r"['’`]s$", "", text[span[0][0]:span[-1][1]])
            if n == 1 and (phrase.casefold() in stop or (any(p.fullmatch(phrase) for p in demonyms)
                                                         and not _country_name(idx, phrase))):
                continue
            if any(p.fullmatch(phrase) for p in rules.out_of_region.values()):
                continue  # «по Москве», 'in Moscow': a namesake village in the gazetteer is not what the text means
            ids, how = idx.match(phrase, allow_fuzzy=False)
            if how not in ("", "exact", "stem") or not ids:
                exact_ids = () if how not in ("exact", "stem") else ids
            else:
                exact_ids = ids
            before = text[max(0, span[0][0] - 40):span[0][0]]
            after = text[span[-1][1]:span[-1][1] + 25]
            nxt = re.match(r"\s+([\w-]+)", after)
            nxt_word = nxt.group(1).casefold() if nxt else ""
            prev = re.search(r"([\w-]+)\s+$", before)
            prev_word = prev.group(1).casefold() if prev else ""
            hint_words = {nxt_word, prev_word}
            kind_of = re.search(r"([\w-]+)\s+of\s+(?:the\s+)?$", before)  # 'the frontier region of Batken'
            if kind_of:
                hint_words.add(kind_of.group(1).casefold())
            if not exact_ids:
                if not ids and n > 2:
                    continue
                place_context = bool(LOCATIVE.search(before)) or bool(hint_words & (DISTRICT_WORDS | PROVINCE_WORDS | VILLAGE_WORDS))
                if not place_context:
                    continue
                if not ids:
                    ids, how = _normal_form_match(idx, phrase)
                if not ids and (i > 0 or hint_words & (DISTRICT_WORDS | PROVINCE_WORDS | VILLAGE_WORDS)):
                    # fuzzy only on a capitalised name inside the sentence (not its first word, capitalised anyway)
                    ids, how = idx.match(phrase, allow_fuzzy=n <= 2)
                if not ids:
                    continue
            end = span[-1][1]
            if nxt_word in DISTRICT_WORDS | PROVINCE_WORDS | VILLAGE_WORDS:
                end = span[-1][1] + nxt.end()
            found = _make(text, span[0][0], span[-1][1], end, phrase, idx, ids, how, hint_words, countries, offset, rules)
            i += n
            break
        if found:
            out.append(found)
        else:
            i += 1
    return _inherit_roles(text, _in_province(text, out, idx, offset), offset)


def _normal_form_match(idx: Gazetteer, phrase: str) -> tuple[tuple[int, ...], str]:
    """A Russian phrase looked up by its normal forms («Согдийской области» -> «Согдийская область»)."""
    if not re.search(r"[А-Яа-яЁё]", phrase):
        return (), ""
    for form in russian.normal_forms(phrase):
        ids, how = idx.match(form, allow_fuzzy=False)
        if ids and how in ("exact", "stem", "folded"):
            return ids, "normal"
    return (), ""


def ner_places(text: str, offset: int, known: list[Place], countries: frozenset[str] = frozenset(),
               rules: R.Rules | None = None) -> list[Place]:
    """Places in a Russian sentence that natasha's NER tags as locations and the capitalised-name scan missed
    («на участке Росровут района Деваштич»), looked up as written and by their normal forms."""
    rules = rules or R.load()
    idx = index(rules)
    out = []
    for s, e in russian.location_spans(text):
        if any(p.start - offset < e and s < p.end - offset for p in known):
            continue
        phrase = strip_generic(text[s:e]) or text[s:e]
        if any(p.fullmatch(phrase) for p in rules.out_of_region.values()):
            continue
        ids, how = idx.match(phrase, allow_fuzzy=False)
        if not ids or how not in ("exact", "stem", "folded"):
            ids, how = _normal_form_match(idx, text[s:e])
        if ids:
            words = {w.casefold() for w in text[s:e].split()}
            out.append(_make(text, s, s + len(text[s:e].rstrip()), e, phrase, idx, ids, how or "ner", words, countries,
                             offset, rules))
    return out


def _make(text: str, s: int, name_end: int, end: int, phrase: str, idx: Gazetteer, ids, how: str, hint_words: set[str],
          countries: frozenset[str], offset: int, rules: R.Rules) -> Place:
    """The Place for text[s:end] naming gazetteer entries `ids`: its country qualifier, role and context."""
    entry = _choose(idx, ids, hint_words, countries)
    span0, span1 = s, name_end
    qualifier = _qualifier(text, span0, span1, idx, rules)
    alts: tuple[str, ...] = ()
    if not qualifier and countries and entry.country not in countries:
        qualifier = next((c for c in sorted(countries) if c in {e.country for e in idx.lookup(phrase, fuzzy=False)}), "")
    if qualifier and entry.country != qualifier:
        # 'Afghanistan's Badakhshan', «афганской провинции Бадахшан», 'Badakhshan province of Afghanistan'
        entry = next((e for e in idx.lookup(phrase, country=qualifier, fuzzy=False) if e.latitude is not None), entry)
    elif not qualifier and entry.feature_code != "PCLI":
        alts = tuple(sorted({e.country for e in idx.lookup(phrase, fuzzy=False, limit=8)} - {entry.country}))
    lat_ok = entry.latitude is not None
    in_region = (lat_ok and S.in_region(entry.latitude, entry.longitude)) or entry.country in REGION_COUNTRIES
    if entry.country not in REGION_COUNTRIES and entry.feature_code == "PCLI":
        in_region = in_region and entry.country in ("IRN", "PAK")
    before = text[max(0, span0 - 40):span0]
    return Place(span0 + offset, end + offset, text[span0:end], entry.name, entry.country,
                 entry.admin1, entry.feature_code, entry.latitude, entry.longitude, bool(in_region),
                 locative=bool(LOCATIVE.search(before)), reporting=bool(REPORTING.match(text[end:end + 30])),
                 how=how, role=place_role(text, span0, span1, rules), alts=alts)


NAME_PARTICLES = frozenset("e i ye ul al ud ad as ash el е и ул аль уд".split())


def _particle(toks, text: str, k: int) -> bool:
    """A hyphenated particle inside a name: the ezafe of 'Shahr-e-Buzurg', «Шахр-е-Буззург», 'Mazar-i-Sharif'."""
    if toks[k][2].casefold() not in NAME_PARTICLES or k + 1 >= len(toks):
        return False
    return text[toks[k - 1][1]:toks[k][0]] == "-" or text[toks[k][1]:toks[k + 1][0]] == "-"


def _choose(idx: Gazetteer, ids, hint_words: set[str], countries: frozenset[str]) -> Entry:
    want = "ADM2" if hint_words & DISTRICT_WORDS else "ADM1" if hint_words & PROVINCE_WORDS else "PPL" if hint_words & VILLAGE_WORDS else ""
    entries = [idx.entries[i] for i in ids]

    def key(e: Entry):
        code = "PPL" if e.feature_code.startswith("PPL") else e.feature_code
        return (
            0 if not want or code == want else 1,
            0 if not countries or e.country in countries else 1,
            e.latitude is None,
            feature_rank(code),
            -e.population,
        )
    return min(entries, key=key)


@dataclass(frozen=True)
class BorderMention:
    start: int
    end: int
    text: str
    border: str  # AFG-TJK or '' for a generic "the border"
    label: str
    country: str  # ISO3 of the side named next to it ('Tajik border post' -> TJK), or ''


def find_borders(text: str, offset: int = 0, rules: R.Rules | None = None, lang: str | None = None) -> list[BorderMention]:
    rules = rules or R.load()
    out: list[BorderMention] = []
    for lg, comb in rules.border_re.items():
        if lang and lg != lang:
            continue
        for m, (border, label) in comb.finditer(text):
            side = ""
            before = text[max(0, m.start() - 40):m.start()]
            last = None
            for dm, iso2 in _demonyms_in(before, rules):
                last = (dm, iso2)
            if last and re.fullmatch(r"\s*(?:[a-z-]+\s+){0,2}", before[last[0].end():]) is not None:
                side = ALPHA2_TO_3.get(last[1], last[1])
            out.append(BorderMention(m.start() + offset, m.end() + offset, m.group(0), border, label, side))
    pairs = _pair_borders(text, offset, rules, lang)
    if pairs:  # a pair named generically replaces the bare 'border' inside it, never a phrase of the table
        out = [b for b in out if b.border or not any(p.start <= b.start and b.end <= p.end for p in pairs)]
        out += [p for p in pairs if not any(b.border and b.start < p.end and p.start < b.end for b in out)]
    return sorted(out, key=lambda b: b.start)


_PAIR_CACHE: dict = {}


def _pair_patterns(rules: R.Rules, lang: str) -> list[re.Pattern]:
    """Two countries named together with a border word, in any of the ways news writes it: a compound adjective
    ('the Kyrgyz-Uzbek border', «киргизско-узбекской границе») or a border between two named countries ('the border
    between Kyrgyzstan and Tajikistan', «на границе между Кыргызстаном и Таджикистаном», «границе Киргизии и
    Таджикистана»). Built from the country stems table, so every pair of countries is covered alike."""
    key = (id(rules.country_stems), lang)
    if key not in _PAIR_CACHE:
        stems = rules.country_stems.get(lang, ())
        s = "(?:" + "|".join(p.pattern for p, _, _ in stems) + ")" if stems else r"(?!x)x"
        word = {"en": r"(?:border|frontier)s?", "ru": r"(?:границ|рубеж)\w*"}.get(lang, r"(?!x)x")
        state = {"en": r"(?:(?:state|common|shared|disputed)\s+)?", "ru": r"(?:(?:государственн|общ|спорн)\w*\s+)?"}.get(lang, "")
        link = r"(?:and|&)" if lang == "en" else r"и"
        _PAIR_CACHE[key] = [
            re.compile(rf"(?<![\w-])({s})\s?[-–]\s?({s})\s+{state}{word}", R.FLAGS),
            re.compile(rf"(?<![\w-]){word}\s+(?:(?:between|of|между)\s+)?(?:the\s+)?({s})\s+{link}\s+(?:the\s+)?({s})(?![\w])",
                       R.FLAGS)]
    return _PAIR_CACHE[key]


def _pair_borders(text: str, offset: int, rules: R.Rules, lang: str | None) -> list[BorderMention]:
    out = []
    for lg in ([lang] if lang else list(rules.country_stems)):
        stems = rules.country_stems.get(lg, ())
        for pat in _pair_patterns(rules, lg):
            for m in pat.finditer(text):
                sides = []
                for word in (m.group(1), m.group(2)):
                    hit = next(((iso2, adj) for p, iso2, adj in stems if p.fullmatch(word)), None)
                    if hit is None:
                        break
                    sides.append(hit)
                if len(sides) != 2 or sides[0][0] == sides[1][0]:
                    continue
                isos = sorted(ALPHA2_TO_3.get(i, i) for i, _ in sides)
                code = "-".join(isos)
                label = next((lbl for _, b, lbl, _lg in rules.border_phrases if b == code),
                             f"{sides[0][1]}-{sides[1][1]} border")
                out.append(BorderMention(m.start() + offset, m.end() + offset, m.group(0), code, label, ""))
    return out

