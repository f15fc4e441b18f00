"""The tables the dashboard shows: the incident table, an incident's fields, its claims side by side, its
ledger. Pure pandas, so the page only lays them out."""

from __future__ import annotations

import re

import pandas as pd

from .. import charts, periods
from ..charts import palette as P
from ..schema import DERIVED, INCIDENTS
from ..geo import strip_generic
from ..geo.gazetteer import default_spelling
from ..text import name_key, safe_url

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


def _figure(s: pd.Series) -> pd.Series:
    """Whole numbers as text, blank when unknown (a table never shows 'None' or '<NA>')."""
    return s.astype("Int64").astype("str").where(s.notna(), "").astype(object)


def status_text(table: pd.DataFrame) -> pd.Series:
    """'verified', 'reviewed' or 'UNREVIEWED candidate' (machine-extracted, not yet reviewed)."""
    status = table["review_status"].astype(str)
    return status.where(status != "unreviewed", "UNREVIEWED candidate")


def incident_table(table: pd.DataFrame) -> pd.DataFrame:
    """The columns of the dashboard's incident table, in the order analysts use them, in display form."""
    low, high = _figure(table["killed_low"]), _figure(table["killed_high"])
    return pd.DataFrame({
        "date": table["event_date"],
        "type": table["event_type"].map(P.label),
        "place": charts.place_texts(table).str.replace(r" \(place precision: [a-z_]+\)$", "", regex=True),
        "killed": _figure(table["killed"]),
        "injured": _figure(table["injured"]),
        "sources": table["source_count"].astype("Int64").fillna(0).astype(int),
        "disputed": table["disputed"].map({True: "⚠ " , False: ""}).fillna("")
        + table["disputed_fields"].astype(str).str.replace("location", "place").str.replace(";", ", "),
        "origin": table["origin"].astype(str),
        "summary": table["summary"],
        "status": status_text(table),
        "killed range": (low + "–" + high).where((low != "") & (high != "") & (low != high), ""),
        "date prec.": table["date_precision"].astype(str),
        "border": table["border"].map(charts.border_label),
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


def claims_table(row: pd.Series, sources: pd.DataFrame, pending: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per source (the record first): what each says about date, place, killed and injured, with
    its quote and link. Claims of unreviewed extracted candidates come last, marked 'pending review'."""
    def rows(frame: pd.DataFrame, status: str) -> pd.DataFrame:
        return pd.DataFrame({
            "source": frame["source_name"].astype(str),
            "date": [_cell(v) for v in frame["claim_date"]],
            "place": frame["claim_location"].astype(str),
            "killed": [_cell(v) for v in frame["claim_killed"]],
            "injured": [_cell(v) for v in frame["claim_injured"]],
            "quote": frame["quote"].astype(str),
            "link": [safe_url(u) for u in frame["url"]],
            "status": status,
        })
    record = pd.DataFrame([{"source": "the record (best estimate)", "date": charts.date_text(row),
                            "place": str(row["location"]), "killed": _cell(row["killed"]),
                            "injured": _cell(row["injured"]), "quote": "", "link": None,
                            "status": str(row.get("review_status", ""))}])
    parts = [record, rows(sources, "in the ledger")]
    if pending is not None and len(pending):
        parts.append(rows(pending, "pending review"))
    return pd.concat(parts, ignore_index=True)


def _words(phrase: str) -> set[str]:
    """The names in a place phrase as spelling-variant keys (Kavok, Кавок and Kavoki meet)."""
    spelling = default_spelling()
    return {spelling.variant(name_key(w))[:5] for w in re.findall(r"[^\W\d_]{4,}", strip_generic(phrase))}


def _same_place(a: str, b: str) -> bool:
    """Two place phrases agree when either says nothing or they share a name (of four letters or more,
    compared on spelling-variant keys), so only clearly other places stand out."""
    wa, wb = _words(a), _words(b)
    return not wa or not wb or bool(wa & wb)


def claims_differences(claims: pd.DataFrame, row: pd.Series | None = None) -> pd.DataFrame:
    """True where a source's date, place, killed or injured differs from the record's (blank = says nothing).

    A date differs when it falls outside the record's date window (periods.window); a place when
    neither name contains the other; a figure when it is another number."""
    out = pd.DataFrame(False, index=claims.index, columns=claims.columns)
    if claims.empty:
        return out
    record = claims.iloc[0]
    for col in ("killed", "injured"):
        said = claims[col].astype(str).str.strip()
        out[col] = (said != "") & (said != str(record[col]).strip())
    where = " ".join(str(row.get(c, "")) for c in ("location", "admin2", "admin1")) if row is not None \
        else str(record["place"])
    out["place"] = [not _same_place(str(p), where) for p in claims["place"]]
    if row is not None and pd.notna(row.get("event_date")):
        end = row.get("end_date")
        lo, hi = periods.window(row["event_date"].date(), str(row.get("date_precision") or "day"),
                                end.date() if pd.notna(end) else None)
        said = pd.to_datetime(claims["date"].astype(str).str[:10], format="%Y-%m-%d", errors="coerce")
        out["date"] = said.notna() & ((said < pd.Timestamp(lo)) | (said > pd.Timestamp(hi)))
    out.iloc[0] = False
    return out


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


def _day(ts) -> str:
    return f"{ts.day} {ts:%b %Y}"


def disagreements(row: pd.Series, sources: pd.DataFrame) -> str:
    """What the sources disagree on, in one line: 'date 23 Dec 2025 vs 25 Dec 2025; killed 4–5'."""
    fields = [f for f in str(row.get("disputed_fields", "")).split(";") if f]
    parts = []
    for f in fields:
        if f == "date":
            days = sorted(set(sources["claim_date"].dropna()))
            if len(days) > 1:
                parts.append("date " + " vs ".join(_day(d) for d in days))
        elif f in ("killed", "injured"):
            values = sorted({int(v) for v in sources[f"claim_{f}"].dropna()})
            if len(values) > 1:
                parts.append(f"{f} {values[0]}–{values[-1]}" if len(values) > 2 else f"{f} {values[0]} vs {values[-1]}")
        elif f == "location":
            places = list(dict.fromkeys(p for p in sources["claim_location"] if isinstance(p, str) and p.strip()))
            if len(places) > 1:
                parts.append("place " + " vs ".join(places[:3]) + (" …" if len(places) > 3 else ""))
    return "; ".join(parts)


DIFFERS_CSS = "background-color: #fde2c8; color: #5a2a00; font-weight: 600"


def styled_differences(claims: pd.DataFrame, row: pd.Series | None = None):
    """A pandas Styler of the claims with the differing cells marked (CSS only; the text stays text)."""
    mask = claims_differences(claims, row)
    return claims.style.apply(lambda _: mask.replace({True: DIFFERS_CSS, False: ""}), axis=None) \
        .format(na_rep="")  # a missing link is blank, never "None"


NOT_GIVEN = "(province not given)"


def latest(records: pd.DataFrame, n: int = 8) -> pd.DataFrame:
    """The n most recent violent incidents among the records (latest day first)."""
    inc = records[records["event_type"] != "strategic_development"]
    last = inc["end_date"].where(inc["end_date"].notna(), inc["event_date"])
    return inc.assign(_last=last).sort_values(["_last", "incident_id"], ascending=[False, True],
                                              kind="stable").drop(columns="_last").head(n).reset_index(drop=True)


def latest_table(rows: pd.DataFrame) -> pd.DataFrame:
    """The latest-incidents list as shown: date, place, type, killed, sources."""
    return pd.DataFrame({
        "date": rows["event_date"],
        "place": short_places(rows),
        "type": rows["event_type"].map(P.label),
        "killed": _figure(rows["killed"]),
        "sources": rows["source_count"].astype("Int64").fillna(0).astype(int),
    })


def short_places(rows: pd.DataFrame, limit: int = 40) -> pd.Series:
    """The named place, else the district, province or country; at most `limit` characters."""
    place = rows["location"].astype(str).str.strip()
    for col in ("admin2", "admin1", "country"):
        place = place.where(place != "", rows[col].astype(str).str.strip())
    return place.map(lambda t: t if len(t) <= limit else t[: limit - 1] + "…")


def province_rows(table: pd.DataFrame, by: str = "incidents", chosen: tuple[str, ...] = ()) -> pd.DataFrame:
    """The per-province breakdown as shown, ranked by incidents or killed; the provinces in the filter marked."""
    if table.empty:
        return pd.DataFrame(columns=["filter", "province", "country", "incidents", "killed", "known"])
    order = table.sort_values([by, "incidents" if by == "killed" else "killed", "province"],
                              ascending=[False, False, True], kind="stable", na_position="last")
    order = pd.concat([order[order["province"] != NOT_GIVEN], order[order["province"] == NOT_GIVEN]])
    killed = order["killed"].astype("Int64")
    return pd.DataFrame({
        "filter": ["✓" if p in chosen else "" for p in order["province"]],
        "province": order["province"].astype(str).values,
        "country": order["country"].astype(str).values,
        "incidents": order["incidents"].astype(int).values,
        "killed": _figure(killed.where(order["with_figure"] > 0)).values,
        "known": [f"{int(w)} of {int(n)}" for w, n in zip(order["with_figure"], order["incidents"])],
    }).reset_index(drop=True)
