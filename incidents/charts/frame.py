"""The map's frame: the lon/lat box a map shows, fitted to the incidents, and its screen projection."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

# The Tajik–Afghan border with a little context: the frame when nothing is mapped.
BORDER_LON = (67.0, 75.4)
BORDER_LAT = (36.2, 39.2)
MIN_SPAN_KM = 160.0  # the smallest frame (shorter side) so one point still has towns and a border around it
PAD_PX = 46  # space between the outermost incident and the frame's edge (half a big marker plus its fan ring)


def _merc(lat) -> np.ndarray:
    """Mercator y (radians) of latitudes in degrees, as d3-geo (plotly) projects them."""
    return np.log(np.tan(np.pi / 4 + np.radians(np.asarray(lat, float)) / 2))


def _unmerc(y) -> np.ndarray:
    return np.degrees(2 * np.arctan(np.exp(np.asarray(y, float))) - np.pi / 2)


@dataclass(frozen=True)
class Frame:
    """A lon/lat box drawn in a plot area of width x height px (Mercator, as plotly's geo fits it:
    the box scaled to fit the area, centred)."""

    lon: tuple[float, float]
    lat: tuple[float, float]
    width: float
    height: float

    @property
    def scale(self) -> float:
        """Pixels per radian of longitude."""
        dx = math.radians(self.lon[1] - self.lon[0])
        dy = float(_merc(self.lat[1]) - _merc(self.lat[0]))
        return min(self.width / dx, self.height / dy)

    @property
    def box_px(self) -> tuple[float, float]:
        """Width and height in px of the drawn box (it fills the area in one direction)."""
        s = self.scale
        return (math.radians(self.lon[1] - self.lon[0]) * s, float(_merc(self.lat[1]) - _merc(self.lat[0])) * s)

    def px(self, lon, lat) -> tuple[np.ndarray, np.ndarray]:
        """Screen x (from the box's left) and y (from its top) in px."""
        s = self.scale
        x = np.radians(np.asarray(lon, float) - self.lon[0]) * s
        y = (float(_merc(self.lat[1])) - _merc(lat)) * s
        return x, y

    def lonlat(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        """Inverse of `px`."""
        s = self.scale
        lon = self.lon[0] + np.degrees(np.asarray(x, float) / s)
        lat = _unmerc(float(_merc(self.lat[1])) - np.asarray(y, float) / s)
        return lon, lat

    def contains(self, lon, lat) -> np.ndarray:
        lon, lat = np.asarray(lon, float), np.asarray(lat, float)
        return (lon >= self.lon[0]) & (lon <= self.lon[1]) & (lat >= self.lat[0]) & (lat <= self.lat[1])

    def km_per_px(self, lat: float | None = None) -> float:
        """Ground distance of one px along a parallel (at the box's middle latitude by default)."""
        lat = (self.lat[0] + self.lat[1]) / 2 if lat is None else lat
        return 6371.0 * math.cos(math.radians(lat)) / self.scale

    def as_dict(self) -> dict:
        return {"lon": [round(v, 4) for v in self.lon], "lat": [round(v, 4) for v in self.lat],
                "width": round(self.width), "height": round(self.height)}


def fit(lon, lat, width: float = 1300, height: float = 470, pad_px: float = PAD_PX,
        min_span_km: float = MIN_SPAN_KM) -> Frame:
    """The frame that shows every point (lon, lat arrays) with `pad_px` to spare, at least `min_span_km`
    across, with the aspect of the plot area (so plotly fills it); the border frame when there is none."""
    lon = np.asarray(lon, float)
    lat = np.asarray(lat, float)
    ok = np.isfinite(lon) & np.isfinite(lat)
    if ok.any():
        lo_x, hi_x = float(lon[ok].min()), float(lon[ok].max())
        lo_y, hi_y = float(lat[ok].min()), float(lat[ok].max())
        pad = pad_px
    else:
        (lo_x, hi_x), (lo_y, hi_y) = BORDER_LON, BORDER_LAT
        pad = 0.0
    # in Mercator radians
    x0, x1 = math.radians(lo_x), math.radians(hi_x)
    y0, y1 = float(_merc(lo_y)), float(_merc(hi_y))
    mid_lat = (lo_y + hi_y) / 2
    min_span = min_span_km / (6371.0 * math.cos(math.radians(mid_lat)))  # radians on the Mercator plane
    w_in, h_in = max(width - 2 * pad, 1.0), max(height - 2 * pad, 1.0)
    dx, dy = max(x1 - x0, 1e-9), max(y1 - y0, 1e-9)
    s = min(w_in / dx, h_in / dy, min(w_in, h_in) / min_span)  # px per radian
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    half_w, half_h = width / s / 2, height / s / 2
    lon_r = (math.degrees(cx - half_w), math.degrees(cx + half_w))
    lat_r = (float(_unmerc(cy - half_h)), float(_unmerc(cy + half_h)))
    return Frame(lon_r, lat_r, float(width), float(height))


PRINT_WIDTH = 1050  # px of the print export's map (1100 px page less its margins)


def given(lon_range, lat_range, width: float | None = None, height: float = 470) -> Frame:
    """A frame from explicit ranges. Without a width (the print export's call) the area is taken to be
    PRINT_WIDTH px wide with the box's own aspect, as the export lays it out."""
    lon_range = (float(lon_range[0]), float(lon_range[1]))
    lat_range = (float(lat_range[0]), float(lat_range[1]))
    if width is None:
        dx = math.radians(lon_range[1] - lon_range[0])
        dy = float(_merc(lat_range[1]) - _merc(lat_range[0]))
        width, height = PRINT_WIDTH, PRINT_WIDTH * dy / dx
    return Frame(lon_range, lat_range, float(width), float(height))
