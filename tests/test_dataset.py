"""Ledger and geography derivations on load, and the curated data itself."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from incidents import dataset, store
from incidents.schema import INCIDENTS

ROOT = Path(__file__).resolve().parent.parent


def test_ledger_derivations(good_dir):
    ds = dataset.load(good_dir)
    clash = ds.incidents.set_index("incident_id").loc["fx-clash"]
    assert clash["source_count"] == 2
    assert (clash["killed_low"], clash["killed"], clash["killed_high"]) == (3, 5, 5)
    assert clash["disputed"]
    assert clash["disputed_fields"] == "date;location;killed"
    talks = ds.incidents.set_index("incident_id").loc["fx-talks"]
    assert not talks["disputed"] and talks["source_count"] == 1
    assert pd.isna(talks["killed_low"])


def test_geography_derivations(good_dir):
    inc = dataset.load(good_dir).incidents.set_index("incident_id")
    assert inc.at["fx-clash", "point_country"] == "TJK"
    assert inc.at["fx-clash", "admin1"] == "Khatlon"  # filled from the point
    assert inc.at["fx-clash", "border"] == "AFG-TJK"  # derived: 12 km from the line
    assert inc.at["fx-clash", "distance_to_border_km"] < 15
    assert inc.at["fx-talks", "border"] == ""  # Dushanbe is too far from any border to be assigned one
    assert pd.isna(inc.at["fx-month", "distance_to_border_km"])


def test_rows_with_errors_are_left_out_but_reported(good_dir):
    text = (good_dir / "incidents.csv").read_text().replace("fx-talks,2025-12-02", "fx-talks,02.12.2025")
    (good_dir / "incidents.csv").write_text(text)
    ds = dataset.load(good_dir)
    assert "fx-talks" not in set(ds.incidents["incident_id"])
    assert len(ds.incidents) == 2
    assert [p.column for p in ds.errors] == ["event_date"]


def test_as_of_is_latest_publication(good_dir):
    assert dataset.load(good_dir).as_of == pd.Timestamp("2026-01-20")


# --- the curated data shipped in data/ ---

@pytest.fixture(scope="module")
def curated():
    return dataset.load(ROOT / "data")


def test_curated_data_validates(curated):
    assert curated.errors == []
    assert len(curated.incidents) >= 40


def test_every_curated_incident_has_a_web_source(curated):
    web = curated.sources[curated.sources["url"].str.startswith("http")]
    hand = curated.incidents[curated.incidents["origin"] == "curated"]
    assert len(hand) >= 40
    assert set(hand["incident_id"]) <= set(web["incident_id"])


@pytest.mark.parametrize("prefix, killed, admin2", [
    ("2025-12-23-", 5, "Shamsiddin Shohin"),
    ("2026-01-18-", 4, "Shamsiddin Shohin"),
    ("2025-11-26-", 3, "Shamsiddin Shohin"),
    ("2025-11-30-darvoz", 2, "Darvoz"),
])
def test_seed_named_incidents_are_curated_with_disagreeing_sources(curated, prefix, killed, admin2):
    inc = curated.incidents[curated.incidents["incident_id"].str.startswith(prefix)
                            & curated.incidents["event_type"].ne("strategic_development")]
    assert len(inc) == 1
    row = inc.iloc[0]
    assert row["killed"] == killed and row["admin2"] == admin2
    assert row["source_count"] >= 3


def test_january_clash_records_the_darvoz_claim_as_a_dispute(curated):
    row = curated.incidents[curated.incidents["incident_id"].str.startswith("2026-01-18-")].iloc[0]
    assert row["event_date"] == pd.Timestamp("2026-01-18")
    assert "location" in row["disputed_fields"]
    claims = curated.sources[curated.sources["incident_id"] == row["incident_id"]]
    assert claims["claim_location"].str.contains("Darvoz").any()


def test_curated_covers_several_borders_and_years(curated):
    assert {"AFG-TJK", "KGZ-TJK", "AFG-UZB", "AFG-TKM"} <= set(curated.incidents["border"])
    assert set(curated.incidents["event_date"].dt.year) >= {2021, 2022, 2023, 2024, 2025, 2026}


def test_template_row_has_every_incident_column():
    frame, problems = store.read_table(ROOT / "data" / "template.csv")
    assert problems == []
    assert set(INCIDENTS.names) <= set(frame.columns) and {"source_name", "url"} <= set(frame.columns)


def test_unreviewed_extracted_candidates_are_shown_marked_with_their_article(good_dir):
    cols = ["incident_id", "event_date", "date_precision", "event_type", "country", "summary", "origin",
            "review_status", "killed", "location", "source_file", "source_url", "source_outlet", "source_published",
            "evidence", "matched_incident_id"]
    rows = [
        ["x-new", "2026-01-05", "month", "security_operation", "TJK", "Four men killed.", "extracted", "unreviewed",
         "4", "Darvoz district", "seeds/004.txt", "", "", "", "neutralized four", ""],
        ["x-claim", "2025-12-25", "day", "armed_clash", "TJK", "A clash.", "extracted", "unreviewed", "5", "post",
         "seeds/004.txt", "", "", "", "clash", "fx-clash"],  # a claim about a curated incident: not a new record
        ["x-nodate", "", "unknown", "armed_clash", "TJK", "Undated.", "extracted", "unreviewed", "", "", "a.txt",
         "", "", "", "", ""],
        ["x-gone", "2025-01-01", "day", "armed_clash", "TJK", "Rejected.", "extracted", "rejected", "", "", "a.txt",
         "", "", "", "", ""],
    ]
    pd.DataFrame(rows, columns=cols).to_csv(good_dir / "extracted.csv", index=False)
    ds = dataset.load(good_dir)
    extracted = ds.incidents[ds.incidents["origin"] == "extracted"]
    assert extracted["incident_id"].tolist() == ["x-new"]
    assert extracted.iloc[0]["review_status"] == "unreviewed" and extracted.iloc[0]["source_count"] == 1
    ledger = ds.sources[ds.sources["incident_id"] == "x-new"].iloc[0]
    assert ledger["url"] == "seeds/004.txt" and ledger["note"] == "machine-extracted, not reviewed"
    assert {(p.row, p.column) for p in ds.problems} == {(4, "event_date"), (4, "date_precision")}
    assert all(p.severity == "warning" and "not shown until reviewed" in p.message for p in ds.problems)
    assert ds.errors == []
    assert len(dataset.load(good_dir, include_extracted=False).incidents) == 3
