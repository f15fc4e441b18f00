"""`incidents fetch`: news from the outlets' feeds (or given pages) into <data>/articles and the review queue."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path


def configure_fetch(p, common) -> None:
    p.description = ("Read the outlets' feeds (data/feeds.toml) or the given feeds/pages, store each new article "
                     "once under <data>/articles/YYYY/MM/, and add the extractor's candidates to the review queue "
                     "(<data>/extracted.csv). Nothing reaches the curated tables without a person's decision.")
    p.add_argument("--feeds", metavar="FILE", help="outlets and feeds (default: <data>/feeds.toml, else the shipped data/feeds.toml)")
    p.add_argument("--outlet", action="append", metavar="NAME", help="only this outlet of the feeds file (repeatable; name or slug)")
    p.add_argument("--feed", action="append", default=[], metavar="URL", help="read this RSS/Atom feed instead of the feeds file (repeatable)")
    p.add_argument("--page", action="append", default=[], metavar="URL", help="fetch this article page (repeatable)")
    p.add_argument("--since", metavar="DATE", type=_date, help="only articles published on or after DATE (YYYY-MM-DD)")
    p.add_argument("--dry-run", action="store_true", help="fetch and report, but write no article and no candidate")
    p.add_argument("--reextract", action="store_true",
                   help="fetch nothing; run the prefilter and extractor again over the stored articles (with --since: those published since)")
    p.add_argument("--every", metavar="INTERVAL", help="run again every INTERVAL (e.g. 30m, 1h, 1d) in the foreground until stopped")
    p.add_argument("--runs", type=int, metavar="N", help="with --every: stop after N runs")
    p.add_argument("--cache", metavar="DIR", help="HTTP cache folder, or 'off' (default: $BORDERWATCH_HTTP_CACHE, else ~/.cache/borderwatch/http)")
    p.add_argument("--timeout", type=float, default=20.0, metavar="SECONDS", help="per request (default 20)")
    p.add_argument("--retries", type=int, default=2, metavar="N", help="retries with backoff after a timeout or a 429/5xx (default 2)")
    p.add_argument("--delay", type=float, metavar="SECONDS", help="seconds between requests to one host, for every host (default: per outlet)")


def _date(text: str) -> date:
    import argparse

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (expected YYYY-MM-DD)") from None


def run_fetch(args) -> int:
    from .. import config
    from ..intake import schedule
    from ..intake.run import Intake, Options

    if args.reextract and (args.feed or args.page):
        print("error: --reextract fetches nothing; leave out --feed and --page", file=sys.stderr)
        return 2
    options = Options(data_dir=config.data_dir(args.data), feeds=list(args.feed), pages=list(args.page),
                      feeds_file=Path(args.feeds) if args.feeds else None, outlets=args.outlet, since=args.since,
                      dry_run=args.dry_run, reextract=args.reextract, cache_dir=config.http_cache_dir(args.cache),
                      timeout=args.timeout, retries=max(0, args.retries), delay=args.delay)
    status = [0]

    def once() -> None:
        summary = Intake(options).run()
        print(summary.line(), flush=True)
        status[0] = 0 if summary.ok else 1

    if not args.every:
        once()
        return status[0]
    try:
        interval = schedule.parse_interval(args.every)
    except ValueError as exc:
        print(f"error: --every: {exc}", file=sys.stderr)
        return 2
    schedule.every(interval, once, runs=args.runs, say=lambda m: print(m, file=sys.stderr, flush=True))
    return status[0]
