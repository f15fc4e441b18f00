"""Date expressions in English and Russian: find them, then resolve them against the publication date.

Absolute dates are parsed with dateparser (explicit languages); the qualifiers dateparser does not
handle ("early January 2026", «в ночь на 30 ноября», "last week" as a range) are handled here with
the date_words rule table. A relative date with no anchor is never guessed:
it resolves to precision 'unknown' with a reason.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import lru_cache

import dateparser

from . import rules as R

UNKNOWN = "unknown"  # the extractor's date_precision when no date can be resolved (not a curated value)


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    text: str
    kind: str  # day | night | part | month | year | decade | relative | weekday
    lang: str
    year: int | None = None
    month: int | None = None
    day: int | None = None
    day2: int | None = None
    part: tuple[int, int] | None = None
    unit: str = ""
    offset: int = 0
    weekday: int | None = None
    future: bool = False  # announced ahead ('will sign on Wednesday'): resolves forward from the publication date
    report: bool = False  # the day of a report ('the ministry said on Monday'), not of the event


@dataclass(frozen=True)
class Resolved:
    event_date: date | None
    end_date: date | None
    precision: str
    note: str = ""

    @property
    def known(self) -> bool:
        return self.event_date is not None


def _alt(words) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


@lru_cache(maxsize=8)
def _patterns(rules: R.Rules, lang: str) -> list[tuple[str, re.Pattern]]:
    M = _alt(rules.months.get(lang, {}))
    P = _alt(re.escape(p) for p, _ in rules.parts.get(lang, []))
    W = _alt(w for w, _ in rules.weekdays.get(lang, []))
    REL = _alt(re.escape(p) for p, _, _ in rules.relative.get(lang, []))
    B, E = r"(?<![\w])", r"(?![\w])"
    NW = _alt(re.escape(w) for w in rules.number_words.get(lang, {}) if len(w) > 2)
    if lang == "ru":
        WD = rf"(?:(?:в|во)\s+(?P<wd>{W}),?\s+)?"
        Y = r"(?:\s+(?P<year>\d{4})\s*(?:года|году|г\.)?)?"
        pats = [
            ("night", rf"{B}в\s+ночь\s+(?:с\s+(?P<day2>\d{{1,2}})\s+)?на\s+(?P<day>\d{{1,2}})(?:-?го)?\s+(?P<month>{M}){Y}"),
            ("day", rf"{B}(?:с|со)\s+(?P<day>\d{{1,2}})\s+(?:по|до)\s+(?P<day2>\d{{1,2}})\s+(?P<month>{M}){E}{Y}"),
            ("day", rf"{B}{WD}(?P<day>\d{{1,2}})(?:\s*(?P<conj>[-–]|и)\s*(?P<day2>\d{{1,2}}))?\s+(?P<month>{M}){E}{Y}"),
            ("ago", rf"{B}(?P<n>\d{{1,2}}|{NW})\s+(?P<unit>дн[яей]|день|недел[июь]|месяц\w*)\s+(?:тому\s+)?назад{E}"),
            ("part", rf"{B}(?P<part>{P})\s+(?P<month>{M}){E}{Y}"),
            ("month", rf"{B}(?:в|во|с|до|к)\s+(?P<month>{M}){E}{Y}"),
            ("year", rf"{B}(?:в|с|до|к)\s+(?P<year>(?:19|20)\d{{2}})\s*(?:году|года|г\.){E}"),
            ("decade", rf"{B}(?:19|20)\d0-?х{E}"),
            ("weekday", rf"{B}(?:в|во)\s+(?P<weekday>{W}){E}"),
            ("relative", rf"{B}(?P<rel>{REL}){E}"),
            ("day", rf"{B}(?P<day>\d{{1,2}})\.(?P<mm>\d{{1,2}})\.(?P<year>\d{{4}}){E}"),
        ]
    else:
        WD = rf"(?:(?:on\s+)?(?P<wd>{W}),?\s*\(?\s*)?"
        Y = r"(?:,?\s+(?P<year>\d{4}))?"
        ORD = r"(?:st|nd|rd|th)?"
        pats = [
            ("night", rf"{B}(?:the\s+)?night\s+of\s+(?:(?P<month>{M})\.?\s+(?P<day>\d{{1,2}}){ORD}|(?P<dayb>\d{{1,2}}){ORD}\s+(?:of\s+)?(?P<monthb>{M}))(?:\s*(?:-|–|to|and)\s*(?P<day2>\d{{1,2}}))?{Y}"),
            ("day", rf"{B}{WD}(?P<month>{M})\.?\s+(?P<day>\d{{1,2}}){ORD}(?!\d)(?:\s*(?P<conj>-|–|to|and)\s*(?:the\s+)?(?P<day2>\d{{1,2}}){ORD}(?!\d))?{Y}{E}"),
            ("day", rf"{B}{WD}(?:the\s+)?(?P<day>\d{{1,2}}){ORD}(?:\s*(?P<conj>-|–|to|and)\s*(?:the\s+)?(?P<day2>\d{{1,2}}){ORD})?\s+(?:of\s+)?(?P<month>{M})\.?{E}{Y}"),
            ("ago", rf"{B}(?P<n>\d{{1,2}}|{NW})\s+(?P<unit>days?|weeks?|months?)\s+ago{E}"),
            ("part", rf"{B}(?P<part>{P})[\s-]+(?:of\s+)?(?P<month>{M}){E}{Y}"),
            ("month", rf"{B}(?P<month>{M})\s+(?P<year>\d{{4}}){E}"),
            ("month", rf"{B}(?:in|during|since|until|by|early|late)\s+(?P<month>{M}){E}(?!\s+\d)"),
            ("year", rf"{B}(?:in|since|during|by|of|until)\s+(?P<year>(?:19|20)\d{{2}}){E}(?![-–]\d)"),
            ("decade", rf"{B}(?:the\s+)?(?:late\s+|early\s+|mid-)?(?:19|20)\d0s{E}"),
            ("weekday", rf"{B}(?:on\s+|last\s+|this\s+past\s+|past\s+)?(?P<weekday>{W})(?:\s+(?:night|evening|morning|afternoon))?{E}"),
            ("relative", rf"{B}(?P<rel>{REL}){E}"),
            ("day", rf"{B}(?P<year>\d{{4}})-(?P<mm>\d{{2}})-(?P<dd>\d{{2}}){E}"),
        ]
    return [(kind, re.compile(p, R.FLAGS)) for kind, p in pats]


def _month_of(word: str, lang: str, rules: R.Rules) -> int | None:
    for alt, num in rules.months.get(lang, {}).items():
        if re.fullmatch(alt, word.rstrip("."), R.FLAGS):
            return num
    return None


def find_dates(text: str, lang: str, offset: int = 0, rules: R.Rules | None = None) -> list[DateMention]:
    """All date expressions in `text`, longest first where they overlap; offsets shifted by `offset`."""
    rules = rules or R.load()
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    has_numbers = bool(_QUICK.search(text)) or bool(rules.month_re.get(lang) and rules.month_re[lang].search(text))
    future = rules.future_markers.get(lang)
    for kind, pat in _patterns(rules, lang):
        if not has_numbers and kind not in ("weekday", "relative", "ago"):
            continue
        for m in pat.finditer(text):
            s, e = m.span()
            if any(s < te and ts < e for ts, te in taken):
                continue
            g = m.groupdict()
            got = _mention(kind, m, g, lang, rules, s + offset, e + offset)
            if got is None:
                continue
            taken.append((s, e))
            report = _reported(text, s, e, lang, rules)
            for mention in (got if isinstance(got, list) else [got]):
                if mention.kind in ("day", "weekday", "part", "month") and future is not None \
                        and future.search(text[max(0, s - 80):s].split(".")[-1]):
                    mention = replace(mention, future=True)
                if report and mention.kind in ("day", "weekday", "relative"):
                    mention = replace(mention, report=True)
                found.append(mention)
    return sorted(found, key=lambda d: d.start)


def _reported(text: str, s: int, e: int, lang: str, rules: R.Rules) -> bool:
    """Is the date at text[s:e] the day something was said or reported (report_markers)?"""
    before = rules.report_markers.get("before", {}).get(lang)
    after = rules.report_markers.get("after", {}).get(lang)
    return bool((before is not None and before.search(text[max(0, s - 60):s]))
                or (after is not None and after.match(text, e, min(len(text), e + 60))))


def _weekday(word: str | None, lang: str, rules: R.Rules) -> int | None:
    if not word:
        return None
    return next((n for w, n in rules.weekdays.get(lang, []) if w.casefold() == word.casefold()), None)


def _int(v):
    return int(v) if v else None


_QUICK = re.compile(r"\d")


def _mention(kind, m, g, lang, rules, s, e) -> DateMention | None:
    text = m.group(0)
    if kind in ("day", "night"):
        month = _int(g.get("mm")) or _month_of(g.get("month") or g.get("monthb") or "", lang, rules)
        day = _int(g.get("dd")) or _int(g.get("day")) or _int(g.get("dayb"))
        if not month or not day or not 1 <= day <= 31:
            return None
        wd = _weekday(g.get("wd"), lang, rules)
        day2 = _int(g.get("day2"))
        if day2 and (g.get("conj") or "").casefold() in ("and", "и"):
            # 'on the 3rd and 7th of January': two dates, not a range
            s2 = s + m.start("day2") - m.start()
            return [DateMention(s, e, text, kind, lang, _int(g.get("year")), month, day, None, weekday=wd),
                    DateMention(s2, e, text[s2 - s:], kind, lang, _int(g.get("year")), month, day2)]
        return DateMention(s, e, text, kind, lang, _int(g.get("year")), month, day, day2, weekday=wd)
    if kind == "ago":
        n = g["n"]
        value = int(n) if n.isdigit() else rules.number_words.get(lang, {}).get(n.casefold())
        unit = g["unit"].casefold()
        unit = "day" if unit[:1] in ("d", "д") else "week" if unit[:1] in ("w", "н") else "month"
        return DateMention(s, e, text, "relative", lang, unit=unit, offset=-(value or 0)) if value else None
    if kind == "part":
        part = next((rng for p, rng in rules.parts.get(lang, []) if p.casefold() == g["part"].casefold().rstrip("-")
                     or p.casefold().rstrip("-") == g["part"].casefold().rstrip("-")), None)
        return DateMention(s, e, text, kind, lang, _int(g.get("year")), _month_of(g["month"], lang, rules), part=part)
    if kind == "month":
        return DateMention(s, e, text, kind, lang, _int(g.get("year")), _month_of(g["month"], lang, rules))
    if kind == "year":
        return DateMention(s, e, text, kind, lang, _int(g["year"]))
    if kind == "decade":
        digits = re.search(r"(\d{4})", text)
        return DateMention(s, e, text, kind, lang, int(digits.group(1)) if digits else None)
    if kind == "weekday":
        return DateMention(s, e, text, kind, lang, weekday=_weekday(g["weekday"], lang, rules))
    if kind == "relative":
        for phrase, unit, off in rules.relative.get(lang, []):
            if phrase.casefold() == g["rel"].casefold():
                return DateMention(s, e, text, kind, lang, unit=unit, offset=off)
    return None


@lru_cache(maxsize=4096)
def _dateparse(text: str, lang: str, base: date | None) -> date | None:
    settings = {"PREFER_DATES_FROM": "past", "PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["day", "month", "year"]}
    if base:
        settings["RELATIVE_BASE"] = datetime(base.year, base.month, base.day, 12, 0)
    got = dateparser.parse(text, languages=[lang], settings=settings)
    return got.date() if got else None


def _month_end(y: int, m: int) -> int:
    return calendar.monthrange(y, m)[1]


def _year_for(month: int, day: int, published: date | None, ref_year: int | None,
              future: bool = False) -> tuple[int | None, str]:
    if published:
        y = published.year
        when = date(y, month, min(day, _month_end(y, month)))
        if future:  # 'will sign on January 5' in a December article: next year
            if when < published - timedelta(days=31):
                y += 1
        elif when > published + timedelta(days=1):
            y -= 1
        return y, "year taken from the publication date"
    if ref_year:
        return ref_year, "year inferred from other dates in the article"
    return None, ""


YEARS_BACK = 12  # how far back a weekday + day + month may place an undated article's event


def _year_of_weekday(month: int, day: int, weekday: int, ref_year: int | None) -> tuple[int, str] | None:
    """'Saturday, October 24' with no year and no publication date: the year in which that day is that weekday,
    nearest the article's other dates (else the most recent such year up to today)."""
    if ref_year:
        years = [ref_year, ref_year - 1, ref_year + 1]
    else:
        this = date.today().year
        years = list(range(this, this - YEARS_BACK, -1))
    for y in years:
        try:
            when = date(y, month, day)
        except ValueError:
            continue
        if when.weekday() == weekday and (ref_year or when <= date.today()):
            return y, f"year inferred from the weekday ({when:%A})"
    return None


