"""Map annotation from the bundled geography, fitted to a frame: country, province, river and town names placed so none overlap, and a scale bar."""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import plotly.graph_objects as go
import shapely
from shapely.ops import polylabel

from ..store import geodata
from .frame import Frame

CAPITALS = {"Dushanbe", "Kabul", "Tashkent", "Bishkek", "Ashgabat"}
COUNTRY_FONT, PROVINCE_FONT, TOWN_FONT, RIVER_FONT = 13, 10.5, 10.5, 10
TOWN_AREA_PX = 15000  # at most one town label per this many px² of map
RIVER_COLOR = "#6FA8D6"
LABEL_COLOR = {"country": "#6B6B6B", "province": "#8F8A80", "town": "#333333", "river": "#2F6F9F"}


def text_box(text: str, size: float) -> tuple[float, float]:
    """Approximate width and height in px of one line of text (Liberation Sans averages ~0.55 em)."""
    return 0.56 * size * len(text) + 2, 1.25 * size


class Boxes:
    """Rectangles (x0, y0, x1, y1 in px) and discs (x, y, radius) already on the map, for collision tests."""

    def __init__(self, discs=()):
        self.rects: list[tuple[float, float, float, float]] = []
        self.discs = np.asarray(list(discs), float).reshape(-1, 3)

    def hits(self, r: tuple[float, float, float, float]) -> bool:
        x0, y0, x1, y1 = r
        for a in self.rects:
            if x0 < a[2] and a[0] < x1 and y0 < a[3] and a[1] < y1:
                return True
        if len(self.discs):
            cx, cy, rad = self.discs[:, 0], self.discs[:, 1], self.discs[:, 2]
            nx, ny = np.clip(cx, x0, x1), np.clip(cy, y0, y1)
            return bool(((nx - cx) ** 2 + (ny - cy) ** 2 < rad ** 2).any())
        return False


def _px_shape(geom, frame: Frame):
    return shapely.transform(geom, lambda c: np.column_stack(frame.px(c[:, 0], c[:, 1])))


@lru_cache(maxsize=4)
def _shapes(src: str, key: str) -> tuple[tuple[str, object], ...]:
    """(name, geometry) of every feature of a bundled GeoJSON file, parsed once."""
    return tuple((str(f["properties"][key]), shapely.geometry.shape(f["geometry"])) for f in geodata.features(src))


@lru_cache(maxsize=32)
def _area_labels(frame: Frame, kind: str) -> tuple[tuple[str, float, float, float], ...]:
    """(name, x, y, visible area px²) of the countries or provinces visible in the frame, largest first."""
    w, h = frame.box_px
    view = shapely.box(0, 0, w, h)
    shapes = _shapes(geodata.COUNTRIES, "name") if kind == "country" else _shapes(geodata.PROVINCES, "admin1")
    lon0, lat0 = frame.lonlat(-20, h + 20)
    lon1, lat1 = frame.lonlat(w + 20, -20)
    near = shapely.box(float(lon0), float(lat0), float(lon1), float(lat1))
    out = []
    for name, g in shapes:
        if not g.intersects(near):
            continue
        gx = _px_shape(g.intersection(near), frame).intersection(view.buffer(-8))
        if gx.is_empty or gx.area < 400:
            continue
        part = max(getattr(gx, "geoms", [gx]), key=lambda p: p.area)
        if part.geom_type != "Polygon":
            continue
        p = polylabel(part, tolerance=2.0)
        out.append((name, float(p.x), float(p.y), float(part.area)))
    return tuple(sorted(out, key=lambda t: -t[3]))


@lru_cache(maxsize=4)
def _towns() -> tuple[tuple[str, float, float, int, int], ...]:
    """(name, lon, lat, population, rank) of gazetteer towns and border-district seats; rank 0 = capital,
    1 = over 100,000 people, 2 = a border-district seat, 3 = any other town."""
    g = geodata.gazetteer_table()
    p = g[(g["feature_class"] == "P") & g["latitude"].notna()]
    seats = geodata.district_seats()
    seat_ids = set(seats["seat_geonames_id"])
    rows = {}
    for r in p.itertuples(index=False):
        pop = 0 if r.population != r.population else int(r.population)
        rank = 0 if r.name in CAPITALS else 1 if pop >= 100_000 else 2 if r.geonames_id in seat_ids else 3
        rows[r.geonames_id] = (str(r.name), float(r.longitude), float(r.latitude), pop, rank)
    for r in seats.itertuples(index=False):
        if r.seat_geonames_id not in rows:
            rows[r.seat_geonames_id] = (str(r.seat), float(r.seat_longitude), float(r.seat_latitude), 0, 2)
    return tuple(sorted(rows.values(), key=lambda t: (t[4], -t[3], t[0])))


