"""Pure logic behind the maintainer upload page (app_pages/maintain.py): no Streamlit here.

An upload is handled exactly like `incidents add` (the same reader, rules and merge), so the page and
the command line can never disagree:

1. `check_size` refuses files over the limit with a clear message (default 20 MB; set
   `BORDERWATCH_MAX_UPLOAD_MB` to change it).
2. `analyse` reads the bytes (UTF-8, structural checks), decides whether they are new incidents
   (each with its first source, like `incidents add`) or extra ledger rows (like
   `incidents add --sources`), and plans the merge into the current tables.
3. `report_table` lists every problem row by row; `highlight_cells` says which cells to mark and
   `styled` returns a pandas Styler doing so (cell text is never rendered as HTML).
4. `merged_csv_bytes` gives the merged data files for download, byte for byte what a save writes.
5. `save` writes into the data directory through the one store transaction (atomic, `.bak` backups,
   under the data lock), after re-reading and re-planning against the files as they are at that
   moment (another maintainer may have added rows meanwhile). It works only when saving is enabled
   (config.save_enabled: `BORDERWATCH_ALLOW_SAVE=1`); otherwise maintainers download the merged files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import config, store
from .. import schema as S
from ..check import sort_problems
from ..errors import IncidentsError, Problem, SaveDisabled
from .plan import AddPlan, plan_add, plan_add_sources

ENV_ALLOW_SAVE = config.ENV_ALLOW_SAVE
INCIDENTS_KIND, SOURCES_KIND = "incidents", "sources"
KIND_LABELS = {
    INCIDENTS_KIND: "new incidents, each with its first source (like `incidents add`)",
    SOURCES_KIND: "extra ledger rows for existing incidents (like `incidents add --sources`)",
}
REPORT_COLUMNS = ["row", "column", "severity", "message", "found", "expected"]
HIGHLIGHT_CSS = "background-color: #f8d7da; color: #58151c; font-weight: 600"
DISPLAY_CHARS = 300  # cells longer than this are shortened on screen (the data keep every character)


max_upload_bytes = config.max_upload_bytes
save_enabled = config.save_enabled


def megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):,.1f} MB" if n >= 100 * 1024 else f"{n / 1024:,.1f} KB"


def check_size(size: int, limit: int | None = None) -> str | None:
    """A message when an upload is too large (or empty), else None."""
    limit = max_upload_bytes() if limit is None else limit
    if size == 0:
        return "The file is empty: upload a CSV with a header row and data rows."
    if size > limit:
        return (f"The file is {megabytes(size)}; uploads are limited to {megabytes(limit)}. Split it into smaller "
                f"files, or add it from the command line with `incidents add`.")
    return None


def detect_kind(frame: pd.DataFrame | None) -> str:
    """Which kind of rows a frame holds, judged from its header (as the command line does)."""
    cols = set(frame.columns) if frame is not None else set()
    return SOURCES_KIND if "source_name" in cols and "event_type" not in cols else INCIDENTS_KIND


@dataclass
class Upload:
    """An analysed upload: the rows as read, the planned merge, and every problem found."""

    name: str
    size: int
    kind: str = INCIDENTS_KIND
    refused: str | None = None  # why the file was not analysed at all (size)
    frame: pd.DataFrame | None = None  # the uploaded rows as strings; index = record position (row = index + 2)
    plan: AddPlan | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def accepted(self) -> int:
        return len(self.plan.accepted) if self.plan else 0

    @property
    def held(self) -> list[Problem]:
        """Rows held back for confirmation (likely duplicates, points in another country)."""
        return [p for p in self.problems if p.message.startswith("needs confirmation")]

    @property
    def rejected_rows(self) -> set[int]:
        """Rows (spreadsheet numbering) that are not added: rows with an error, and unreadable rows."""
        return {p.row for p in self.errors if p.row is not None and p.row >= 2}

    @property
    def readable(self) -> bool:
        return self.frame is not None and self.plan is not None


def current_tables(directory: Path) -> tuple[pd.DataFrame, pd.DataFrame, list[Problem]]:
    """The data directory's raw tables (empty ones when a file does not exist yet) and read problems."""
    frames, problems = [], []
    for table in (S.INCIDENTS, S.SOURCES):
        frame, found = store.read_or_empty(store.table_path(directory, table), table)
        problems += found
        frames.append(frame if frame is not None else store.empty_table(table))
    return frames[0], frames[1], problems


def analyse(raw: bytes, name: str, incidents: pd.DataFrame, sources: pd.DataFrame,
            kind: str | None = None, limit: int | None = None, allow_duplicates: bool = False) -> Upload:
    """Read, check and plan an upload against the current raw tables. Never raises on bad input."""
    result = Upload(name=name, size=len(raw))
    result.refused = check_size(len(raw), limit)
    if result.refused:
        return result
    text, problems = store.decode(raw, name)
    frame = None
    if text is not None:
        frame, found = store.parse_csv(text, name)
        problems += found
    result.frame = frame
    result.kind = kind or detect_kind(frame)
    if frame is not None:
        if result.kind == SOURCES_KIND:
            result.plan = plan_add_sources(incidents, sources, frame, name)
        else:
            result.plan = plan_add(incidents, sources, frame, name, allow_duplicates=allow_duplicates)
        problems += result.plan.problems
    result.problems = sort_problems(list(dict.fromkeys(problems)))
    return result


