"""Data exports: formula cells neutralised, GeoJSON valid and complete, xlsx with three sheets."""

from __future__ import annotations

import io
import json

import openpyxl
import pandas as pd
import pytest

from incidents import dataset
from incidents.export import data as export

HOSTILE = ['=HYPERLINK("http://evil.example","click")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
           "\tleading tab", "\rleading CR"]


@pytest.fixture
def ds(good_dir):
    return dataset.load(good_dir)


def hostile(ds):
    inc = ds.incidents.copy()
    inc.loc[: len(HOSTILE) - 1, "summary"] = HOSTILE[: len(inc)]
    inc.loc[0, "location"] = HOSTILE[3]
    return inc


def test_csv_neutralises_every_formula_prefix(ds):
    inc = pd.concat([ds.incidents] * 2, ignore_index=True)
    inc["summary"] = HOSTILE
    back = pd.read_csv(io.BytesIO(export.to_csv_bytes(inc)), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert back["summary"].tolist() == ["'" + h for h in HOSTILE]
    # Nothing that starts a formula survives at the start of any cell.
    cells = back.to_numpy().ravel()
    assert not [c for c in cells if c.startswith(export.FORMULA_PREFIXES)]


def test_csv_keeps_plain_values_and_numbers(ds):
    back = pd.read_csv(io.BytesIO(export.to_csv_bytes(ds.incidents)), encoding="utf-8-sig")
    assert back["killed"].tolist()[0] == 5
    assert back["event_date"].tolist() == ["2025-12-23", "2025-12-02", "2026-01-01"]
    assert "distance_to_border_km" in back.columns and "killed_high" in back.columns


def test_geojson_has_one_point_per_located_incident_with_all_fields(ds):
    gj = json.loads(export.geojson_bytes(ds.incidents))
    assert gj["type"] == "FeatureCollection"
    assert [f["id"] for f in gj["features"]] == ["fx-clash", "fx-talks"]  # fx-month has no point
    clash = gj["features"][0]
    assert clash["geometry"] == {"type": "Point", "coordinates": [70.0419, 37.8414]}
    assert set(export.EXPORT_COLUMNS) <= set(clash["properties"])
    assert clash["properties"]["killed"] == 5 and clash["properties"]["injured"] is None
    assert clash["properties"]["event_date"] == "2025-12-23"


def test_geojson_round_trips_to_the_same_table(ds):
    gj = export.to_geojson(ds.incidents)
    props = pd.DataFrame([f["properties"] for f in gj["features"]])
    located = ds.incidents.dropna(subset=["latitude"]).reset_index(drop=True)
    assert props["incident_id"].tolist() == located["incident_id"].tolist()
    assert props["latitude"].tolist() == located["latitude"].tolist()
    assert props["summary"].tolist() == located["summary"].tolist()


def test_xlsx_has_incidents_sources_and_column_guide(ds):
    inc = hostile(ds)
    wb = openpyxl.load_workbook(io.BytesIO(export.to_xlsx_bytes(inc, ds.sources)))
    assert wb.sheetnames == ["incidents", "sources", "columns"]
    sheet = wb["incidents"]
    header = [c.value for c in sheet[1]]
    assert header[: len(export.EXPORT_COLUMNS)] == export.EXPORT_COLUMNS
    values = [c.value for row in sheet.iter_rows(min_row=2) for c in row if isinstance(c.value, str)]
    assert not [v for v in values if v.startswith(export.FORMULA_PREFIXES)]
    assert any(v == "'" + HOSTILE[0] for v in values)
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert wb["sources"].max_row == 1 + len(ds.sources)
    guide = {r[1]: r[5] for r in wb["columns"].iter_rows(min_row=2, values_only=True)}
    assert "killed_low" in guide and guide["event_date"].startswith("Start of the event")