def _place_text(boxes: Boxes, text: str, x: float, y: float, size: float, w: float, h: float,
                offsets) -> tuple[str, float, float] | None:
    """The first of `offsets` ((textposition, dx, dy) from the point) whose text box fits inside the map and
    hits nothing: (textposition, x, y) of the text's anchor, or None."""
    tw, th = text_box(text, size)
    for pos, dx, dy in offsets:
        x0 = x + dx - (tw / 2 if "center" in pos else tw if "left" in pos else 0)
        y0 = y + dy - (th / 2 if "middle" in pos else th if "top" in pos else 0)
        r = (x0, y0, x0 + tw, y0 + th)
        if r[0] >= 2 and r[1] >= 2 and r[2] <= w - 2 and r[3] <= h - 2 and not boxes.hits(r):
            boxes.rects.append(r)
            return pos, x + dx, y + dy
    return None


def _text_trace(frame: Frame, rows: list, size: float, color: str, role: str, style: str = "normal") -> go.Scattergeo:
    """Names anchored at px points: rows of (name, x, y, textposition)."""
    lon, lat = frame.lonlat([r[1] for r in rows], [r[2] for r in rows])
    return go.Scattergeo(lon=np.round(lon, 4), lat=np.round(lat, 4), text=[r[0] for r in rows], mode="text",
                         textposition=[r[3] for r in rows], textfont=dict(size=size, color=color, style=style),
                         hoverinfo="skip", showlegend=False, meta={"role": role})


def dots(frame: Frame, xs, ys, color: str = "#555", size: float = 11, role: str = "town-dots") -> go.Scattergeo:
    """Small dots drawn as a text bullet (a text glyph, not a marker: never mistaken for an incident)."""
    lon, lat = frame.lonlat(xs, ys)
    return go.Scattergeo(lon=np.round(lon, 5), lat=np.round(lat, 5), text=["•"] * len(lon), mode="text",
                         textposition="middle center", textfont=dict(size=size, color=color), hoverinfo="skip",
                         showlegend=False, meta={"role": role})


def label_traces(frame: Frame, obstacles: list[tuple[float, float, float]] = ()) -> list[go.Scattergeo]:
    """Country, province, river and town names for this frame, none overlapping one another or the
    discs in `obstacles` (x, y, radius in px: the incident markers); towns at a density the frame allows."""
    w, h = frame.box_px
    boxes = Boxes(obstacles)
    boxes.rects.append((0, h - 44, 30 + w / 6, h))  # the scale bar
    out = []
    for kind, size, style in (("country", COUNTRY_FONT, "normal"), ("province", PROVINCE_FONT, "italic")):
        rows = []
        for name, x, y, area in _area_labels(frame, kind):
            text = name.upper() if kind == "country" else name
            tw, th = text_box(text, size)
            if area < 3 * tw * th:
                continue
            if _place_text(boxes, text, x, y, size, w, h, [("middle center", 0, 0)]):
                rows.append((text, x, y, "middle center"))
        if rows:
            out.append(_text_trace(frame, rows, size, LABEL_COLOR[kind], f"{kind}-labels", style))
    rows = []
    for name, x, y in river_label_points(frame):
        placed = _place_text(boxes, name, x, y, RIVER_FONT, w, h, [("middle center", 0, 0), ("top center", 0, -4),
                                                                   ("bottom center", 0, 4)])
        if placed:
            rows.append((name, placed[1], placed[2], placed[0]))
    if rows:
        out.append(_text_trace(frame, rows, RIVER_FONT, LABEL_COLOR["river"], "river-labels", "italic"))
    rows, at = [], []
    limit = max(4, int(w * h / TOWN_AREA_PX))
    towns = [t for t in _towns() if frame.contains(t[1], t[2])]
    if towns:
        tx, ty = frame.px([t[1] for t in towns], [t[2] for t in towns])
        for t, x, y in zip(towns, tx, ty):
            if len(rows) >= limit:
                break
            if t[4] != 0 and boxes.hits((x - 2.5, y - 2.5, x + 2.5, y + 2.5)):
                continue
            offsets = [("middle right", 5, 0), ("middle left", -5, 0), ("top center", 0, -4), ("bottom center", 0, 4)]
            if t[4] == 0:  # a capital is named even when incidents crowd its point: just beyond them
                offsets += [(p, dx * k, dy * k) for k in (3, 5, 7) for p, dx, dy in offsets[:4]]
            placed = _place_text(boxes, t[0], x, y, TOWN_FONT, w, h, offsets)
            if placed:
                boxes.rects.append((x - 2.5, y - 2.5, x + 2.5, y + 2.5))
                rows.append((t[0], placed[1], placed[2], placed[0]))
                at.append((x, y))
    if rows:
        out.append(dots(frame, [a[0] for a in at], [a[1] for a in at]))
        out.append(_text_trace(frame, rows, TOWN_FONT, LABEL_COLOR["town"], "town-labels"))
    return out


