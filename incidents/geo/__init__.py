"""Offline geography: the gazetteer, which country and province a point is in, distances to borders.

Everything here works on the bundled `data/geo/` (Natural Earth boundaries, GeoNames place names;
see data/geo/SOURCES.md), read through `incidents.store.geodata`. Nothing touches the network.
"""

from .distance import geodesic_km
from .gazetteer import (ALPHA2_TO_3, ALPHA3_TO_2, FEATURE_PRECISION, FEATURE_RANK, GENERIC_WORDS, Gazetteer,
                        Place, strip_generic)
from .polygons import Geography, PolygonIndex

# The credit the bundled geography requires (GeoNames CC BY 4.0) and the one Natural Earth suggests.
ATTRIBUTION = (
    "Boundaries: Natural Earth (public domain), naturalearthdata.com. "
    "Place names: GeoNames, geonames.org, licensed CC BY 4.0 "
    "(https://creativecommons.org/licenses/by/4.0/); filtered and modified for this project."
)
MAP_CREDITS = "Boundaries: Natural Earth; place names: GeoNames (CC BY 4.0)"

__all__ = ["ATTRIBUTION", "MAP_CREDITS", "ALPHA2_TO_3", "ALPHA3_TO_2", "FEATURE_PRECISION", "FEATURE_RANK",
           "GENERIC_WORDS", "Gazetteer", "Geography", "Place", "PolygonIndex", "geodesic_km", "strip_generic"]
