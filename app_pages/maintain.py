"""Maintainer page: upload a CSV, read its validation report, merge the good rows, download or save.

Widgets only; the logic is incidents/curate/upload.py (the same reader, rules and merge as `incidents add`).
Runs as an st.Page of dashboard.py or on its own (`streamlit run app_pages/maintain.py`).
Cell text from an upload is shown only inside st.dataframe (never as markdown or HTML); the file
name and messages are shown with st.text / st.code. Saving into the data directory is available
only when the dashboard runs with BORDERWATCH_ALLOW_SAVE=1; the upload limit is
BORDERWATCH_MAX_UPLOAD_MB (default 20).
"""

from __future__ import annotations

import sys
from pathlib import Path

if str(Path(__file__).resolve().parent.parent) not in sys.path:  # run standalone: make app_pages importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import streamlit as st  # noqa: E402

from incidents import dataset  # noqa: E402
from incidents.curate import upload  # noqa: E402
from incidents.store import FileStore  # noqa: E402
from incidents.errors import IncidentsError  # noqa: E402

AUTO = "detect from the header"


@st.cache_data(show_spinner=False, max_entries=4)
def _current(directory: str, fingerprint: tuple):
    """The data directory's raw tables; `fingerprint` reloads them whenever a file changes on disk."""
    return upload.current_tables(Path(directory))


@st.cache_data(show_spinner="Checking the upload…", max_entries=4)
def _analyse(raw: bytes, name: str, kind: str | None, directory: str, fingerprint: tuple, limit: int,
             allow: bool) -> upload.Upload:
    inc, src, _ = _current(directory, fingerprint)
    return upload.analyse(raw, name, inc, src, kind, limit=limit, allow_duplicates=allow)


st.markdown("### Maintain · upload new rows")
st.markdown(
    "Upload a CSV of **new incidents** (each with its first source: `source_name`, `url`, `published`, as in "
    "`data/template.csv`) or of **extra ledger rows** (the columns of `sources.csv`). Every problem is listed "
    "row by row and the offending cells are highlighted; good rows are merged into the current data, which you "
    "can download, or save when this deployment allows it.")

store = FileStore()
directory = store.directory
fingerprint = store.fingerprint()
limit = upload.max_upload_bytes()
kind_choice = st.radio("The file holds", [AUTO, *upload.KIND_LABELS], horizontal=True, key="upload_kind",
                       format_func=lambda k: upload.KIND_LABELS.get(k, k))
uploaded = st.file_uploader(f"CSV file (UTF-8, at most {upload.megabytes(limit)})", type=["csv"], key="upload_file")

for message in st.session_state.pop("_saved", []):  # shown once, after the save's rerun
    st.success(message)
if uploaded is None:
    st.info("No file uploaded yet.")
    st.stop()

raw = uploaded.getvalue()
too_big = upload.check_size(len(raw), limit)
if too_big:
    st.error(too_big)
    st.stop()

kind = None if kind_choice == AUTO else kind_choice
allow = bool(st.session_state.get("allow_duplicates"))
result = _analyse(raw, uploaded.name, kind, str(directory), fingerprint, limit, allow)
st.text(f"File: {uploaded.name} — read as {upload.KIND_LABELS[result.kind]}")

n_rows = len(result.frame) if result.frame is not None else 0
c1, c2, c3, c4 = st.columns(4)
c1.metric("Rows read", n_rows)
c2.metric("Rows to add", result.accepted)
c3.metric("Rows with errors", len(result.rejected_rows))
c4.metric("Held for confirmation", len(result.held),
          help="Likely duplicates of an existing incident, or a point in another country than the row's `country`")
if result.held or allow:
    st.checkbox(f"Add the {len(result.held) or ''} rows held back anyway (likely duplicates of an existing incident, or "
                "a point in another country than the row's `country`): I checked they are different events",
                key="allow_duplicates")

st.markdown("#### Validation report")
if result.problems:
    st.dataframe(upload.report_table(result.problems), hide_index=True, width="stretch", key="report")
else:
    st.success("No problems found.")

if not result.readable:
    st.error("The file could not be read as a table; nothing can be merged. Fix the problems above and upload it again.")
    st.stop()

bad = upload.rows_with_problems(result)
if len(bad):
    st.markdown("#### Rows with errors (offending cells highlighted; these rows are not added)")
    shown = bad.head(500)
    cells = upload.highlight_cells(result.problems, shown, result.name)
    st.dataframe(upload.styled(shown, cells), width="stretch", key="bad_rows")
    if len(bad) > len(shown):
        st.caption(f"First {len(shown)} of {len(bad)} rows with errors; the report above lists them all.")

st.markdown("#### Current data with the good rows merged")
merged = dataset.build(result.plan.incidents, result.plan.sources)
added = set(result.plan.accepted)
view = merged.incidents
if result.kind == upload.INCIDENTS_KIND and added:
    view = view[view["incident_id"].isin(added)]
    st.caption(f"{len(merged.incidents)} incidents in the merged view; the {len(view)} new ones are shown.")
else:
    st.caption(f"{len(merged.incidents)} incidents and {len(merged.sources)} ledger rows in the merged view.")
st.dataframe(upload.display_frame(view.head(1000)), width="stretch", key="merged")

files = upload.merged_csv_bytes(result)
d1, d2 = st.columns(2)
for col, (name, data) in zip((d1, d2), files.items()):
    col.download_button(f"Download merged {name}", data=data, file_name=name, mime="text/csv", key=f"dl_{name}")

if upload.save_enabled():
    if st.button(f"Save the {result.accepted} good rows into the data directory", key="save",
                 disabled=not result.accepted, type="primary"):
        try:
            saved = upload.save(raw, uploaded.name, directory, kind, allow_duplicates=allow)
        except IncidentsError as exc:
            st.error("Not saved.")
            st.code(str(exc), language=None)
        else:
            st.session_state["_saved"] = [f"Saved: added {saved.added} rows ({', '.join(saved.files) or 'no files changed'}); "
                                          f"the previous files are kept as .bak. The report below is the file checked "
                                          f"against the data as it is now."]
            st.session_state.pop("allow_duplicates", None)
            st.rerun()
else:
    st.caption(f"Saving from the dashboard is switched off here (set {upload.ENV_ALLOW_SAVE}=1 to allow it); "
               "download the merged files instead, or run `incidents add` on the command line.")