def resolve(d: DateMention, published: date | None, ref_year: int | None = None) -> Resolved:
    """Turn a mention into (event_date, end_date, precision). Unanchored relative dates stay unknown."""
    try:
        return _resolve(d, published, ref_year)
    except ValueError:
        return Resolved(None, None, UNKNOWN, f"invalid date {d.text!r}")


def _resolve(d: DateMention, published: date | None, ref_year: int | None) -> Resolved:
    if d.kind in ("day", "night"):
        year, note = (d.year, "") if d.year else _year_for(d.month, d.day, published, ref_year, d.future)
        if not d.year and published is None and d.weekday is not None:
            year, note = _year_of_weekday(d.month, d.day, d.weekday, ref_year) or (year, note)
        if year is None:
            return Resolved(None, None, UNKNOWN, f"{d.text!r} has no year and the article has no publication date")
        parsed = None
        if d.kind == "day" and d.year and not d.day2:
            parsed = _dateparse(re.sub(r"^(?:on|the)\s+", "", d.text, flags=re.I), d.lang, published)
        start = parsed or date(year, d.month, d.day)
        end = None
        if d.kind == "night" and d.lang == "ru":
            # «в ночь на 30 ноября» is the night from the 29th to the 30th; «с 23 на 24» names both days.
            end = start
            start = date(year, d.month, d.day2) if d.day2 else start - timedelta(days=1)
        elif d.kind == "night":
            end = start + timedelta(days=1) if not d.day2 else date(year, d.month, d.day2)
        elif d.day2 and d.day2 > d.day:
            end = date(year, d.month, d.day2)
        return Resolved(start, end, "day", note)
    if d.kind == "part":
        year, note = (d.year, "") if d.year else _year_for(d.month, (d.part or (1, 1))[0], published, ref_year, d.future)
        if year is None or not d.month:
            return Resolved(None, None, UNKNOWN, f"{d.text!r} has no year and the article has no publication date")
        lo, hi = d.part or (1, 31)
        # 'early / mid / late January': the matching third (or half) of the month, as a week-precision window
        return Resolved(date(year, d.month, lo), date(year, d.month, min(hi, _month_end(year, d.month))), "week", note)
    if d.kind == "month":
        year, note = (d.year, "") if d.year else _year_for(d.month, 1, published, ref_year, d.future)
        if year is None or not d.month:
            return Resolved(None, None, UNKNOWN, f"{d.text!r} has no year and the article has no publication date")
        return Resolved(date(year, d.month, 1), date(year, d.month, _month_end(year, d.month)), "month", note)
    if d.kind == "year":
        return Resolved(date(d.year, 1, 1), date(d.year, 12, 31), "year")
    if d.kind == "decade":
        return Resolved(date(d.year, 1, 1), date(d.year + 9, 12, 31), "year", "a decade")
    if published is None:
        return Resolved(None, None, UNKNOWN, f"relative date {d.text!r} and no publication date to resolve it")
    if d.kind == "weekday":
        if d.future:
            ahead = (d.weekday - published.weekday()) % 7 or 7
            return Resolved(published + timedelta(days=ahead), None, "day", f"{d.text!r} after publication on {published} (announced ahead)")
        back = (published.weekday() - d.weekday) % 7
        return Resolved(published - timedelta(days=back), None, "day", f"{d.text!r} before publication on {published}")
    if d.unit == "day":
        when = _dateparse(d.text, d.lang, published) if d.offset else None
        return Resolved(when or published + timedelta(days=d.offset), None, "day", f"{d.text!r} relative to {published}")
    if d.unit == "week":
        monday = published - timedelta(days=published.weekday()) + timedelta(weeks=d.offset)
        end = min(monday + timedelta(days=6), published) if d.offset == 0 else monday + timedelta(days=6)
        return Resolved(monday, end, "week", f"{d.text!r} relative to {published}")
    if d.unit == "month":
        y, m = published.year, published.month + d.offset
        while m < 1:
            y, m = y - 1, m + 12
        while m > 12:
            y, m = y + 1, m - 12
        end = published if d.offset == 0 else date(y, m, _month_end(y, m))
        return Resolved(date(y, m, 1), end, "month", f"{d.text!r} relative to {published}")
    return Resolved(None, None, UNKNOWN, f"cannot resolve {d.text!r}")
