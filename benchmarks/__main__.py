"""`python -m benchmarks [--full] [--sizes N ...] [--repeat R] [--no-browser]`: one table of medians.

Every row times one thing the product does and, in the same process, a baseline: the nearest naive
equivalent (pandas.read_csv without checks) or the implementation it replaced (the pandas filters and
aggregates, kept in tests/reference, for the filter change), and prints ours / baseline so figures
compare across noisy machines. Targets (issues 6 and 15) are pass/fail columns here, never timed unit
tests. Quick mode: N = 1k and 100k; --full adds 1M. PostgreSQL rows run on a throwaway server when
PostgreSQL is installed (--no-postgres leaves them out); memory rows from 100k.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from benchmarks import data
from benchmarks.slider import bench_slider

ROOT = Path(__file__).resolve().parent.parent

TODAY = date(2026, 11, 21)


def median_time(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


class Table:
    def __init__(self):
        self.rows: list[tuple] = []

    def add(self, what: str, n: str, ours: float, unit: str, base: float | None = None,
            target: float | None = None, lower_is_better: bool = True):
        ratio = f"{ours / base:.2f}" if base else ""
        if target is None:
            verdict = ""
        else:
            verdict = "PASS" if (ours <= target if lower_is_better else ours >= target) else "FAIL"
        tgt = "" if target is None else f"{'<' if lower_is_better else '>='} {target:g}"
        self.rows.append((what, n, f"{ours:,.1f}" if ours >= 10 else f"{ours:.3g}", unit,
                          "" if base is None else (f"{base:,.1f}" if base >= 10 else f"{base:.3g}"), ratio, tgt, verdict))
        print("  " + " | ".join(self.rows[-1]), file=sys.stderr, flush=True)

    def show(self) -> str:
        head = ("measure", "N", "ours", "unit", "baseline", "ours/base", "target", "result")
        widths = [max(len(str(r[i])) for r in [head, *self.rows]) for i in range(len(head))]
        line = lambda r: "  ".join(str(v).ljust(w) for v, w in zip(r, widths))  # noqa: E731
        return "\n".join([line(head), line(["-" * w for w in widths]), *map(line, self.rows)])


def human(n: int) -> str:
    return f"{n // 1_000_000}M" if n >= 1_000_000 else f"{n // 1000}k" if n >= 1000 else str(n)


# --- load -----------------------------------------------------------------------------------------

def bench_load(table: Table, n: int, workdir: Path, repeat: int):
    import pandas as pd

    from incidents import dataset, synth

    d = workdir / f"syn{n}"
    if not (d / "incidents.csv").exists():
        synth.write(n, d, seed=42)
    os.environ["BORDERWATCH_CACHE"] = str(workdir / "cache")
    shutil.rmtree(workdir / "cache", ignore_errors=True)
    reps = 1 if n >= 1_000_000 else repeat
    base, _ = median_time(lambda: (pd.read_csv(d / "incidents.csv"), pd.read_csv(d / "sources.csv")), reps)

    def cold():
        shutil.rmtree(workdir / "cache", ignore_errors=True)
        return dataset.load(d)

    t, ds = median_time(cold, reps)
    table.add("load + validate + derive (cold)", human(n), n / t, "rows/s", n / base, None, lower_is_better=False)
    table.add("load + validate + derive (cold)", human(n), t, "s", base,
              10.0 if n >= 1_000_000 else None)
    cached, _ = median_time(lambda: dataset.load(d), repeat)
    table.add("cached reload", human(n), cached, "s", base, 0.5 if n >= 1_000_000 else None)
    return ds


# --- extraction -------------------------------------------------------------------------------------

def bench_extract(table: Table, workdir: Path, repeat: int):
    from incidents import extract

    t0 = time.perf_counter()
    extract.warm_up()
    table.add("extraction start-up", "-", time.perf_counter() - t0, "s")
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    t, _ = median_time(lambda: extract.extract_paths(seeds), repeat)
    table.add("extract all seeds", str(len(seeds)), t, "s", None, 1.0)
    sets = ("seeds", "tests/fixtures/articles", "tests/fixtures/articles_heldout", "tests/fixtures/articles_blind",
            "tests/fixtures/articles_blind2", "tests/fixtures/articles_blind3", "tests/fixtures/articles_blind4",
            "tests/fixtures/articles_blind5", "tests/fixtures/articles_blind6")
    corpus = workdir / "corpus"
    if not corpus.exists():
        corpus.mkdir()
        # every annotated set (English and Russian, with their page debris), cycled to 500 files
        pool = sorted(p for folder in sets for p in extract.article_files([ROOT / folder]))
        for i in range(500):
            src = pool[i % len(pool)]
            (corpus / f"{i:03d}_{src.name}").write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    files = sorted(corpus.glob("*.txt"))
    t, _ = median_time(lambda: extract.extract_paths(files), 1)
    tb, _ = median_time(lambda: _keyword_baseline(files), 1)
    table.add("extraction throughput", "500 articles", len(files) / t, "articles/s", len(files) / tb, 50,
              lower_is_better=False)
    # each annotated set on its own (its articles read three times: small sets are too quick to time once)
    for folder in sets:
        one = extract.article_files([ROOT / folder]) * 3
        t, _ = median_time(lambda: [extract.extract_article(f) for f in one], repeat)
        tb, _ = median_time(lambda: _keyword_baseline(one), repeat)
        table.add(f"extraction throughput: {Path(folder).name}", f"{len(one) // 3} articles", len(one) / t,
                  "articles/s", len(one) / tb, 50, lower_is_better=False)


def _keyword_baseline(files) -> int:
    """The naive equivalent in the same run: read each article, split it into sentences on punctuation, and keep the
    sentences that match any event cue of the rule tables (no dates, places, counts, merging or clustering)."""
    import re

    from incidents.extract import rules as R

    cues = [c.regex for c in R.load().cue_re.values()]
    hits = 0
    for f in files:
        for sentence in re.split(r"(?<=[.!?])\s+|\n+", f.read_text(encoding="utf-8")):
            hits += any(c.search(sentence) for c in cues)
    return hits


# --- exports ----------------------------------------------------------------------------------------

def bench_exports(table: Table, repeat: int):
    from incidents import dataset
    from incidents.export import data as export
    from incidents.export import figures as fe
    from incidents.export import render
    from incidents.view.filters import FilterState
    from incidents.view.views import make_view

    ds = dataset.load(ROOT / "data")
    view = make_view(ds, FilterState(preset="all"), TODAY)  # every date: comparable across versions
    for fmt, fn in (("csv", lambda: export.to_csv_bytes(view.shown)),
                    ("geojson", lambda: export.geojson_bytes(view.shown)),
                    ("xlsx", lambda: export.to_xlsx_bytes(view.shown, ds.sources))):
        t, _ = median_time(fn, repeat)
        table.add(f"export data {fmt} (bundled)", str(len(view.shown)), t * 1000, "ms")
    if not render.available():
        table.add("export charts", "-", float("nan"), "skipped: no Chromium")
        return
    t0 = time.perf_counter()
    fe.export_chart("timeline", view, "png")
    table.add("export chart, cold (server start + first PNG)", "-", time.perf_counter() - t0, "s")
    for chart in ("timeline", "map"):
        for fmt in ("png", "svg", "pdf"):
            t, _ = median_time(lambda: fe.export_chart(chart, view, fmt), repeat)
            table.add(f"export {chart} {fmt}, warm", "-", t, "s")


# --- browser ----------------------------------------------------------------------------------------

def bench_browser(table: Table, workdir: Path, repeat: int, n_big: int):
    """Time from navigation to both charts drawn, in Debian's headless Chromium, on a warm server."""
    sys.path.insert(0, str(ROOT))
    from tests import browser_support as bs

    if not Path(bs.CHROMIUM).exists():
        table.add("page load to both charts drawn", "-", float("nan"), "skipped: no Chromium")
        return
    # Synthetic rows are unreviewed candidates: that page asks for them (cand=1), or it would draw no chart.
    for label, data, query, target in (("bundled", ROOT / "data", "/?border=all", 3.0),
                                       (human(n_big), workdir / f"syn{n_big}", "/?border=all&preset=all&cand=1", 5.0)):
        if not (data / "incidents.csv").exists():
            continue
        with bs.streamlit_server(data, timeout=300) as url, bs.chromium() as browser:
            first = bs.open_dashboard(browser, url + query, timeout_ms=300_000)
            first[0].close()
            times = []
            for _ in range(repeat):
                page, _, seconds = bs.open_dashboard(browser, url + query, timeout_ms=120_000)
                times.append(seconds)
                page.close()
        table.add("page load to both charts drawn, first visit", label, first[2], "s")
        table.add("page load to both charts drawn, warm server", label, statistics.median(times), "s", None, target)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    ap.add_argument("--full", action="store_true", help="add the 1M-row sizes")
    ap.add_argument("--sizes", type=int, nargs="*", help="override the sizes (rows)")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--no-postgres", action="store_true", help="leave out the rows on a throwaway PostgreSQL server")
    ap.add_argument("--only", choices=("data", "extract", "exports", "browser"),
                    help="run one group of rows (data = load, filter change and payload)")
    ap.add_argument("--workdir", default=os.environ.get("BORDERWATCH_BENCH_DIR"),
                    help="where synthetic data is kept between runs (default: a temporary directory)")
    args = ap.parse_args(argv)
    sizes = args.sizes or ([1_000, 100_000, 1_000_000] if args.full else [1_000, 100_000])
    import plotly.express as px

    px.defaults.template = "plotly_white"
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="borderwatch-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    table = Table()
    run = lambda group: args.only in (None, group)  # noqa: E731
    for n in sizes:
        if run("data"):
            ds = bench_load(table, n, workdir, args.repeat)
            data.bench_filter_change(table, ds, n, args.repeat, TODAY, median_time, human)
            if n >= 100_000:
                data.bench_memory(table, workdir / f"syn{n}", n, workdir / "cache-memory", human)
            if not args.no_postgres:
                data.bench_postgres(table, ds, n, workdir / f"syn{n}", args.repeat, TODAY, median_time, human)
            bench_slider(table, ds, n, human(n), TODAY)
            del ds
        elif run("browser") and not (workdir / f"syn{n}" / "incidents.csv").exists():
            from incidents import synth
            synth.write(n, workdir / f"syn{n}", seed=42)
    if run("data") and not args.no_postgres:
        data.bench_writers(table)
    if run("extract"):
        bench_extract(table, workdir, args.repeat)
    if run("exports"):
        bench_exports(table, args.repeat)
    if run("browser") and not args.no_browser:
        bench_browser(table, workdir, min(args.repeat, 3), 100_000 if 100_000 in sizes else max(sizes))
    print(f"borderwatch benchmarks · {os.cpu_count()} cores · medians of {args.repeat} runs (1 at 1M)")
    print(table.show())
    (workdir / "results.json").write_text(json.dumps(table.rows), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
