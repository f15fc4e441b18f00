"""Blind set 8 (tests/fixtures/articles_blind8/): 54 real articles (27 English, 27 Russian) from outlets new to the
project, annotated by someone who never saw the extractor, scored once on arrival with extractor-v4
(tests/fixtures/first_look_blind8.txt: F1 0.444, core incidents 26/43). No rule has been tuned on it. The floor sits
just below that first look: a regression guard for the next extractor change, not a target to tune towards."""

import pytest

from article_sets import FIXTURES, articles, score_folder, urls

BLIND8 = FIXTURES / "articles_blind8"


@pytest.fixture(scope="module")
def scored():
    return score_folder(BLIND8)


def test_blind8_is_new_and_varied():
    arts = articles(BLIND8)
    assert len(arts) == 54 and [a.language for a in arts].count("ru") == 27
    assert len({a.meta.get("outlet", "") for a in arts}) >= 40
    assert not urls("articles_heldout", "articles_blind", "articles_blind2", "articles_blind3", "articles_blind4",
                    "articles_blind5", "articles_blind6", "articles_blind7") & {a.meta.get("url") for a in arts}


def test_blind8_floor(scored):
    rep, _ = scored
    assert rep.f1 >= FLOOR_F1
    found, core = rep.core_recall()
    assert found >= FLOOR_CORE


def test_blind8_negative_articles_give_no_new_rows(scored):
    import pandas as pd
    rep, rows = scored
    gold = pd.read_csv(BLIND8 / "gold.csv", dtype=str, keep_default_na=False)
    negatives = {a.path.split("/")[-1] for a in articles(BLIND8)} - set(gold.article_file)
    assert len(negatives) == 6
    got = rows[rows.source_file.isin(negatives)]
    # markets, trade centres, railways, pipelines, reopenings: the first look wrongly gave one row each for the two
    # below (a reopening that recalls the 2021 closure; railway talks); a guard that no other negative starts to
    got = got[~got.source_file.isin(FIRST_LOOK_FALSE_ROWS)]
    assert got.empty, got[["source_file", "evidence"]]


FLOOR_F1 = 0.43  # first look 0.444 (extractor-v4 at a44f386)
FIRST_LOOK_FALSE_ROWS = ("ru_qafqazinfo_kg_tj_border_reopened.txt", "ru_vpoanalytics_transafghan_corridor_aktau.txt")
FLOOR_CORE = 25  # core incidents found: 26/43 at the first look