def report_table(problems: list[Problem], max_chars: int = DISPLAY_CHARS) -> pd.DataFrame:
    """The validation report as a table: one line per problem, spreadsheet row numbers (empty = whole file)."""
    def short(v):
        return "" if v is None else (v if len(v) <= max_chars else v[: max_chars - 1] + "…")
    return pd.DataFrame({
        "row": pd.array([p.row for p in problems], dtype="Int64"),
        "column": [p.column or "" for p in problems],
        "severity": [p.severity for p in problems],
        "message": [p.message for p in problems],
        "found": [short(p.found) for p in problems],
        "expected": [short(p.expected) for p in problems],
    }, columns=REPORT_COLUMNS)


def highlight_cells(problems: list[Problem], frame: pd.DataFrame, file: str) -> dict[int, set[str]]:
    """{record index: column names} of the cells an error points at, in `frame` (row = index + 2)."""
    cells: dict[int, set[str]] = {}
    present = set(frame.index)
    for p in problems:
        if p.is_error and p.file == file and p.row is not None and p.row >= 2 and (p.row - 2) in present:
            if p.column in frame.columns:
                cells.setdefault(p.row - 2, set()).add(p.column)
            else:  # a row-level problem (no single column): mark the whole row
                cells.setdefault(p.row - 2, set()).update(frame.columns)
    return cells


def display_frame(frame: pd.DataFrame, max_chars: int = DISPLAY_CHARS) -> pd.DataFrame:
    """A copy for the screen: long cells shortened, rows labelled by their spreadsheet row number."""
    out = frame.copy()
    for c in out.columns:
        s = out[c].astype(str)
        long = s.str.len() > max_chars
        if long.any():
            s = s.where(~long, s.str.slice(0, max_chars - 1) + "…")
        out[c] = s
    out.index = pd.Index([int(i) + 2 for i in frame.index], name="row")
    return out


def styled(frame: pd.DataFrame, highlights: dict[int, set[str]], max_chars: int = DISPLAY_CHARS):
    """A pandas Styler of `frame` (shortened for display) with the offending cells highlighted.

    Only CSS is attached; cell values stay plain text (st.dataframe never renders them as HTML).
    """
    shown = display_frame(frame, max_chars)

    def css(_: pd.DataFrame) -> pd.DataFrame:
        out = pd.DataFrame("", index=shown.index, columns=shown.columns)
        for i, columns in highlights.items():
            for c in columns:
                if c in out.columns and (i + 2) in out.index:
                    out.at[i + 2, c] = HIGHLIGHT_CSS
        return out
    return shown.style.apply(css, axis=None)


def rows_with_problems(result: Upload) -> pd.DataFrame:
    """The uploaded rows that carry at least one error (as read), for the highlighted table."""
    if result.frame is None:
        return pd.DataFrame()
    cells = highlight_cells(result.problems, result.frame, result.name)
    return result.frame.loc[sorted(cells)]


def merged_csv_bytes(result: Upload) -> dict[str, bytes]:
    """The merged data files (current rows + the upload's good rows), byte for byte what `save` writes."""
    if not result.readable:
        return {}
    return {S.INCIDENTS.file: store.table_bytes(result.plan.incidents, S.INCIDENTS),
            S.SOURCES.file: store.table_bytes(result.plan.sources, S.SOURCES)}


@dataclass
class Saved:
    added: int
    rejected: int
    files: list[str]


def save(raw: bytes, name: str, directory: Path, kind: str | None = None, allow_duplicates: bool = False) -> Saved:
    """Add the upload's good rows to the data files through the store's one transaction.

    Under the data lock the current files are read again and the upload is planned against them, so
    rows another maintainer saved meanwhile are kept. Refuses when saving is disabled, when the upload
    is refused, or when a data file has rows it cannot read (rewriting it would drop them).
    """
    if not save_enabled():
        raise SaveDisabled(f"saving from the dashboard is disabled; set {ENV_ALLOW_SAVE}=1 to allow it, "
                           f"or download the merged files")
    with store.transaction(Path(directory)) as tx:
        result = analyse(raw, name, tx.incidents, tx.sources, kind, allow_duplicates=allow_duplicates)
        if not result.readable:
            raise IncidentsError(result.refused or "; ".join(str(p) for p in result.problems[:3]))
        written: list[str] = []
        if result.plan.accepted:
            written = tx.write(sources=result.plan.sources,
                               incidents=result.plan.incidents if result.kind == INCIDENTS_KIND else None)
    return Saved(added=result.accepted, rejected=len(result.plan.rejected), files=written)
