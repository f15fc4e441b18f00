"""Files of new incidents for concurrent-writer tests and benchmarks: each writer adds its own distinct rows."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from incidents.schema import INCIDENTS

BASE = dict(zip(INCIDENTS.names, (
    "x,2025-12-23,,day,armed_clash,,TJK,AFG-TJK,Khatlon,Shamsiddin Shohin,Shuroobod,37.8414,70.0419,district,"
    "Border guards,Armed group,2,,A valid row.,curated,verified,").split(",")))


def new_rows(writer: int, rows_each: int = 100) -> pd.DataFrame:
    """`rows_each` incidents a day apart, with their first source, ids w<writer>-<i>."""
    rows = []
    for i in range(rows_each):
        day = pd.Timestamp("2015-01-01") + pd.Timedelta(days=writer * rows_each + i)
        rows.append(dict(BASE, incident_id=f"w{writer}-{i:03d}", event_date=day.strftime("%Y-%m-%d"),
                         summary=f"Writer {writer}, row {i}: Пограничники, «кавычки», \"quotes\".",
                         source_name=f"Outlet {writer}", url=f"https://example.org/{writer}/{i}", published=""))
    return pd.DataFrame(rows, dtype=str)


def write_rows(directory: Path, writers: int, rows_each: int) -> list[Path]:
    """One CSV per writer in `directory`; their paths."""
    out = []
    for w in range(writers):
        path = Path(directory) / f"new{w}.csv"
        new_rows(w, rows_each).to_csv(path, index=False)
        out.append(path)
    return out
