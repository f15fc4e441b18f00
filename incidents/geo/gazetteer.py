"""The gazetteer index, one for the whole project: place names (aliases, transliterations, Russian case
endings, spelling folds, fuzzy matches) to points, districts, provinces and countries.

Validation asks it where a named place is (`lookup`, `best`); the extractor asks which entries a phrase
in an article names (`match`). Both use this one index, built from data/geo/gazetteer.csv plus the
spelling tables (curated aliases, transliteration, folds, endings; see `read_spelling`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

import pandas as pd
import pycountry
from rapidfuzz import fuzz, process

from .. import config
from ..store import geodata
from ..text import name_key

# Generic words around a place name ("Darvoz district", "Хатлонская область") that are not the name.
GENERIC_WORDS = frozenset("""
district districts region province oblast oblasty viloyat viloyati rayon raion rayoni nohiya nohiyai jamoat
village town city area county the of municipality autonomous
район района районе области область округ город города городе село села кишлак кишлака джамоат
""".split())
DISTRICT_WORDS = frozenset("district districts rayon raion rayoni nohiya nohiyai район района районе".split())
PROVINCE_WORDS = frozenset("region province oblast oblasty viloyat viloyati области область".split())

# What precision a gazetteer feature gives when an event is placed on it, and the order of preference
# among entries of the same name (a town beats a district of the same name; a country comes last).
FEATURE_PRECISION = {"PPL": "exact", "ADM2": "district", "ADM1": "province", "PCLI": "country"}
FEATURE_RANK = {"PPL": 0, "ADM2": 1, "ADM1": 2, "PCLI": 4}
INDEXED = ("PPL", "ADM1", "ADM2", "PCLI")  # populated places and divisions; rivers and peaks are not places of events

ALPHA2_TO_3 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
ALPHA3_TO_2 = {v: k for k, v in ALPHA2_TO_3.items()}

# The spelling tables (kept with the extractor's rule tables so analysts edit them in one place).
SPELLING_TABLES = ("place_aliases.csv", "translit.csv", "fold.csv", "ru_endings.csv")


def strip_generic(name: str) -> str:
    """Drop generic words such as 'district' or 'район' from a place phrase."""
    words = [w for w in re.split(r"[\s,]+", str(name)) if w and w.casefold() not in GENERIC_WORDS]
    return " ".join(words)


def feature_precision(code: str) -> str:
    if code.startswith("PPL"):
        return "exact"
    return FEATURE_PRECISION.get(code, "province" if code else "border_area")


def feature_rank(code: str) -> int:
    return FEATURE_RANK.get(code, 0 if code.startswith("PPL") else 3)


def _kind_hint(phrase: str, stripped: str) -> str:
    """Which feature a phrase asks for: 'Darvoz district' wants the ADM2, not the town."""
    words = {w.casefold() for w in re.split(r"[\s,]+", phrase)} - set(stripped.casefold().split())
    if words & DISTRICT_WORDS:
        return "ADM2"
    if words & PROVINCE_WORDS:
        return "ADM1"
    return "PPL"


@dataclass(frozen=True)
class Spelling:
    """How names vary: curated aliases (rows of place_aliases.csv), a character transliteration table,
    spelling folds (kh->h, o->a, ...) and Russian case endings, longest first."""

    aliases: tuple[dict[str, str], ...] = ()
    translit: dict[str, str] = field(default_factory=dict)
    fold: tuple[tuple[str, str], ...] = ()
    ru_endings: tuple[str, ...] = ()

    def __hash__(self) -> int:  # the tables are small; the index is cached per distinct spelling
        return hash((tuple(tuple(a.items()) for a in self.aliases), tuple(self.translit.items()), self.fold,
                     self.ru_endings))

    @classmethod
    def from_rows(cls, aliases, translit, fold, endings) -> "Spelling":
        return cls(aliases=tuple(aliases), translit={r["from"]: r["to"] for r in translit},
                   fold=tuple((r["from"], r["to"]) for r in fold),
                   ru_endings=tuple(sorted((r["ending"] for r in endings), key=len, reverse=True)))

    def variant(self, key: str) -> str:
        """A spelling-variant key: transliterated, then folded, doubled letters single, so Darvoz/Darvaz
        and Хатлон/Khatlon meet."""
        out = "".join(self.translit.get(ch, ch) for ch in key)
        for a, b in self.fold:
            out = out.replace(a, b)
        return re.sub(r"(.)\1+", r"\1", out)


def read_spelling(directory: Path | None = None) -> Spelling:
    """The spelling tables of a rules directory (default data/extract/), read through the store."""
    from ..errors import DataFileError
    from ..store import read_table

    d = Path(directory) if directory else config.rules_dir()
    rows = []
    for name in SPELLING_TABLES:
        frame, problems = read_table(d / name)
        errors = [p for p in problems if p.is_error and not (frame is not None and "no data rows" in p.message)]
        if frame is None or errors:
            raise DataFileError(f"spelling table {d / name} cannot be read: " + "; ".join(map(str, errors[:3])))
        rows.append([{k: (v or "").strip() for k, v in r.items()} for r in frame.to_dict("records") if any(r.values())])
    return Spelling.from_rows(*rows)


@dataclass(frozen=True)
class Entry:
    """One gazetteer entry (or curated alias with its own point)."""

    name: str
    country: str  # ISO3
    admin1: str
    feature_code: str
    latitude: float | None
    longitude: float | None
    population: int = 0
    geonames_id: str = ""

    @property
    def precision(self) -> str:
        return feature_precision(self.feature_code)


@dataclass(frozen=True)
class Place(Entry):
    """An entry found for a query, with how well it matched (100 = the name itself)."""

    score: float = 100.0


MATCH_SCORE = {"exact": 100.0, "stem": 97.0, "folded": 95.0, "fuzzy": 90.0}


def _strip_names(name: str) -> str:
    return strip_generic(name)


class Gazetteer:
    """Exact, folded and fuzzy keys over the gazetteer plus the curated alias table."""

    def __init__(self, table: pd.DataFrame, spelling: Spelling | None = None):
        self.spelling = spelling or Spelling()
        self.entries: list[Entry] = []
        self.exact: dict[str, list[int]] = {}
        self.alias_exact: dict[str, list[int]] = {}
        self.folded: dict[str, list[int]] = {}
        for row in table.itertuples(index=False):
            code = str(row.feature_code)
            if code not in INDEXED and not code.startswith("PPL"):
                continue
            lat = None if row.latitude != row.latitude else float(row.latitude)
            lon = None if row.longitude != row.longitude else float(row.longitude)
            pop = 0 if row.population != row.population or row.population == "" else int(row.population)
            gid = "" if not isinstance(row.geonames_id, str) else row.geonames_id
            entry = Entry(row.name, ALPHA2_TO_3.get(row.country_code, row.country_code),
                          row.admin1 if isinstance(row.admin1, str) else "", code, lat, lon, pop, gid)
            self._add(entry, {row.name, row.ascii_name, *str(row.alternate_names or "").split("|")})
        by_name: dict[tuple[str, str], list[int]] = {}
        for i, e in enumerate(self.entries):
            by_name.setdefault((e.name.casefold(), e.country), []).append(i)
        for a in self.spelling.aliases:
            iso3 = ALPHA2_TO_3.get(a["country"], a["country"])
            if a.get("latitude"):
                entry = Entry(a["canonical"], iso3, a["admin1"], a["feature_code"] or "PPL",
                              float(a["latitude"]), float(a["longitude"]), 10**7)
                self._add(entry, {a["alias"], a["canonical"]}, alias=True)
                continue
            targets = by_name.get((a["canonical"].casefold(), iso3), [])
            if not targets:
                targets = [i for i, e in enumerate(self.entries) if e.country == iso3
                           and name_key(a["canonical"]) == name_key(e.name)]
            if a["feature_code"]:  # an alias of a province or a town, not of everything with that name
                targets = [i for i in targets if self.entries[i].feature_code.startswith(a["feature_code"][:3])] or targets
            for i in targets:
                self._add(self.entries[i], {a["alias"]}, index=i, alias=True)
        self._fold_keys: dict[str, list[str]] = {}
        for k in self.folded:
            self._fold_keys.setdefault(k[:1], []).append(k)

    def _add(self, entry: Entry, names, index: int | None = None, alias: bool = False) -> None:
        if index is None:
            self.entries.append(entry)
            index = len(self.entries) - 1
        for n in names:
            for variant in {n, _strip_names(n)}:
                key = name_key(variant)
                if len(key) < 3:
                    continue
                ids = self.exact.setdefault(key, [])
                if alias:  # a curated alias overrides namesakes elsewhere in the gazetteer
                    own = self.alias_exact.setdefault(key, [])
                    if index not in own:
                        own.append(index)
                    if index not in ids:
                        ids.insert(0, index)
                elif index not in ids:
                    ids.append(index)
                fkey = self.spelling.variant(key)
                if len(fkey) >= 5:
                    fids = self.folded.setdefault(fkey, [])
                    if index not in fids:
                        fids.append(index)

    @lru_cache(maxsize=20000)
    def match(self, phrase: str, allow_fuzzy: bool) -> tuple[tuple[int, ...], str]:
        """(entry indexes, how) for a name as written: 'exact', 'stem', 'folded' or 'fuzzy'; ((), '') if none."""
        key = name_key(phrase)
        if len(key) < 3:
            return (), ""
        if key in self.alias_exact:
            return tuple(self.alias_exact[key]), "exact"
        if key in self.exact:
            return tuple(self.exact[key]), "exact"
        variants = [key]
        if re.search(r"[а-яё]", key):
            words = phrase.split()
            last = name_key(words[-1])
            for end in self.spelling.ru_endings:
                if last.endswith(end) and len(last) - len(end) >= 3:
                    stem = name_key(" ".join(words[:-1])) + last[: -len(end)]
                    variants.append(stem)
                    for add in ("", "а", "я"):
                        if stem + add in self.exact:
                            return tuple(self.exact[stem + add]), "stem"
        for v in variants:
            fk = self.spelling.variant(v)
            if fk in self.folded:
                return tuple(self.folded[fk]), "folded"
        if allow_fuzzy and len(key) >= 6:
            fk = self.spelling.variant(variants[-1] if len(variants) > 1 else key)
            got = process.extractOne(fk, self._fold_keys.get(fk[:1], []), scorer=fuzz.ratio, score_cutoff=88)
            if got:
                return tuple(self.folded[got[0]]), "fuzzy"
        return (), ""

    def lookup(self, name: str, country: str | None = None, admin1: str | None = None,
               fuzzy: bool = True, limit: int = 5) -> list[Place]:
        """Candidates for a place name, best first.

        Args:
            name: the name as written (any script; 'district' and similar words are ignored, but a
                district word prefers the district over a town of the same name).
            country: ISO3 (or ISO2) to restrict to, when the context names a country.
            admin1: province display name to prefer, when the context names one.
            fuzzy: also try near spellings when nothing else matches.
        """
        stripped = strip_generic(name)
        kind = _kind_hint(name, stripped)
        ids, how = self.match(stripped or name, fuzzy)
        key = name_key(stripped or name)
        if key in self.alias_exact:  # every namesake is a candidate here; country and province decide
            ids = tuple(dict.fromkeys(self.alias_exact[key] + self.exact.get(key, [])))
        places = [Place(**{**self.entries[i].__dict__, "score": MATCH_SCORE.get(how, 0.0)}) for i in dict.fromkeys(ids)]
        if country:
            iso3 = ALPHA2_TO_3.get(country.upper(), country.upper())
            places = [p for p in places if p.country == iso3]
        places.sort(key=lambda p: (p.admin1 != admin1 if admin1 else False, p.latitude is None,
                                   p.feature_code != kind, feature_rank(p.feature_code), -p.population))
        return places[:limit]

    def best(self, name: str, **kwargs) -> Place | None:
        """The single best located candidate, or None."""
        located = [p for p in self.lookup(name, **kwargs) if p.latitude is not None]
        return located[0] if located else None

    def province_point(self, country: str, admin1: str) -> tuple[float, float] | None:
        """The point of a province (ADM1), for a district the gazetteer lists without coordinates."""
        for e in self.entries:
            if e.feature_code == "ADM1" and e.country == country and e.admin1 == admin1 and e.latitude is not None:
                return e.latitude, e.longitude
        return None

    @classmethod
    def load(cls, spelling: Spelling | None = None) -> "Gazetteer":
        """The bundled gazetteer with `spelling` (default: the spelling tables of data/extract/), built once."""
        return _gazetteer(spelling if spelling is not None else default_spelling())


@cache
def default_spelling() -> Spelling:
    """The spelling tables of the bundled rules directory, read once."""
    return read_spelling()


@cache
def _gazetteer(spelling: Spelling) -> Gazetteer:
    return Gazetteer(geodata.gazetteer_table(), spelling)
