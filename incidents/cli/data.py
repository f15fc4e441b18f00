"""`incidents validate`, `incidents add` and `incidents info`: checking and adding to the data files."""

from __future__ import annotations

import sys
from pathlib import Path


def _print_problems(problems, out=None) -> None:
    for p in problems:
        print(p, file=out or sys.stdout)


def _summary(problems) -> str:
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


def _table_for(frame, path: Path):
    """Which table a lone CSV file holds, judged from its header (or its name)."""
    from .. import schema as S

    cols = set(frame.columns) if frame is not None else set()
    if "source_name" in cols and "event_type" not in cols:
        return S.SOURCES
    if not cols and "source" in path.name:
        return S.SOURCES
    return S.INCIDENTS


# --- validate -----------------------------------------------------------------------------------

def configure_validate(p, common) -> None:
    p.description = "Check data files. PATH may be a data directory or a single CSV file."
    p.add_argument("paths", nargs="*", metavar="PATH")


def run_validate(args) -> int:
    from .. import schema as S
    from ..check import check_dataset, sort_problems
    from ..store import FileStore, open_store, read_table

    default = open_store(args.data)
    targets = [Path(p) for p in args.paths] or [default.directory]
    problems = []
    rows = 0
    for target in targets:
        if target.is_dir() or not args.paths:
            store = default if not args.paths else FileStore(target)
            inc, src, read_problems = store.read_tables()
            problems += sort_problems(read_problems + check_dataset(inc, src, str(store.incidents_path),
                                                                   str(store.sources_path)))
            rows += sum(len(f) for f in (inc, src) if f is not None)
        else:
            frame, found = read_table(target)
            if frame is not None:
                rows += len(frame)
                table = _table_for(frame, target)
                found += (check_dataset(frame, None, str(target)) if table is S.INCIDENTS
                          else check_dataset(None, frame, src_file=str(target)))
            problems += sort_problems(found)
    _print_problems(problems)
    status = "FAILED" if any(p.is_error for p in problems) else "OK"
    print(f"{status}: {rows} rows checked in {', '.join(map(str, targets))}; {_summary(problems)}")
    return 1 if any(p.is_error for p in problems) else 0


# --- add ----------------------------------------------------------------------------------------

def configure_add(p, common) -> None:
    p.description = "Append the valid rows of FILE atomically; rejected rows go to FILE.rejected.csv."
    p.add_argument("file", metavar="FILE")
    p.add_argument("--sources", action="store_true", help="FILE holds extra ledger rows (sources.csv columns)")
    p.add_argument("--allow-duplicates", action="store_true",
                   help="also add rows held back as likely duplicates (close in date and place to an existing "
                        "incident) or with a point in another country than their `country`")


def run_add(args) -> int:
    import pandas as pd

    from .. import store
    from ..curate.plan import plan_add, plan_add_sources
    from ..errors import WriteRefused

    st = store.open_store(args.data)
    new_path = Path(args.file)
    new, read_problems = store.read_table(new_path)
    if new is None:
        _print_problems(read_problems, sys.stderr)
        print(f"nothing added: {new_path} could not be read", file=sys.stderr)
        return 1
    try:
        with st.transaction() as tx:
            plan = (plan_add_sources(tx.incidents, tx.sources, new, str(new_path)) if args.sources
                    else plan_add(tx.incidents, tx.sources, new, str(new_path), str(st.incidents_path),
                                  str(st.sources_path), allow_duplicates=args.allow_duplicates))
            if plan.accepted:
                tx.write(sources=plan.sources, incidents=None if args.sources else plan.incidents)
    except WriteRefused as exc:
        _print_problems(exc.problems, sys.stderr)
        print("nothing added: fix the data files first (see above; `incidents validate` lists every problem)",
              file=sys.stderr)
        return 1
    rejected_path = new_path.with_name(new_path.stem + ".rejected.csv")
    # Rows the reader could not split into cells are rejected too; their reason names the row.
    unreadable = pd.DataFrame({"rejected_because": [str(p) for p in read_problems if p.is_error]})
    rejected = pd.concat([plan.rejected, unreadable], ignore_index=True) if len(unreadable) else plan.rejected
    if len(rejected):
        store.write_bytes_atomic(rejected_path, store.table_bytes(rejected))
    _print_problems(list(dict.fromkeys(read_problems + plan.problems)))
    for w in plan.warnings:
        print(f"warning: added although {w}")
    kind = "ledger rows" if args.sources else "incidents"
    print(f"added {len(plan.accepted)} {kind} to {st.directory}; rejected {len(rejected)}"
          + (f" (written with reasons to {rejected_path})" if len(rejected) else ""))
    return 1 if len(rejected) else 0


# --- info ---------------------------------------------------------------------------------------

def configure_info(p, common) -> None:
    pass


def run_info(args) -> int:
    from ..dataset import load

    from ..schema import CANDIDATES_FILE, REVIEWED

    ds = load(args.data)
    everything = ds.incidents
    df = everything[everything["review_status"].isin(REVIEWED)]
    queue = [p for p in ds.problems if Path(p.file).name.startswith(CANDIDATES_FILE)]
    data = [p for p in ds.problems if p not in queue]
    print(f"{len(df)} reviewed records, {len(ds.sources[ds.sources['incident_id'].isin(set(df['incident_id']))])} "
          f"ledger rows, data through {ds.as_of.date() if ds.as_of is not None else 'n/a'}; "
          f"{len(everything) - len(df)} unreviewed candidates and {len(ds.pending)} pending claims in the review queue")
    print(f"problems: {_summary(data)} in the data files (what `incidents validate` reports); "
          f"{_summary(queue)} about candidates in {CANDIDATES_FILE} (shown on the review page)")
    for title, key in (("border", df["border"].replace("", "(none)")), ("event_type", df["event_type"]),
                       ("year", df["event_date"].dt.year.astype("Int64").astype(str))):
        counts = key.value_counts().sort_index()
        print(f"\nby {title}:")
        for value, n in counts.items():
            figures = df.loc[key == value, "killed"]
            killed = f"{int(figures.sum()):>5} killed" if figures.notna().any() else "  unknown killed"
            print(f"  {value:<24} {n:>5} records  {killed} ({int(figures.notna().sum())} with a figure)")
    return 0
