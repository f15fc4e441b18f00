"""Event types by the schema's meanings (incidents/extract/classify.py), datelines, and capitals as governments."""

from __future__ import annotations

from incidents.extract import extract_article
from incidents.extract import rules as R
from incidents.extract.classify import ActorHit, CueHit, resolve_type


def cue(kind: str, weight: float = 3.0, text: str = "x") -> CueHit:
    return CueHit(0, 1, kind, weight, text)


def actor(category: str, canonical: str = "X", role: str = "actor") -> ActorHit:
    return ActorHit(0, 1, canonical, category, role, "x")


def test_force_on_smugglers_without_losses_is_a_security_operation():
    got = resolve_type([cue("attack", 3, "opened fire")], [actor("state_force"), actor("criminal", "Smugglers")], 3,
                       frozenset({"attackers"}), one_sided=True)
    assert got[0] == "security_operation"


def test_losses_of_the_forces_keep_it_a_clash():
    got = resolve_type([cue("attack", 3, "opened fire")], [actor("state_force"), actor("criminal", "Smugglers")], 3,
                       frozenset({"attackers", "forces"}), one_sided=True)
    assert got[0] == "armed_clash"


def test_a_clash_with_smugglers_that_cost_the_forces_nothing_is_a_security_operation():
    got = resolve_type([cue("armed_clash", 3, "clash")], [actor("state_force"), actor("criminal")], 3,
                       frozenset({"attackers"}), one_sided=True)
    assert got[0] == "security_operation"


def test_a_clash_with_militants_stays_a_clash():
    got = resolve_type([cue("armed_clash", 3, "exchange of fire"), cue("security_operation")],
                       [actor("state_force"), actor("armed_group")], 4, frozenset({"attackers"}), one_sided=True)
    assert got[0] == "armed_clash"


def test_opened_fire_alone_is_still_a_clash_and_the_first_pass_ignores_sides():
    assert resolve_type([cue("attack", 3, "opened fire")], [actor("state_force")], None)[0] == "armed_clash"
    assert resolve_type([cue("attack", 3, "opened fire"), cue("security_operation")], [actor("criminal")], None,
                        frozenset(), one_sided=False)[0] == "armed_clash"


def test_opened_fire_is_an_attack_cue():
    rules = R.load()
    assert any(m.group(0) == "opened fire" and meta[0] == "attack" for m, meta in rules.cue_re["en"].finditer(
        "The guards opened fire."))


def test_crossing_soldiers_without_casualties_are_a_border_tension():
    assert resolve_type([cue("armed_clash"), cue("crossing", 1)], [], None, frozenset(), one_sided=True,
                        soldiers_crossed=True)[0] == "border_tension"
    assert resolve_type([cue("armed_clash"), cue("crossing", 1)], [], 2, frozenset({"forces"}), one_sided=True,
                        soldiers_crossed=True)[0] == "armed_clash"


def test_a_dateline_date_is_the_day_the_story_was_filed_and_no_place():
    got = extract_article("d.txt", text="Beijing, Nov 28 (PTI) Three Chinese workers were killed in Tajikistan in a drone "
                                        "attack carried out from Afghanistan.",
                          meta={"published": "2025-11-28"})
    assert got and got[0]["location"] != "Nov"
    assert got[0]["date_precision"] != "day"  # the day of the report bounds the event, it does not date it


def test_a_capital_named_with_violence_at_the_border_is_a_government():
    got = extract_article("c.txt", text="Бишкек и Ташкент проведут совместное расследование обстоятельств стрельбы на "
                                        "границе 15 августа, при которой погибли двое граждан Кыргызстана.",
                          meta={"published": "2025-09-01"})
    assert got and all(r["location"] not in ("Ташкент", "Бишкек") for r in got)
