"""Synthetic, schema-valid incident tables at any size, for benchmarks and scale tests.

Incidents are clustered along the shipped border lines (most on AFG-TJK) with a realistic mix of
types, precisions and casualty counts over 2015–2026, and a ledger of one to three sources each.
Every row says it is synthetic (`origin=extracted`, tag `synthetic`, summary prefix), so it can
never be mistaken for real data. Same seed, same tables.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from . import schema as S
from . import store
from .geo import Geography

# Share of incidents per border: the tool's focus, then the other Central Asian borders.
BORDER_WEIGHTS = {"AFG-TJK": 0.45, "KGZ-TJK": 0.2, "AFG-UZB": 0.08, "AFG-TKM": 0.1, "TJK-UZB": 0.07,
                  "KGZ-UZB": 0.06, "KAZ-KGZ": 0.02, "KAZ-UZB": 0.02}
TYPE_WEIGHTS = {"armed_clash": 0.22, "attack_on_civilians": 0.08, "remote_violence": 0.1, "security_operation": 0.2,
                "smuggling_interdiction": 0.25, "border_tension": 0.1, "strategic_development": 0.05}
GEO_WEIGHTS = {"exact": 0.35, "near": 0.2, "district": 0.3, "province": 0.08, "border_area": 0.07}
DATE_WEIGHTS = {"day": 0.85, "week": 0.1, "month": 0.05}
OUTLETS = ("Asia-Plus", "24.kg", "Khovar", "Fergana", "RFE/RL", "Kun.uz", "Tolo News", "Kabar")
START, END = pd.Timestamp("2015-01-01"), pd.Timestamp("2026-06-30")


def _choice(rng: np.random.Generator, weights: dict, n: int) -> np.ndarray:
    keys = list(weights)
    p = np.asarray([weights[k] for k in keys], dtype=float)
    return np.asarray(keys, dtype=object)[rng.choice(len(keys), size=n, p=p / p.sum())]


def _points_along(geo: Geography, pairs: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A random point on each row's border line, pushed up to ~25 km off it."""
    lat, lon = np.empty(len(pairs)), np.empty(len(pairs))
    for pair in np.unique(pairs):
        rows = np.flatnonzero(pairs == pair)
        line = geo.border_shapes[geo.borders.index(pair)]
        # Segments part by part: joining the parts' coordinates would invent a segment between them.
        parts = [np.asarray(p.coords) for p in getattr(line, "geoms", [line])]
        a = np.vstack([xy[:-1] for xy in parts])
        b = np.vstack([xy[1:] for xy in parts])
        seg = np.hypot(*(b - a).T)
        k = rng.choice(len(seg), size=len(rows), p=seg / seg.sum())
        t = rng.random(len(rows))[:, None]
        pts = a[k] + t * (b[k] - a[k])
        off_km = rng.exponential(8.0, len(rows)).clip(0, 25) * rng.choice([-1, 1], len(rows))
        angle = rng.random(len(rows)) * 2 * np.pi
        lat[rows] = pts[:, 1] + off_km / 111.0 * np.sin(angle)
        lon[rows] = pts[:, 0] + off_km / (111.0 * np.cos(np.radians(pts[:, 1]))) * np.cos(angle)
    return np.round(lat, 4), np.round(lon, 4)


def generate(n: int, seed: int = 42) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (incidents, sources) as raw string frames with the schema's columns."""
    rng = np.random.default_rng(seed)
    geo = Geography.load()
    pairs = _choice(rng, BORDER_WEIGHTS, n)
    lat, lon = _points_along(geo, pairs, rng)
    country = geo.country_at(lat, lon).astype(object)
    fallback = np.asarray([p.split("-")[0] for p in pairs], dtype=object)
    country = np.where(country == "", fallback, country)
    admin1 = geo.admin1_at(lat, lon).astype(object)
    etype = _choice(rng, TYPE_WEIGHTS, n)
    days = rng.integers(0, (END - START).days, n)
    date = START + pd.to_timedelta(days, unit="D")
    dprec = _choice(rng, DATE_WEIGHTS, n)
    violent = np.isin(etype, ["armed_clash", "attack_on_civilians", "remote_violence", "security_operation"])
    killed = np.where(violent, rng.geometric(0.45, n) - 1, 0)
    injured = np.where(violent, rng.geometric(0.5, n) - 1, 0)
    unknown_k = rng.random(n) < 0.15
    ids = np.char.add("syn-", np.char.zfill(np.arange(1, n + 1).astype(str), 7))
    killed_s = np.where(unknown_k, "", killed.astype(str))
    incidents = pd.DataFrame({
        "incident_id": ids,
        "event_date": date.strftime("%Y-%m-%d"),
        "end_date": "",
        "date_precision": dprec,
        "event_type": etype,
        "sub_event_type": "",
        "country": country,
        "border": pairs,
        "admin1": admin1,
        "admin2": "",
        "location": "",
        "latitude": lat.astype(str),
        "longitude": lon.astype(str),
        "geo_precision": _choice(rng, GEO_WEIGHTS, n),
        "actor1": np.where(violent, "State border forces", "Government"),
        "actor2": np.where(violent, "Armed group", ""),
        "killed": killed_s,
        "injured": injured.astype(str),
        "summary": np.char.add("Synthetic incident for benchmarks, not a real event: ", etype.astype(str)),
        "origin": "extracted",
        "review_status": "unreviewed",
        "tags": "synthetic",
    })
    # Ledger: 1–3 sources per incident; the first claims the record's figures, later ones may differ by one.
    per = rng.choice([1, 2, 3], size=n, p=[0.6, 0.3, 0.1])
    src_idx = np.repeat(np.arange(n), per)
    first = np.r_[True, src_idx[1:] != src_idx[:-1]]
    k_claim = killed[src_idx] + np.where(first, 0, rng.integers(0, 2, len(src_idx)))
    k_claim = np.where(unknown_k[src_idx], -1, k_claim)
    sources = pd.DataFrame({
        "incident_id": ids[src_idx],
        "source_name": np.asarray(OUTLETS, dtype=object)[rng.integers(0, len(OUTLETS), len(src_idx))],
        "url": np.char.add(np.char.add("https://example.org/synthetic/", ids[src_idx]),
                           np.char.add("/", np.arange(len(src_idx)).astype(str))),
        "published": pd.Series(date[src_idx] + pd.to_timedelta(rng.integers(0, 4, len(src_idx)), unit="D"))
        .clip(upper=END).dt.strftime("%Y-%m-%d").to_numpy(),
        "claim_date": np.asarray(incidents["event_date"])[src_idx],
        "claim_location": "",
        "claim_killed": np.where(k_claim < 0, "", k_claim.astype(str)),
        "claim_injured": "",
        "quote": "",
        "note": "synthetic",
    })
    # The record's best estimate must lie within its claims: make it the lowest claim.
    low = pd.Series(k_claim).where(k_claim >= 0).groupby(src_idx).min()
    incidents["killed"] = np.where(unknown_k, "", low.reindex(range(n)).fillna(0).astype(int).astype(str))
    return incidents[S.INCIDENTS.names], sources[S.SOURCES.names]


def write(n: int, out: Path, seed: int = 42) -> tuple[Path, Path]:
    incidents, sources = generate(n, seed)
    out = Path(out)
    inc_path, src_path = store.table_path(out, S.INCIDENTS), store.table_path(out, S.SOURCES)
    store.write_table(incidents, inc_path, S.INCIDENTS, backup=False)
    store.write_table(sources, src_path, S.SOURCES, backup=False)
    return inc_path, src_path
