"""The Streamlit app under AppTest: widgets, URL state, linked selection, detail view, safety, reloads."""

from __future__ import annotations

import json
import shutil
import time
from datetime import date, timedelta
from pathlib import Path

from streamlit.testing.v1 import AppTest

from incidents.view import aggregate, filters
from incidents.schema import REVIEWED
from incidents.view.filters import FilterState
from incidents.text import markdown as md_escape
from incidents.text import safe_url
from incidents.schema import EVENT_TYPES

HERE = Path(__file__).resolve().parents[1]
ROOT = HERE.parent
DASH = HERE / "fixtures" / "dashboard"
HOSTILE = DASH / "hostile"



def app(monkeypatch, data: Path = DASH, params: dict | None = None) -> AppTest:
    monkeypatch.setenv("BORDERWATCH_DATA", str(data))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for k, v in (params or {}).items():
        at.query_params[k] = v
    return at.run()


def count_line(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("Showing"))


def shown_count(at: AppTest) -> int:
    return int(count_line(at).split("**")[1])


def main_table(at: AppTest):
    """The incident table (the page also shows the latest incidents and the provinces)."""
    return next(d for d in at.dataframe if "id" in d.value.columns)


def widget(at: AppTest, kind: str, key: str):
    return next(w for w in getattr(at, kind) if w.key == key)


def qp(at: AppTest, key: str) -> list[str]:
    v = at.query_params.get(key)
    return [] if v is None else ([v] if isinstance(v, str) else list(v))


def reviewed(frame):
    """The records a person has checked: all the dashboard shows and counts by default."""
    return frame[frame["review_status"].isin(REVIEWED)]


def expected(ds, state: FilterState) -> int:
    return len(reviewed(filters.apply(ds.incidents, state, date.today(), ds.sources)))


def test_default_view(monkeypatch, dash_ds):
    at = app(monkeypatch)
    assert not at.exception
    total = len(reviewed(dash_ds.incidents))
    assert count_line(at).startswith(f"Showing **{expected(dash_ds, FilterState())}** of {total} reviewed records")
    assert widget(at, "multiselect", "f_borders").value == ["AFG-TJK"]
    assert {m.label for m in at.metric} >= {"Incidents", "Killed", "Injured", "Since last incident"}
    charts_ = at.get("plotly_chart")
    assert len(charts_) == 2
    specs = [json.loads(c.proto.spec) for c in charts_]
    assert {t["type"] for t in specs[0]["data"]} == {"scattergeo"}
    assert "scatter" in {t["type"] for t in specs[1]["data"]}
    assert at.query_params == {}  # defaults keep the link short
    assert any("GeoNames" in c.value and "CC BY 4.0" in c.value and "Natural Earth" in c.value for c in at.caption)