def river_label_points(frame: Frame) -> list[tuple[str, float, float]]:
    """One label point (px) per river with at least 120 px of its course in the frame: the middle of
    its longest visible stretch."""
    w, h = frame.box_px
    view = shapely.box(0, 0, w, h).buffer(-20)
    out = []
    for name, geom in _shapes(geodata.RIVERS, "name"):
        g = _px_shape(geom, frame).intersection(view)
        if g.is_empty:
            continue
        part = max(getattr(g, "geoms", [g]), key=lambda p: p.length)
        if part.length < 120:
            continue
        p = part.interpolate(0.5, normalized=True)
        out.append((name, float(p.x), float(p.y)))
    return out


def nice_km(target: float) -> float:
    """A round length (1, 2 or 5 times a power of ten) close to and not above `target` km."""
    e = 10 ** math.floor(math.log10(max(target, 1e-9)))
    return max(m * e for m in (1, 2, 5) if m * e <= target)


def scale_bar(frame: Frame, x0: float = 14, y0: float | None = None) -> list[go.Scattergeo]:
    """A scale bar at the bottom left (about a sixth of the map's width), true at its own latitude."""
    w, h = frame.box_px
    y0 = h - 16 if y0 is None else y0
    _, lat = frame.lonlat(x0, y0)
    per_px = frame.km_per_px(float(lat))
    km = nice_km(w / 6 * per_px)
    length = km / per_px
    lon, lat_ = frame.lonlat([x0, x0, x0 + length, x0 + length], [y0 - 5, y0, y0, y0 - 5])
    # clockwise on the map (d3-geo fills the rest of the globe for a counter-clockwise ring)
    bg_x = [x0 - 6, x0 - 6, x0 + length + 6, x0 + length + 6, x0 - 6]
    bg_y = [y0 + 5, y0 - 22, y0 - 22, y0 + 5, y0 + 5]
    blon, blat = frame.lonlat(bg_x, bg_y)
    tlon, tlat = frame.lonlat(x0 + length / 2, y0 - 6)
    label = f"{km:,.0f} km"
    return [
        go.Scattergeo(lon=np.round(blon, 4), lat=np.round(blat, 4), mode="lines", fill="toself",
                      fillcolor="rgba(255,255,255,0.75)", line=dict(width=0, color="rgba(0,0,0,0)"),
                      hoverinfo="skip", showlegend=False, meta={"role": "scalebar"}),
        go.Scattergeo(lon=np.round(lon, 4), lat=np.round(lat_, 4), mode="lines", line=dict(color="#333", width=1.6),
                      hoverinfo="skip", showlegend=False, meta={"role": "scalebar", "km": km}),
        go.Scattergeo(lon=[round(float(tlon), 4)], lat=[round(float(tlat), 4)], mode="text", text=[label],
                      textposition="top center", textfont=dict(size=10, color="#333"), hoverinfo="skip",
                      showlegend=False, meta={"role": "scalebar"}),
    ]
