"""Blind set 7 (tests/fixtures/articles_blind7/): 50 real articles from outlets new to the project, annotated by someone who
never saw the extractor, scored once on arrival (F1 0.478 with extractor-v3, tests/fixtures/first_look_blind7.txt), then
used in the extractor-v4 branch as the freshest signal: no rule was kept unless examples from two outlets justified it
(see tests/extract/v4_scores.txt and failure_taxonomy.md). The floor sits just below the score at the end of that
branch: a regression guard, not a target to tune towards."""

import pytest

from article_sets import FIXTURES, articles, score_folder, urls

BLIND7 = FIXTURES / "articles_blind7"


@pytest.fixture(scope="module")
def scored():
    return score_folder(BLIND7)


def test_blind7_is_new_and_varied():
    arts = articles(BLIND7)
    assert len(arts) == 50 and [a.language for a in arts].count("ru") == 25
    assert len({a.meta.get("outlet", "") for a in arts}) >= 45
    assert not urls("articles_heldout", "articles_blind", "articles_blind2", "articles_blind3", "articles_blind4",
                    "articles_blind5", "articles_blind6") & {a.meta.get("url") for a in arts}


def test_blind7_floor(scored):
    rep, _ = scored
    assert rep.f1 >= FLOOR_F1
    assert rep.field_accuracy["date"][0] >= rep.field_accuracy["date"][1] - 2
    assert rep.field_accuracy["coordinates"][0] >= rep.field_accuracy["coordinates"][1] - 2
    found, core = rep.core_recall()
    assert found >= FLOOR_CORE


def test_blind7_negative_articles_give_no_rows(scored):
    import pandas as pd
    rep, rows = scored
    gold = pd.read_csv(BLIND7 / "gold.csv", dtype=str, keep_default_na=False)
    negatives = {a.path.split("/")[-1] for a in articles(BLIND7)} - set(gold.article_file)
    assert len(negatives) == 6
    got = rows[rows.source_file.isin(negatives)]
    assert got.empty, got[["source_file", "evidence"]]  # trade, transit, reopened crossings, a denied shelling


FLOOR_F1 = 0.70  # first look 0.478 (extractor-v3 at 6d7ee05); end of extractor-v4: 0.625; extractor-v5: 0.717 (v5_scores.txt)
FLOOR_CORE = 27  # core incidents found: 20/41 at the first look, 28/41 at the end of extractor-v4
