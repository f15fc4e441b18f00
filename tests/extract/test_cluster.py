"""Clustering rows across articles and matching them to curated incidents: the compatibility rules
(type, dates by precision, place, figures), complete-link grouping and 'possible match' hints."""

import pandas as pd

from incidents.extract import cluster as C

SHOHIN = dict(latitude="37.8414", longitude="70.0487", geo_precision="district", admin2="Shamsiddin Shohin",
              country="TJK", location="Shamsiddin Shohin district")
DARVOZ = dict(latitude="38.4537", longitude="70.7900", geo_precision="district", admin2="Darvoz",
              country="TJK", location="Darvoz district")
FARKHOR = dict(latitude="37.4922", longitude="69.4036", geo_precision="district", admin2="Farkhor",
               country="TJK", location="Farkhor district")  # ~70 km from Shohin
BORDER = dict(latitude="", longitude="", geo_precision="border_area", admin2="", country="TJK", border="AFG-TJK",
              location="Tajik-Afghan border")


def row(src, event_type="armed_clash", event_date="", precision="day", end_date="", killed="", injured="",
        place=SHOHIN, **kw):
    r = dict(source_file=src, event_type=event_type, event_date=event_date, end_date=end_date,
             date_precision=precision if event_date else "unknown", killed=killed, injured=injured,
             actor1="", actor2="", border="", review_reason="", needs_review=False)
    r.update(place)
    r.update(kw)
    return r


def clusters(rows):
    C.assign_clusters(rows)
    return [r["cluster_id"] for r in rows]


# --- the pairwise rules -----------------------------------------------------------------------------

def test_same_article_and_incompatible_types_never_cluster():
    assert not C.compatible(row("a.txt", event_date="2025-12-24"), row("a.txt", event_date="2025-12-24"))
    assert not C.compatible(row("a.txt", event_date="2025-12-24"),
                            row("b.txt", event_date="2025-12-24", event_type="strategic_development"))
    assert C.compatible(row("a.txt", event_date="2025-12-24"),
                        row("b.txt", event_date="2025-12-24", event_type="security_operation"))


def test_dates_overlap_given_precision():
    a = row("a.txt", event_date="2025-12-24")
    assert C.compatible(a, row("b.txt", event_date="2025-12-23"))        # a day either side
    assert not C.compatible(a, row("b.txt", event_date="2025-12-27"))
    early_jan = row("b.txt", event_date="2026-01-01", end_date="2026-01-10", precision="month")
    assert C.compatible(row("a.txt", event_date="2026-01-12"), early_jan)
    assert not C.compatible(row("a.txt", event_date="2026-01-18"), early_jan)
    assert C.compatible(row("b.txt", event_date="2025-12-20", precision="week"), a)


def test_places_within_75_km_or_same_district():
    d = "2025-12-24"
    assert C.compatible(row("a.txt", event_date=d), row("b.txt", event_date=d, place=FARKHOR))
    assert not C.compatible(row("a.txt", event_date=d), row("b.txt", event_date=d, place=DARVOZ))  # ~94 km
    unlocated = dict(SHOHIN, latitude="", longitude="", admin2="Shamsiddin Shokhin")  # spelling variant
    assert C.place_relation(row("a.txt"), row("b.txt", place=unlocated)) == "same"
    hamadoni = dict(DARVOZ, latitude="", longitude="", admin2="Hamadoni", location="Hamadoni sector")
    assert C.place_relation(row("a.txt", place=DARVOZ), row("b.txt", place=hamadoni)) is None


def test_border_level_row_joins_only_with_dates_on_both_sides():
    located = row("a.txt", event_date="2025-12-24", killed="5")
    assert C.compatible(located, row("b.txt", event_date="2025-12-24", killed="5", place=BORDER))
    assert not C.compatible(located, row("b.txt", killed="5", place=BORDER))          # undated + the border
    assert not C.compatible(row("a.txt", killed="5", place=BORDER), row("b.txt", killed="5", place=BORDER))
    kgz = dict(BORDER, country="KGZ", border="KGZ-UZB", location="Kyrgyz-Uzbek border")
    assert not C.compatible(located, row("b.txt", event_date="2025-12-24", place=kgz))


def test_undated_row_needs_same_place_same_type_and_close_figures():
    dated = row("a.txt", event_date="2025-12-23", killed="5")
    assert C.compatible(dated, row("b.txt", killed="5"))
    assert not C.compatible(dated, row("b.txt", killed="4"))            # no date, no publication date: same figures only
    assert C.compatible(dated, row("b.txt", killed="4", source_published="2025-12-26"))  # 4 of 5, reported 3 days later
    assert not C.compatible(dated, row("b.txt", killed="4", source_published="2026-06-01"))  # reported months later
    assert not C.compatible(dated, row("b.txt", killed="2"))            # a different count, a different story
    assert not C.compatible(dated, row("b.txt"))                        # no figure to compare
    assert not C.compatible(dated, row("b.txt", killed="5", place=FARKHOR))  # near is not the same place
    assert not C.compatible(dated, row("b.txt", killed="5", event_type="security_operation"))


