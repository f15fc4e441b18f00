"""`incidents extract` and `incidents evaluate`, registered through cli.SUBCOMMAND_MODULES."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pandas as pd

from .. import cli, store

DEFAULT_SEEDS = "seeds"
DEFAULT_OUT = "extracted.csv"


def register(sub, common) -> None:
    p = sub.add_parser("extract", parents=[common], help=cli.COMMANDS["extract"][1],
                       description="Extract candidate incidents (with evidence) from .txt/.md articles.")
    p.add_argument("paths", nargs="*", metavar="PATH", help=f"article files or directories (default: {DEFAULT_SEEDS}/)")
    p.add_argument("--out", metavar="FILE", help=f"output CSV (default: <data>/{DEFAULT_OUT})")
    p = sub.add_parser("evaluate", parents=[common], help=cli.COMMANDS["evaluate"][1],
                       description="Score the extractor against gold annotations (incident P/R/F1, field accuracy, clustering).")
    p.add_argument("paths", nargs="*", metavar="PATH", help=f"article files or directories (default: {DEFAULT_SEEDS}/)")
    p.add_argument("--gold", required=True, metavar="GOLD.csv")
    p.add_argument("--extracted", metavar="FILE", help="score this extraction CSV instead of extracting now")


def _curated(data: str | None) -> pd.DataFrame | None:
    directory = store.data_dir(data)
    inc = store.table_path(directory, cli.S.INCIDENTS)
    if not inc.exists():
        return None
    frame, problems = store.read_table(inc)
    return frame


@cli.command("extract", "extract candidate incidents from news articles, with evidence for every field")
def cmd_extract(args) -> int:
    from . import extract_paths, to_frame, warm_up

    paths = args.paths or [DEFAULT_SEEDS]
    out = Path(args.out) if args.out else store.data_dir(args.data) / DEFAULT_OUT
    startup = warm_up()
    t0 = time.perf_counter()
    try:
        rows = extract_paths(paths, curated=_curated(args.data))
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - t0
    frame = to_frame(rows)
    store.write_bytes_atomic(out, frame.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    files = len({r["source_file"] for r in rows})
    review = sum(1 for r in rows if r["needs_review"])
    print(f"extracted {len(rows)} candidate incidents from {', '.join(map(str, paths))} "
          f"({files} articles with incidents) in {elapsed:.2f} s after {startup:.2f} s start-up -> {out}; "
          f"{review} need review")
    return 0


@cli.command("evaluate", "score extraction against gold annotations")
def cmd_evaluate(args) -> int:
    from ..evaluate import format_report, score
    from . import article_files, extract_paths, to_frame, warm_up

    gold = pd.read_csv(args.gold, dtype=str, keep_default_na=False)
    paths = args.paths or [DEFAULT_SEEDS]
    if args.extracted:
        extracted = pd.read_csv(args.extracted, dtype=str, keep_default_na=False)
    else:
        startup = warm_up()
        t0 = time.perf_counter()
        extracted = to_frame(extract_paths(paths, curated=_curated(args.data)))
        print(f"extraction: {time.perf_counter() - t0:.3f} s after {startup:.2f} s start-up")
    names = {f.name for f in article_files(paths)}
    print(format_report(score(gold, extracted, names)))
    return 0
