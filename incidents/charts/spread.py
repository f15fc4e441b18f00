"""Where each incident's map marker goes: co-located incidents fanned out around their true point, big piles as one count symbol, and the counts a caption reports."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .frame import Frame

# A pile of more incidents than this on (nearly) one screen point becomes one symbol with the count.
COUNT_ABOVE = 15
PILE_PX = 3.0  # points closer than this on screen are one pile (one shared place)
GAP_PX = 2.0  # clear space between two markers
MAX_RINGS = 14  # rings tried around a true point before a marker is left overlapping
NOT_MAPPED = ("country",)  # a country-level point says nothing about where on the map


def mappable(df: pd.DataFrame) -> pd.Series:
    """Incidents drawn on the map: they have coordinates and a place finer than the whole country."""
    return df["latitude"].notna() & df["longitude"].notna() & ~df["geo_precision"].isin(NOT_MAPPED)


def count_size(n) -> np.ndarray:
    """Diameter in px of a count symbol for n incidents."""
    return np.minimum(18 + 4 * np.sqrt(np.asarray(n, float)), 44)


@dataclass(frozen=True)
class MapCounts:
    """What a map shows of the incidents it was given, as a person would count it."""

    shown: int  # incidents given to the map
    mapped: int  # drawn (each with its own marker, or inside a count symbol)
    positions: int  # distinct marker positions on screen (markers plus count symbols)
    no_coordinates: int
    country_level: int  # known only to the country: not drawn
    outside_frame: int  # located, but outside the frame the map shows
    in_count_symbols: int = 0
    fanned: int = 0  # markers moved off their true point (leader line back to it)

    @property
    def unmapped(self) -> int:
        return self.shown - self.mapped

    def caption(self) -> str:
        """'37 of 56 shown incidents mapped (12 without coordinates, 5 known only to the country)'."""
        why = [f"{n} {what}" for n, what in ((self.no_coordinates, "without coordinates"),
                                            (self.country_level, "known only to the country"),
                                            (self.outside_frame, "outside the frame")) if n]
        text = f"{self.mapped} of {self.shown} shown incidents mapped"
        if self.in_count_symbols:
            text += f" ({self.in_count_symbols} in count symbols)"
        return text + (f" · not on the map: {', '.join(why)}" if why else "")

    def as_dict(self) -> dict:
        return {k: int(getattr(self, k)) for k in ("shown", "mapped", "positions", "no_coordinates", "country_level",
                                                     "outside_frame", "in_count_symbols", "fanned")}


@dataclass(frozen=True)
class Placement:
    """Markers placed in a frame.

    `markers`: one row per incident drawn with its own marker (index = the frame's index): lon, lat
    (true point), x_lon, x_lat (where the marker is drawn), moved (fanned off its true point).
    `clusters`: one row per count symbol: lon, lat, n, ids (list of incident_id), killed.
    """

    frame: Frame
    markers: pd.DataFrame
    clusters: pd.DataFrame
    counts: MapCounts


def _piles(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Pile number per point: points within PILE_PX of each other (single linkage on a grid) share one."""
    n = len(x)
    parent = np.arange(n)

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    cells: dict[tuple[int, int], list[int]] = {}
    gx, gy = np.floor(x / PILE_PX).astype(int), np.floor(y / PILE_PX).astype(int)
    for i in range(n):
        cells.setdefault((gx[i], gy[i]), []).append(i)
    for i in range(n):
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for j in cells.get((gx[i] + dx, gy[i] + dy), ()):
                    if j > i and (x[i] - x[j]) ** 2 + (y[i] - y[j]) ** 2 <= PILE_PX ** 2:
                        ri, rj = root(i), root(j)
                        if ri != rj:
                            parent[max(ri, rj)] = min(ri, rj)
    return np.array([root(i) for i in range(n)])


class _Board:
    """Discs already placed (x, y, radius in px), for 'is this spot free?' against the nearby ones."""

    def __init__(self, capacity: int):
        self.xyr = np.zeros((max(capacity, 1), 3))
        self.n = 0

    def free(self, xs: np.ndarray, ys: np.ndarray, r: float) -> np.ndarray:
        if not self.n:
            return np.ones(len(xs), bool)
        p = self.xyr[: self.n]
        reach = r + p[:, 2].max() + GAP_PX
        near = p[(p[:, 0] > xs.min() - reach) & (p[:, 0] < xs.max() + reach)
                 & (p[:, 1] > ys.min() - reach) & (p[:, 1] < ys.max() + reach)]
        if not len(near):
            return np.ones(len(xs), bool)
        d2 = (xs[:, None] - near[None, :, 0]) ** 2 + (ys[:, None] - near[None, :, 1]) ** 2
        return ~((d2 < (r + near[None, :, 2] + GAP_PX) ** 2).any(axis=1))

    def add(self, x: float, y: float, r: float) -> None:
        self.xyr[self.n] = (x, y, r)
        self.n += 1


def _slots(ax: float, ay: float, r: float, step: float):
    """Candidate centres, ring by ring: the true point, then rings of radius k*step around it."""
    yield np.array([ax]), np.array([ay])
    for k in range(1, MAX_RINGS + 1):
        radius = k * step
        n = max(6, int(2 * math.pi * radius / (2 * r + GAP_PX)))
        a = -math.pi / 2 + (np.arange(n) + (0.5 if k % 2 == 0 else 0.0)) * 2 * math.pi / n
        yield ax + radius * np.cos(a), ay + radius * np.sin(a)


def place(df: pd.DataFrame, frame: Frame, sizes: np.ndarray, count_above: int = COUNT_ABOVE) -> Placement:
    """Place one marker per mapped incident in the frame so that no two overlap.

    Biggest first (the deadliest incident keeps its true point); each later marker takes its true
    point if free, else the nearest free slot on rings around it (spiderfy: the page draws a leader
    line back to the true point). A pile of more than `count_above` incidents at one screen point is
    one count symbol instead. `sizes` are marker diameters in px, aligned with df.
    """
    sizes = pd.Series(np.asarray(sizes, float), index=df.index)
    has_xy = df["latitude"].notna() & df["longitude"].notna()
    country = has_xy & df["geo_precision"].isin(NOT_MAPPED)
    d = df[mappable(df)]
    inside = frame.contains(d["longitude"], d["latitude"])
    d = d[inside]
    w, h = frame.box_px
    x, y = frame.px(d["longitude"].to_numpy(float), d["latitude"].to_numpy(float))
    pile = _piles(x, y) if len(d) else np.array([], int)
    members = pd.Series(np.arange(len(d))).groupby(pile).apply(list) if len(d) else pd.Series([], dtype=object)
    big = [m for m in members if len(m) > count_above]
    in_count = {i for m in big for i in m}
    # items: (radius, anchor x, anchor y, kind, payload)
    items: list[tuple[float, float, float, str, object]] = []
    for m in big:
        items.append((float(count_size(len(m))) / 2 + 1, float(x[m].mean()), float(y[m].mean()), "count", m))
    r = sizes.loc[d.index].to_numpy() / 2 + 1
    for i in range(len(d)):
        if i not in in_count:
            items.append((float(r[i]), float(x[i]), float(y[i]), "marker", i))
    items.sort(key=lambda t: (t[3] != "count", -t[0]))  # count symbols, then the biggest markers first
    board = _Board(len(items))
    px_x, px_y = np.full(len(d), np.nan), np.full(len(d), np.nan)
    clusters = []
    for rad, ax, ay, kind, payload in items:
        step = 2 * rad + GAP_PX
        cx, cy = ax, ay
        for xs, ys in _slots(ax, ay, rad, step):
            keep = (xs >= rad) & (xs <= w - rad) & (ys >= rad) & (ys <= h - rad)
            ok = keep & board.free(xs, ys, rad)
            if ok.any():
                j = int(np.argmax(ok))
                cx, cy = float(xs[j]), float(ys[j])
                break
        board.add(cx, cy, rad)
        if kind == "count":
            clusters.append((cx, cy, payload))
        else:
            px_x[payload], px_y[payload] = cx, cy
    lon_d, lat_d = frame.lonlat(px_x, px_y)
    markers = pd.DataFrame({"lon": d["longitude"].to_numpy(float), "lat": d["latitude"].to_numpy(float),
                            "x_lon": np.round(lon_d, 5), "x_lat": np.round(lat_d, 5),
                            "moved": np.hypot(px_x - x, px_y - y) > 0.5}, index=d.index)
    markers = markers[~np.isin(np.arange(len(d)), list(in_count))]
    rows = []
    for cx, cy, m in clusters:
        clon, clat = frame.lonlat(cx, cy)
        sub = d.iloc[m]
        rows.append({"lon": round(float(clon), 5), "lat": round(float(clat), 5), "n": len(m),
                     "ids": sub["incident_id"].astype(str).tolist(),
                     "killed": int(pd.to_numeric(sub["killed"], errors="coerce").fillna(0).sum())})
    clusters_df = pd.DataFrame(rows, columns=["lon", "lat", "n", "ids", "killed"])
    counts = MapCounts(
        shown=len(df), mapped=len(d), positions=len(markers) + len(clusters_df),
        no_coordinates=int((~has_xy).sum()), country_level=int(country.sum()),
        outside_frame=int((~inside).sum()), in_count_symbols=len(in_count), fanned=int(markers["moved"].sum()))
    return Placement(frame, markers, clusters_df, counts)
