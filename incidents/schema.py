"""The data model: every column of every table, declared once, with its type, rules and meaning.

Everything else imports from here. Column names in code are the names in the CSV files.
Each column also names the ACLED / UCDP GED field it corresponds to, so data stays
interoperable with the datasets analysts already know.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pycountry

# Kinds a column can have. A kind decides how a CSV cell is parsed and checked.
TEXT, ID, DATE, INT, FLOAT, ENUM, COUNTRY, BORDER, URL = (
    "text", "id", "date", "int", "float", "enum", "country", "border", "url")

DATE_PRECISIONS = ("day", "week", "month", "year")
EVENT_TYPES = (
    "armed_clash",
    "attack_on_civilians",
    "remote_violence",
    "security_operation",
    "smuggling_interdiction",
    "border_tension",
    "strategic_development",
)
EVENT_TYPE_MEANING = {
    "armed_clash": "armed parties exchange fire",
    "attack_on_civilians": "armed attack on civilians",
    "remote_violence": "drones, rockets, shelling, explosives",
    "security_operation": "state forces kill, capture or detain intruders with no reported state losses",
    "smuggling_interdiction": "seizure without reported violence",
    "border_tension": "build-ups, stand-offs, violations without casualties",
    "strategic_development": "agreements, talks, deployments, advisories, visits",
}
GEO_PRECISIONS = ("exact", "near", "district", "province", "border_area", "country")
GEO_PRECISION_MEANING = {
    "exact": "the named village, post or town itself",
    "near": "near a named place (within a few km)",
    "district": "only the district is known; the point is the district seat",
    "province": "only the province is known; the point is inside the province",
    "border_area": "only 'the border' or a border stretch is known",
    "country": "only the country is known",
}
ORIGINS = ("curated", "extracted")
REVIEW_STATUSES = ("unreviewed", "reviewed", "verified", "rejected")
# Records a person has checked: the only ones headline figures, exports and briefs count by default.
REVIEWED = ("reviewed", "verified")
# A record's `tags` may carry this tag when its point lies on the other side of our (generalised) border
# line from its `country` on purpose; its ledger note says why. Without it, that is a validation error.
SIDE_EXPLAINED_TAG = "side-explained"
# Event types that are not violence: counted apart from incidents, and never in casualty totals.
NOT_VIOLENT = ("strategic_development",)

# ISO 3166-1 alpha-3 codes; `country` must be one of them.
COUNTRY_CODES = frozenset(c.alpha_3 for c in pycountry.countries)

# Dates before independence are out of scope; later than today is a typo.
EARLIEST_DATE = date(1991, 1, 1)

# The region the tool covers: Central Asia, Afghanistan and their neighbours' border strips.
REGION_LAT = (29.0, 56.0)
REGION_LON = (46.0, 88.0)

ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}"
BORDER_PATTERN = r"[A-Z]{3}-[A-Z]{3}"
# A source is a web page, or an article file kept with the project when no public URL was recorded: a
# path inside the article folders (seeds/<file>.txt, articles/<year>/<month>/<file>.txt), never rendered as
# a link and never leading outside them ('..' is not a folder name here).
URL_PATTERN = r"https?://[^\s<>\"]+|(?:seeds|articles)/(?:[\w-][\w.-]*/)*[\w-][\w.-]*\.(?:txt|md)"


@dataclass(frozen=True)
class Column:
    """One column: how it is parsed, what is allowed, and what it means."""

    name: str
    kind: str
    description: str
    required: bool = False
    allowed: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    acled: str = ""
    ucdp: str = ""


@dataclass(frozen=True)
class Table:
    """A CSV table: its file name, its columns in file order, and its key."""

    name: str
    file: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    by_name: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {c.name: c for c in self.columns})

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


INCIDENTS = Table(
    name="incidents",
    file="incidents.csv",
    key=("incident_id",),
    columns=(
        Column("incident_id", ID, "Unique, stable identifier; never reused or renumbered.",
               required=True, acled="event_id_cnty", ucdp="id"),
        Column("event_date", DATE, "Start of the event (ISO date YYYY-MM-DD); the day it happened, not the day it was reported.",
               required=True, acled="event_date", ucdp="date_start"),
        Column("end_date", DATE, "Last day of a multi-day event; empty for a single day.",
               ucdp="date_end"),
        Column("date_precision", ENUM, "How exactly event_date is known: day, week, month or year.",
               required=True, allowed=DATE_PRECISIONS, acled="time_precision", ucdp="date_prec"),
        Column("event_type", ENUM, "What happened, one of the seven border-incident types (see the method page).",
               required=True, allowed=EVENT_TYPES, acled="event_type", ucdp="type_of_violence"),
        Column("sub_event_type", TEXT, "Finer description of the type, free text (e.g. 'drone strike on smugglers').",
               acled="sub_event_type"),
        Column("country", COUNTRY, "ISO 3166-1 alpha-3 code of the country where it happened.",
               required=True, acled="iso / country", ucdp="country"),
        Column("border", BORDER, "Border pair as two alpha-3 codes in alphabetical order (AFG-TJK); derived from the point when blank.",
               ucdp="(none)"),
        Column("admin1", TEXT, "Province (first-level division); derived from the point when blank.",
               acled="admin1", ucdp="adm_1"),
        Column("admin2", TEXT, "District (second-level division).", acled="admin2", ucdp="adm_2"),
        Column("location", TEXT, "Most precise place named by the sources (village, border post, town).",
               acled="location", ucdp="where_description"),
        Column("latitude", FLOAT, "Latitude in decimal degrees (WGS84) of the place in `location`.",
               minimum=-90, maximum=90, acled="latitude", ucdp="latitude"),
        Column("longitude", FLOAT, "Longitude in decimal degrees (WGS84) of the place in `location`.",
               minimum=-180, maximum=180, acled="longitude", ucdp="longitude"),
        Column("geo_precision", ENUM, "How exactly the point is known: exact, near, district, province, border_area or country.",
               allowed=GEO_PRECISIONS, acled="geo_precision", ucdp="where_prec"),
        Column("actor1", TEXT, "Main actor (who acted).", acled="actor1", ucdp="side_a"),
        Column("actor2", TEXT, "Other party or victims.", acled="actor2", ucdp="side_b"),
        Column("killed", INT, "Best estimate of people killed; empty when no source gives a figure.",
               minimum=0, acled="fatalities", ucdp="best"),
        Column("injured", INT, "Best estimate of people injured; empty when no source gives a figure.",
               minimum=0, acled="(tags)", ucdp="(none)"),
        Column("summary", TEXT, "One or two sentences in the curator's own words.",
               required=True, acled="notes", ucdp="(source_headline)"),
        Column("origin", ENUM, "curated (hand-entered) or extracted (machine-read from an article).",
               required=True, allowed=ORIGINS, acled="(none)", ucdp="(none)"),
        Column("review_status", ENUM, "unreviewed, reviewed (one source checked), verified (two or more sources or an official statement), rejected.",
               required=True, allowed=REVIEW_STATUSES, acled="(none)", ucdp="code_status"),
        Column("tags", TEXT, "Semicolon-separated keywords.", acled="tags"),
    ),
)

SOURCES = Table(
    name="sources",
    file="sources.csv",
    key=("incident_id", "url"),
    columns=(
        Column("incident_id", ID, "The incident this report is about (must exist in incidents.csv).",
               required=True, acled="event_id_cnty", ucdp="id"),
        Column("source_name", TEXT, "Outlet or author of the report.", required=True,
               acled="source", ucdp="source_office"),
        Column("url", URL, "Address of the report (http or https), or the path of an article file kept with the project (seeds/<file>.txt).", required=True,
               acled="(none)", ucdp="source_article"),
        Column("published", DATE, "Date the report was published.", ucdp="source_date"),
        Column("claim_date", DATE, "Event date as this source gives it.", ucdp="(none)"),
        Column("claim_location", TEXT, "Place as this source gives it.", ucdp="(none)"),
        Column("claim_killed", INT, "Killed as this source gives it.", minimum=0, ucdp="(low/high)"),
        Column("claim_injured", INT, "Injured as this source gives it.", minimum=0),
        Column("quote", TEXT, "Short exact excerpt from the report supporting the claim.",
               ucdp="source_original"),
        Column("note", TEXT, "Curator's note on this source: disagreements, caveats."),
    ),
)

# Columns computed when the tables are loaded; never stored in the CSV.
DERIVED = Table(
    name="derived",
    file="",
    columns=(
        Column("source_count", INT, "Number of ledger rows (reports) for the incident.", ucdp="number_of_sources"),
        Column("killed_low", INT, "Lowest killed figure among the incident's record and its sources.", ucdp="low"),
        Column("killed_high", INT, "Highest killed figure among the incident's record and its sources.", ucdp="high"),
        Column("disputed", TEXT, "True when sources disagree on date, place or casualty figures.", ucdp="event_clarity"),
        Column("disputed_fields", TEXT, "Which fields the sources disagree on (semicolon-separated)."),
        Column("nearest_border", BORDER, "Border pair whose line is nearest to the point."),
        Column("distance_to_border_km", FLOAT, "Geodesic distance from the point to the nearest border line, km."),
        Column("point_country", COUNTRY, "Country whose polygon contains the point (which side of the border)."),
    ),
)

# The extractor's candidates (data/extracted.csv, the review queue): the incident columns, then where
# each candidate comes from, its evidence and the review state. Not checked by the incident rules
# until a person accepts it.
CANDIDATES_FILE = "extracted.csv"
CANDIDATES = Table(
    name="candidates",
    file=CANDIDATES_FILE,
    key=("incident_id",),
    columns=INCIDENTS.columns + (
        Column("source_file", TEXT, "The article file the candidate was read from."),
        Column("source_url", TEXT, "The article's address (its `url:` header), when known."),
        Column("source_outlet", TEXT, "The outlet that published the article."),
        Column("source_published", TEXT, "The article's publication date, when known."),
        Column("language", TEXT, "The article's language (en, ru)."),
        Column("evidence", TEXT, "The sentences the candidate was read from."),
        Column("char_start", TEXT, "Character offset of the evidence in the article text."),
        Column("char_end", TEXT, "End offset of the evidence in the article text."),
        Column("date_evidence", TEXT, "The words the date was read from."),
        Column("place_evidence", TEXT, "The words the place was read from."),
        Column("killed_evidence", TEXT, "The words the killed figure was read from."),
        Column("injured_evidence", TEXT, "The words the injured figure was read from."),
        Column("type_evidence", TEXT, "The cue words that decided the event type."),
        Column("actor_evidence", TEXT, "The words the actors were read from."),
        Column("evidence_spans", TEXT, "field=start:end offsets of each field's evidence, semicolon-separated."),
        Column("confidence", TEXT, "The extractor's confidence, 0-1."),
        Column("needs_review", TEXT, "True when a person must check the candidate before use."),
        Column("review_reason", TEXT, "Why the candidate needs review."),
        Column("extractor_version", TEXT, "Version of the extractor that produced the row."),
        Column("cluster_id", TEXT, "Shared by candidates from different articles about the same event."),
        Column("matched_incident_id", TEXT, "The curated incident this candidate reports on, when matched."),
        Column("match_differences", TEXT, "How the candidate differs from the matched curated incident."),
    ),
)

# Extra columns a maintainer's `incidents add` row may carry: the incident's first source.
ADD_SOURCE_COLUMNS = ("source_name", "url", "published")

TABLES = {t.name: t for t in (INCIDENTS, SOURCES)}


def column(name: str, table: Table = INCIDENTS) -> Column:
    """Look up a column by name; raises KeyError listing the valid names."""
    try:
        return table.by_name[name]
    except KeyError:
        raise KeyError(f"unknown column {name!r} in {table.name}; valid: {', '.join(table.names)}") from None


def country_name(code: str) -> str:
    """'TJK' -> 'Tajikistan' (the common name where ISO has a long one); unknown codes as given."""
    c = pycountry.countries.get(alpha_3=str(code)) if code else None
    return getattr(c, "common_name", None) or getattr(c, "name", None) or str(code)


def in_region(lat: float, lon: float) -> bool:
    """True when a point lies in the covered region (a loose box around Central Asia)."""
    return REGION_LAT[0] <= lat <= REGION_LAT[1] and REGION_LON[0] <= lon <= REGION_LON[1]


def markdown_table(table: Table) -> str:
    """The column reference for the README, generated so docs never drift from the schema."""
    lines = ["| column | type | required | allowed / format | meaning | ACLED / UCDP |", "|---|---|---|---|---|---|"]
    formats = {DATE: "YYYY-MM-DD", INT: "whole number >= 0", FLOAT: "decimal degrees", COUNTRY: "ISO 3166-1 alpha-3",
               BORDER: "e.g. AFG-TJK", URL: "http(s) URL", ID: "letters, digits, - _ . :"}
    for c in table.columns:
        allowed = " \\| ".join(f"`{v}`" for v in c.allowed) if c.allowed else formats.get(c.kind, "text")
        mapping = " / ".join(x for x in (c.acled, c.ucdp) if x)
        lines.append(f"| `{c.name}` | {c.kind} | {'yes' if c.required else ''} | {allowed} | {c.description} | {mapping} |")
    return "\n".join(lines)


# Which event types may describe the same real event: types an analyst could reasonably code either way
# ('a clash' vs 'a security operation' for one firefight). The extractor merges and clusters such pairs as
# one incident, and the scorer counts such a pair as a match.
COMPATIBLE_TYPES = (
    {"armed_clash", "security_operation"},
    {"armed_clash", "attack_on_civilians"},
    {"attack_on_civilians", "remote_violence"},
    {"armed_clash", "remote_violence"},
    {"security_operation", "smuggling_interdiction"},
    {"armed_clash", "border_tension"},
)


def types_compatible(a: str, b: str) -> bool:
    """May event types `a` and `b` describe the same real event (equal, or a pair in COMPATIBLE_TYPES)?"""
    return a == b or {a, b} in COMPATIBLE_TYPES
