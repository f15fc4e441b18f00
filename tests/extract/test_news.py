"""Extractor v5 rules: developments told as news without a date (mentions.news_of_the_day) and the like."""

from __future__ import annotations

from incidents.extract import extract_article


def rows(text: str, published: str = "2025-03-13") -> list[dict]:
    return extract_article("t.txt", text=text, meta={"published": published})


def test_a_treaty_signed_in_the_lead_is_news_of_the_publication_day():
    got = rows("The border dispute has lasted for decades.\n\n"
               "President Japarov and President Rahmon signed the treaty on the state border between Kyrgyzstan and "
               "Tajikistan.")
    strat = [r for r in got if r["event_type"] == "strategic_development"]
    assert len(strat) == 1
    assert strat[0]["event_date"] == "2025-03-12" and strat[0]["end_date"] == "2025-03-13"


def test_a_russian_leaders_call_in_the_lead_is_news():
    got = rows("Обстановка на таджикско-кыргызской границе остается напряженной.\n\n"
               "Президенты Кыргызстана и Таджикистана провели телефонный разговор о ситуации на границе.")
    assert [r["event_type"] for r in got] == ["strategic_development"]


def test_an_agreement_still_to_be_signed_or_told_late_is_not_news():
    filler = " ".join(f"Paragraph {i} tells the history of the border." for i in range(6))
    got = rows("The treaty on the border between Kyrgyzstan and Tajikistan is to be signed soon.\n\n" + filler +
               "\n\nThe two presidents held a phone conversation about the border.")
    assert not [r for r in got if r["event_type"] == "strategic_development" and r["event_date"]]


def test_heavy_military_equipment_moved_to_the_border_is_a_deployment():
    got = rows("Туркменистан стягивает в город Серхетабад на границе с Афганистаном тяжелую военную технику.",
               published="2021-07-09")
    assert [r["event_type"] for r in got] == ["strategic_development"]
    assert got[0]["country"] == "TKM"


def test_an_aircraft_shot_down_is_a_security_operation():
    got = rows("Вооруженные силы Узбекистана сбили боевой самолет правительственных войск Афганистана 15 августа.",
               published="2021-08-16")
    assert [r["event_type"] for r in got] == ["security_operation"]


def test_an_aircraft_that_crashed_across_the_border_is_a_border_tension():
    got = rows("An Afghan Air Force plane crashed in the Surkhandarya region of Uzbekistan on August 15.",
               published="2021-08-16")
    assert [r["event_type"] for r in got] == ["border_tension"]


def test_an_embassys_advisory_after_an_attack_is_news_at_the_border_on_its_hosts_side():
    got = rows("Three Chinese workers were killed in an attack in the Shamsiddin Shohin district of Tajikistan on "
               "Wednesday night.\n\nThe ministry condemned the attack. No group claimed responsibility. Officials "
               "gave no further details.\n\nThe Chinese Embassy in Afghanistan also issued a warning to Chinese "
               "companies in the affected region, urging them to leave the area as soon as possible.",
               published="2025-11-28")
    strat = [r for r in got if r["event_type"] == "strategic_development"]
    assert len(strat) == 1
    assert strat[0]["country"] == "AFG" and not strat[0]["latitude"]  # not the district of the attack
    assert strat[0]["end_date"] == "2025-11-28"


def test_an_undated_development_in_the_lead_is_dated_by_the_publication():
    got = rows("At a summit in Dushanbe, the leaders resolved to reinforce the border with Afghanistan and hold "
               "military drills.", published="2021-09-17")
    assert [(r["event_type"], r["end_date"]) for r in got] == [("strategic_development", "2021-09-17")]


def test_a_ceasefire_agreed_later_in_the_report_is_a_development_of_its_own():
    got = rows("Kyrgyz and Tajik border guards clashed on Thursday near Kok-Tash, killing 31 people.\n\n"
               "The water intake is disputed. Both sides blame each other. The border is not demarcated.\n\n"
               "The heads of government met in Batken. They agreed to a ceasefire and to withdraw their troops.\n\n"
               "This Friday, the presidents held a telephone conversation about the border.", published="2021-04-30")
    strat = [r for r in got if r["event_type"] == "strategic_development"]
    assert len(strat) == 2  # the ceasefire and the call: not one development
    truce = [r for r in strat if "ceasefire" in r["evidence"]]
    assert truce and truce[0]["event_date"] == "2021-04-23" and truce[0]["end_date"] == "2021-04-30"


def test_a_ceasefire_only_negotiated_or_failed_is_not_one():
    got = rows("Kyrgyz and Tajik border guards clashed on Thursday near Kok-Tash.\n\n"
               "The water intake is disputed. Both sides blame each other. The border is not demarcated.\n\n"
               "Both countries would repeatedly try and fail to reach lasting ceasefire agreements.",
               published="2021-04-30")
    assert not [r for r in got if r["event_type"] == "strategic_development"]


def test_crossings_of_different_numbers_of_soldiers_are_two_events():
    got = rows("В ходе боестолкновений с талибами 1037 военнослужащих Афганистана отступили через приграничные "
               "участки на территорию Таджикистана.\n\nВчера, 4 июля более 300 афганских военных под натиском талибов "
               "отступили на территорию Таджикистана.", published="2021-07-05")
    assert [r["event_type"] for r in got] == ["border_tension", "border_tension"]


def test_a_ceasefire_between_capitals_has_no_place_of_its_own():
    got = rows("В четверг на кыргызско-таджикской границе произошла перестрелка, погибли 10 человек.\n\n"
               "Причины конфликта в споре за воду. Стороны обвиняют друг друга. Граница не делимитирована.\n\n"
               "Впрочем, вскоре появились сообщения, что Бишкек и Душанбе договорились о прекращении огня и отводе сил.",
               published="2021-04-30")
    truce = [r for r in got if r["event_type"] == "strategic_development"]
    assert len(truce) == 1 and not truce[0]["latitude"]  # not Dushanbe, a party to it


def test_the_wounded_counted_as_postradavshie_are_injured():
    got = rows("Минздрав Кыргызстана сообщил, что 16 сентября 2022 г. в Баткенской областной больнице после боев на "
               "границе с Таджикистаном находятся 18 пострадавших.", published="2022-09-16")
    assert got and str(got[0]["injured"]) == "18"


def test_a_military_parade_near_the_border_is_a_development():
    got = rows("On Thursday, Rahmon presided over a military parade near the border with Afghanistan.",
               published="2021-09-24")
    assert [r["event_type"] for r in got] == ["strategic_development"]


def test_incidents_summed_up_by_an_earlier_month_are_not_an_incident():
    got = rows("On January 29 Tajik border guards killed three armed smugglers in Khatlon province.\n\n"
               "In November, attacks targeted Chinese workers, killing five.", published="2026-02-01")
    assert [r["event_date"] for r in got] == ["2026-01-29"]
