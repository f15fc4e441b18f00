"""The only loader of the extractor's rule tables (data/extract/*.csv): read once, compiled into `Rules`.

Every word list and pattern the extractor uses lives in those CSV files so that analysts can
extend them (a new armed group, a new spelling, a new outlet's page furniture) without code.
No other module opens or names a table: they take what they need from the `Rules` they are given,
so `load(directory)` with a copy of the folder changes everything the extractor does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .. import config, store
from ..geo.gazetteer import Spelling, read_spelling

FLAGS = re.IGNORECASE | re.UNICODE


class RuleTableError(ValueError):
    """A rule table that cannot be read or compiled; the message names the file."""


def read(name: str, directory: Path | None = None) -> list[dict[str, str]]:
    """Rows of <directory>/<name> (default data/extract/) as dicts of stripped strings; blank rows are skipped.

    Read with store.read_table; a file that is missing, not UTF-8, not a CSV, or has rows with the wrong
    number of fields raises RuleTableError naming the file.
    """
    path = Path(directory or config.rules_dir()) / name
    frame, problems = store.read_table(path)
    problems = [p for p in problems if p.is_error and not (frame is not None and "no data rows" in p.message)]
    if frame is None or problems:
        raise RuleTableError(f"rule table {path} cannot be read: " + "; ".join(str(p) for p in problems[:3]))
    rows = [{str(k): (v or "").strip() for k, v in row.items()} for row in frame.to_dict("records")]
    return [row for row in rows if any(row.values())]


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


Table = dict[str, re.Pattern]  # lang -> one alternation of the table's patterns


@dataclass(frozen=True, eq=False)  # eq=False: hashed by identity, so caches may be keyed by the Rules in use
class Rules:
    number_words: dict[str, dict[str, int]]  # lang -> word -> value
    number_re: dict[str, re.Pattern]
    units: dict[str, re.Pattern]
    casualty_cues: tuple[Cue, ...]
    total_markers: Table
    event_cues: tuple[Cue, ...]
    actors: tuple[Actor, ...]
    out_of_region: dict[str, re.Pattern]
    history: Table
    debris_line: tuple[re.Pattern, ...]
    teaser_start: tuple[re.Pattern, ...]
    teaser_end: tuple[re.Pattern, ...]
    citation: tuple[re.Pattern, ...]
    months: dict[str, dict[str, int]]  # lang -> regex alternative -> month
    month_re: dict[str, re.Pattern]
    parts: dict[str, list[tuple[str, tuple[int, int]]]]
    weekdays: dict[str, list[tuple[str, int]]]
    relative: dict[str, list[tuple[str, str, int]]]  # lang -> (phrase, unit, offset)
    demonyms: tuple[tuple[re.Pattern, str], ...]
    border_phrases: tuple[tuple[re.Pattern, str, str, str], ...]
    spelling: Spelling  # place aliases, transliteration, folds, Russian endings (read by incidents.geo)
    cue_re: dict[str, Combined]
    actor_re: dict[str, Combined]
    demonym_re: dict[str, Combined]
    border_re: dict[str, Combined]
    country_stems: dict[str, tuple[tuple[re.Pattern, str, str], ...]]  # lang -> (stem, ISO2, English adjective)
    casualty_any: Table  # any casualty cue of the language (a quick test before looking for counts)
    # tables once read by file name outside this module
    victim_groups: dict[str, tuple[tuple[str, re.Pattern], ...]]  # lang -> (group, pattern): whose casualties
    scope_areas: dict[str, frozenset[str]]  # kind (out_border, out_country, af_borderland, capital) -> casefolded values
    count_markers: dict[str, Table]  # kind (partitive, subset, additive, passive_aux) -> lang -> pattern
    future_markers: Table  # a date after these words lies ahead of publication
    place_roles: tuple[tuple[re.Pattern, str], ...]  # words before a place that give it a role (origin, ...)
    place_stopwords: frozenset[str]  # casefolded capitalised words that are never places
    prior_markers: Table  # the sentence recalls an earlier incident
    series_words: Table  # the mention covers several incidents
    modality: Table  # hypothetical wording before a violent cue
    anaphora: Table  # a sentence that carries on the previous one's event
    attribution: Table  # a sentence that only names the source
    no_casualties: Table  # 'no casualties were reported'
    security_terms: Table  # security content that makes a visit, meeting or agreement a development
    place_anaphora: Table  # 'in the same region': the place of the event told before
    denial: Table  # the event is denied ('fake', «опровергло»)
    habitual: Table  # wording about many incidents ('regularly', 'a string of', «неоднократно»)
    done_acts: Table  # a development told as done ('signed', 'held a phone conversation'): news in the first sentences
    report_markers: dict[str, Table]  # side (before, after) -> lang -> words that make a date the day of a report


def search(table: Table, lang: str, text: str) -> re.Match | None:
    """The first match in `text` of `table`'s patterns for `lang` (None when the language has none)."""
    pat = table.get(lang)
    return pat.search(text) if pat else None


