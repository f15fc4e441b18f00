"""Offline geography: gazetteer lookup, which country and province a point is in, and distance to borders.

Everything here reads the project's bundled `data/geo/` (Natural Earth boundaries, GeoNames
place names; see data/geo/SOURCES.md). Nothing touches the network; the optional online
geocoder lives in `incidents.geocode_online` behind an explicit option.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pycountry
import shapely
from rapidfuzz import fuzz, process

GEO_DIR = Path(__file__).resolve().parent.parent / "data" / "geo"

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


def normalize(name: str) -> str:
    """Fold a place name for matching: lower case, no diacritics, letters and digits only.

    >>> normalize("Qal'ai Khumb") == normalize("Qalaikhumb")
    True
    """
    text = unicodedata.normalize("NFKD", str(name)).casefold().replace("ё", "е")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return "".join(ch for ch in text if ch.isalnum())


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
                key = normalize(n)
                if len(key) >= 3:
                    ids = self.index.setdefault(key, [])
                    if i not in ids:
                        ids.append(i)
        self._keys = list(self.index)

    @classmethod
    def load(cls, path: Path | None = None) -> "Gazetteer":
        return _gazetteer(str(path or GEO_DIR / "gazetteer.csv"))

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
        key = normalize(stripped) or normalize(name)
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
    table = pd.read_csv(path, dtype={"geonames_id": "str", "admin1": "str"}, keep_default_na=False,
                        na_values={"latitude": [""], "longitude": [""], "population": [""]})
    return Gazetteer(table)


# --- Polygons and lines -------------------------------------------------------------------------

def _features(name: str) -> list[dict]:
    with open(GEO_DIR / name, encoding="utf-8") as fh:
        return json.load(fh)["features"]


class PolygonIndex:
    """Which polygon contains each point, fast for millions of points and exact.

    Points are bucketed in a grid of CELL-degree cells. A cell that no polygon edge crosses lies wholly
    inside one polygon (or none), so its centre answers for all its points; only points in cells an
    edge crosses get the exact point-in-polygon test.
    """

    CELL = 0.05
    EXACT_BELOW = 2000  # for few points the plain test is quicker than building cells

    def __init__(self, shapes: np.ndarray, names: tuple[str, ...]):
        self.shapes = shapes
        self.names = np.asarray(names, dtype=object)
        shapely.prepare(shapes)
        self.tree = shapely.STRtree(shapes)
        edges = []
        for poly in shapes:
            for ring in shapely.get_rings(shapely.get_parts(poly)):
                xy = shapely.get_coordinates(ring)
                edges.extend(shapely.linestrings(np.stack([xy[:-1], xy[1:]], axis=1)))
        self.edge_tree = shapely.STRtree(np.array(edges))

    def _exact(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        found = np.full(len(x), "", dtype=object)
        if len(x):
            # Bounding boxes first, then the prepared polygons' fast point test on the candidates only.
            p_idx, g_idx = self.tree.query(shapely.points(x, y))
            inside = np.zeros(len(p_idx), dtype=bool)
            for g in np.unique(g_idx):
                sel = g_idx == g
                inside[sel] = shapely.contains_xy(self.shapes[g], x[p_idx[sel]], y[p_idx[sel]])
            found[p_idx[inside]] = self.names[g_idx[inside]]
        return found

    def lookup(self, lat, lon) -> np.ndarray:
        lat, lon = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
        out = np.full(lat.shape, "", dtype=object)
        ok = ~(np.isnan(lat) | np.isnan(lon))
        x, y = lon[ok], lat[ok]
        if len(x) < self.EXACT_BELOW:
            out[ok] = self._exact(x, y)
            return out
        out[ok] = self._cells(x, y, self.CELL, self.LEVELS)
        return out

    LEVELS = 3  # a crossed cell is split into SPLIT x SPLIT sub-cells, this many times
    SPLIT = 8
    _PAD = 1e-9  # cells are tested slightly enlarged, so a point on a cell's edge is surely inside it

    def _cells(self, x: np.ndarray, y: np.ndarray, cell: float, levels: int) -> np.ndarray:
        """Answer points cell by cell: a cell no polygon edge crosses takes its centre's answer;
        points in crossed cells go to finer cells, and after the last level to the exact test."""
        if len(x) < self.EXACT_BELOW or levels == 0:
            return self._exact(x, y)
        ix, iy = np.floor(x / cell).astype(np.int64), np.floor(y / cell).astype(np.int64)
        x0, y0 = ix.min(), iy.min()
        keys, inverse = np.unique((ix - x0) * (iy.max() - y0 + 1) + (iy - y0), return_inverse=True)
        cx, cy = keys // (iy.max() - y0 + 1) + x0, keys % (iy.max() - y0 + 1) + y0
        boxes = shapely.box(cx * cell - self._PAD, cy * cell - self._PAD,
                            (cx + 1) * cell + self._PAD, (cy + 1) * cell + self._PAD)
        crossed = np.zeros(len(keys), dtype=bool)
        crossed[np.unique(self.edge_tree.query(boxes, predicate="intersects")[0])] = True
        cell_answer = np.full(len(keys), "", dtype=object)
        calm = ~crossed
        cell_answer[calm] = self._exact((cx[calm] + 0.5) * cell, (cy[calm] + 0.5) * cell)
        found = cell_answer[inverse]
        need = crossed[inverse]
        if need.any():
            found[need] = self._cells(x[need], y[need], cell / self.SPLIT, levels - 1)
        return found


@dataclass(frozen=True)
class Geography:
    """Country and province polygons and border lines, with vectorised point queries."""

    countries: tuple[str, ...]
    country_index: PolygonIndex
    provinces: tuple[str, ...]
    province_countries: tuple[str, ...]
    province_index: PolygonIndex
    borders: tuple[str, ...]
    border_shapes: np.ndarray  # lon/lat LineStrings
    segment_tree: shapely.STRtree  # border segments in a local equal-area plane
    segment_border: np.ndarray  # border index of each segment

    @classmethod
    def load(cls) -> "Geography":
        return _geography()

    @property
    def country_shapes(self) -> np.ndarray:
        return self.country_index.shapes

    @property
    def province_shapes(self) -> np.ndarray:
        return self.province_index.shapes

    def country_at(self, lat, lon) -> np.ndarray:
        """ISO3 of the country containing each point ('' when outside every polygon)."""
        return self.country_index.lookup(lat, lon)

    def admin1_at(self, lat, lon) -> np.ndarray:
        """Province display name containing each point ('' when none)."""
        return self.province_index.lookup(lat, lon)

    def nearest_border(self, lat, lon) -> tuple[np.ndarray, np.ndarray]:
        """For each point: the nearest border pair and the geodesic distance to it in km.

        The nearest segment is found in a sinusoidal plane (good for choosing); the distance is then
        measured on the WGS84 ellipsoid from the point to the closest point of that segment.
        """
        lat, lon = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
        pair = np.full(lat.shape, "", dtype=object)
        km = np.full(lat.shape, np.nan)
        ok = ~(np.isnan(lat) | np.isnan(lon))
        if not ok.any():
            return pair, km
        px, py = _to_plane(lon[ok], lat[ok])
        n = len(px)
        # GEOS releases the GIL: large inputs are split between two threads, each with whole points.
        parts = 2 if n >= 100_000 and (os.cpu_count() or 1) > 1 else 1
        bounds = np.linspace(0, n, parts + 1).astype(int)
        jobs = [(px[a:b], py[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]
        if parts > 1:
            with ThreadPoolExecutor(parts) as pool:
                results = list(pool.map(lambda job: self._nearest_points(*job), jobs))
        else:
            results = [self._nearest_points(*jobs[0])]
        p_idx = np.concatenate([r[0] + a for r, a in zip(results, bounds[:-1])])
        s_idx = np.concatenate([r[1] for r in results])
        nearest = np.concatenate([r[2] for r in results])
        nlon, nlat = _from_plane(nearest[:, 0], nearest[:, 1])
        sub_pair = np.full(n, "", dtype=object)
        sub_km = np.full(n, np.nan)
        sub_pair[p_idx] = np.asarray(self.borders, dtype=object)[self.segment_border[s_idx]]
        sub_km[p_idx] = geodesic_km(lat[ok][p_idx], lon[ok][p_idx], nlat, nlon)
        pair[ok], km[ok] = sub_pair, sub_km
        return pair, km


    def _nearest_points(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(point index, nearest segment index, nearest point on it) for plane coordinates."""
        pts = shapely.points(x, y)
        p_idx, s_idx = self.segment_tree.query_nearest(pts, all_matches=False)
        segs = self.segment_tree.geometries[s_idx]
        nearest = shapely.get_coordinates(shapely.shortest_line(pts[p_idx], segs)).reshape(-1, 2, 2)[:, 1, :]
        return p_idx, s_idx, nearest


