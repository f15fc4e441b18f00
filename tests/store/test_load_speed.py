"""Correctness of the fast load paths: the dataset cache, pyarrow CSV reading, per-value rule
checks and the faster geography. No timings here: speed is measured by benchmarks, not tests."""

from __future__ import annotations

import os
import random
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from incidents import dataset, derive, store
from incidents import schema as S
from incidents.store import cache as load_cache
from incidents import check as V
from incidents.check import fast
from incidents.geo import Geography, geodesic_km
from incidents.schema import INCIDENTS

BAD = Path(__file__).resolve().parents[1] / "fixtures" / "bad"
GOOD = Path(__file__).resolve().parents[1] / "fixtures" / "good"


# --- the dataset cache ----------------------------------------------------------------------------

@pytest.fixture
def cached(monkeypatch, tmp_path, good_dir):
    """good_dir with a bad row (so there are problems to cache), and a cache that accepts small data."""
    monkeypatch.setenv("BORDERWATCH_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(load_cache, "CACHE_MIN_BYTES", 0)
    monkeypatch.setattr(load_cache, "CACHE_RACY_SECONDS", 0)
    text = (good_dir / "incidents.csv").read_text().replace("fx-talks,2025-12-02", "fx-talks,02.12.2025")
    (good_dir / "incidents.csv").write_text(text)
    return good_dir


def _same(a: dataset.Dataset, b: dataset.Dataset) -> None:
    assert_frame_equal(a.incidents, b.incidents)
    assert_frame_equal(a.sources, b.sources)
    assert a.problems == b.problems
    assert a.data_dir == b.data_dir


def _count_loads(monkeypatch) -> list[int]:
    calls = []
    real = dataset._load
    monkeypatch.setattr(dataset, "_load", lambda *a, **k: calls.append(1) or real(*a, **k))
    return calls


def test_cache_hit_returns_what_a_fresh_load_returns(cached, monkeypatch):
    fresh = dataset.load(cached, cache=False)
    assert fresh.problems  # the bad row
    first = dataset.load(cached)
    calls = _count_loads(monkeypatch)
    again = dataset.load(cached)
    assert calls == []  # served from the cache
    _same(again, fresh)
    _same(first, fresh)
    entry = dataset.cache_entry(cached)
    assert entry is not None and entry.is_dir() and Path(os.environ["BORDERWATCH_CACHE"]) in entry.parents


def test_changed_or_touched_csv_is_never_served_from_the_cache(cached, monkeypatch):
    dataset.load(cached)
    with open(cached / "sources.csv", "a", encoding="utf-8") as fh:
        fh.write("fx-clash,Outlet Z,https://example.org/z,,,,,,,\n")
    calls = _count_loads(monkeypatch)
    changed = dataset.load(cached)
    assert calls == [1]
    assert "https://example.org/z" in set(changed.sources["url"])
    st = (cached / "incidents.csv").stat()
    os.utime(cached / "incidents.csv", ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))  # touch only
    dataset.load(cached)
    assert calls == [1, 1]


def test_same_size_same_mtime_rewrite_still_invalidates(cached, monkeypatch):
    """A rewrite that keeps size and mtime (cp -p, an editor restoring times) changes ctime."""
    dataset.load(cached)
    path = cached / "incidents.csv"
    st = path.stat()
    text = path.read_text()
    path.write_text(text.replace("a clash near Shuroobod", "a clash near Shuroobox"))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns
    calls = _count_loads(monkeypatch)
    ds = dataset.load(cached)
    assert calls == [1] and ds.incidents["summary"].str.contains("Shuroobox").any()


@pytest.mark.parametrize("damage", ["incidents.arrow", "sources.arrow", "meta.json"])
def test_corrupt_cache_falls_back_to_a_normal_load(cached, damage):
    fresh = dataset.load(cached, cache=False)
    dataset.load(cached)
    entry = dataset.cache_entry(cached)
    (entry / damage).write_bytes(b"\x00garbage" * 10)
    _same(dataset.load(cached), fresh)
    (entry / damage).unlink(missing_ok=True)
    _same(dataset.load(cached), fresh)