def _by_lang(rows, key="pattern"):
    out: dict[str, list[str]] = {}
    for r in rows:
        out.setdefault(r.get("lang") or "en", []).append(r[key])
    return out


def _any_of(patterns: list[str]) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in patterns), FLAGS)


def _alternation(rows) -> Table:
    """lang -> one case-insensitive alternation of the rows' patterns (rows without a lang count as English)."""
    return {lang: _any_of(pats) for lang, pats in _by_lang(rows).items()}


def _country_stems(rows) -> dict[str, tuple[tuple[re.Pattern, str, str], ...]]:
    out: dict[str, list] = {}
    for row in rows:
        out.setdefault(row["lang"], []).append((re.compile(rf"(?:{row['pattern']})", FLAGS), row["country"],
                                                row["adjective"]))
    return {lang: tuple(v) for lang, v in out.items()}


def _lang_only(rows) -> Table:
    """As `_alternation`, for the tables whose rows must name their language (a row without one never matches)."""
    out: dict[str, list[str]] = {}
    for row in rows:
        out.setdefault(row["lang"], []).append(row["pattern"])
    return {lang: _any_of(pats) for lang, pats in out.items()}


def _numbers(rows) -> dict[str, dict[str, int]]:
    numbers: dict[str, dict[str, int]] = {}
    for row in rows:
        numbers.setdefault(row["lang"], {})[row["word"].casefold()] = int(row["value"])
    return numbers


def _number_re(numbers: dict[str, dict[str, int]]) -> dict[str, re.Pattern]:
    number_re = {}
    for lang, words in numbers.items():
        alts = sorted(words, key=len, reverse=True)
        number_re[lang] = re.compile(
            r"(?<![\w.,])(?:(?P<digits>\d{1,3}(?:,\d{3})+|\d+)|(?P<word>" + "|".join(re.escape(w) for w in alts)
            + r"))(?![\w])", FLAGS)
    return number_re


def _date_words(rows) -> tuple[dict, dict, dict, dict, dict]:
    """(months, month_re, parts, weekdays, relative) from date_words.csv."""
    months: dict[str, dict[str, int]] = {}
    parts: dict[str, list] = {}
    weekdays: dict[str, list] = {}
    relative: dict[str, list] = {}
    for row in rows:
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
    return months, month_re, parts, weekdays, relative


def _victim_groups(rows) -> dict[str, tuple[tuple[str, re.Pattern], ...]]:
    out: dict[str, list[tuple[str, re.Pattern]]] = {}
    for row in rows:
        out.setdefault(row["lang"], []).append((row["group"], re.compile(row["pattern"], FLAGS)))
    return {lang: tuple(v) for lang, v in out.items()}


def _scope_areas(rows) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for row in rows:
        out.setdefault(row["kind"], set()).add(row["value"].casefold())
    return {k: frozenset(v) for k, v in out.items()}


def _count_markers(rows) -> dict[str, Table]:
    kinds: dict[str, list[dict]] = {}
    for row in rows:
        kinds.setdefault(row["kind"], []).append(row)
    return {kind: _lang_only(rs) for kind, rs in kinds.items()}


def _casualty_any(cues: tuple[Cue, ...]) -> Table:
    pats: dict[str, list[str]] = {}
    for c in cues:
        pats.setdefault(c.lang, []).append(c.pattern.pattern)
    return {lang: _any_of(ps) for lang, ps in pats.items()}


