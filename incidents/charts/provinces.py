"""Incidents per province: a ranked table (count, killed where known) and a map layer shading the provinces of provinces.geojson, drawn as our own traces."""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import shapely

from ..store import geodata
from ..text import html
from .basemap import _line_xy

NOT_GIVEN = "(province not given)"
# Light-to-mid cool greys: the warm event colours on top stay the loudest thing on the map; prints in grey.
SHADES = ["#EEF1F4", "#DEE4EA", "#CBD5DF", "#B7C5D2", "#A2B4C5"]
MEASURES = {"incidents": "incidents", "killed": "killed (known figures)"}


@cache
def _province_shapes() -> dict[str, tuple[str, object]]:
    """admin1 -> (country ISO3, geometry) from provinces.geojson."""
    return {f["properties"]["admin1"]: (f["properties"]["iso_a3"], shapely.geometry.shape(f["geometry"]))
            for f in geodata.features(geodata.PROVINCES)}


def province_table(df: pd.DataFrame) -> pd.DataFrame:
    """Provinces ranked by incidents (then killed): one row each with rank, province, country, incidents,
    killed (sum of the known best figures), with_figure (incidents that have a killed figure),
    killed_low, killed_high. Incidents with no province are one last row, province NOT_GIVEN, rank <NA>."""
    cols = ["rank", "province", "country", "incidents", "killed", "with_figure", "killed_low", "killed_high"]
    if df.empty:
        return pd.DataFrame({c: pd.Series(dtype="Int64" if c not in ("province", "country") else object)
                             for c in cols})
    prov = df["admin1"].astype(object).where(df["admin1"].notna(), "").astype(str).str.strip()
    g = pd.DataFrame({"province": prov.where(prov != "", NOT_GIVEN), "country": df["country"].astype(str),
                      "killed": pd.to_numeric(df["killed"], errors="coerce"),
                      "killed_low": pd.to_numeric(df["killed_low"], errors="coerce"),
                      "killed_high": pd.to_numeric(df["killed_high"], errors="coerce")})
    shapes = _province_shapes()
    out = g.groupby("province").agg(
        country=("country", lambda s: s.mode().iloc[0] if len(s.mode()) else ""), incidents=("killed", "size"),
        killed=("killed", "sum"), with_figure=("killed", "count"), killed_low=("killed_low", "sum"),
        killed_high=("killed_high", "sum")).reset_index()
    known = out["province"].map(lambda p: shapes[p][0] if p in shapes else None)
    out["country"] = known.where(known.notna(), out["country"]).where(out["province"] != NOT_GIVEN, "")
    last = out["province"] == NOT_GIVEN
    out = pd.concat([out[~last].sort_values(["incidents", "killed", "province"], ascending=[False, False, True]),
                     out[last]], ignore_index=True)
    out["rank"] = pd.array(np.where(out["province"] == NOT_GIVEN, 0, np.arange(1, len(out) + 1)), dtype="Int64")
    out.loc[out["province"] == NOT_GIVEN, "rank"] = pd.NA
    return out[cols].astype({c: "Int64" for c in ("incidents", "killed", "with_figure", "killed_low", "killed_high")})


def _bins(values: np.ndarray, n: int) -> tuple[np.ndarray, list[float]]:
    """Class of each value (0..n-1) on equal steps from 0 to the largest value, and the class edges."""
    top = max(float(values.max()), 1.0)
    edges = list(np.linspace(0, top, n + 1))
    k = np.clip(np.ceil(values / top * n).astype(int) - 1, 0, n - 1)
    return k, edges


def province_traces(df: pd.DataFrame, by: str = "incidents") -> list[go.Scattergeo]:
    """Provinces shaded by the number of incidents or by killed (known figures), one filled outline per
    province with a value, darker = more; a legend entry per class. Offline (no locationmode)."""
    if by not in MEASURES:
        raise ValueError(f"shade by one of {', '.join(MEASURES)}, not {by!r}")
    table = province_table(df)
    shapes = _province_shapes()
    t = table[table["province"].isin(list(shapes)) & (table[by].fillna(0) > 0)]
    if t.empty:
        return []
    n = min(len(SHADES), max(1, int(t[by].max())))
    k, edges = _bins(t[by].to_numpy(float), n)
    shades = [SHADES[i] for i in (np.linspace(0, len(SHADES) - 1, n).round().astype(int) if n > 1 else [2])]
    traces, titled = [], False
    for cls in range(n):
        rows = t[k == cls]
        if rows.empty:
            continue
        lo, hi = int(np.floor(edges[cls])) + 1, int(np.floor(edges[cls + 1]))
        lons, lats = [], []
        for p in rows["province"]:
            x, y = _line_xy([shapes[p][1]], 0.01, holes=False)
            lons.append(x)
            lats.append(y)
        traces.append(go.Scattergeo(
            lon=np.concatenate(lons), lat=np.concatenate(lats), mode="lines", fill="toself", fillcolor=shades[cls],
            line=dict(width=0.5, color=SHADES[-1]), name=f"{lo}–{hi}" if hi > lo else f"{hi}", legendgroup="shade",
            legendrank=500 + cls, showlegend=True, hoverinfo="skip",
            legendgrouptitle=None if titled else dict(text=f"<b>Provinces: {html(MEASURES[by])}</b>"),
            meta={"role": "province-shade", "by": by, "provinces": rows["province"].tolist()}))
        titled = True
    return traces
