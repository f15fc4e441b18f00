"""Generality of the extractor: a held-out set of real articles (tests/fixtures/articles_heldout/, from outlets
the rules were not written against) and unit tests for the general rules added for it."""

from pathlib import Path

import pytest

from incidents.extract import extract_article
from incidents.extract import counts as N
from incidents.extract import places as P
from incidents.extract.article import load_article

from article_sets import score_folder

HELDOUT = Path(__file__).resolve().parents[1] / "fixtures" / "articles_heldout"


@pytest.fixture(scope="module")
def heldout_report():
    return score_folder(HELDOUT)


def test_heldout_set_is_varied():
    files = sorted(HELDOUT.glob("*.txt"))
    langs = [load_article(f).language for f in files]
    assert len(files) >= 12 and langs.count("ru") >= 6 and langs.count("en") >= 6


def test_heldout_floor(heldout_report):
    rep, _ = heldout_report
    # measured 0.681 (P 0.70, R 0.67) after the general rules; baseline before them was 0.407
    assert rep.f1 >= 0.92  # extractor-v3: 0.936; issue 13: 0.936 (0.766 before)
    assert rep.precision >= 0.6
    found, total = rep.core_recall()
    assert found / total >= 0.6


def test_heldout_clustering_precision(heldout_report):
    rep, _ = heldout_report
    # complete-link with the date/place/figure rules: 1.00 (4 pairs), was 0.20 (20 pairs) with single-link
    p, r, n_pairs, _ = rep.cluster
    assert p is not None and p >= 0.8 and r >= 0.4


def test_heldout_nothing_from_iran_or_pakistan_borders(heldout_report):
    _, rows = heldout_report
    outside = rows[rows.source_file.isin(["en_aljazeera_iran_afghan_2023.txt", "en_worldaffairs_torkham_2024.txt"])]
    assert outside.empty, outside[["source_file", "event_type", "location"]]


def _rows(text, name="t.txt", published="", language=""):
    meta = {k: v for k, v in {"published": published, "language": language}.items() if v}
    return extract_article(name, text=text, meta=meta)


# --- places: datelines, origins, the far side of a border ------------------------------------------

def test_dateline_is_not_the_event_place():
    assert P.place_role("KABUL, Afghanistan (AP) — Four gunmen", 0, 5) == "dateline"
    assert P.place_role("DUSHANBE -- Three Chinese citizens", 0, 8) == "dateline"
    assert P.place_role("Dushanbe: Tajikistan has opened talks", 0, 8) == "dateline"
    assert P.place_role("Officials in Dushanbe said", 13, 21) == "authority"  # a seat of government, not the place


def test_origin_and_other_side_roles():
    t = "gunmen who crossed from Afghanistan into neighboring Tajikistan"
    assert P.place_role(t, t.index("Afghanistan"), t.index("Afghanistan") + 11) == "origin"
    assert P.place_role(t, t.index("Tajikistan"), t.index("Tajikistan") + 10) == ""
    t = "five rockets were fired from the territory of Afghanistan to Uzbekistan"
    assert P.place_role(t, t.index("Uzbekistan"), len(t)) == ""
    t = "near a village close to the border with Afghanistan’s Badakhshan province"
    assert P.place_role(t, t.index("Afghanistan"), t.index("Afghanistan") + 11) == "other_side"
    t = "Боевики проникли с территории села Рузваяк провинции Бадахшан в село Шодак"
    assert P.place_role(t, t.index("Бадахшан"), t.index("Бадахшан") + 8) == "origin"
    assert P.place_role(t, t.index("Шодак"), t.index("Шодак") + 5) == ""


def test_origin_country_is_not_the_event_country():
    rows = _rows("On July 5, five rockets were fired from the territory of Afghanistan to Uzbekistan, "
                 "but no casualties were reported.", published="2022-07-06")
    assert len(rows) == 1 and rows[0]["country"] == "UZB"
    assert rows[0]["killed"] == 0 and rows[0]["injured"] == 0  # 'no casualties' is zero, not unknown


# --- counts ---------------------------------------------------------------------------------------

