"""The gazetteer: place names (with aliases and transliterations) to points, districts and provinces."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
import pycountry
from rapidfuzz import fuzz, process

from ..store import geodata
from ..text import name_key

# Generic words around a place name ("Darvoz district", "Хатлонская область") that are not the name.
GENERIC_WORDS = frozenset("""
district districts region province oblast oblasty viloyat viloyati rayon raion rayoni nohiya nohiyai jamoat
village town city area county the of municipality autonomous
район района районе области область округ город города городе село села кишлак кишлака джамоат
""".split())

# What precision a gazetteer feature gives when an event is placed on it.
FEATURE_PRECISION = {"PPL": "exact", "ADM2": "district", "ADM1": "province", "PCLI": "country"}
# Order of preference among features with the same name: a town beats a district of the same name.
FEATURE_RANK = {"PPL": 0, "ADM2": 1, "ADM1": 2, "PCLI": 3}

ALPHA2_TO_3 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
ALPHA3_TO_2 = {v: k for k, v in ALPHA2_TO_3.items()}


def strip_generic(name: str) -> str:
    """Drop generic words such as 'district' or 'район' from a place phrase."""
    words = [w for w in re.split(r"[\s,]+", str(name)) if w and w.casefold() not in GENERIC_WORDS]
    return " ".join(words)


DISTRICT_WORDS = frozenset("district districts rayon raion rayoni nohiya nohiyai район района районе".split())
PROVINCE_WORDS = frozenset("region province oblast oblasty viloyat viloyati области область".split())


def _kind_hint(phrase: str, stripped: str) -> str:
    """Which feature a phrase asks for: 'Darvoz district' wants the ADM2, not the town."""
    words = {w.casefold() for w in re.split(r"[\s,]+", phrase)} - set(stripped.casefold().split())
    if words & DISTRICT_WORDS:
        return "ADM2"
    if words & PROVINCE_WORDS:
        return "ADM1"
    return "PPL"


@dataclass(frozen=True)
class Place:
    """A gazetteer entry matched to a query."""

    name: str
    latitude: float | None
    longitude: float | None
    country: str  # ISO3
    admin1: str
    feature_code: str
    geonames_id: str
    population: int
    score: float  # 100 = exact (normalised) match

    @property
    def precision(self) -> str:
        return FEATURE_PRECISION.get(self.feature_code, "exact" if self.feature_code.startswith("PP") else "border_area")


class Gazetteer:
    """Name lookup over data/geo/gazetteer.csv with aliases, transliterations and fuzzy matching."""

    def __init__(self, table: pd.DataFrame):
        self.table = table.reset_index(drop=True)
        self.index: dict[str, list[int]] = {}
        for i, row in enumerate(self.table.itertuples(index=False)):
            names = {row.name, row.ascii_name, *str(row.alternate_names or "").split("|")}
            for n in names:
                key = name_key(n)
                if len(key) >= 3:
                    ids = self.index.setdefault(key, [])
                    if i not in ids:
                        ids.append(i)
        self._keys = list(self.index)

    @classmethod
    def load(cls, path: Path | None = None) -> "Gazetteer":
        return _gazetteer(str(path) if path else "")

    def _place(self, i: int, score: float) -> Place:
        r = self.table.iloc[i]
        lat, lon = r["latitude"], r["longitude"]
        return Place(
            name=r["name"],
            latitude=None if pd.isna(lat) else float(lat),
            longitude=None if pd.isna(lon) else float(lon),
            country=ALPHA2_TO_3.get(r["country_code"], r["country_code"]),
            admin1=r["admin1"] if isinstance(r["admin1"], str) else "",
            feature_code=r["feature_code"],
            geonames_id="" if pd.isna(r["geonames_id"]) else str(r["geonames_id"]),
            population=0 if pd.isna(r["population"]) else int(r["population"]),
            score=score,
        )

    def lookup(self, name: str, country: str | None = None, admin1: str | None = None,
               fuzzy: bool = True, cutoff: float = 88.0, limit: int = 5) -> list[Place]:
        """Candidates for a place name, best first.

        Args:
            name: the name as written (any script; 'district' and similar words are ignored).
            country: ISO3 (or ISO2) to restrict to, when the context names a country.
            admin1: province display name to prefer, when the context names one.
            fuzzy: also try near spellings (rapidfuzz) when there is no exact match.
            cutoff: minimum fuzzy score, 0-100.
        """
        stripped = strip_generic(name)
        kind = _kind_hint(name, stripped)
        key = name_key(stripped) or name_key(name)
        if len(key) < 3:
            return []
        hits = {i: 100.0 for i in self.index.get(key, [])}
        if not hits and fuzzy and len(key) >= 5:
            for cand, score, _ in process.extract(key, self._keys, scorer=fuzz.ratio, limit=limit * 2,
                                                  score_cutoff=cutoff):
                for i in self.index[cand]:
                    hits[i] = max(hits.get(i, 0.0), float(score))
        places = [self._place(i, s) for i, s in hits.items()]
        if country:
            iso3 = ALPHA2_TO_3.get(country.upper(), country.upper())
            places = [p for p in places if p.country == iso3]
        places.sort(key=lambda p: (-p.score, p.admin1 != admin1 if admin1 else False, p.latitude is None,
                                   p.feature_code != kind, FEATURE_RANK.get(p.feature_code, 4), -p.population))
        return places[:limit]

    def best(self, name: str, **kwargs) -> Place | None:
        """The single best located candidate, or None."""
        located = [p for p in self.lookup(name, **kwargs) if p.latitude is not None]
        return located[0] if located else None


@cache
def _gazetteer(path: str) -> Gazetteer:
    return Gazetteer(geodata.gazetteer_table(Path(path) if path else None))
