"""Synthetic data: schema-valid, clustered on the borders, repeatable, and clearly not real."""

from __future__ import annotations

import pandas as pd

from incidents import dataset, synth
from incidents.cli import main


def test_synth_writes_a_valid_dataset(tmp_path, capsys):
    assert main(["synth", "--n", "400", "--out", str(tmp_path), "--seed", "7"]) == 0
    assert main(["validate", str(tmp_path)]) == 0
    ds = dataset.load(tmp_path)
    inc = ds.incidents
    assert len(inc) == 400 and ds.errors == []
    assert (inc["origin"] == "extracted").all() and inc["summary"].str.contains("not a real event").all()
    # Clustered along the borders: every point within ~30 km of a border line, most on AFG-TJK.
    assert inc["distance_to_border_km"].max() < 30
    assert inc["border"].value_counts().index[0] == "AFG-TJK"
    assert set(inc["event_type"]) >= {"armed_clash", "smuggling_interdiction", "strategic_development"}
    assert inc["event_date"].dt.year.between(2015, 2026).all()
    assert (ds.sources.groupby("incident_id").size() >= 1).all()


def test_synth_is_repeatable_for_a_seed():
    a_inc, a_src = synth.generate(300, seed=3)
    b_inc, b_src = synth.generate(300, seed=3)
    c_inc, _ = synth.generate(300, seed=4)
    pd.testing.assert_frame_equal(a_inc, b_inc)
    pd.testing.assert_frame_equal(a_src, b_src)
    assert not a_inc.equals(c_inc)