class _Reader:
    """Reads each table of a directory once; `build` turns its rows into a Rules field, naming the file on errors."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.rows: dict[str, list[dict[str, str]]] = {}

    def __call__(self, name: str, build=None):
        if name not in self.rows:
            self.rows[name] = read(name, self.directory)
        try:
            return self.rows[name] if build is None else build(self.rows[name])
        except KeyError as exc:
            raise RuleTableError(f"rule table {self.directory / name}: missing column {exc}") from None
        except (re.error, ValueError) as exc:
            raise RuleTableError(f"rule table {self.directory / name}: {exc}") from None


def _en_unicode(lang: str) -> int:
    return re.UNICODE if lang == "en" else FLAGS


@cache
def load(directory: str | None = None) -> Rules:
    """All rule tables of `directory` (default data/extract/), compiled; cached per directory."""
    t = _Reader(Path(directory) if directory else config.rules_dir())
    numbers = t("number_words.csv", _numbers)
    casualty_cues = t("casualty_cues.csv", lambda rows: tuple(
        Cue(re.compile(rf"(?<![\w])(?:{row['pattern']})(?![\w])", FLAGS), row["kind"], 1.0, row["lang"], row["side"])
        for row in rows))
    debris = lambda kind: t("debris.csv", lambda rows: tuple(  # noqa: E731
        re.compile(row["pattern"], FLAGS) for row in rows if row["kind"] == kind))
    months, month_re, parts, weekdays, relative = t("date_words.csv", _date_words)
    return Rules(
        number_words=numbers, number_re=_number_re(numbers),
        units=t("units.csv", lambda rows: {lang: word_re("|".join(pats)) for lang, pats in _by_lang(rows).items()}),
        casualty_cues=casualty_cues,
        total_markers=t("total_markers.csv", _alternation),
        event_cues=t("event_cues.csv", lambda rows: tuple(
            Cue(word_re(row["pattern"]), row["event_type"], float(row["weight"]), row["lang"]) for row in rows)),
        actors=t("actors.csv", lambda rows: tuple(
            Actor(row["canonical"], word_re(row["pattern"], _en_unicode(row["lang"])), row["category"], row["role"],
                  row["lang"]) for row in rows)),
        out_of_region=t("out_of_region.csv", lambda rows: {
            lang: word_re("|".join(pats), re.UNICODE) for lang, pats in _by_lang(rows).items()}),
        history=t("history_markers.csv", _alternation),
        debris_line=debris("line"), teaser_start=debris("teaser_start"), teaser_end=debris("teaser_end"),
        citation=debris("citation"), months=months, month_re=month_re, parts=parts, weekdays=weekdays,
        relative=relative, spelling=read_spelling(t.directory),
        demonyms=t("demonyms.csv", lambda rows: tuple(
            (word_re(row["pattern"], _en_unicode(row["lang"])), row["country"]) for row in rows)),
        border_phrases=t("border_phrases.csv", lambda rows: tuple(
            (re.compile(rf"(?<![\w])(?:{row['pattern']})", FLAGS), row["border"], row["label"], row["lang"])
            for row in rows)),
        cue_re=t("event_cues.csv", lambda rows: _combined_by_lang(
            rows, lambda row: (row["event_type"], float(row["weight"])))),
        actor_re=t("actors.csv", lambda rows: _combined_by_lang(
            rows, lambda row: Actor(row["canonical"], None, row["category"], row["role"], row["lang"]))),
        demonym_re=t("demonyms.csv", lambda rows: _combined_by_lang(rows, lambda row: row["country"], flags_of=_en_unicode)),
        border_re=t("border_phrases.csv", lambda rows: _combined_by_lang(rows, lambda row: (row["border"], row["label"]))),
        country_stems=t("country_stems.csv", _country_stems),
        casualty_any=_casualty_any(casualty_cues),
        victim_groups=t("victim_groups.csv", _victim_groups),
        scope_areas=t("scope_areas.csv", _scope_areas),
        count_markers=t("count_markers.csv", _count_markers),
        future_markers=t("future_markers.csv", _lang_only),
        place_roles=t("place_roles.csv", lambda rows: tuple((re.compile(row["pattern"], FLAGS), row["role"]) for row in rows)),
        place_stopwords=t("place_stopwords.csv", lambda rows: frozenset(row["word"].casefold() for row in rows)),
        prior_markers=t("prior_markers.csv", _lang_only),
        series_words=t("series_words.csv", _lang_only),
        modality=t("modality.csv", _lang_only),
        anaphora=t("anaphora.csv", _lang_only),
        attribution=t("attribution.csv", _lang_only),
        no_casualties=t("no_casualties.csv", _lang_only),
        habitual=t("habitual_markers.csv", _lang_only),
        done_acts=t("done_acts.csv", _lang_only),
        denial=t("denial_markers.csv", _lang_only),
        place_anaphora=t("place_anaphora.csv", _lang_only),
        security_terms=t("security_terms.csv", _lang_only),
        report_markers=t("report_markers.csv", lambda rows: {
            side: _lang_only([r for r in rows if r["side"] == side]) for side in ("before", "after")}),
    )
