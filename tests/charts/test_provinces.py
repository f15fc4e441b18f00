"""Incidents per province: the ranked table (killed from known figures only, and how many had one) and the shaded map layer."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from incidents import charts, dataset
from incidents.charts.provinces import NOT_GIVEN
from incidents.store import geodata

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bundled():
    return dataset.load(ROOT / "data").incidents


def test_table_ranks_provinces_and_says_how_many_had_a_killed_figure(bundled):
    t = charts.province_table(bundled)
    assert int(t["incidents"].sum()) == len(bundled)
    ranked = t[t["province"] != NOT_GIVEN]
    assert list(ranked["rank"]) == list(range(1, len(ranked) + 1))
    assert ranked["incidents"].is_monotonic_decreasing
    assert t.iloc[-1]["province"] == NOT_GIVEN and pd.isna(t.iloc[-1]["rank"])
    kh = t.set_index("province").loc["Khatlon"]
    rows = bundled[bundled["admin1"] == "Khatlon"]
    assert kh["incidents"] == len(rows) and kh["country"] == "TJK"
    assert kh["with_figure"] == rows["killed"].notna().sum() < len(rows)  # some had no figure: said so
    assert kh["killed"] == rows["killed"].sum()


def test_empty_table(bundled):
    t = charts.province_table(bundled.iloc[0:0])
    assert t.empty and "with_figure" in t


@pytest.mark.parametrize("by", ["incidents", "killed"])
def test_shading_draws_each_province_with_a_value_once_as_our_own_traces(bundled, by):
    traces = charts.province_traces(bundled, by)
    drawn = [p for t in traces for p in t.meta["provinces"]]
    t = charts.province_table(bundled)
    known = {f["properties"]["admin1"] for f in geodata.features(geodata.PROVINCES)}
    want = t[t["province"].isin(known) & (t[by].fillna(0) > 0)]["province"]
    assert sorted(drawn) == sorted(want)
    assert all(tr.fill == "toself" and tr.locationmode is None for tr in traces)
    fills = [tr.fillcolor for tr in traces if tr.meta["provinces"]]
    assert len(set(fills)) == len(fills)  # one shade per class
    fig = charts.map_figure(bundled, shade=by, width=1300, height=560)
    assert "cdn.plot.ly" not in json.dumps(json.loads(fig.to_json()))
    roles = [(t.meta or {}).get("role") for t in fig.data]
    assert roles.index("province-shade") < roles.index("border") < roles.index("incidents")
    with pytest.raises(ValueError):
        charts.province_traces(bundled, "injured")
