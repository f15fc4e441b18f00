"""Scoring: date tolerance, place rule, one-to-one matching, field accuracy and cluster pairs."""

from __future__ import annotations

from datetime import date

import pandas as pd

from incidents.evaluate import cluster_pairs, date_ok, format_report, gold_window, place_compatible, score
from incidents.schema import types_compatible

GOLD_COLS = ["article_file", "incident_key", "scope", "event_date", "date_precision", "country", "admin1", "location",
             "latitude", "longitude", "event_type", "actors", "killed", "injured", "evidence"]


def gold(**kw):
    row = dict.fromkeys(GOLD_COLS, "")
    row.update(article_file="a.txt", incident_key="k1", scope="core", event_date="2025-12-25", date_precision="day",
               country="TJK", event_type="armed_clash", killed="5")
    row.update(kw)
    return row


def ext(**kw):
    row = {"source_file": "a.txt", "event_type": "armed_clash", "event_date": "2025-12-25", "end_date": "",
           "date_precision": "day", "country": "TJK", "latitude": "", "longitude": "", "geo_precision": "border_area",
           "killed": "5", "injured": "", "cluster_id": "c1", "location": "", "char_start": "0", "char_end": "1",
           "evidence": "x"}
    row.update(kw)
    return row


def test_month_window_is_early_month():
    assert gold_window("2026-01-05", "month") == (date(2026, 1, 1), date(2026, 1, 15))
    assert gold_window("", "unknown") is None
    g = gold(event_date="2026-01-05", date_precision="month")
    assert date_ok(g, ext(event_date="2026-01-01", end_date="2026-01-10"))
    assert not date_ok(g, ext(event_date="2026-01-18"))


def test_unknown_gold_date_wants_empty_date():
    g = gold(event_date="", date_precision="unknown")
    assert date_ok(g, ext(event_date=""))
    assert not date_ok(g, ext(event_date="2025-12-01"))


def test_place_rule():
    g = gold(latitude="38.45", longitude="70.79")
    assert place_compatible(g, ext(latitude="38.46", longitude="70.78", geo_precision="district"))
    assert not place_compatible(g, ext(latitude="37.84", longitude="70.05", geo_precision="district"))  # ~100 km
    assert place_compatible(gold(), ext())  # both border-level
    assert not place_compatible(gold(), ext(country="AFG"))


def test_types():
    assert types_compatible("armed_clash", "security_operation")
    assert not types_compatible("strategic_development", "armed_clash")


def test_score_perfect_and_wrong():
    g = pd.DataFrame([gold(), gold(incident_key="k2", event_type="strategic_development", event_date="", date_precision="unknown",
                                   latitude="38.56", longitude="68.77", killed="0", injured="0")])
    e = pd.DataFrame([ext(), ext(event_type="strategic_development", event_date="", date_precision="unknown",
                                 latitude="38.56", longitude="68.77", geo_precision="exact", killed="0", injured="0", cluster_id="c2")])
    rep = score(g, e)
    assert (rep.tp, rep.precision, rep.recall, rep.f1) == (2, 1.0, 1.0, 1.0)
    assert rep.field_accuracy["killed"] == (2, 2) and rep.field_accuracy["coordinates"] == (2, 2)
    wrong = pd.DataFrame([ext(event_date="2025-12-01"), ext(source_file="b.txt")])
    rep = score(g, wrong)
    assert rep.tp == 0 and rep.f1 == 0.0
    assert "missed" in format_report(rep)


def test_one_to_one_matching():
    g = pd.DataFrame([gold()])
    e = pd.DataFrame([ext(), ext(killed="3")])
    rep = score(g, e)
    assert rep.tp == 1 and rep.precision == 0.5


def test_cluster_pairs():
    m = [({"incident_key": "a"}, {"cluster_id": "c1"}), ({"incident_key": "a"}, {"cluster_id": "c1"}),
         ({"incident_key": "b"}, {"cluster_id": "c1"})]
    p, r, n_ext, n_gold = cluster_pairs(m)
    assert (n_ext, n_gold) == (3, 1) and r == 1.0 and abs(p - 1 / 3) < 1e-9