def test_headline_matches_aggregate(monkeypatch, dash_ds):
    at = app(monkeypatch, params={"border": "all"})
    state = FilterState(borders=())
    shown = reviewed(filters.apply(dash_ds.incidents, state, date.today(), dash_ds.sources))
    incidents = shown[shown["event_type"] != "strategic_development"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Incidents"] == f"{len(incidents):,}"
    assert metrics["Strategic developments"] == f"{len(shown) - len(incidents):,}"
    assert metrics["Killed"] == f"{int(incidents['killed'].sum()):,}"
    h = aggregate.headline(shown, date.today())
    assert metrics["Since last incident"] == f"{h.days_since:,} d"
    note = next(c.value for c in at.caption if c.value.startswith("Killed:"))
    known = int(incidents["killed"].notna().sum())
    assert f"Killed: figure for {known} of {len(incidents)} incidents ({len(incidents) - known} unknown" in note


def test_changing_a_filter_updates_count_charts_and_url(monkeypatch, dash_ds):
    at = app(monkeypatch)
    before = shown_count(at)
    spec_before = at.get("plotly_chart")[0].proto.spec
    widget(at, "multiselect", "f_types").set_value(["armed_clash"]).run()
    after = shown_count(at)
    assert after == expected(dash_ds, FilterState(event_types=("armed_clash",))) < before
    assert at.get("plotly_chart")[0].proto.spec != spec_before
    assert qp(at, "type") == ["armed_clash"]
    widget(at, "multiselect", "f_borders").set_value([]).run()
    assert qp(at, "border") == ["all"]
    assert shown_count(at) == expected(dash_ds, FilterState(borders=(), event_types=("armed_clash",)))


def test_shared_url_reopens_identically(monkeypatch, dash_ds):
    at = app(monkeypatch)
    widget(at, "multiselect", "f_borders").set_value(["AFG-TJK", "KGZ-TJK"]).run()
    widget(at, "multiselect", "f_types").set_value(["border_tension", "security_operation"]).run()
    widget(at, "text_input", "f_text").set_value("fixture").run()
    widget(at, "number_input", "f_min_killed").set_value(0).run()
    widget(at, "segmented_control", "f_lanes").set_value("border").run()
    link = dict(at.query_params)
    n = shown_count(at)
    assert link["type"] == ["border_tension", "security_operation"] and link["q"] == "fixture"
    assert link["lanes"] == "border"

    again = app(monkeypatch, params=link)  # a new session opening the shared link
    assert shown_count(again) == n
    assert widget(again, "multiselect", "f_borders").value == ["AFG-TJK", "KGZ-TJK"]
    assert widget(again, "multiselect", "f_types").value == ["border_tension", "security_operation"]
    assert widget(again, "text_input", "f_text").value == "fixture"
    assert widget(again, "segmented_control", "f_lanes").value == "border"
    assert dict(again.query_params) == link


def test_preset_and_custom_dates_in_the_url(monkeypatch, dash_ds):
    at = app(monkeypatch, params={"preset": "90", "border": "all"})
    assert widget(at, "segmented_control", "f_preset").value == "90"
    today = date.today()
    assert widget(at, "date_input", "f_dates").value == (today - timedelta(days=89), today)
    assert shown_count(at) == expected(dash_ds, FilterState(preset="90", borders=()))
    inc = next(m for m in at.metric if m.label == "Incidents")
    assert inc.delta and inc.proto.delta_description == "vs previous period"

    at = app(monkeypatch, params={"from": "2022-01-01", "to": "2022-12-31", "border": "all"})
    assert widget(at, "segmented_control", "f_preset").value == "custom"
    assert widget(at, "date_input", "f_dates").value == (date(2022, 1, 1), date(2022, 12, 31))
    assert shown_count(at) == expected(dash_ds, FilterState(preset="custom", start=date(2022, 1, 1),
                                                            end=date(2022, 12, 31), borders=()))
    # picking dates by hand switches the preset to custom and writes the dates to the URL
    widget(at, "date_input", "f_dates").set_value((date(2023, 1, 1), date(2023, 6, 30))).run()
    assert widget(at, "segmented_control", "f_preset").value == "custom"
    assert qp(at, "from") == ["2023-01-01"] and qp(at, "to") == ["2023-06-30"]


def test_preset_widget_sets_the_date_range(monkeypatch):
    at = app(monkeypatch)
    widget(at, "segmented_control", "f_preset").set_value("30").run()
    today = date.today()
    assert widget(at, "date_input", "f_dates").value == (today - timedelta(days=29), today)
    assert qp(at, "preset") == ["30"]


def test_bad_url_values_are_reported_not_fatal(monkeypatch):
    at = app(monkeypatch, params={"type": ["armed_clash", "bogus"], "incident": "nope"})
    assert not at.exception
    assert widget(at, "multiselect", "f_types").value == ["armed_clash"]
    warnings = " ".join(w.value for w in at.warning)
    assert "bogus" in warnings and "nope" in warnings


def test_reset_restores_defaults(monkeypatch):
    at = app(monkeypatch, params={"type": "armed_clash", "border": "all", "q": "x"})
    next(b for b in at.button if b.label == "Reset filters").click().run()
    assert widget(at, "multiselect", "f_types").value == []
    assert widget(at, "multiselect", "f_borders").value == ["AFG-TJK"]
    assert at.query_params == {}


def test_map_selection_filters_the_table_and_clearing_restores_it(monkeypatch, dash_ds):
    at = app(monkeypatch, params={"border": "all", "preset": "all"})
    table = main_table(at)
    assert len(table.value) == len(reviewed(dash_ds.incidents))
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    curve = next(i for i, t in enumerate(spec["data"]) if t.get("meta", {}).get("role") == "incidents")
    picked = spec["data"][curve]["customdata"][:2]
    key = at.session_state["_chart_keys"]["map"]
    at.session_state[key] = {"selection": {"points": [{"curve_number": curve, "point_index": 0},
                                                      {"curve_number": curve, "point_index": 1}],
                                           "point_indices": [0, 1], "box": [], "lasso": []}}
    at.run()
    assert sorted(main_table(at).value["id"]) == sorted(picked)
    assert any("selected incidents (highlighted on the map and the timeline)" in i.value for i in at.info)
    assert sorted(qp(at, "sel")) == sorted(picked)  # kept in the URL: a shared link restores the selection
    next(b for b in at.button if b.label == "Clear selection").click().run()
    assert len(main_table(at).value) == len(reviewed(dash_ds.incidents))
    assert not at.info and not qp(at, "sel")


def test_timeline_selection_filters_the_table(monkeypatch):
    at = app(monkeypatch, params={"border": "all"})
    spec = json.loads(at.get("plotly_chart")[1].proto.spec)
    curve = next(i for i, t in enumerate(spec["data"]) if t.get("meta", {}).get("role") == "point")
    key = at.session_state["_chart_keys"]["timeline"]
    at.session_state[key] = {"selection": {"points": [{"curve_number": curve, "point_index": 0}],
                                           "point_indices": [0], "box": [], "lasso": []}}
    at.run()
    assert list(main_table(at).value["id"]) == [spec["data"][curve]["customdata"][0]]


def test_table_is_newest_first_with_every_shown_incident(monkeypatch, dash_ds):
    at = app(monkeypatch, params={"border": "all", "preset": "all"})
    v = main_table(at).value
    assert list(v["date"]) == sorted(v["date"], reverse=True)
    assert set(v["id"]) == set(reviewed(dash_ds.incidents)["incident_id"])


def test_detail_view_shows_fields_distance_side_sources_and_disagreement(monkeypatch, dash_ds):
    disputed = dash_ds.incidents[dash_ds.incidents["disputed"] & dash_ds.incidents["latitude"].notna()].iloc[0]
    iid = disputed["incident_id"]
    at = app(monkeypatch, params={"border": "all", "incident": iid})
    assert widget(at, "selectbox", "f_incident").value == iid
    frames = [d.value for d in at.dataframe]
    fields = next(f for f in frames if "field" in f.columns)
    assert {"incident_id", "summary", "killed_low", "killed_high", "distance_to_border_km", "point_country"} <= set(fields["field"])
    assert fields.set_index("field").at["incident_id", "value"] == iid
    claims = next(f for f in frames if {"source", "status", "date", "killed", "quote", "link"} <= set(f.columns))
    n_src = (dash_ds.sources["incident_id"] == iid).sum()
    assert len(claims) == 1 + n_src  # the record, then one row per source
    assert claims["source"].iloc[0].startswith("the record")
    assert claims["link"].iloc[1:].str.startswith("https://").all()
    assert any("Sources disagree" in w.value for w in at.warning)
    assert any("km** from the nearest border line" in m.value and "side" in m.value for m in at.markdown)
    assert widget(at, "selectbox", "f_incident").value == iid and qp(at, "incident") == [iid]


def test_choosing_a_table_row_opens_its_detail(monkeypatch):
    at = app(monkeypatch, params={"border": "all"})
    first = main_table(at).value["id"].iloc[0]
    key = at.session_state["_chart_keys"]["table"]
    at.session_state[key] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    assert widget(at, "selectbox", "f_incident").value == first
    assert qp(at, "incident") == [first]


def test_hostile_text_is_never_markup(monkeypatch):
    at = app(monkeypatch, data=HOSTILE, params={"border": "all", "incident": "fxh-md"})
    assert not at.exception
    # our layout style is the only raw HTML on the page, and it carries no data
    assert all("FIXTURE" not in h.proto.body and "evil" not in h.proto.body for h in at.html)
    md = " ".join(m.value for m in at.markdown)
    assert "![pixel]" not in md and "](https://evil" not in md and "<a href" not in md
    # the summary is shown as plain text, verbatim
    texts = [t.value for t in at.text]
    assert any(t.startswith("FIXTURE hostile markdown: ![pixel](https://evil.example.net/p.png)") for t in texts)
    at = app(monkeypatch, data=HOSTILE, params={"border": "all", "incident": "fxh-script"})
    assert any("<script>window.__xss=1" in t.value for t in at.text)
    claims = next(d.value for d in at.dataframe if "link" in d.value.columns)
    assert list(claims["link"].iloc[1:]) == [safe_url("https://example.org/hostile/1?x=javascript:alert(1)")]


def test_md_escape_and_safe_url():
    s = md_escape("![x](http://e/p.png) <b>*y*</b> $z$ :red[r] [l](javascript:1)")
    for bad in ("![", "](", "<b>", "*y*", "$z$", ":red["):
        assert bad not in s
    assert md_escape("Qal'ai-Khumb") == "Qal\\'ai\\-Khumb"
    assert safe_url("https://example.org/a") == "https://example.org/a"
    for bad in ("javascript:alert(1)", "data:text/html,x", "ftp://x/y", "https://a b", "//evil.example", None, ""):
        assert safe_url(bad) is None


def test_edited_csv_is_reloaded_without_restart(monkeypatch, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(HERE / "fixtures" / "good", data)
    at = app(monkeypatch, data=data, params={"border": "all"})
    assert shown_count(at) == 3
    inc = (data / "incidents.csv").read_text().splitlines()
    (data / "incidents.csv").write_text("\n".join(l for l in inc if not l.startswith("fx-talks")) + "\n")
    src = (data / "sources.csv").read_text().splitlines()
    (data / "sources.csv").write_text("\n".join(l for l in src if not l.startswith("fx-talks")) + "\n")
    time.sleep(0.01)
    at.run()
    assert shown_count(at) == 2


def test_missing_data_explains_what_to_do(monkeypatch, tmp_path):
    at = app(monkeypatch, data=tmp_path / "nothing")
    assert not at.exception
    assert any("BORDERWATCH_DATA" in w.value for w in at.warning)


def test_method_page_lists_schema_codes(monkeypatch):
    at = app(monkeypatch)
    at.switch_page("app_pages/method.py").run()
    assert not at.exception
    frames = [d.value for d in at.dataframe]
    types = next(f for f in frames if "label" in f.columns)
    assert list(types["code"]) == list(EVENT_TYPES)
    geo = next(f for f in frames if "on the map" in f.columns)
    assert "halo" in " ".join(geo["on the map"])
    text = " ".join(m.value for m in at.markdown)
    assert "killed_low" in text and "killed_high" in text and "GeoNames" in text

