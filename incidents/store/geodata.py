"""Reading the bundled geography (data/geo): GeoJSON features and the gazetteer table, once per process."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pandas as pd

from .. import config

COUNTRIES, PROVINCES, BORDERS = "countries.geojson", "provinces.geojson", "borders.geojson"
RIVERS = "rivers.geojson"  # Natural Earth river centre lines clipped to the region (map drawing only)
GAZETTEER = "gazetteer.csv"
BORDER_DISTRICTS = "border_districts.csv"


def geo_file(name: str) -> Path:
    return config.geo_dir() / name


def features(name: str) -> list[dict]:
    """The features of a bundled GeoJSON file (countries, provinces, borders or rivers)."""
    return _features(str(geo_file(name)))


@cache
def _features(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)["features"]


def gazetteer_table(path: Path | None = None) -> pd.DataFrame:
    """The gazetteer (GeoNames places, districts, provinces, countries) as a frame: coordinates and
    population as numbers (NaN when blank), every other column as text."""
    return _gazetteer(str(path or geo_file(GAZETTEER)))


@cache
def _gazetteer(path: str) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"geonames_id": "str", "admin1": "str"}, keep_default_na=False,
                       na_values={"latitude": [""], "longitude": [""], "population": [""]})


def district_seats() -> pd.DataFrame:
    """Seats of the border districts (data/geo/border_districts.csv): country_code, admin1, district,
    seat, seat_geonames_id, seat_latitude, seat_longitude; only rows whose seat has a point."""
    return _district_seats(str(geo_file(BORDER_DISTRICTS)))


@cache
def _district_seats(path: str) -> pd.DataFrame:
    t = pd.read_csv(path, dtype=str, keep_default_na=False)
    t = t[(t["seat"] != "") & (t["seat_latitude"] != "")][
        ["country_code", "admin1", "district", "borders", "seat", "seat_geonames_id", "seat_latitude", "seat_longitude"]]
    return t.astype({"seat_latitude": float, "seat_longitude": float}).reset_index(drop=True)


def fingerprint() -> list[str]:
    """name:size:mtime of every bundled geography file (part of the load cache's key)."""
    out = []
    for f in sorted(config.geo_dir().glob("*")):
        if f.suffix in (".geojson", ".csv"):
            st = f.stat()
            out.append(f"{f.name}:{st.st_size}:{st.st_mtime_ns}")
    return out
