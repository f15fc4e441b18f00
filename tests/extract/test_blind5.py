"""Blind set 5 (tests/fixtures/articles_blind5/): real articles annotated by someone who never saw the extractor, scored once
before anyone looked (tests/fixtures/first_look_blind4_blind5.txt), then used for development in issue 13 (its README
lists the articles and the annotation conventions). The floors sit just below the score at the end of issue 13: a
regression guard, not a target to tune towards."""

import pytest

from article_sets import FIXTURES, articles, score_folder, urls

BLIND5 = FIXTURES / "articles_blind5"


@pytest.fixture(scope="module")
def scored():
    return score_folder(BLIND5)


def test_blind5_is_new_and_varied():
    arts = articles(BLIND5)
    assert len(arts) >= 30 and [a.language for a in arts].count("ru") >= 15
    assert len({a.meta.get("outlet", "") for a in arts}) >= 25
    assert not urls("articles_heldout", "articles_blind", "articles_blind2", "articles_blind3") & {a.meta.get("url") for a in arts}


def test_blind5_floor(scored):
    rep, _ = scored
    # first look (main before issue 13): see first_look_blind4_blind5.txt; end of issue 13: see the branch report
    assert rep.f1 >= FLOOR_F1
    assert rep.field_accuracy["date"][0] >= rep.field_accuracy["date"][1] - 2
    p, _, _, _ = rep.cluster
    assert p is None or p >= 0.9


def test_blind5_negative_articles_give_no_rows(scored):
    import pandas as pd
    rep, rows = scored
    gold = pd.read_csv(BLIND5 / "gold.csv", dtype=str, keep_default_na=False)
    negatives = {a.path.split("/")[-1] for a in articles(BLIND5)} - set(gold.article_file)
    assert rows[rows.source_file.isin(negatives)].empty, rows[rows.source_file.isin(negatives)][["source_file", "evidence"]]


FLOOR_F1 = 0.655  # extractor-v5: 0.667; extractor-v4: 0.649; extractor-v3: 0.632 (one match lost: see tests/extract/v3_scores.txt); end of issue 13: 0.658 (first look 0.395, README included; 0.464 without it)
