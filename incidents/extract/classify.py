"""Event-type cues, actors and scope signals in a sentence; an event's type and its actors."""

from __future__ import annotations

from dataclasses import dataclass

from . import rules as R

VIOLENT = ("armed_clash", "attack", "remote_violence", "security_operation", "smuggling_interdiction", "border_tension",
           "crossing")  # 'crossing': people crossed the border (a border tension, unless stronger cues decide)
STRATEGIC = "strategic_development"
CROSSED = "soldiers crossed the border, no casualties or detention told"
FIRE_WEIGHT = 3  # an 'attack' cue this strong is fire opened ('opened fire'): a clash, unless force met intruders


@dataclass(frozen=True)
class CueHit:
    start: int
    end: int
    kind: str  # an event type, or 'attack' (resolved by the victims)
    weight: float
    text: str

    @property
    def violent(self) -> bool:
        return self.kind in VIOLENT


@dataclass(frozen=True)
class ActorHit:
    start: int
    end: int
    canonical: str
    category: str
    role: str
    text: str


def find_cues(text: str, lang: str, offset: int = 0, rules: R.Rules | None = None) -> list[CueHit]:
    rules = rules or R.load()
    comb = rules.cue_re.get(lang)
    if comb is None:
        return []
    return [CueHit(m.start() + offset, m.end() + offset, kind, weight, m.group(0)) for m, (kind, weight) in comb.finditer(text)]


def find_actors(text: str, lang: str, offset: int = 0, rules: R.Rules | None = None) -> list[ActorHit]:
    rules = rules or R.load()
    comb = rules.actor_re.get(lang)
    if comb is None:
        return []
    return [ActorHit(m.start() + offset, m.end() + offset, a.canonical, a.category, a.role, m.group(0))
            for m, a in comb.finditer(text)]


def out_of_region_terms(text: str, lang: str, rules: R.Rules | None = None) -> list[str]:
    """Places and actors of other regions named in `text` (the article language's table only: an English outlet
    name such as 'Radio Free Europe' in a Russian article is not a place)."""
    rules = rules or R.load()
    pat = rules.out_of_region.get(lang)
    return [m.group(0) for m in pat.finditer(text)] if pat else []


def history_terms(text: str, lang: str, rules: R.Rules | None = None) -> list[str]:
    rules = rules or R.load()
    pat = rules.history.get(lang)
    return [m.group(0) for m in pat.finditer(text)] if pat else []


def resolve_type(cues: list[CueHit], actors: list[ActorHit], killed: int | None,
                 sides: frozenset[str] = frozenset(), one_sided: bool = False,
                 soldiers_crossed: bool = False) -> tuple[str, str]:
    """The event type of a violent mention and why (schema meanings: clash > attack on civilians > remote > ...).
    `sides` are the victim groups its casualty figures count ('forces', 'attackers', 'civilians'): force used on
    intruders (armed groups, smugglers, violators, a detention) with no losses of the forces is a security operation,
    and soldiers who crossed the border (`soldiers_crossed`) with no casualties, detention or strike told are a
    border tension: the fighting that drove them across happened on the other side (the schema's meanings)."""
    kinds = {("border_tension" if c.kind == "crossing" else c.kind) for c in cues}
    if soldiers_crossed and not sides and not kinds & {"security_operation", "remote_violence"}:
        return "border_tension", CROSSED
    victims_civil = any(a.category == "civilian" for a in actors)
    named_victims = any(a.category == "civilian" and a.role == "victim" and a.canonical != "Civilians" for a in actors)
    forces = any(a.category == "state_force" for a in actors)
    if named_victims and not forces and kinds & {"armed_clash", "attack"}:
        return "attack_on_civilians", "armed attack on named civilians, no state forces involved"
    # force used on smugglers or in a detention, with no losses of the forces or civilians: a security operation
    smugglers = any(a.category == "criminal" for a in actors)
    intruders = smugglers or "security_operation" in kinds
    # a 'clash' with smugglers that cost the forces nothing is still force used on intruders; with militants the
    # word decides (the gold sets type such a clash either way)
    if one_sided and intruders and (smugglers or "armed_clash" not in kinds) \
            and kinds & {"attack", "security_operation", "armed_clash"} \
            and not sides & {"forces", "civilians"} and not (victims_civil and not "security_operation" in kinds):
        return "security_operation", "force used on intruders, no losses of the forces reported"
    if "armed_clash" in kinds or any(c.kind == "attack" and c.weight >= FIRE_WEIGHT for c in cues):
        return "armed_clash", "clash cue"
    if "attack" in kinds and victims_civil:
        return "attack_on_civilians", "attack on civilians"
    if "remote_violence" in kinds:
        return ("attack_on_civilians", "remote attack on civilians") if victims_civil else ("remote_violence", "remote-violence cue")
    if "security_operation" in kinds:
        return "security_operation", "state forces neutralised or detained"
    if "attack" in kinds:
        return ("attack_on_civilians", "attack on civilians") if victims_civil else ("armed_clash", "attack on forces")
    if "smuggling_interdiction" in kinds:
        return ("security_operation", "smugglers killed") if killed else ("smuggling_interdiction", "seizure cue")
    if "border_tension" in kinds and (killed or sides):  # 'crossed the border and were killed': the violence decides
        return resolve_type([CueHit(c.start, c.end, "attack", c.weight, c.text) for c in cues], actors, killed, sides,
                            one_sided)
    if "border_tension" in kinds:
        return "border_tension", "tension cue"
    return STRATEGIC, "strategic cue"


def choose_actors(actors: list[ActorHit], event_type: str) -> tuple[str, str, list[ActorHit]]:
    """(actor1, actor2, the distinct actors) of an event: for violence the forces (or the attackers of civilians)
    and the armed group (or the civilian victims); for a strategic development the parties."""
    seen: dict[str, ActorHit] = {}
    for a in actors:
        seen.setdefault(a.canonical, a)
    acts = list(seen.values())
    if event_type == STRATEGIC:
        parties = [a.canonical for a in acts if a.category not in ("civilian", "armed_group", "criminal")]
        return (parties[0] if parties else ""), "; ".join(parties[1:]), acts
    forces = [a.canonical for a in acts if a.category == "state_force"]
    groups = [a.canonical for a in acts if a.category in ("armed_group", "criminal")]
    specific_groups = [g for g in groups if g != "Armed militants"] or groups
    victims = [a.canonical for a in acts if a.category == "civilian"]
    specific_victims = [v for v in victims if v != "Civilians"] or victims
    if event_type == "attack_on_civilians":
        return "; ".join(specific_groups) or "Unidentified armed group", "; ".join(specific_victims), acts
    return "; ".join(forces) or "; ".join(a.canonical for a in acts if a.category == "state")[:80], "; ".join(specific_groups), acts
