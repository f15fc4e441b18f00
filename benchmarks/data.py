"""Benchmark rows for the data path: the filter change on the query layer against the pandas path it replaced
(same run, same states, same figures), memory at scale, and the PostgreSQL store on a throwaway server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the pandas reference and the throwaway server live with the tests


def states():
    """Three filter changes; synthetic rows are unreviewed candidates, so they are drawn (candidates=1)."""
    from incidents.view.filters import FilterState

    return [FilterState(borders=("AFG-TJK",), candidates=True), FilterState(borders=(), candidates=True),
            FilterState(borders=(), min_killed=1, candidates=True)]


def pandas_view(ds, state, today):
    """make_view as it was before the query layer (tests/reference): pandas filters and aggregates."""
    from incidents import periods
    from reference import aggregate_pandas as agg
    from reference import filters_pandas as ref

    matching = ref.apply(ds.incidents, state, today, ds.sources)
    checked = matching["review_status"].isin(("reviewed", "verified"))
    reviewed = matching[checked]
    candidates = matching[matching["review_status"].eq("unreviewed")] if state.candidates else matching.iloc[0:0]
    shown = matching[checked | matching.index.isin(candidates.index)] if len(candidates) else reviewed
    period = state.date_range(today)
    undated = ref.apply(ds.incidents, state, today, ds.sources, ignore_dates=True) if period != (None, None) else reviewed
    undated = undated[undated["review_status"].isin(("reviewed", "verified"))]
    start, end = period
    if start is None and len(shown):
        s_, e_ = periods.windows(shown)
        start, end = s_.min().date(), e_.max().date()
    per = agg.per_period(reviewed, state.agg, start, end) if len(shown) else None
    head = agg.headline(reviewed, today, undated, period)
    return shown, per, start, end, head


def bench_filter_change(table, ds, n: int, repeat: int, today, median_time, human):
    from incidents import charts
    from incidents.view.views import make_view

    def figures(shown, per, lanes, agg, start, end):
        return (charts.map_figure(shown, height=420),
                charts.timeline_figure(shown, per, lanes, agg, (start, end), height=372))

    def ours(state, draw=True):
        v = make_view(ds, state, today)
        return figures(v.shown, v.per, state.lanes, state.agg, v.start, v.end) if draw else v

    def theirs(state, draw=True):
        shown, per, start, end, *_ = pandas_view(ds, state, today)
        return figures(shown, per, state.lanes, state.agg, start, end) if draw else shown

    sts = states()
    t0 = time.perf_counter()
    make_view(ds, sts[0], today)  # the first view after a load builds the index
    table.add("first view after load (builds the SQL index)", human(n), time.perf_counter() - t0, "s")
    for s in sts:
        ours(s), theirs(s)  # warm both paths
    shown = len(make_view(ds, sts[1], today).shown)
    t, figs = median_time(lambda: [ours(s) for s in sts][-1], repeat)
    b, _ = median_time(lambda: [theirs(s) for s in sts][-1], repeat)
    target = 150 if n >= 1_000_000 else 60 if n >= 100_000 else None
    table.add(f"filter change: filter + aggregates + 2 figures ({shown:,} shown)", human(n), t / 3 * 1000, "ms",
              b / 3 * 1000, target)
    t, _ = median_time(lambda: [ours(s, False) for s in sts], repeat)
    b, _ = median_time(lambda: [theirs(s, False) for s in sts], repeat)
    table.add("  of which filter + aggregates (make_view)", human(n), t / 3 * 1000, "ms", b / 3 * 1000)
    payload = sum(len(f.to_json()) for f in figs)
    table.add("figure JSON payload (map + timeline)", human(n), payload / 1e6, "MB", None, 1.5)
    table.add("  mode", human(n), float(charts.is_aggregated(ds.incidents)), "1=aggregated", None, None)


MEMORY = """
import json, sys
from datetime import date
from incidents import dataset
from incidents.view.views import make_view
from incidents.view.filters import FilterState
ds = dataset.load(sys.argv[1])
make_view(ds, FilterState(borders=(), candidates=True), date(2026, 11, 21))
# /proc/self/status, not getrusage: ru_maxrss survives exec, so a child started by this (large) benchmark process
# would report the parent's peak; VmHWM belongs to the new process image.
status = dict(line.split(":", 1) for line in open('/proc/self/status'))
kb = lambda key: int(status[key].split()[0]) * 1024
print(json.dumps({"rss": kb("VmRSS"), "peak": kb("VmHWM")}))
"""


def bench_memory(table, data: Path, n: int, cache: Path, human):
    """Resident and peak memory of a process that loads (cold, then from the cache) and shows one view."""
    import shutil

    for label in ("cold", "cached"):
        if label == "cold":
            shutil.rmtree(cache, ignore_errors=True)
        env = dict(os.environ, BORDERWATCH_CACHE=str(cache), PYTHONPATH=str(ROOT))
        out = subprocess.run([sys.executable, "-c", MEMORY, str(data)], capture_output=True, text=True, env=env)
        if out.returncode:
            table.add(f"memory ({label} load + one view)", human(n), float("nan"), "failed: " + out.stderr[-200:])
            continue
        m = json.loads(out.stdout.strip().splitlines()[-1])
        big = n >= 1_000_000
        table.add(f"resident after {label} load + one view", human(n), m["rss"] / 1e6, "MB", None,
                  1000 if big else None)
        table.add(f"peak memory, {label} load + one view", human(n), m["peak"] / 1e6, "MB", None,
                  2000 if big else None)


def bench_postgres(table, ds, n: int, data: Path, repeat: int, today, median_time, human):
    """On a throwaway PostgreSQL: import the CSVs, the same filter change's SQL, 8 concurrent writers."""
    import pg_support

    why = pg_support.missing()
    if why:
        table.add("PostgreSQL rows", human(n), float("nan"), f"skipped: {why}")
        return
    from incidents.view import aggregate, index, sql
    from incidents.view.views import make_view

    with pg_support.server() as srv:
        url = srv.create_database("bench")
        env = dict(os.environ, BORDERWATCH_STORE=url, PYTHONPATH=str(ROOT), BORDERWATCH_CACHE="off")
        t0 = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "incidents", "store", "import", str(data)], env=env,
                              capture_output=True, text=True)
        ok = done.returncode == 0
        table.add("PostgreSQL: store import (check + load)", human(n), time.perf_counter() - t0,
                  "s" if ok else "failed: " + done.stderr[-200:])
        on_pg = index.publish_postgres(url, ds.incidents, ds.sources)

        def change(state):
            condition, params = sql.where(state, today)
            sel = aggregate.Selection(on_pg, condition, tuple(params))
            rev, shown = sel.also(sql.IS_REVIEWED), sel.also(f"({sql.IS_REVIEWED} OR {sql.IS_CANDIDATE})")
            rows = shown.positions()
            start, end = state.date_range(today)
            if start is None:
                start, end = shown.rows(f"SELECT min(event_date), max(window_end) FROM inc WHERE {shown.condition}")[0]
            aggregate.per_period(rev, state.agg, start, end)
            u_condition, u_params = sql.where(state, today, ignore_dates=True)
            undated = aggregate.Selection(on_pg, u_condition, tuple(u_params)).also(sql.IS_REVIEWED)
            return aggregate.headline(rev, today, undated, state.date_range(today)), rows

        t, _ = median_time(lambda: [change(s) for s in states()], repeat)
        t_duck, _ = median_time(lambda: [make_view(ds, s, today) for s in states()], repeat)
        table.add("PostgreSQL: filter change SQL (rows + headline + periods; base: DuckDB make_view)", human(n),
                  t / 3 * 1000, "ms", t_duck / 3 * 1000, 300 if n >= 1_000_000 else None)
        on_pg.engine.close()


