"""The `incidents` command line: thin wrappers that call the package and translate its errors."""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

import pandas as pd

from . import schema as S
from . import store
from .errors import IncidentsError, Problem

COMMANDS = {}


def command(name: str, help: str):
    def register(fn):
        COMMANDS[name] = (fn, help)
        return fn
    return register


def _print_problems(problems: list[Problem], out=None) -> None:
    for p in problems:
        print(p, file=out or sys.stdout)


def _summary(problems: list[Problem]) -> str:
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


def _table_for(frame: pd.DataFrame | None, path: Path) -> S.Table:
    """Which table a lone CSV file holds, judged from its header (or its name)."""
    cols = set(frame.columns) if frame is not None else set()
    if "source_name" in cols and "event_type" not in cols:
        return S.SOURCES
    if not cols and "source" in path.name:
        return S.SOURCES
    return S.INCIDENTS


# --- validate -----------------------------------------------------------------------------------

@command("validate", "check data files and report every problem as file:row:column")
def cmd_validate(args) -> int:
    from .validate import check_dataset, sort_problems

    targets = [Path(p) for p in args.paths] or [store.data_dir(args.data)]
    problems: list[Problem] = []
    rows = 0
    for target in targets:
        if target.is_dir():
            inc_path, src_path = store.table_path(target, S.INCIDENTS), store.table_path(target, S.SOURCES)
            inc, src, read_problems = store.read_dataset(target)
            problems += sort_problems(read_problems + check_dataset(inc, src, str(inc_path), str(src_path)))
            rows += sum(len(f) for f in (inc, src) if f is not None)
        else:
            frame, found = store.read_table(target)
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

@command("add", "add incidents (each with its first source) or --sources ledger rows from a CSV")
def cmd_add(args) -> int:
    from .add import plan_add, plan_add_sources

    directory = store.data_dir(args.data)
    new_path = Path(args.file)
    new, read_problems = store.read_table(new_path)
    if new is None:
        _print_problems(read_problems, sys.stderr)
        print(f"nothing added: {new_path} could not be read", file=sys.stderr)
        return 1
    inc_path, src_path = store.table_path(directory, S.INCIDENTS), store.table_path(directory, S.SOURCES)
    with store.locked(directory):
        inc, p1 = _read_or_empty(inc_path, S.INCIDENTS)
        src, p2 = _read_or_empty(src_path, S.SOURCES)
        if inc is None or src is None or any(p.is_error for p in p1 + p2):
            # Rewriting a table whose rows could not all be read would drop those rows for good.
            _print_problems(p1 + p2, sys.stderr)
            print("nothing added: fix the data files first (see above; `incidents validate` lists every problem)",
                  file=sys.stderr)
            return 1
        plan = (plan_add_sources(inc, src, new, str(new_path)) if args.sources
                else plan_add(inc, src, new, str(new_path), str(inc_path), str(src_path)))
        if plan.accepted:
            # Ledger first: a crash between the two writes leaves extra claims (reported), never an unsourced incident.
            store.write_table(plan.sources, src_path, S.SOURCES)
            if not args.sources:
                store.write_table(plan.incidents, inc_path, S.INCIDENTS)
    rejected_path = new_path.with_name(new_path.stem + ".rejected.csv")
    # Rows the reader could not split into cells are rejected too; their reason names the row.
    unreadable = pd.DataFrame({"rejected_because": [str(p) for p in read_problems if p.is_error]})
    rejected = pd.concat([plan.rejected, unreadable], ignore_index=True) if len(unreadable) else plan.rejected
    if len(rejected):
        store.write_bytes_atomic(rejected_path, rejected.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    _print_problems(read_problems + plan.problems)
    for w in plan.warnings:
        print(f"warning: {w}")
    kind = "ledger rows" if args.sources else "incidents"
    print(f"added {len(plan.accepted)} {kind} to {directory}; rejected {len(rejected)}"
          + (f" (written with reasons to {rejected_path})" if len(rejected) else ""))
    return 1 if len(rejected) else 0


def _read_or_empty(path: Path, table: S.Table):
    if not path.exists():
        return pd.DataFrame({c: pd.Series(dtype=str) for c in table.names}), []
    frame, problems = store.read_table(path)
    return frame, problems


# --- info ---------------------------------------------------------------------------------------

@command("info", "counts of incidents by border, type and year")
def cmd_info(args) -> int:
    from .dataset import load

    ds = load(args.data)
    df = ds.incidents
    print(f"{len(df)} incidents, {len(ds.sources)} ledger rows, data as of "
          f"{ds.as_of.date() if ds.as_of is not None else 'n/a'}; {_summary(ds.problems)} (run `incidents validate`)")
    for title, key in (("border", df["border"].replace("", "(none)")), ("event_type", df["event_type"]),
                       ("year", df["event_date"].dt.year.astype("Int64").astype(str))):
        counts = key.value_counts().sort_index()
        print(f"\nby {title}:")
        for value, n in counts.items():
            killed = df.loc[key == value, "killed"].sum()
            print(f"  {value:<24} {n:>5} incidents  {int(killed):>5} killed")
    return 0


# --- entry point --------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="incidents", description="borderwatch: border-incident data tools")
    sub = parser.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data", metavar="DIR", help=f"data directory (default: ${store.ENV_DATA} or ./data)")

    p = sub.add_parser("validate", parents=[common], help=COMMANDS["validate"][1],
                       description="Check data files. PATH may be a data directory or a single CSV file.")
    p.add_argument("paths", nargs="*", metavar="PATH")

    p = sub.add_parser("add", parents=[common], help=COMMANDS["add"][1],
                       description="Append the valid rows of FILE atomically; rejected rows go to FILE.rejected.csv.")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--sources", action="store_true", help="FILE holds extra ledger rows (sources.csv columns)")

    sub.add_parser("info", parents=[common], help=COMMANDS["info"][1])
    for module in SUBCOMMAND_MODULES:
        importlib.import_module(module).register(sub, common)
    return parser


# Feature modules that add their own subcommands. Each defines `register(subparsers, common)`, which adds
# its parsers and decorates its handlers with `cli.command(name, help)`.
SUBCOMMAND_MODULES: tuple[str, ...] = ("incidents.extract.cli", "incidents.synth", "incidents.export_cli")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    fn = COMMANDS[args.command][0]
    try:
        return fn(args)
    except IncidentsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