def _killed(text, lang="en"):
    return [c.value for c in N.find_counts(text, lang) if c.kind == "killed"]


def test_partitive_whole_is_not_a_count():
    assert _killed("Три вооруженных наркоконтрабандиста из пяти, нарушивших границу, уничтожены пограничниками.", "ru") == [3]
    assert _killed("Three out of five smugglers were killed.") == [3]


def test_subset_is_not_counted_again():
    assert _killed("Five people, including two Tajik border guards, were killed after armed men crossed.") == [5]


def test_passive_subject_across_relative_clause():
    assert _killed("Four gunmen who crossed from Afghanistan into neighboring Tajikistan were killed in a skirmish.") == [4]
    assert _killed("Four gunmen who crossed from Afghanistan into neighboring Tajikistan killed in a skirmish.") == []


def test_additive_sentence_adds_other_victims():
    rows = _rows("23 декабря вооруженное столкновение произошло между таджикскими пограничниками и террористами "
                 "в районе Шамсиддин Шохин. В ходе операции удалось обезвредить троих боевиков. "
                 "При этом двое пограничников получили несовместимые с жизнью травмы.", published="2026-01-30")
    assert len(rows) == 1 and rows[0]["killed"] == 5


# --- dates and merging ----------------------------------------------------------------------------

def test_event_takes_date_and_place_of_setting_sentence():
    rows = _rows("29 января около 19.30 пятеро афганских граждан незаконно пересекли границу в районе Шамсиддини Шохин. "
                 "Пограничники попытались их задержать.\n"
                 "В ответном огне трое нарушителей нейтрализованы на месте.", published="2026-01-30")
    assert len(rows) == 1
    assert rows[0]["event_date"] == "2026-01-29" and rows[0]["killed"] == 3 and rows[0]["latitude"] != ""


def test_undated_lead_joins_the_dated_report_of_the_same_event():
    rows = _rows("Three smugglers were killed on the Tajik-Afghan border in Farkhor district.\n"
                 "The border service said three smugglers were killed on January 12 in Farkhor district.",
                 published="2026-01-14")
    assert len(rows) == 1 and rows[0]["event_date"] == "2026-01-12"


def test_undated_lead_of_dated_report_gets_the_week_before_publication():
    rows = _rows("Tajik border guards killed three armed smugglers in Farkhor district.", published="2026-01-30")
    assert rows[0]["event_date"] == "2026-01-23" and rows[0]["date_precision"] == "week"
    assert "publication" in rows[0]["review_reason"]
    assert _rows("Tajik border guards killed three armed smugglers in Farkhor district.")[0]["event_date"] == ""


def test_recalled_earlier_incident_stays_separate():
    rows = _rows("Three Chinese citizens were killed in an attack in Shamsiddin Shohin district.\n"
                 "In November last year, armed groups carried out an attack in the same district, killing one "
                 "Chinese citizen and injuring five others.")
    assert len(rows) == 2


# --- scope and strategic cues ---------------------------------------------------------------------

def test_afghan_pakistani_and_iranian_borders_are_out_of_scope():
    assert _rows("Three Afghan civilians were killed in a clash on the Afghan-Pakistani border near the "
                 "Torkham crossing late on Monday.", published="2024-08-13") == []
    assert _rows("Two Iranian border guards were killed in a clash in Nimroz province on May 27.",
                 published="2023-05-28") == []


def test_historic_treaty_and_passive_met_are_not_developments():
    rows = _rows("The violence came as the president this month warned the Taliban not to violate a 1973 treaty.\n"
                 "Border forces fired toward Afghanistan, which was met with a counter-reaction.", published="2023-05-27")
    assert not [r for r in rows if r["event_type"] == "strategic_development"]


def test_photo_caption_with_credit_is_debris():
    text = ("Fighting on Friday killed 24 people in the Batken region.\n"
            "The facility was the focus of last week's clashes that killed more than 40 [Vladimir Voronin/AP Photo]\n")
    art = load_article("t.txt", text=text)
    assert any(why == "page furniture" for _, _, why in art.excluded)