def bench_writers(table):
    """8 maintainers adding 100 incidents each at once, on a database holding the bundled data."""
    import pg_support

    if pg_support.missing():
        return
    with pg_support.server() as srv:
        _writers(table, srv.create_database("writers"))


def _writers(table, url: str):
    import shutil

    from reference.writers import write_rows

    env = dict(os.environ, BORDERWATCH_STORE=url, PYTHONPATH=str(ROOT), BORDERWATCH_CACHE="off",
               PYTHONWARNINGS="ignore")
    subprocess.run([sys.executable, "-m", "incidents", "store", "import", str(ROOT / "data")], env=env, check=True,
                   capture_output=True)

    def run(env, data: Path, files) -> tuple[float, bool]:
        t0 = time.perf_counter()
        procs = [subprocess.Popen([sys.executable, "-m", "incidents", "add", str(f), "--allow-duplicates", "--data",
                                   str(data)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for f in files]
        codes = [p.wait() for p in procs]
        return time.perf_counter() - t0, not any(codes)

    with tempfile.TemporaryDirectory() as tmp:
        files = write_rows(Path(tmp), 8, 100)
        shutil.copytree(ROOT / "data", Path(tmp) / "data", ignore=shutil.ignore_patterns("articles", "geo", "extract"))
        seconds, ok = run(env, Path(tmp) / "data", files)
        files_env = {k: v for k, v in env.items() if k != "BORDERWATCH_STORE"}
        base, base_ok = run(files_env, Path(tmp) / "data", files)  # the same adds on the CSV files
    table.add("PostgreSQL: 8 concurrent writers x 100 rows (bundled data; base: CSV files)", "800", seconds,
              "s" if ok and base_ok else "s (a writer failed)", base, 10.0)
