"""Rules between a record's point and the geography: the side of the border it lies on, and whether it
is where the gazetteer puts the place the record names.

* a point that lies in another country than `country` is an error, unless the record is tagged
  `side-explained` (the ledger note says why, e.g. a village on the stated side of an undemarcated
  line that our generalised polygons put across it);
* a point with `geo_precision` exact or near must lie within NEAR_KM of a gazetteer entry for its
  `location`, when the gazetteer knows that name (a province centre labelled 'near' is caught here);
* a record whose `location` the gazetteer knows but which has no point gets a hint with the point.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import schema as S
from ..errors import Problem
from .fast import numbers, rows

NEAR_KM = 25.0
PRECISE = ("exact", "near")


def _tagged(frame: pd.DataFrame, tag: str) -> pd.Series:
    tags = frame["tags"] if "tags" in frame else pd.Series("", index=frame.index)
    return tags.astype(str).str.split(r"\s*;\s*", regex=True).map(lambda parts: tag in parts)


def check_geography(frame: pd.DataFrame, file: str) -> list[Problem]:
    """Side-of-the-border and gazetteer rules for the rows of an incidents table."""
    from ..geo import Geography

    get = lambda c: frame[c].astype(str).str.strip() if c in frame else pd.Series("", index=frame.index)  # noqa: E731
    lat, lon = numbers(frame.get("latitude", pd.Series("", index=frame.index))), numbers(
        frame.get("longitude", pd.Series("", index=frame.index)))
    located = lat.notna() & lon.notna() & lat.between(*S.REGION_LAT) & lon.between(*S.REGION_LON)
    problems: list[Problem] = []
    if located.any():
        geo = Geography.load()
        where = pd.Series(geo.country_at(lat[located].to_numpy(), lon[located].to_numpy()), index=lat[located].index)
        stated = get("country")[located]
        explained = _tagged(frame, S.SIDE_EXPLAINED_TAG)[located]
        wrong = (where != "") & (stated != "") & (where != stated) & stated.isin(S.COUNTRY_CODES)
        for i in rows(wrong & ~explained):
            problems.append(Problem(file, i + 2, "country",
                                    f"the point lies in {where[i]}, not in the stated country; correct the point or "
                                    f"the country, or tag the record '{S.SIDE_EXPLAINED_TAG}' and say why in its "
                                    "ledger note", stated[i], where[i]))
    problems += _gazetteer_rules(frame, get, lat, lon, located, file)
    return problems


def _gazetteer_rules(frame, get, lat, lon, located, file) -> list[Problem]:
    """Exact/near points far from every gazetteer entry of their place; gazetteer points for empty ones."""
    location, precision = get("location"), get("geo_precision")
    precise = located & precision.isin(PRECISE) & (location != "")
    empty = (get("latitude") == "") & (get("longitude") == "") & (location != "")
    if not (precise.any() or empty.any()):
        return []
    from ..geo import Gazetteer, geodesic_km

    gaz = Gazetteer.load()
    places = {}
    for name in pd.unique(location[precise | empty]):
        found = [p for p in gaz.lookup(name, fuzzy=False, limit=20)
                 if p.latitude is not None and p.feature_code != "PCLI"]  # a country names no point
        if found:
            places[name] = found
    problems = []
    for i in rows(precise & location.isin(list(places))):
        found = places[location[i]]
        km = np.atleast_1d(geodesic_km(lat[i], lon[i], np.array([p.latitude for p in found]),
                                       np.array([p.longitude for p in found])))
        if km.min() > NEAR_KM:
            best = found[int(km.argmin())]
            problems.append(Problem(file, i + 2, "latitude",
                                    f"the point is {km.min():.0f} km from {best.name} ({best.admin1 or best.country}), "
                                    f"the gazetteer's place for this location, though geo_precision says "
                                    f"{precision[i]!r}; move the point or lower the precision",
                                    f"{lat[i]}, {lon[i]}", f"within {NEAR_KM:g} km of {best.latitude}, {best.longitude}"))
    for i in rows(empty & location.isin(list(places))):
        best = places[location[i]][0]
        problems.append(Problem(file, i + 2, "latitude",
                                f"no point, but the gazetteer places {location[i]!r} at {best.latitude}, {best.longitude} "
                                f"({best.name}, {best.precision}); use it if it is the place the sources mean",
                                "", f"{best.latitude}, {best.longitude}", severity="warning"))
    return problems
