"""The schema is the single source of truth: every column documented, mapped and used."""

import re
from pathlib import Path

import pytest

from incidents import schema as S

PACKAGE = Path(S.__file__).parent
ALL_COLUMNS = [c for t in (S.INCIDENTS, S.SOURCES, S.DERIVED) for c in t.columns]


@pytest.mark.parametrize("col", ALL_COLUMNS, ids=lambda c: c.name)
def test_every_column_is_documented(col):
    assert len(col.description) > 15, f"{col.name} needs a real description"
    assert col.kind in {S.TEXT, S.ID, S.DATE, S.INT, S.FLOAT, S.ENUM, S.COUNTRY, S.BORDER, S.URL}
    if col.kind == S.ENUM:
        assert col.allowed, f"{col.name} is an enum without allowed values"


def test_incident_columns_map_to_acled_or_ucdp():
    unmapped = [c.name for c in S.INCIDENTS.columns if not (c.acled or c.ucdp)]
    assert not unmapped, f"columns without an ACLED/UCDP correspondence: {unmapped}"


def test_incident_columns_are_the_issue_list_in_order():
    assert S.INCIDENTS.names == [
        "incident_id", "event_date", "end_date", "date_precision", "event_type", "sub_event_type", "country",
        "border", "admin1", "admin2", "location", "latitude", "longitude", "geo_precision", "actor1", "actor2",
        "killed", "injured", "summary", "origin", "review_status", "tags"]
    assert S.SOURCES.names == ["incident_id", "source_name", "url", "published", "claim_date", "claim_location",
                               "claim_killed", "claim_injured", "quote", "note"]


def test_every_column_is_used_outside_the_schema():
    """A column nobody reads is dead weight: each name must appear in code other than schema.py."""
    code = "\n".join(p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.py") if p.name != "schema.py")
    code += (PACKAGE.parent / "dashboard.py").read_text(encoding="utf-8")
    generic = {"incident_id"}  # used everywhere
    unused = [c.name for c in ALL_COLUMNS if c.name not in generic and not re.search(rf"\b{c.name}\b", code)]
    assert not unused, f"columns declared but never used: {unused}"


def test_event_types_all_have_a_meaning():
    assert set(S.EVENT_TYPE_MEANING) == set(S.EVENT_TYPES)
    assert set(S.GEO_PRECISION_MEANING) == set(S.GEO_PRECISIONS)


def test_unknown_column_lookup_lists_valid_names():
    with pytest.raises(KeyError, match="valid: incident_id, event_date"):
        S.column("evnt_date")


def test_region_box():
    assert S.in_region(37.84, 70.04)
    assert not S.in_region(70.04, 37.84)
