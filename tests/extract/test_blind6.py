"""Blind set 6 (tests/fixtures/articles_blind6/): real articles annotated by someone who never saw the extractor, scored once
before anyone looked (F1 0.440 at extractor-v2, 58371a8), then used for development in the extractor-v3
branch only as the most honest signal (no rule was written for one of its texts; see tests/extract/failure_taxonomy.md).
The floor sits just below the score at the end of that branch: a regression guard, not a target to tune towards."""

import pytest

from article_sets import FIXTURES, articles, score_folder, urls

BLIND6 = FIXTURES / "articles_blind6"


@pytest.fixture(scope="module")
def scored():
    return score_folder(BLIND6)


def test_blind6_is_new_and_varied():
    arts = articles(BLIND6)
    assert len(arts) >= 30 and [a.language for a in arts].count("ru") >= 15
    assert len({a.meta.get("outlet", "") for a in arts}) >= 30
    assert not urls("articles_heldout", "articles_blind", "articles_blind2", "articles_blind3", "articles_blind4",
                    "articles_blind5") & {a.meta.get("url") for a in arts}


def test_blind6_floor(scored):
    rep, _ = scored
    assert rep.f1 >= FLOOR_F1
    assert rep.field_accuracy["date"][0] >= rep.field_accuracy["date"][1] - 2
    assert rep.field_accuracy["coordinates"][0] >= rep.field_accuracy["coordinates"][1] - 2


def test_blind6_negative_articles_give_no_rows(scored):
    import pandas as pd
    rep, rows = scored
    gold = pd.read_csv(BLIND6 / "gold.csv", dtype=str, keep_default_na=False)
    negatives = {a.path.split("/")[-1] for a in articles(BLIND6)} - set(gold.article_file)
    assert len(negatives) == 5
    got = rows[rows.source_file.isin(negatives)]
    # known exceptions at the end of extractor-v3 (see the branch report): a trade centre opened on the Uzbek-Afghan
    # border read as a strategic development, and a heroin courier arrested in Bishkek read as a security operation
    assert set(got.source_file) <= KNOWN_NEGATIVE_ROWS, got[["source_file", "evidence"]]


KNOWN_NEGATIVE_ROWS = {"en_azon_termez_trade_center.txt", "ru_palanet_bishkek_heroin_courier.txt"}
FLOOR_F1 = 0.605  # first look 0.440 (extractor-v2 at 58371a8); extractor-v3: 0.484; extractor-v4: 0.522; extractor-v5: 0.619
# (tests/extract/v4_scores.txt, v5_scores.txt)
