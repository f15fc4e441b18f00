"""The tables the dashboard shows: the incident table, an incident's fields, its claims side by side, its
ledger. Pure pandas, so the page only lays them out."""

from __future__ import annotations

import pandas as pd

from .. import charts
from ..charts import palette as P
from ..schema import DERIVED, INCIDENTS
from ..text import safe_url

TABLE_LIMIT = 1000  # rows sent to the browser table; downloads carry every row
CLAIM_FIELDS = ("date", "location", "killed", "injured")


def _cell(v) -> str:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return ""
    return f"{v:%Y-%m-%d}" if isinstance(v, pd.Timestamp) else str(v)


def table_rows(shown: pd.DataFrame, selected: list[str], limit: int = TABLE_LIMIT) -> tuple[pd.DataFrame, int]:
    """The shown incidents (or only the selected ones), newest first, at most `limit`; and how many matched."""
    rows = shown[shown["incident_id"].isin(selected)] if selected else shown
    rows = rows.sort_values("event_date", ascending=False, kind="stable").reset_index(drop=True)
    return rows.head(limit), len(rows)


def incident_table(table: pd.DataFrame) -> pd.DataFrame:
    """The columns of the dashboard's incident table, in display form."""
    return pd.DataFrame({
        "date": table["event_date"],
        "date prec.": table["date_precision"],
        "type": table["event_type"].map(P.label),
        "place": table["location"],
        "province": table["admin1"],
        "border": table["border"].map(charts.border_label),
        "killed": table["killed"],
        "killed range": (table["killed_low"].astype("str") + "–" + table["killed_high"].astype("str")).fillna(""),
        "injured": table["injured"],
        "sources": table["source_count"],
        "disagree": table["disputed"].map({True: "⚠ yes", False: ""}),
        "origin": table["origin"],
        "summary": table["summary"],
        "id": table["incident_id"],
    })


def detail_choices(table: pd.DataFrame, everything: pd.DataFrame, current: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """The incidents the detail picker offers (the table's, plus the open one if it is filtered out), with labels."""
    choices = table if not current or current in set(table["incident_id"]) else \
        pd.concat([table, everything[everything["incident_id"] == current]], ignore_index=True)
    place = choices["location"].where(choices["location"] != "", choices["admin1"])
    place = place.where(place != "", choices["country"])
    labels = {"": "— choose an incident (or click a table row) —"}
    labels.update(zip(choices["incident_id"], choices["event_date"].dt.strftime("%Y-%m-%d") + " · "
                      + choices["event_type"].astype(str).map(P.label) + " · " + place + " · "
                      + choices["incident_id"]))
    return choices, labels


def fields_table(row: pd.Series) -> pd.DataFrame:
    """Every stored and derived field of one incident with its value and meaning."""
    meaning = {c.name: c.description for c in (*INCIDENTS.columns, *DERIVED.columns)}
    cols = [c.name for c in INCIDENTS.columns] + [c.name for c in DERIVED.columns]
    return pd.DataFrame({"field": cols, "value": [_cell(row[c]) for c in cols], "meaning": [meaning[c] for c in cols]})


def claims_table(row: pd.Series, sources: pd.DataFrame) -> pd.DataFrame:
    """What the record and each source say about date, place, killed and injured, side by side."""
    claims = {"record": [charts.date_text(row), row["location"], _cell(row["killed"]), _cell(row["injured"])]}
    for i, s in sources.reset_index(drop=True).iterrows():
        claims[f"{i + 1}. {s['source_name']}"] = [_cell(s["claim_date"]), s["claim_location"],
                                                  _cell(s["claim_killed"]), _cell(s["claim_injured"])]
    disputed = set(str(row["disputed_fields"]).split(";"))
    flag = ["⚠" if f in disputed else "" for f in CLAIM_FIELDS]
    return pd.DataFrame({"claim": ["date", "place", "killed", "injured"], "disagree": flag, **claims})


def ledger_table(sources: pd.DataFrame) -> pd.DataFrame:
    """An incident's ledger rows as shown: outlet, date, a link only for http(s) addresses, quote, note."""
    return pd.DataFrame({
        "source": sources["source_name"],
        "published": sources["published"],
        "link": [safe_url(u) for u in sources["url"]],
        "address": sources["url"],
        "quote": sources["quote"],
        "note": sources["note"],
    })


def disputed_text(row: pd.Series) -> str:
    """'date, place' — the fields the sources disagree on, in words."""
    return ", ".join(f.replace("location", "place") for f in str(row["disputed_fields"]).split(";") if f)
