"""The PostgreSQL tables, declared by `schema.py` (no second schema): one table per CSV table, its columns
typed by their kind, plus the change history.

A column of kind date is a `date`, int a `bigint`, float a `numeric` (it keeps the digits as written, so a
round trip gives the same text back), everything else `text NOT NULL DEFAULT ''` (blank is '', as in the
files). Each table has a hidden `_pos` (the row's place in the file: exports keep the order). Incidents are
keyed by `incident_id`; ledger rows point at them (checked at commit). The review queue (extracted
candidates) is all text, as its file is. With PostGIS installed, incidents also get a `geom` point.
"""

from __future__ import annotations

from ..schema import CANDIDATES, DATE, FLOAT, INCIDENTS, INT, SOURCES, Table

TABLES = (INCIDENTS, SOURCES, CANDIDATES)
SQL_TYPES = {DATE: "date", INT: "bigint", FLOAT: "numeric"}
HISTORY = "history"


def sql_type(table: Table, name: str) -> str:
    """The column's PostgreSQL type (the review queue keeps text: its rows are not checked yet)."""
    if table is CANDIDATES:
        return "text"
    return SQL_TYPES.get(table.by_name[name].kind, "text")


def is_text(table: Table, name: str) -> bool:
    return sql_type(table, name) == "text"


def ident(name: str) -> str:
    """A column or table name from schema.py, quoted (names are checked: letters, digits, underscores)."""
    assert name.replace("_", "").isalnum(), name
    return f'"{name}"'


def create_table(table: Table) -> str:
    cols = ["_pos bigserial"]
    for c in table.names:
        typ = sql_type(table, c)
        cols.append(f"{ident(c)} {typ}" + (" NOT NULL DEFAULT ''" if typ == "text" else ""))
    if table is INCIDENTS:
        cols.append("PRIMARY KEY (incident_id)")
    elif table is SOURCES:
        cols.append("FOREIGN KEY (incident_id) REFERENCES incidents (incident_id) DEFERRABLE INITIALLY DEFERRED")
    return f"CREATE TABLE IF NOT EXISTS {ident(table.name)} ({', '.join(cols)})"


def statements(postgis: bool) -> list[str]:
    """Everything `incidents store init` runs (idempotent)."""
    out = [create_table(t) for t in TABLES]
    out += [
        "CREATE INDEX IF NOT EXISTS sources_incident ON sources (incident_id)",
        "CREATE INDEX IF NOT EXISTS candidates_incident ON candidates (incident_id)",
        f"""CREATE TABLE IF NOT EXISTS {HISTORY} (
            id bigserial PRIMARY KEY,
            at timestamptz NOT NULL DEFAULT now(),
            table_name text NOT NULL,
            incident_id text NOT NULL DEFAULT '',
            action text NOT NULL,
            old jsonb,
            new jsonb,
            command text NOT NULL DEFAULT '',
            username text NOT NULL DEFAULT '',
            db_user text NOT NULL DEFAULT current_user)""",
        f"CREATE INDEX IF NOT EXISTS history_incident ON {HISTORY} (incident_id, id)",
    ]
    if postgis:
        out += [
            "CREATE EXTENSION IF NOT EXISTS postgis",
            "ALTER TABLE incidents ADD COLUMN IF NOT EXISTS geom geometry(Point, 4326) GENERATED ALWAYS AS "
            "(CASE WHEN longitude IS NOT NULL AND latitude IS NOT NULL THEN "
            "ST_SetSRID(ST_MakePoint(longitude::float8, latitude::float8), 4326) END) STORED",
            "CREATE INDEX IF NOT EXISTS incidents_geom ON incidents USING gist (geom)",
        ]
    return out


def select_text(table: Table) -> str:
    """Every column as the text a CSV cell holds (dates YYYY-MM-DD, unknown numbers blank), in file order."""
    cols = []
    for c in table.names:
        typ = sql_type(table, c)
        if typ == "date":
            cols.append(f"coalesce(to_char({ident(c)}, 'YYYY-MM-DD'), '') AS {ident(c)}")
        elif typ == "text":
            cols.append(ident(c))
        else:
            cols.append(f"coalesce({ident(c)}::text, '') AS {ident(c)}")
    return f"SELECT _pos, {', '.join(cols)} FROM {ident(table.name)} ORDER BY _pos"


def insert(table: Table) -> str:
    """INSERT of one row given as text (blank typed cells become NULL)."""
    names = table.names
    values = [f"NULLIF(%s, '')::{sql_type(table, c)}" if not is_text(table, c) else "%s" for c in names]
    return (f"INSERT INTO {ident(table.name)} ({', '.join(map(ident, names))}) VALUES ({', '.join(values)}) "
            "RETURNING _pos")


def update(table: Table, columns: list[str]) -> str:
    sets = [f"{ident(c)} = " + (f"NULLIF(%s, '')::{sql_type(table, c)}" if not is_text(table, c) else "%s")
            for c in columns]
    return f"UPDATE {ident(table.name)} SET {', '.join(sets)} WHERE _pos = %s"


def copy_in(table: Table) -> str:
    """COPY of a CSV with the table's columns: blank typed cells become NULL, blank text stays ''."""
    names = table.names
    text = [ident(c) for c in names if is_text(table, c)]
    force = f", FORCE_NOT_NULL ({', '.join(text)})" if text else ""
    return f"COPY {ident(table.name)} ({', '.join(map(ident, names))}) FROM STDIN WITH (FORMAT csv, HEADER true{force})"
