"""Country and province polygons and border lines, with fast vectorised point queries."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache, cached_property

import numpy as np
import shapely

from ..store import geodata
from .distance import geodesic_km

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

    @cached_property
    def edge_tree(self) -> shapely.STRtree:
        """Every polygon edge, for the grid of large inputs (built on first use: a few points never need it)."""
        edges = []
        for poly in self.shapes:
            for ring in shapely.get_rings(shapely.get_parts(poly)):
                xy = shapely.get_coordinates(ring)
                edges.extend(shapely.linestrings(np.stack([xy[:-1], xy[1:]], axis=1)))
        return shapely.STRtree(np.array(edges))

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
    countries = geodata.features(geodata.COUNTRIES)
    provinces = geodata.features(geodata.PROVINCES)
    borders = geodata.features(geodata.BORDERS)
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
