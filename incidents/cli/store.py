"""`incidents store init|import DIR|export DIR|history INCIDENT_ID`: the team's PostgreSQL database.

The database is --store URL or $BORDERWATCH_STORE (postgresql://user:password@host:port/db). `init` creates
the tables from schema.py; `import` checks a data directory's CSVs as `incidents validate` does and loads
them in one transaction (refused on any error); `export` writes the tables back as CSV files (a round trip
gives the same rows); `history` lists every recorded change to an incident and its ledger.
"""

from __future__ import annotations

import sys
from pathlib import Path


def configure_store(p, common) -> None:
    p.description = __doc__.splitlines()[0].split(": ", 1)[1]
    actions = p.add_subparsers(dest="action", required=True, metavar="{init,import,export,history}")
    actions.add_parser("init", parents=[common], help="create the tables (idempotent; PostGIS when installed)")
    i = actions.add_parser("import", parents=[common], help="check a data directory's CSVs and load them")
    i.add_argument("directory", metavar="DIR")
    i.add_argument("--replace", action="store_true", help="replace what the database holds (default: refuse)")
    e = actions.add_parser("export", parents=[common], help="write the tables as CSV files into DIR")
    e.add_argument("directory", metavar="DIR")
    h = actions.add_parser("history", parents=[common], help="every recorded change to an incident and its ledger")
    h.add_argument("incident_id", metavar="INCIDENT_ID")


def _store(args):
    from .. import config
    from ..errors import StoreError
    from ..store.postgres import PgStore

    url = config.store_url()
    if not url:
        raise StoreError(f"no database given: pass --store postgresql://... or set {config.ENV_STORE}")
    return PgStore(url, args.data)


def run_store(args) -> int:
    return {"init": _init, "import": _import, "export": _export, "history": _history}[args.action](args)


def _init(args) -> int:
    from ..store.postgres import safe_url

    store = _store(args)
    postgis = store.init()
    print(f"tables ready in {safe_url(store.url)}" + (" (with PostGIS points)" if postgis else
                                                                  " (PostGIS not installed: no geometry column)"))
    return 0


def _import(args) -> int:
    from ..check import check_dataset, sort_problems
    from ..schema import CANDIDATES_FILE
    from ..store import FileStore, read_table

    store = _store(args)
    files = FileStore(args.directory)
    inc, src, read_problems = files.read_tables()
    problems = sort_problems(read_problems + check_dataset(inc, src, str(files.incidents_path),
                                                           str(files.sources_path)))
    errors = [p for p in problems if p.is_error]
    for p in problems:
        print(p, file=sys.stderr if p.is_error else sys.stdout)
    if errors or inc is None or src is None:
        print(f"nothing imported: {len(errors)} errors in {files.directory} (fix them first)", file=sys.stderr)
        return 1
    frames = {"incidents": inc, "sources": src}
    cand_path = files.directory / CANDIDATES_FILE
    if cand_path.exists():
        cand, cand_problems = read_table(cand_path)
        if cand is None:
            for p in cand_problems:
                print(p, file=sys.stderr)
            print(f"nothing imported: {cand_path} cannot be read", file=sys.stderr)
            return 1
        frames["candidates"] = cand
    store.init()
    counts = store.replace_all(frames, str(files.directory), replace=args.replace)
    print("imported " + ", ".join(f"{n} {name}" for name, n in counts.items()) + f" from {files.directory}")
    return 0


def _export(args) -> int:
    from ..schema import CANDIDATES, INCIDENTS, SOURCES
    from ..store import table_bytes, write_bytes_atomic

    store = _store(args)
    out = Path(args.directory)
    inc, src, _ = store.read_tables()
    cand, _ = store.read_candidates()
    written = []
    for table, frame in ((INCIDENTS, inc), (SOURCES, src), (CANDIDATES, cand)):
        if table is CANDIDATES and not len(frame):
            continue
        write_bytes_atomic(out / table.file, table_bytes(frame, table))
        written.append(f"{len(frame)} rows to {out / table.file}")
    print("exported " + "; ".join(written))
    return 0


def _history(args) -> int:
    store = _store(args)
    changes = store.history(args.incident_id)
    if not changes:
        print(f"no recorded change to {args.incident_id}")
        return 1
    for c in changes:
        when = c["at"].isoformat(timespec="seconds")
        print(f"{when}  {c['action']:<6} {c['table_name']:<10} by {c['username']} ({c['command']})")
        old, new = c["old"] or {}, c["new"] or {}
        for col in sorted(set(old) | set(new), key=lambda k: list(new or old).index(k) if k in (new or old) else 0):
            a, b = old.get(col), new.get(col)
            if c["action"] == "update":
                print(f"    {col}: {a!r} -> {b!r}")
            elif (b or a):
                print(f"    {col}: {b if c['action'] == 'insert' else a!r}")
    return 0