def test_undated_zero_figures_need_agreeing_actors():
    tehran = dict(latitude="35.69", longitude="51.39", geo_precision="exact", admin2="", country="IRN", location="Tehran")
    talk = dict(event_type="strategic_development", killed="0", injured="0", place=tehran)
    a = row("a.txt", actor1="Taliban", actor2="Government of Iran", **talk)
    assert C.compatible(a, row("b.txt", actor1="Taliban", actor2="Government of Iran", **talk))
    assert not C.compatible(a, row("b.txt", actor1="CSTO", actor2="Russia", **talk))


def test_contradictory_figures_do_not_cluster():
    d = "2022-07-05"
    assert not C.compatible(row("a.txt", event_date=d, killed="0"), row("b.txt", event_date=d, killed="5"))
    assert C.compatible(row("a.txt", event_date=d, killed="24"), row("b.txt", event_date=d, killed="36"))
    assert C.compatible(row("a.txt", event_date=d, injured="87"), row("b.txt", event_date=d, injured="121"))


# --- grouping -------------------------------------------------------------------------------------

def test_complete_link_does_not_chain():
    a = row("a.txt", event_date="2025-12-20", killed="3")
    b = row("b.txt", event_date="2025-12-18", end_date="2025-12-24", precision="week", killed="3")
    c = row("c.txt", event_date="2025-12-23", killed="3")
    assert C.compatible(a, b) and C.compatible(b, c) and not C.compatible(a, c)
    ids = clusters([a, b, c])
    assert ids[0] != ids[2] and len(set(ids)) == 2  # b joins one of them, never both


def test_undated_rows_do_not_glue_dated_incidents_together():
    nov = row("a.txt", event_type="attack_on_civilians", event_date="2025-11-26", killed="3")
    jan = row("b.txt", event_type="attack_on_civilians", event_date="2026-01-10", killed="3")
    undated = row("c.txt", event_type="attack_on_civilians", killed="3")
    ids = clusters([nov, jan, undated])
    assert ids[0] != ids[1]
    assert ids[2] in (ids[0], ids[1])


def test_cluster_ids_are_stable_and_numbered_in_order():
    rows = [row("a.txt", event_date="2025-12-24", killed="5"), row("b.txt", event_date="2026-01-29", killed="3"),
            row("c.txt", event_date="2025-12-24", killed="5")]
    assert clusters(rows) == ["c001", "c002", "c001"]


# --- curated incidents ----------------------------------------------------------------------------

def curated(*recs):
    cols = ["incident_id", "event_date", "end_date", "date_precision", "event_type", "country", "border", "admin2",
            "location", "latitude", "longitude", "geo_precision", "actor1", "actor2", "killed", "injured",
            "review_status"]
    return pd.DataFrame([{c: r.get(c, "") for c in cols} for r in recs])


CUR_SHOHIN_JAN18 = dict(incident_id="2026-01-18-shohin-four-killed", event_date="2026-01-18", date_precision="day",
                        event_type="security_operation", killed="4", **SHOHIN)
CUR_SHOHIN_DEC23 = dict(incident_id="2025-12-23-shohin-post-clash", event_date="2025-12-23", end_date="2025-12-24",
                        date_precision="day", event_type="armed_clash", killed="5", **SHOHIN)


def test_match_uses_the_same_compatibility_and_reports_differences():
    r = row("a.txt", event_date="2025-12-25", killed="5", place=BORDER)
    C.match_curated([r], curated(CUR_SHOHIN_DEC23))
    assert r["matched_incident_id"] == "2025-12-23-shohin-post-clash"
    assert "date 2025-12-25 vs curated 2025-12-23..2025-12-24" in r["review_reason"] and r["needs_review"]
    far = row("b.txt", event_date="2025-12-23", killed="5", place=DARVOZ)
    C.match_curated([far], curated(CUR_SHOHIN_DEC23))
    assert not far.get("matched_incident_id")


def test_darvoz_early_january_is_a_possible_match_not_a_match():
    r = row("a.txt", event_type="security_operation", event_date="2026-01-01", end_date="2026-01-10",
            precision="month", killed="4", place=DARVOZ)
    C.match_curated([r], curated(CUR_SHOHIN_JAN18))
    assert not r.get("matched_incident_id")
    assert "possible match: curated 2026-01-18-shohin-four-killed" in r["review_reason"]
    assert "place differs" in r["review_reason"] and r["needs_review"]


def test_undated_row_fitting_several_curated_incidents_is_flagged_not_matched():
    other = dict(CUR_SHOHIN_DEC23, incident_id="2026-01-05-shohin-other-clash", event_date="2026-01-05", end_date="")
    r = row("a.txt", killed="5")
    C.match_curated([r], curated(CUR_SHOHIN_DEC23, other))
    assert not r.get("matched_incident_id")
    assert "several curated incidents fit" in r["review_reason"]
    single = row("b.txt", killed="5")
    C.match_curated([single], curated(CUR_SHOHIN_DEC23))
    assert single["matched_incident_id"] == "2025-12-23-shohin-post-clash"


def test_undated_border_row_is_never_matched_and_rejected_curated_is_ignored():
    r = row("a.txt", killed="5", place=BORDER)
    C.match_curated([r], curated(CUR_SHOHIN_DEC23))
    assert not r.get("matched_incident_id")
    r = row("b.txt", event_date="2025-12-23", killed="5")
    C.match_curated([r], curated(dict(CUR_SHOHIN_DEC23, review_status="rejected")))
    assert not r.get("matched_incident_id")