def test_unwritable_cache_falls_back_silently(cached, monkeypatch, tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    monkeypatch.setenv("BORDERWATCH_CACHE", str(blocker / "cache"))
    _same(dataset.load(cached), dataset.load(cached, cache=False))


def test_cache_never_inside_the_data_dir_and_can_be_switched_off(cached, monkeypatch):
    monkeypatch.setenv("BORDERWATCH_CACHE", str(cached / "cache"))
    assert dataset.cache_entry(cached) is None
    dataset.load(cached)
    assert not (cached / "cache").exists()
    monkeypatch.setenv("BORDERWATCH_CACHE", "off")
    assert dataset.cache_entry(cached) is None


def test_cache_key_depends_on_extracted_file_and_path_spelling(cached, monkeypatch):
    a = dataset.cache_entry(cached)
    assert dataset.cache_entry(cached, include_extracted=False) != a
    monkeypatch.chdir(cached.parent)
    assert dataset.cache_entry(Path(cached.name)) != a  # problems name files by the path as given


def test_small_or_just_written_data_is_not_cached(good_dir, monkeypatch, tmp_path):
    monkeypatch.setenv("BORDERWATCH_CACHE", str(tmp_path / "cache"))
    assert dataset.cache_entry(good_dir) is None  # below CACHE_MIN_BYTES
    monkeypatch.setattr(load_cache, "CACHE_MIN_BYTES", 0)
    monkeypatch.setattr(load_cache, "CACHE_RACY_SECONDS", 3600)
    assert dataset.cache_entry(good_dir) is None  # modified moments ago


# --- pyarrow CSV fast path ------------------------------------------------------------------------

def _both_paths(monkeypatch, path: Path):
    monkeypatch.setattr(store.tables, "ARROW_MIN_BYTES", 0)
    fast = store.read_table(path)
    monkeypatch.setattr(store.tables, "ARROW_MIN_BYTES", 1 << 62)
    slow = store.read_table(path)
    return fast, slow


def _assert_same_read(fast, slow):
    (f_frame, f_problems), (s_frame, s_problems) = fast, slow
    assert [str(p) for p in f_problems] == [str(p) for p in s_problems]
    if s_frame is None:
        assert f_frame is None
    else:
        assert_frame_equal(f_frame, s_frame)


@pytest.mark.parametrize("path", sorted(BAD.glob("*.csv")) + sorted(GOOD.glob("*.csv")), ids=lambda p: p.name)
def test_pyarrow_and_c_parser_read_the_fixtures_identically(monkeypatch, path):
    _assert_same_read(*_both_paths(monkeypatch, path))


def test_pyarrow_path_is_taken_for_clean_files_and_parses_text_too(monkeypatch, tmp_path):
    monkeypatch.setattr(store.tables, "ARROW_MIN_BYTES", 0)
    taken = []
    real = store.tables._arrow_frame
    monkeypatch.setattr(store.tables, "_arrow_frame", lambda *a: taken.append(1) or real(*a))
    frame, problems = store.read_table(GOOD / "incidents.csv")
    assert taken and problems == [] and list(frame.columns) == INCIDENTS.names
    text = (GOOD / "incidents.csv").read_text(encoding="utf-8")
    via_text, _ = store.parse_csv(text, "x")
    assert_frame_equal(via_text, frame)


PLAIN = ["a", "b", " ", "NA", "null", "", "é", "#", "=1", "x\"y", "-", "1.5", "\u202e", "\t", "\ufeff", "\x0b"]
QUOTED = PLAIN + [",", '""', "\n", "\r\n", "\r", "\n\n", "\r\n\r\n"]


def _random_csv(rng: random.Random) -> str:
    n = rng.randint(2, 5)
    header = ",".join(rng.choice(["a", "b", "c", '"e,f"', "g"]) + str(k) for k in range(n))
    ends = rng.choice([["\n"], ["\r\n"], ["\r"], ["\n", "\r\n", "\r"]])
    lines = [header]
    for _ in range(rng.randint(0, 12)):
        roll = rng.random()
        if roll < 0.06:
            lines.append(rng.choice(["", " ", "\t"]))  # blank or whitespace-only line
            continue
        k = n if roll > 0.12 else rng.choice([1, n - 1, n + 1])  # now and then a ragged row
        cells = []
        for _ in range(k):
            if rng.random() < 0.3:
                inner = "".join(rng.choice(QUOTED) for _ in range(rng.randint(0, 4)))
                cells.append('"' + inner.replace('"', '""') + '"' + rng.choice(["", "", "", "x", " "]))
            else:
                cells.append("".join(rng.choice(PLAIN) for _ in range(rng.randint(0, 3))))
        lines.append(",".join(cells))
    text = "".join(line + rng.choice(ends) for line in lines)
    return text if rng.random() < 0.5 else text.rstrip("\r\n")


def test_pyarrow_and_c_parser_agree_on_random_csv_text(monkeypatch, tmp_path):
    """Quoted line breaks, blank lines, ragged rows, stray quotes, mixed line ends: whenever the
    fast path accepts a file, it reads exactly what the C parser and the row-by-row path read."""
    rng = random.Random(6)
    accepted = eligible = 0
    for i in range(600):
        path = tmp_path / f"r{i}.csv"
        path.write_bytes(_random_csv(rng).encode("utf-8"))
        monkeypatch.setattr(store.tables, "ARROW_MIN_BYTES", 0)
        # a quote with text on both sides always goes row by row (the fast parsers would drop it silently)
        eligible += not store.tables._quote_then_text(path.read_text(encoding="utf-8"))
        accepted += store.tables._read_fast(path.read_bytes(), str(path)) is not None
        _assert_same_read(*_both_paths(monkeypatch, path))
    assert eligible > 50 and accepted > eligible / 3  # the fast path is really exercised


def test_fast_path_refuses_what_it_cannot_prove(monkeypatch, tmp_path):
    monkeypatch.setattr(store.tables, "ARROW_MIN_BYTES", 0)
    cases = {
        "ragged": b"a,b\n1,2\n3,4,5\n6,7\n",
        "blank": b"a,b\n1,2\n\n3,4\n",
        "latin1": b"a,b\n1,caf\xe9\n",
        "semicolon": b"a;b\n1;2\n",
        "nul": b"a,b\n1,\x002\n",
    }
    for name, raw in cases.items():
        assert store.tables._read_fast(raw, name) is None, name
    assert store.tables._read_fast(b"\xef\xbb\xbfa,b\r\n1,2\r\n\r\n", "bom") is not None


# --- per-value rule checks ------------------------------------------------------------------------

def test_formula_pattern_for_arrow_means_the_same_as_pythons():
    """FORMULA_START is rewritten for RE2; check every code point, alone and after whitespace."""
    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    values = pd.Series(chars + [" \t" + c for c in chars[:70000]] + ["\n" + c for c in chars[0xFF00:0xFF30]],
                       dtype="str")
    expected = values.map(lambda v: re.search(V.FORMULA_START, v) is not None).to_numpy(dtype=bool)
    got = fast.contains(values, V.FORMULA_START, fast.FORMULA_START_RE2).to_numpy(dtype=bool)
    assert (got == expected).all()
    control = fast.contains(values, V.CONTROL_CLASS, V.CONTROL_CLASS).to_numpy(dtype=bool)
    assert (control == values.map(lambda v: re.search(V.CONTROL_CLASS, v) is not None).to_numpy(dtype=bool)).all()


def test_url_rule_matches_pythons_regex_on_non_ascii_and_odd_whitespace():
    values = pd.Series(["https://example.org/a", "https://ex.org/ü", "HTTP://X.ORG", "https://a\x0bb", "seeds/ä.txt",
                        "seeds/a.TXT", "ftp://x", "https://x y", "ſeeds/a.txt", "https://\u00a0x", "a/b.md"] * 150,
                       dtype="str")
    expected = values.str.fullmatch(S.URL_PATTERN, case=False).to_numpy(dtype=bool)
    assert (fast.fullmatch_url(values).to_numpy(dtype=bool) == expected).all()


def _messy_incidents(n: int = 3000) -> pd.DataFrame:
    frame, _ = store.read_table(GOOD / "incidents.csv")
    rng = np.random.default_rng(3)
    rows = frame.sample(n, replace=True, random_state=1).reset_index(drop=True)
    rows["incident_id"] = [f"id-{i}" for i in range(n)]
    noise = {
        "event_date": ["02.12.2025", "2025-02-30", "1980-01-01", "2099-01-01", " 2024-01-05 ", "2024-1-5", ""],
        "event_type": ["armed clash", "Armed_Clash", "xyz", ""], "country": ["tjk", "Tajikistan", "XXX", "AFG"],
        "border": ["TJK-AFG", "AFG_TJK", "", "KGZ-TJK", "AFG-TJK-UZB"],
        "latitude": ["", "abc", "37,5", "95", "1e400", "nan", "-0", "٣٧"], "killed": ["-1", "1.5", "two", "", "1,000", "+3"],
        "summary": ["=cmd", "+x", "\x07bell", "ok", "\u202eevil", "\uff1dx"], "incident_id": ["id-1", "bad id!", ""],
    }
    for col, values in noise.items():
        idx = rng.choice(n, n // 10, replace=False)
        rows.loc[idx, col] = rng.choice(values, len(idx))
    return rows


def test_rules_on_distinct_values_report_exactly_what_rules_on_rows_report(monkeypatch):
    rows = _messy_incidents()
    quick = V.check_dataset(rows, None, "f.csv")
    assert len(quick) > 500
    monkeypatch.setattr(fast, "distinct", lambda s: None)
    slow = V.check_dataset(rows, None, "f.csv")
    assert quick == slow


def test_typing_on_distinct_values_equals_row_by_row(monkeypatch):
    rows = _messy_incidents()
    rows = rows.drop(index=list(V.bad_rows(V.check_dataset(rows, None, "f.csv"), "f.csv")))
    assert len(rows) > 1000
    fast = dataset.type_incidents(rows)
    monkeypatch.setattr(derive, "_per_distinct", lambda s, convert: convert(s))
    assert_frame_equal(fast, dataset.type_incidents(rows))


# --- geography ------------------------------------------------------------------------------------

def _vincenty_20_rounds(lat1, lon1, lat2, lon2):
    from incidents.geo.distance import _A, _B, _F
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(a, dtype=float)) for a in (lat1, lon1, lat2, lon2))
    L = lon2 - lon1
    U1, U2 = np.arctan((1 - _F) * np.tan(lat1)), np.arctan((1 - _F) * np.tan(lat2))
    sinU1, cosU1, sinU2, cosU2 = np.sin(U1), np.cos(U1), np.sin(U2), np.cos(U2)
    lam = L
    for _ in range(20):
        sin_lam, cos_lam = np.sin(lam), np.cos(lam)
        sin_sigma = np.hypot(cosU2 * sin_lam, cosU1 * sinU2 - sinU1 * cosU2 * cos_lam)
        cos_sigma = sinU1 * sinU2 + cosU1 * cosU2 * cos_lam
        sigma = np.arctan2(sin_sigma, cos_sigma)
        with np.errstate(invalid="ignore", divide="ignore"):
            sin_alpha = np.where(sin_sigma == 0, 0.0, cosU1 * cosU2 * sin_lam / sin_sigma)
            cos2_alpha = 1 - sin_alpha**2
            cos_2sm = np.where(cos2_alpha == 0, 0.0, cos_sigma - 2 * sinU1 * sinU2 / cos2_alpha)
        C = _F / 16 * cos2_alpha * (4 + _F * (4 - 3 * cos2_alpha))
        lam = L + (1 - C) * _F * sin_alpha * (sigma + C * sin_sigma * (cos_2sm + C * cos_sigma * (-1 + 2 * cos_2sm**2)))
    u2 = cos2_alpha * (_A**2 - _B**2) / _B**2
    A = 1 + u2 / 16384 * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)))
    Bc = u2 / 1024 * (256 + u2 * (-128 + u2 * (74 - 47 * u2)))
    d_sigma = Bc * sin_sigma * (cos_2sm + Bc / 4 * (cos_sigma * (-1 + 2 * cos_2sm**2)
                                                    - Bc / 6 * cos_2sm * (-3 + 4 * sin_sigma**2) * (-3 + 4 * cos_2sm**2)))
    return _B * A * (sigma - d_sigma) / 1000.0