_CENTRAL_MERIDIAN = 70.0


def _to_plane(lon, lat):
    return (np.asarray(lon) - _CENTRAL_MERIDIAN) * np.cos(np.radians(lat)), np.asarray(lat)


def _from_plane(x, y):
    return np.asarray(x) / np.cos(np.radians(y)) + _CENTRAL_MERIDIAN, np.asarray(y)


@cache
def _geography() -> Geography:
    countries = _features("countries.geojson")
    provinces = _features("provinces.geojson")
    borders = _features("borders.geojson")
    c_shapes = np.array([shapely.geometry.shape(f["geometry"]) for f in countries])
    p_shapes = np.array([shapely.geometry.shape(f["geometry"]) for f in provinces])
    b_shapes = np.array([shapely.geometry.shape(f["geometry"]) for f in borders])
    segments, owner = [], []
    for bi, line in enumerate(b_shapes):
        for part in getattr(line, "geoms", [line]):
            xy = np.asarray(part.coords)
            x, y = _to_plane(xy[:, 0], xy[:, 1])
            pts = np.column_stack([x, y])
            segments.extend(shapely.linestrings(np.stack([pts[:-1], pts[1:]], axis=1)))
            owner.extend([bi] * (len(pts) - 1))
    return Geography(
        countries=tuple(_country_code(f["properties"]) for f in countries),
        country_index=PolygonIndex(c_shapes, tuple(_country_code(f["properties"]) for f in countries)),
        provinces=tuple(f["properties"]["admin1"] for f in provinces),
        province_countries=tuple(_country_code(f["properties"]) for f in provinces),
        province_index=PolygonIndex(p_shapes, tuple(f["properties"]["admin1"] for f in provinces)),
        borders=tuple(f["properties"]["pair"] for f in borders),
        border_shapes=b_shapes,
        segment_tree=shapely.STRtree(np.array(segments)),
        segment_border=np.asarray(owner),
    )


