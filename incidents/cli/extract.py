"""`incidents extract` and `incidents evaluate`: articles to review-queue candidates, and their scores."""

from __future__ import annotations

import sys
import time
from pathlib import Path

DEFAULT_SEEDS = "seeds"


def configure_extract(p, common) -> None:
    from ..schema import CANDIDATES_FILE

    p.description = "Extract candidate incidents (with evidence) from .txt/.md articles."
    p.add_argument("paths", nargs="*", metavar="PATH", help=f"article files or directories (default: {DEFAULT_SEEDS}/)")
    p.add_argument("--out", metavar="FILE", help=f"output CSV (default: <data>/{CANDIDATES_FILE})")


def configure_evaluate(p, common) -> None:
    p.description = "Score the extractor against gold annotations (incident P/R/F1, field accuracy, clustering)."
    p.add_argument("paths", nargs="*", metavar="PATH", help=f"article files or directories (default: {DEFAULT_SEEDS}/)")
    p.add_argument("--gold", required=True, metavar="GOLD.csv")
    p.add_argument("--extracted", metavar="FILE", help="score this extraction CSV instead of extracting now")


def _curated(data):
    """The curated incidents (raw), for matching candidates to them; None when there are none."""
    from ..store import FileStore, read_table

    store = FileStore(data)
    if not store.incidents_path.exists():
        return None
    frame, _ = read_table(store.incidents_path)
    return frame


def run_extract(args) -> int:
    from .. import store
    from ..extract import extract_paths, to_frame, warm_up

    paths = args.paths or [DEFAULT_SEEDS]
    out = Path(args.out) if args.out else store.FileStore(args.data).candidates_path
    startup = warm_up()
    t0 = time.perf_counter()
    try:
        rows = extract_paths(paths, curated=_curated(args.data), warn=_warn)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - t0
    store.write_bytes_atomic(out, store.table_bytes(to_frame(rows)))
    files = len({r["source_file"] for r in rows})
    review = sum(1 for r in rows if r["needs_review"])
    print(f"extracted {len(rows)} candidate incidents from {', '.join(map(str, paths))} "
          f"({files} articles with incidents) in {elapsed:.2f} s after {startup:.2f} s start-up -> {out}; "
          f"{review} need review")
    return 0


def run_evaluate(args) -> int:
    from ..evaluate import format_report, score
    from ..extract import article_files, extract_paths, to_frame, warm_up

    gold = _read_table(Path(args.gold))
    paths = args.paths or [DEFAULT_SEEDS]
    if args.extracted:
        extracted = _read_table(Path(args.extracted))
    else:
        startup = warm_up()
        t0 = time.perf_counter()
        extracted = to_frame(extract_paths(paths, curated=_curated(args.data), warn=_warn))
        print(f"extraction: {time.perf_counter() - t0:.3f} s after {startup:.2f} s start-up")
    names = {f.name for f in article_files(paths)}
    print(format_report(score(gold, extracted, names)))
    return 0


def _warn(message: str) -> None:
    """One line on stderr per problem file ('warning: PATH: binary or not UTF-8 text; skipped')."""
    print(f"warning: {message}", file=sys.stderr)


def _read_table(path: Path):
    from ..errors import DataFileError
    from ..store import read_table

    frame, problems = read_table(path)
    if frame is None:
        raise DataFileError("; ".join(map(str, problems)))
    return frame
