"""Place and border phrases (incidents/extract/places.py): two-country borders named in any way news writes them."""

from __future__ import annotations

import pytest

from incidents.extract import extract_article
from incidents.extract import places as P
from incidents.extract import rules as R


@pytest.mark.parametrize("text, lang, border", [
    ("на киргизско-узбекской границе", "ru", "KGZ-UZB"),
    ("на границе между Кыргызстаном и Таджикистаном с утра", "ru", "KGZ-TJK"),
    ("на границе Киргизии и Таджикистана, западнее села", "ru", "KGZ-TJK"),
    ("on the border between Kyrgyzstan and Tajikistan", "en", "KGZ-TJK"),
    ("on the Uzbek-Tajik border", "en", "TJK-UZB"),
    ("on the Kazakh-Kyrgyz frontier", "en", "KAZ-KGZ"),
])
def test_two_country_borders_in_any_wording(text, lang, border):
    got = P.find_borders(text, 0, R.load(), lang)
    assert [b.border for b in got] == [border]


def test_a_table_phrase_wins_and_one_country_is_not_a_pair():
    rules = R.load()
    assert [b.border for b in P.find_borders("the Tajik-Afghan border", 0, rules, "en")] == ["AFG-TJK"]
    assert [b.border for b in P.find_borders("the Tajik-Tajik border", 0, rules, "en")] == [""]


def test_a_border_level_row_lies_on_a_side_of_its_border(tmp_path):
    """The side comes from the forces as written ('Uzbek border guards'), never from a third country."""
    f = tmp_path / "a.txt"
    f.write_text("published: 2025-09-01\nlanguage: ru\n\nДва гражданина Киргизии были убиты 15 августа на киргизско-узбекской "
                 "границе при попытке их задержания узбекскими пограничниками. В Таджикистане об этом не сообщали.\n",
                 encoding="utf-8")
    (row,) = [r for r in extract_article(f) if r["event_type"] != "strategic_development"]
    assert (row["border"], row["country"], row["latitude"]) == ("KGZ-UZB", "UZB", "")