def _country_code(props: dict) -> str:
    for key in ("iso3", "adm0_a3", "ADM0_A3", "iso_a3", "country"):
        if props.get(key):
            return props[key]
    raise KeyError(f"no ISO3 code in geo feature properties {sorted(props)}")


# --- Distances ----------------------------------------------------------------------------------

_A, _F = 6378137.0, 1 / 298.257223563  # WGS84
_B = (1 - _F) * _A


def geodesic_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Vectorised geodesic distance on WGS84 in km (Vincenty's inverse formula).

    Agrees with geopy.distance.geodesic to well under a metre for the distances used here
    (checked in tests); geopy's per-pair call is too slow for a million rows.

    Up to 20 rounds of the lambda iteration, as always; a point whose lambda comes back unchanged
    (exactly) has reached the value every later round would also give, so it leaves the loop there
    with bit-for-bit the answer of 20 rounds, and the remaining rounds run on unsettled points only.
    """
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(a, dtype=float)) for a in (lat1, lon1, lat2, lon2))
    lat1, lon1, lat2, lon2 = np.broadcast_arrays(lat1, lon1, lat2, lon2)
    shape = lat1.shape
    lat1, lon1, lat2, lon2 = (a.reshape(-1) for a in (lat1, lon1, lat2, lon2))
    L = lon2 - lon1
    U1, U2 = np.arctan((1 - _F) * np.tan(lat1)), np.arctan((1 - _F) * np.tan(lat2))
    sinU1, cosU1, sinU2, cosU2 = np.sin(U1), np.cos(U1), np.sin(U2), np.cos(U2)
    keys = ("sin_sigma", "cos_sigma", "sigma", "cos2_alpha", "cos_2sm")
    out = {k: np.empty(L.shape) for k in keys}
    active = np.arange(L.size)
    lam, Lx, sU1, cU1, sU2, cU2 = L, L, sinU1, cosU1, sinU2, cosU2
    for round_ in range(20):
        sin_lam, cos_lam = np.sin(lam), np.cos(lam)
        sin_sigma = np.hypot(cU2 * sin_lam, cU1 * sU2 - sU1 * cU2 * cos_lam)
        cos_sigma = sU1 * sU2 + cU1 * cU2 * cos_lam
        sigma = np.arctan2(sin_sigma, cos_sigma)
        with np.errstate(invalid="ignore", divide="ignore"):
            sin_alpha = np.where(sin_sigma == 0, 0.0, cU1 * cU2 * sin_lam / sin_sigma)
            cos2_alpha = 1 - sin_alpha**2
            cos_2sm = np.where(cos2_alpha == 0, 0.0, cos_sigma - 2 * sU1 * sU2 / cos2_alpha)
        C = _F / 16 * cos2_alpha * (4 + _F * (4 - 3 * cos2_alpha))
        new_lam = Lx + (1 - C) * _F * sin_alpha * (
            sigma + C * sin_sigma * (cos_2sm + C * cos_sigma * (-1 + 2 * cos_2sm**2)))
        done = (new_lam == lam) if round_ < 19 else np.ones(lam.shape, dtype=bool)
        for k, v in zip(keys, (sin_sigma, cos_sigma, sigma, cos2_alpha, cos_2sm)):
            out[k][active[done]] = v[done]
        if done.all():
            break
        keep = ~done
        active, lam = active[keep], new_lam[keep]
        Lx, sU1, cU1, sU2, cU2 = Lx[keep], sU1[keep], cU1[keep], sU2[keep], cU2[keep]
    sin_sigma, cos_sigma, sigma, cos2_alpha, cos_2sm = (out[k] for k in keys)
    u2 = cos2_alpha * (_A**2 - _B**2) / _B**2
    A = 1 + u2 / 16384 * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)))
    Bc = u2 / 1024 * (256 + u2 * (-128 + u2 * (74 - 47 * u2)))
    d_sigma = Bc * sin_sigma * (cos_2sm + Bc / 4 * (cos_sigma * (-1 + 2 * cos_2sm**2)
                                                    - Bc / 6 * cos_2sm * (-3 + 4 * sin_sigma**2) * (-3 + 4 * cos_2sm**2)))
    result = _B * A * (sigma - d_sigma) / 1000.0
    return result.reshape(shape) if shape else result.reshape(())[()]
