"""Data exports of a (filtered) incident table: CSV, GeoJSON and Excel, safe to open in a spreadsheet.

Pure functions returning bytes or dicts; the dashboard's download buttons and `incidents export data`
both call these, so the two always produce the same files.
"""

from __future__ import annotations

import io
import json
import math
import re

import pandas as pd
from openpyxl.styles import Font

from .. import schema as S

# A spreadsheet treats a cell starting with one of these as a formula (or DDE command).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
EXPORT_COLUMNS = S.INCIDENTS.names + S.DERIVED.names


def neutralise(value):
    """Make a text cell inert in Excel/LibreOffice by prefixing a quote when it could start a formula.

    >>> neutralise("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> neutralise(-3)
    -3
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _text_safe(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    return out


def _export_frame(incidents: pd.DataFrame) -> pd.DataFrame:
    return _dates_as_text(incidents[[c for c in EXPORT_COLUMNS if c in incidents.columns]])


def _dates_as_text(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d").astype(object).where(out[col].notna(), "")
    return out


def to_csv_bytes(incidents: pd.DataFrame) -> bytes:
    """UTF-8 CSV (with BOM so Excel shows Cyrillic correctly), formula cells neutralised."""
    return _csv(_export_frame(incidents))


def _csv(frame: pd.DataFrame) -> bytes:
    # RFC 4180 line ends: with "\r\n" the writer also quotes cells holding a bare "\r", which would
    # otherwise split a row when read back.
    return ("\ufeff" + _text_safe(frame).to_csv(index=False, lineterminator="\r\n")).encode("utf-8")


def _json_value(v):
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if hasattr(v, "item"):  # numpy scalars
        return v.item()
    return v


def to_geojson(incidents: pd.DataFrame) -> dict:
    """FeatureCollection with one Point per located incident; every column is a property."""
    frame = _export_frame(incidents)
    located = incidents["latitude"].notna() & incidents["longitude"].notna()
    features = []
    for (_, row), lat, lon in zip(frame[located].iterrows(), incidents.loc[located, "latitude"],
                                  incidents.loc[located, "longitude"]):
        features.append({
            "type": "Feature",
            "id": row["incident_id"],
            "geometry": {"type": "Point", "coordinates": [float(lon), float(lat)]},
            "properties": {k: _json_value(v) for k, v in row.items()},
        })
    return {"type": "FeatureCollection", "features": features}


def geojson_bytes(incidents: pd.DataFrame) -> bytes:
    return json.dumps(to_geojson(incidents), ensure_ascii=False, indent=1).encode("utf-8")


def column_guide() -> pd.DataFrame:
    """One row per exported column: its table, type, allowed values and meaning (the xlsx third sheet)."""
    rows = []
    for table in (S.INCIDENTS, S.DERIVED, S.SOURCES):
        for c in table.columns:
            rows.append({"sheet": "sources" if table is S.SOURCES else "incidents", "column": c.name,
                         "type": c.kind, "required": "yes" if c.required else "",
                         "allowed": ", ".join(c.allowed), "meaning": c.description,
                         "derived": "yes" if table is S.DERIVED else "", "acled": c.acled, "ucdp": c.ucdp})
    return pd.DataFrame(rows)


# Characters an xlsx (XML 1.0) cannot hold: controls but tab and line breaks, and the Unicode noncharacters.
# Validation refuses them in the data files; an export still must never write a workbook Excel cannot open.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufdd0-\ufdef\ufffe\uffff\ud800-\udfff]")


def to_xlsx_bytes(incidents: pd.DataFrame, sources: pd.DataFrame) -> bytes:
    """Excel workbook: incidents, the sources ledger for them, and a column guide."""
    ids = set(incidents["incident_id"])
    ledger = sources[sources["incident_id"].isin(ids)]
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xl:
        for name, frame in (("incidents", _export_frame(incidents)), ("sources", _dates_as_text(ledger)),
                            ("columns", column_guide())):
            safe = _text_safe(frame).astype(object).where(frame.notna(), None)
            safe = safe.map(lambda v: _XML_ILLEGAL.sub("", v) if isinstance(v, str) else v)
            safe.to_excel(xl, sheet_name=name, index=False)
            sheet = xl.sheets[name]
            sheet.freeze_panes = "A2"
            for cell in sheet[1]:
                cell.font = Font(bold=True)
            # openpyxl would store a string starting with "=" as a formula; mark every text cell as data.
            for row in sheet.iter_rows(min_row=2):
                for cell in row:
                    if isinstance(cell.value, str):
                        cell.data_type = "s"
    return buf.getvalue()
