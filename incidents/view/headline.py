"""The headline figures in words, the same on the dashboard and in the brief: what each number counts,
unknown shown as unknown, violent incidents and strategic developments apart, candidates never added."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .aggregate import Headline, Tally


@dataclass(frozen=True)
class Figure:
    """One headline figure: label, value as shown, and the sentence that says what it covers."""

    label: str
    value: str
    note: str


def _n(value: int | None) -> str:
    return "unknown" if value is None else f"{value:,}"


def _fmt(d: date | None) -> str:
    return "?" if d is None else f"{d.day} {d:%b %Y}"


def tally_note(t: Tally, what: str) -> str:
    """'figure given for 4 of 5 incidents' / 'no incident shown has a figure'."""
    if t.of == 0:
        return "no incidents shown"
    if t.known == 0:
        return f"no incident shown has a {what} figure"
    if t.known == t.of:
        return f"every one of the {t.of} incidents has a {what} figure"
    return f"{t.total:,} in the {t.known} of {t.of} incidents that have a {what} figure; the other {t.unknown} unknown"


def coverage_line(h: Headline) -> str:
    """One short line under the headline saying how much of Killed and Injured is known:
    'Killed: figure for 5 of 6 incidents (1 unknown; sources 13–16) · Injured: figure for 2 of 6 (4 unknown)'."""
    parts = []
    for label, t, rng in (("Killed", h.killed, (h.killed_low, h.killed_high)), ("Injured", h.injured, (None, None))):
        if t.of == 0:
            continue
        text = f"{label}: figure for {t.known} of {t.of} incidents" if t.known < t.of else \
            f"{label}: figure for all {t.of} incidents"
        extra = [f"{t.unknown} unknown"] if t.unknown else []
        if rng[0] is not None and rng[1] is not None and rng[0] != rng[1]:
            extra.append(f"sources' range {rng[0]:,}–{rng[1]:,}")
        parts.append(text + (f" ({'; '.join(extra)})" if extra else ""))
    return " · ".join(parts)


def figures(h: Headline, candidates: int = 0, data_through: str = "n/a") -> list[Figure]:
    """The headline as (label, value, note) in the order the page and the brief show them."""
    out = [
        Figure("Incidents", f"{h.incidents:,}",
               "violent incidents (clashes, attacks, strikes, operations, interdictions, tensions), reviewed records only"),
        Figure("Strategic developments", f"{h.developments:,}",
               "agreements, talks, deployments, advisories — counted apart from incidents"),
        Figure("Killed", _n(h.killed.total),
               tally_note(h.killed, "killed") + (f"; sources' range {h.killed_low:,}–{h.killed_high:,}"
                                                 if h.killed_low is not None and h.killed_high is not None else "")),
        Figure("Injured", _n(h.injured.total), tally_note(h.injured, "injured")),
        Figure("Since last incident", "—" if h.days_since is None else f"{h.days_since:,} d",
               (f"last incident {_fmt(h.last_incident)}" if h.last_incident else "no incident shown")
               + f"; data through {data_through}"),
    ]
    c = h.change
    if c is None:
        out.append(Figure("Change on previous period", "—",
                          "no comparison: the period is not bounded (all dates); choose a date range"))
    else:
        pct = f" ({c.pct:+.0f}%)" if c.pct is not None else ""
        killed = (f"; killed {_n(c.killed_current)} against {_n(c.killed_previous)}"
                  if c.killed_current is not None or c.killed_previous is not None else "")
        out.append(Figure("Change on previous period", f"{c.delta:+d}{pct}",
                          f"{c.current} incidents against {c.previous} in {_fmt(c.prev_start)} – {_fmt(c.prev_end)}"
                          + killed))
    if candidates:
        out.append(Figure("Unreviewed candidates shown", f"{candidates:,}",
                          "machine-extracted, not reviewed: drawn hollow, in no figure above"))
    return out
