"""The base map from the bundled geography: land, province and country outlines, rivers, border lines."""

# Offline rule: the map is a `scattergeo` whose base layers are ALL switched off and which never
# uses `locationmode`; countries, provinces, rivers and border lines are drawn as our own traces. Any
# plotly base layer or locationmode makes plotly.js fetch topojson from cdn.plot.ly, which fails offline.

from __future__ import annotations

from functools import cache

import numpy as np
import plotly.graph_objects as go
import shapely

from ..store import geodata
from ..view.filters import FOCUS_BORDER
from . import palette as P
from .labels import border_label

def _line_xy(geoms, tolerance: float, holes: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Lon and lat arrays (NaN between parts) for the outlines of polygons or the lines themselves.

    Float arrays, not lists: plotly validates them without a per-value Python loop and ships them to
    the browser as compact binary, which keeps every rerun of the page fast. For a fill, pass
    holes=False: plotly fills each ring on its own, and a hole's (counter-clockwise) ring would fill
    the rest of the globe.
    """
    lons: list = []
    lats: list = []
    for g in geoms:
        g = shapely.simplify(g, tolerance, preserve_topology=True) if tolerance else g
        if g.geom_type in ("Polygon", "MultiPolygon"):
            # d3-geo (plotly) fills the spherical complement of a counter-clockwise ring: exteriors clockwise
            g = shapely.orient_polygons(g, exterior_cw=True)
            parts = [r for poly in getattr(g, "geoms", [g]) for r in (poly.exterior, *(poly.interiors if holes else ()))]
        else:
            parts = list(getattr(g, "geoms", [g]))
        for part in parts:
            xy = np.round(np.asarray(part.coords), 3)
            lons += xy[:, 0].tolist() + [np.nan]
            lats += xy[:, 1].tolist() + [np.nan]
    return np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)


@cache
def base_layers() -> dict:
    """Simplified outlines from the bundled GeoJSON: per-country polygons, province lines, borders."""
    countries = geodata.features(geodata.COUNTRIES)
    out = {"countries": {}, "provinces": None, "borders": {}, "labels": {}, "rivers": {}}
    for f in countries:
        g = shapely.geometry.shape(f["geometry"])
        code = f["properties"]["iso_a3"]
        out["countries"][code] = _line_xy([g], 0.01, holes=False)
        rp = g.representative_point() if code not in ("CHN", "IRN", "KAZ", "PAK") else None
        if rp is not None:
            out["labels"][code] = (f["properties"]["name"], rp.x, rp.y)
    provinces = [shapely.geometry.shape(f["geometry"]) for f in geodata.features(geodata.PROVINCES)]
    out["provinces"] = _line_xy(provinces, 0.01)
    for f in geodata.features(geodata.BORDERS):
        out["borders"][f["properties"]["pair"]] = _line_xy([shapely.geometry.shape(f["geometry"])], 0.005)
    for f in geodata.features(geodata.RIVERS):
        p = f["properties"]
        out["rivers"][p["name"]] = (*_line_xy([shapely.geometry.shape(f["geometry"])], 0.005), bool(p.get("along_borders")))
    # hand-placed label points for the focus countries so they sit near the border
    out["labels"]["TJK"] = ("TAJIKISTAN", 69.6, 38.85)
    out["labels"]["AFG"] = ("AFGHANISTAN", 68.6, 36.05)
    out["labels"]["UZB"] = ("UZBEKISTAN", 66.3, 39.4)
    out["labels"]["KGZ"] = ("KYRGYZSTAN", 73.6, 40.2)
    out["labels"]["TKM"] = ("TURKMENISTAN", 63.5, 38.5)
    out["labels"]["CHN"] = ("CHINA", 76.3, 38.3)
    out["labels"]["PAK"] = ("PAKISTAN", 72.6, 35.6)
    return out


def river_traces() -> list[go.Scattergeo]:
    """Rivers in light blue, wider where they form a border (the border line is drawn on top, so a border
    river reads as a black line in a blue casing)."""
    traces = []
    for border in (False, True):
        lons, lats = [], []
        for lo, la, along in base_layers()["rivers"].values():
            if along == border:
                lons.append(lo)
                lats.append(la)
        if lons:
            traces.append(go.Scattergeo(
                lon=np.concatenate(lons), lat=np.concatenate(lats), mode="lines", name="river", showlegend=False,
                line=dict(color=P.RIVER_LINE, width=6 if border else 1.6), hoverinfo="skip",
                meta={"role": "river", "border_river": border}))
    return traces


def base_traces(labels: bool = True, shading: list | None = None, focus_border: str = FOCUS_BORDER) -> list[go.Scattergeo]:
    """Land fills, [province shading], province and country outlines, rivers, border lines (AFG–TJK
    emphasised) and, unless `labels` is False (the map then places its own), country labels."""
    layers = base_layers()
    traces: list[go.Scattergeo] = []
    # the focus countries last: their fill lies over any neighbour's (enclaves such as Vorukh included)
    for code, (lons, lats) in sorted(layers["countries"].items(), key=lambda kv: kv[0] in ("AFG", "TJK")):
        traces.append(go.Scattergeo(
            lon=lons, lat=lats, mode="lines", fill="toself", name=code, showlegend=False, hoverinfo="skip",
            fillcolor=P.FOCUS_FILL if code in ("AFG", "TJK") else P.LAND_FILL,
            line=dict(color=P.COUNTRY_LINE, width=0.6), meta={"role": "land", "country": code}))
    traces += shading or []
    lons, lats = layers["provinces"]
    traces.append(go.Scattergeo(lon=lons, lat=lats, mode="lines", name="provinces", showlegend=False,
                                hoverinfo="skip", line=dict(color=P.PROVINCE_LINE, width=0.6),
                                meta={"role": "provinces"}))
    traces += river_traces()
    first_other = True
    for pair, (lons, lats) in layers["borders"].items():
        focus = pair == focus_border
        traces.append(go.Scattergeo(
            lon=lons, lat=lats, mode="lines", name=f"{border_label(pair)} border" if focus else "other borders",
            legendgroup="focus-border" if focus else "borders", showlegend=focus or first_other,
            line=dict(color=P.FOCUS_BORDER_LINE if focus else P.BORDER_LINE, width=3.2 if focus else 1.3),
            # not hoverable: a border vertex next to an incident would steal its hover and click
            hoverinfo="skip", meta={"role": "border", "pair": pair}))
        first_other = first_other and focus
    if not labels:
        return traces
    names = list(layers["labels"].values())
    traces.append(go.Scattergeo(
        lon=[n[1] for n in names], lat=[n[2] for n in names], text=[n[0].upper() for n in names], mode="text",
        textfont=dict(size=11, color="#777"), hoverinfo="skip", showlegend=False, meta={"role": "labels"}))
    return traces


def circles(lat: np.ndarray, lon: np.ndarray, km: np.ndarray, n: int = 16) -> tuple[np.ndarray, np.ndarray]:
    """Many circles at once as flat lat/lon arrays, each closed, clockwise and followed by a NaN gap."""
    t = np.linspace(2 * np.pi, 0, n + 1)
    dlat = (km / 110.574)[:, None] * np.sin(t)
    dlon = (km / (111.320 * np.cos(np.radians(lat))))[:, None] * np.cos(t)
    gap = np.full((len(lat), 1), np.nan)
    la = np.hstack([(lat[:, None] + dlat).round(4), gap]).ravel()
    lo = np.hstack([(lon[:, None] + dlon).round(4), gap]).ravel()
    return la, lo


def circle(lat: float, lon: float, km: float, n: int = 36) -> tuple[list[float], list[float]]:
    """One such circle as lat and lon lists, closed and clockwise (plotly's geo fill needs clockwise
    rings, else it fills the rest of the globe); geodesic-ish, good to ~1 % at these radii."""
    la, lo = circles(np.array([lat], float), np.array([lon], float), np.array([km], float), n)
    return la[:-1].tolist(), lo[:-1].tolist()

