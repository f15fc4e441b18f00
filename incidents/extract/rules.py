"""The extractor's rule tables (data/extract/*.csv), loaded once and compiled.

Every word list and pattern the extractor uses lives in those CSV files so that analysts can
extend them (a new armed group, a new spelling, a new outlet's page furniture) without code.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .. import config


FLAGS = re.IGNORECASE | re.UNICODE


def read(name: str, directory: Path | None = None) -> list[dict[str, str]]:
    """Rows of data/extract/<name> as dicts of stripped strings."""
    path = Path(directory or config.rules_dir()) / name
    with open(path, encoding="utf-8", newline="") as fh:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]


def word_re(pattern: str, flags: int = FLAGS) -> re.Pattern:
    """Compile an alternation so it only matches whole words (letters on both sides are not allowed)."""
    return re.compile(rf"(?<![\w-])(?:{pattern})(?![\w])", flags)


@dataclass(frozen=True)
class Cue:
    pattern: re.Pattern
    kind: str  # event type / casualty kind
    weight: float
    lang: str
    side: str = ""


@dataclass(frozen=True)
class Actor:
    canonical: str
    pattern: re.Pattern
    category: str
    role: str
    lang: str


@dataclass(frozen=True)
class Combined:
    """One regex per language for a whole table (one scan per sentence); `meta[i]` belongs to group g<i>."""

    regex: re.Pattern
    meta: tuple

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None):
        for m in self.regex.finditer(text, pos, len(text) if endpos is None else endpos):
            for name, value in m.groupdict().items():
                if value is not None and name.startswith("g_"):
                    yield m, self.meta[int(name[2:])]
                    break


def combine(patterns: list[str], meta: list, flags: int = FLAGS, words: bool = True) -> Combined:
    body = "|".join(f"(?P<g_{i}>{p})" for i, p in enumerate(patterns))
    rx = rf"(?<![\w-])(?:{body})(?![\w])" if words else f"(?:{body})"
    return Combined(re.compile(rx, flags), tuple(meta))


def _combined_by_lang(rows, meta_of, flags_of=lambda lang: FLAGS, words=True) -> dict[str, Combined]:
    out: dict[str, tuple[list, list]] = {}
    for row in rows:
        pats, metas = out.setdefault(row.get("lang") or "en", ([], []))
        pats.append(row["pattern"])
        metas.append(meta_of(row))
    return {lang: combine(p, m, flags_of(lang), words) for lang, (p, m) in out.items()}


@dataclass(frozen=True)
class Rules:
    number_words: dict[str, dict[str, int]]  # lang -> word -> value
    number_re: dict[str, re.Pattern]
    units: dict[str, re.Pattern]
    casualty_cues: tuple[Cue, ...]
    total_markers: dict[str, re.Pattern]
    event_cues: tuple[Cue, ...]
    actors: tuple[Actor, ...]
    out_of_region: dict[str, re.Pattern]
    history: dict[str, re.Pattern]
    debris_line: tuple[re.Pattern, ...]
    teaser_start: tuple[re.Pattern, ...]
    teaser_end: tuple[re.Pattern, ...]
    citation: tuple[re.Pattern, ...]
    months: dict[str, dict[str, int]]  # lang -> regex alternative -> month
    month_re: dict[str, re.Pattern]
    parts: dict[str, list[tuple[str, tuple[int, int]]]]
    weekdays: dict[str, list[tuple[str, int]]]
    relative: dict[str, list[tuple[str, str, int]]]  # lang -> (phrase, unit, offset)
    place_aliases: tuple[dict[str, str], ...]
    demonyms: tuple[tuple[re.Pattern, str], ...]
    border_phrases: tuple[tuple[re.Pattern, str, str, str], ...]
    translit: dict[str, str]
    fold: tuple[tuple[str, str], ...]
    ru_endings: tuple[str, ...]
    cue_re: dict[str, Combined] = None
    actor_re: dict[str, Combined] = None
    demonym_re: dict[str, Combined] = None
    border_re: dict[str, Combined] = None


def _by_lang(rows, key="pattern"):
    out: dict[str, list[str]] = {}
    for r in rows:
        out.setdefault(r.get("lang") or "en", []).append(r[key])
    return out


@cache
def load(directory: str | None = None) -> Rules:
    d = Path(directory) if directory else config.rules_dir()
    r = lambda name: read(name, d)  # noqa: E731

    numbers: dict[str, dict[str, int]] = {}
    for row in r("number_words.csv"):
        numbers.setdefault(row["lang"], {})[row["word"].casefold()] = int(row["value"])
    number_re = {}
    for lang, words in numbers.items():
        alts = sorted(words, key=len, reverse=True)
        number_re[lang] = re.compile(
            r"(?<![\w.,])(?:(?P<digits>\d{1,3}(?:,\d{3})+|\d+)|(?P<word>" + "|".join(re.escape(w) for w in alts)
            + r"))(?![\w])", FLAGS)
    units = {lang: word_re("|".join(pats)) for lang, pats in _by_lang(r("units.csv")).items()}
    cas = tuple(Cue(re.compile(rf"(?<![\w])(?:{row['pattern']})(?![\w])", FLAGS), row["kind"], 1.0, row["lang"], row["side"])
                for row in r("casualty_cues.csv"))
    totals = {lang: re.compile("|".join(f"(?:{p})" for p in pats), FLAGS) for lang, pats in _by_lang(r("total_markers.csv")).items()}
    cues = tuple(Cue(word_re(row["pattern"]),
                     row["event_type"], float(row["weight"]), row["lang"]) for row in r("event_cues.csv"))
    actors = tuple(Actor(row["canonical"], word_re(row["pattern"], re.UNICODE if row["lang"] == "en" else FLAGS),
                         row["category"], row["role"], row["lang"]) for row in r("actors.csv"))
    oor = {lang: word_re("|".join(pats), re.UNICODE) for lang, pats in _by_lang(r("out_of_region.csv")).items()}
    hist = {lang: re.compile("|".join(f"(?:{p})" for p in pats), FLAGS) for lang, pats in _by_lang(r("history_markers.csv")).items()}
    debris = r("debris.csv")
    comp = lambda kind: tuple(re.compile(row["pattern"], FLAGS) for row in debris if row["kind"] == kind)  # noqa: E731

    months: dict[str, dict[str, int]] = {}
    parts: dict[str, list] = {}
    weekdays: dict[str, list] = {}
    relative: dict[str, list] = {}
    for row in r("date_words.csv"):
        lang, kind, value = row["lang"], row["kind"], row["value"]
        if kind == "month":
            for alt in row["word"].split("|"):
                months.setdefault(lang, {})[alt] = int(value)
        elif kind == "part":
            lo, hi = (int(x) for x in value.split("-"))
            for alt in row["word"].split("|"):
                parts.setdefault(lang, []).append((alt, (lo, hi)))
        elif kind == "weekday":
            for alt in row["word"].split("|"):
                weekdays.setdefault(lang, []).append((alt, int(value)))
        elif kind == "relative":
            unit, off = value.split(":")
            for alt in row["word"].split("|"):
                relative.setdefault(lang, []).append((alt, unit, int(off)))
    month_re = {lang: re.compile(r"(?<![\w])(?:" + "|".join(sorted(m, key=len, reverse=True)) + r")\.?(?![\w])", FLAGS)
                for lang, m in months.items()}
    for lang in relative:
        relative[lang].sort(key=lambda t: len(t[0]), reverse=True)
    for lang in parts:
        parts[lang].sort(key=lambda t: len(t[0]), reverse=True)

    return Rules(
        number_words=numbers, number_re=number_re, units=units, casualty_cues=cas, total_markers=totals,
        event_cues=cues, actors=actors, out_of_region=oor, history=hist,
        debris_line=comp("line"), teaser_start=comp("teaser_start"), teaser_end=comp("teaser_end"),
        citation=comp("citation"), months=months, month_re=month_re, parts=parts, weekdays=weekdays,
        relative=relative, place_aliases=tuple(r("place_aliases.csv")),
        demonyms=tuple((word_re(row["pattern"], re.UNICODE if row["lang"] == "en" else FLAGS), row["country"])
                       for row in r("demonyms.csv")),
        border_phrases=tuple((re.compile(rf"(?<![\w])(?:{row['pattern']})", FLAGS), row["border"], row["label"], row["lang"])
                             for row in r("border_phrases.csv")),
        translit={row["from"]: row["to"] for row in r("translit.csv")},
        fold=tuple((row["from"], row["to"]) for row in r("fold.csv")),
        ru_endings=tuple(sorted((row["ending"] for row in r("ru_endings.csv")), key=len, reverse=True)),
        cue_re=_combined_by_lang(r("event_cues.csv"), lambda row: (row["event_type"], float(row["weight"]))),
        actor_re=_combined_by_lang(r("actors.csv"), lambda row: Actor(row["canonical"], None, row["category"], row["role"], row["lang"])),
        demonym_re=_combined_by_lang(r("demonyms.csv"), lambda row: row["country"],
                                     flags_of=lambda lang: re.UNICODE if lang == "en" else FLAGS),
        border_re=_combined_by_lang(r("border_phrases.csv"), lambda row: (row["border"], row["label"])),
    )
