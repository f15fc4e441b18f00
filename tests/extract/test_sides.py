"""Which side of the border an event lies on (incidents/extract/sides.py): soldiers who crossed, violence heard across."""

from __future__ import annotations

from incidents.extract import extract_article


def rows(text: str, lang_meta: dict | None = None) -> list[dict]:
    return extract_article("t.txt", text=text, meta={"published": "2021-07-06", **(lang_meta or {})})


def test_soldiers_fleeing_across_are_a_border_tension_on_the_side_they_crossed_to():
    got = rows("Hundreds of Afghan troops fled into Tajikistan on Sunday.\n\n"
               "Routed by the insurgents after a string of clashes in the northern province of Badakhshan yesterday, "
               "a total of 1,037 soldiers fled across the border.")
    violent = [r for r in got if r["event_type"] != "strategic_development"]
    assert [r["event_type"] for r in violent] == ["border_tension"]
    assert violent[0]["country"] == "TJK" and not violent[0]["latitude"]  # not Badakhshan, where they were routed


def test_russian_soldiers_crossing_keep_no_origin_town():
    got = rows("Более 300 военнослужащих вооруженных сил Афганистана после столкновения с талибами в провинции Балх "
               "пересекли государственную границу Таджикистана 4 июля.")
    assert [(r["event_type"], r["country"]) for r in got] == [("border_tension", "TJK")]
    assert not got[0]["latitude"]


def test_militants_crossing_and_killed_stay_a_violent_event():
    got = rows("On July 4 four militants crossed the border into Tajikistan and were killed by Tajik border guards.")
    assert [r["event_type"] for r in got] != ["border_tension"]
    assert got and str(got[0]["killed"]) == "4"


def test_explosions_heard_from_across_the_border_lie_on_the_other_side():
    got = rows("Туркменистан перебрасывает войска к границе с Афганистаном.\n\n"
               "В ночь с 8 на 9 июля из соседней страны было слышно два мощных взрыва, сообщили жители Серхетабада.")
    violent = [r for r in got if r["event_type"] != "strategic_development"]
    assert [r["country"] for r in violent] == ["AFG"]
    assert not violent[0]["latitude"]  # not Serhetabat, where it was heard


def test_the_place_the_sounds_came_from_is_the_place():
    got = rows("В Серхетабаде 8 июля около 23 часов была слышна стрельба. Звуки доносились из Тургунди – афганского поселка "
               "на границе с Туркменистаном.")
    violent = [r for r in got if r["event_type"] != "strategic_development"]
    assert [r["country"] for r in violent] == ["AFG"] and violent[0]["location"] == "Тургунди"