def test_geodesic_early_exit_is_bit_identical_to_twenty_rounds():
    rng = np.random.default_rng(0)
    a = rng.uniform(-80, 80, (4, 20000))
    a[:, :5] = [[37, 37, np.nan, 0, 10], [70, 70, 1, 0, 20], [37, 38, 2, 0, -10], [70, 71, 3, 179.5, -160]]
    assert np.array_equal(geodesic_km(*a), _vincenty_20_rounds(*a), equal_nan=True)
    assert geodesic_km(37.0, 70.0, 38.0, 71.0) == _vincenty_20_rounds(37.0, 70.0, 38.0, 71.0)


def test_grid_lookup_equals_exact_point_in_polygon():
    geo = Geography.load()
    rng = np.random.default_rng(1)
    lat = np.concatenate([rng.uniform(35, 42, 6000), rng.normal(37.2, 0.05, 3000)])
    lon = np.concatenate([rng.uniform(64, 76, 6000), rng.normal(68.0, 0.05, 3000)])
    for index in (geo.country_index, geo.province_index):
        assert (index.lookup(lat, lon) == index._exact(lon, lat)).all()


def test_nearest_border_in_threads_equals_one_pass():
    geo = Geography.load()
    rng = np.random.default_rng(2)
    lat, lon = rng.uniform(35, 42, 120_000), rng.uniform(64, 76, 120_000)
    pair, km = geo.nearest_border(lat, lon)
    one_pair, one_km = geo.nearest_border(lat[:1000], lon[:1000])
    assert (pair[:1000] == one_pair).all() and np.array_equal(km[:1000], one_km)
