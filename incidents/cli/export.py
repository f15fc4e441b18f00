"""`incidents export chart|data` and `incidents brief`: the dashboard's exports from the command line.

The filter options mirror the dashboard's URL query parameters one to one (`--border AFG-TJK` is
`?border=AFG-TJK`), and are turned into a FilterState by the same `filters.from_query` the dashboard
uses, so a command and a dashboard link with the same parameters export the same incidents.
`--link URL` starts from a pasted dashboard link; explicit options then override its parameters.
"""

from __future__ import annotations

import argparse
import re
import struct
import sys
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from ..errors import IncidentsError
from ..view import params

CHART_FORMATS = ("png", "svg", "pdf")
CHARTS = ("timeline", "map", "aggregate")
DATA_FORMATS = ("csv", "geojson", "xlsx")
SUFFIX_FORMAT = {".png": "png", ".svg": "svg", ".pdf": "pdf", ".csv": "csv", ".geojson": "geojson",
                 ".json": "geojson", ".xlsx": "xlsx", ".html": "html", ".htm": "html"}
MULTI_HELP = {
    "border": "border pair, e.g. AFG-TJK (repeatable; 'all' for every border, 'none' for no border; "
              "default AFG-TJK as in the dashboard)",
    "country": "ISO alpha-3 country code, e.g. TJK (repeatable)",
    "province": "province (admin1) name (repeatable)",
    "type": "event type, e.g. armed_clash (repeatable)",
    "actor": "actor (main actor or other party; repeatable)",
    "origin": "curated or extracted (repeatable)",
    "dprec": "date precision: day, week, month, year (repeatable)",
    "gprec": "place precision, e.g. exact, district (repeatable)",
}


def _iso(text: str) -> str:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD form: {text!r}") from None


def add_filter_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("filters (the dashboard's query parameters)")
    g.add_argument("--link", metavar="URL", help="a dashboard link (or just its ?query): start from that view")
    g.add_argument("--preset", choices=[k for k in params.PRESETS if k != "custom"],
                   help="rolling period ending today: 30, 90 or 365 days, or all (default: all)")
    g.add_argument("--from", dest="q_from", type=_iso, metavar="YYYY-MM-DD", help="first day of the period")
    g.add_argument("--to", dest="q_to", type=_iso, metavar="YYYY-MM-DD", help="last day of the period")
    for key, text in MULTI_HELP.items():
        g.add_argument(f"--{key}", dest=f"q_{key}", action="append", metavar="VALUE", help=text)
    g.add_argument("--min-killed", dest="q_min_killed", type=int, metavar="N",
                   help="at least N killed (best estimate)")
    g.add_argument("--q", dest="q_q", metavar="TEXT", help="free-text search, as the dashboard's search box")
    g.add_argument("--bbox", dest="q_bbox", metavar="MINLON,MINLAT,MAXLON,MAXLAT",
                   help="only incidents inside this box, as the map's 'only incidents in the map view' (bbox=)")
    g.add_argument("--lanes", dest="q_lanes", choices=params.LANES, help="timeline lanes (default: type)")
    g.add_argument("--agg", dest="q_agg", choices=params.AGGS, help="counts per week or month (default: month)")


def query_from_args(args) -> dict[str, list[str]]:
    """The dashboard query parameters these options stand for (a --link first, options override)."""
    q: dict[str, list[str]] = {}
    if getattr(args, "link", None):
        link = args.link.strip()
        query = urlsplit(link).query if "://" in link or link.startswith("/") else link.lstrip("?")
        q.update(parse_qs(query, keep_blank_values=False))
    if not getattr(args, "link", None) and not (args.preset or args.q_from or args.q_to):
        q[params.Q_PRESET] = [params.ALL]  # the command line's default is every date (a link keeps its own)
    if args.preset:
        q[params.Q_PRESET] = [args.preset]
        q.pop(params.Q_FROM, None)
        q.pop(params.Q_TO, None)
    for key in ("from", "to"):
        value = getattr(args, f"q_{key}")
        if value:
            q[key] = [value]
            q[params.Q_PRESET] = ["custom"]
    for key in MULTI_HELP:
        values = getattr(args, f"q_{key}")
        if values:
            # "--border AFG-TJK,KGZ-TJK" works as well as repeating the option
            q[key] = [v.strip() for raw in values for v in raw.split(",") if v.strip()]
    if args.q_min_killed is not None:
        q[params.Q_MIN_KILLED] = [str(args.q_min_killed)]
    if args.q_q is not None:
        q[params.Q_TEXT] = [args.q_q]
    if getattr(args, "q_bbox", None):
        q[params.Q_BBOX] = [args.q_bbox]
    for key in ("lanes", "agg"):
        if getattr(args, f"q_{key}"):
            q[key] = [getattr(args, f"q_{key}")]
    return q


def state_from_args(args, ds):
    """The FilterState, via filters.from_query like the dashboard; a value that matches nothing is an
    error here (a typo must not silently widen an export to everything)."""
    from ..view import filters, query

    opts = filters.options(ds.incidents)
    state = query.from_query(query_from_args(args), opts)
    if state.warnings:
        raise IncidentsError("; ".join(re.sub(r"( and was ignored|; [0-9-]+ used)$", "", w) for w in state.warnings)
                             + ". Choices in this data: " + "; ".join(
                                 f"--{key} {', '.join(opts[attr][:12])}{' …' if len(opts[attr]) > 12 else ''}"
                                 for attr, key in params.Q_MULTI.items() if key in ("border", "type", "country")))
    return state


def _view(args):
    from ..dataset import load
    from ..view.views import make_view

    ds = load(args.data)
    if ds.errors:
        print(f"warning: {len(ds.errors)} data problems; rows with errors are left out (run `incidents validate`)",
              file=sys.stderr)
    return make_view(ds, state_from_args(args, ds))


def _format(args, allowed: tuple[str, ...]) -> str:
    fmt = args.format or SUFFIX_FORMAT.get(Path(args.out).suffix.lower())
    if fmt not in allowed:
        raise IncidentsError(f"cannot tell the format of {args.out}: give --format {'|'.join(allowed)}")
    return fmt


def _png_size(data: bytes) -> tuple[int, int] | None:
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return struct.unpack(">II", data[16:24])
    return None


def _write(path: str, data: bytes) -> Path:
    from ..store import write_bytes_atomic

    out = Path(path)
    write_bytes_atomic(out, data)
    return out


def _describe(view) -> str:
    from ..export.words import filters_text

    n = len(view.shown)
    return f"{n} incident{'s' * (n != 1)}; {filters_text(view)}"


def run_export(args) -> int:
    from ..export import data as export
    from ..export import figures as fe

    view = _view(args)
    if args.kind == "chart":
        fmt = _format(args, CHART_FORMATS)
        data = fe.export_chart(args.chart, view, fmt, width=args.width, height=args.height, scale=args.scale,
                               title=args.title, paper=args.paper)
        size = _png_size(data)
        dims = f", {size[0]}×{size[1]} px" if size else ""
    else:
        fmt = _format(args, DATA_FORMATS)
        if fmt == "csv":
            data = export.to_csv_bytes(view.shown)
        elif fmt == "geojson":
            data = export.geojson_bytes(view.shown)
        else:
            data = export.to_xlsx_bytes(view.shown, view.ds.sources)
        dims = ""
    out = _write(args.out, data)
    print(f"wrote {out} ({fmt}{dims}, {len(data) / 1024:.0f} KB): {_describe(view)}")
    return 0


def run_brief(args) -> int:
    from ..errors import ExportUnavailable
    from ..export import brief, render
    from ..export.words import dashboard_link

    fmt = _format(args, ("pdf", "html"))
    view = _view(args)
    if fmt == "html" and not args.no_charts and not render.available():
        raise ExportUnavailable("the brief's charts need Chromium, which is not installed here: run "
                                       "`apt-get install chromium` (Debian) or set BROWSER_PATH; add --no-charts "
                                       "for an HTML brief without charts.")
    if fmt == "pdf":
        data = brief.build_pdf(view, args.paper, args.base_url)
    else:
        data = brief.build_html(view, args.paper, args.base_url, with_charts=not args.no_charts).encode("utf-8")
    out = _write(args.out, data)
    print(f"wrote {out} ({fmt}, {args.paper}, {len(data) / 1024:.0f} KB): {_describe(view)}")
    print(f"reopen in the dashboard: {dashboard_link(view.state, args.base_url)}")
    return 0


def configure_export(p, common) -> None:
    p.description = "Export what the dashboard shows for the given filters."
    kinds = p.add_subparsers(dest="kind", required=True, metavar="{chart,data}")
    c = kinds.add_parser("chart", parents=[common], help="a print-ready chart: title, filters, sources, credits",
                         description="Write the timeline, the map or the per-period chart as PNG (2x scale), SVG "
                                     "or PDF, with a title, the filters and period, the data-as-of date, the "
                                     "sources and the map credits. Needs Debian's chromium.")
    c.add_argument("--chart", required=True, choices=CHARTS)
    c.add_argument("--format", choices=CHART_FORMATS, help="default: from the --out suffix")
    c.add_argument("--out", required=True, metavar="FILE")
    c.add_argument("--paper", choices=("a4", "letter"),
                   help="a landscape A4 or Letter page (the map's default: A4; the others: 1200 px wide)")
    c.add_argument("--width", type=int, help="width in CSS px (overrides --paper)")
    c.add_argument("--height", type=int, help="height in CSS px (overrides --paper)")
    c.add_argument("--scale", type=float, help="pixel scale (default: 2 for PNG, 1 otherwise)")
    c.add_argument("--title", help="replace the generated title")
    add_filter_options(c)
    d = kinds.add_parser("data", parents=[common], help="the filtered incidents as CSV, GeoJSON or Excel",
                         description="Write the incidents matching the filters: CSV (UTF-8, formula cells "
                                     "neutralised), GeoJSON (one point per located incident) or Excel (incidents, "
                                     "sources ledger, column guide).")
    d.add_argument("--format", choices=DATA_FORMATS, help="default: from the --out suffix")
    d.add_argument("--out", required=True, metavar="FILE")
    add_filter_options(d)


def configure_brief(b, common) -> None:
    b.description = ("Write the brief: period and filters, headline figures, timeline, map, the incidents with "
                     "numbered sources, the sources with URLs, credits and a link that reopens the view in the "
                     "dashboard. PDF is printed by headless Chromium.")
    b.add_argument("--out", required=True, metavar="FILE.pdf|FILE.html")
    b.add_argument("--format", choices=("pdf", "html"), help="default: from the --out suffix")
    b.add_argument("--paper", choices=("a4", "letter"), default="a4")
    b.add_argument("--base-url", default=None,
                   help="the dashboard's public address for the reopen link (default: $BORDERWATCH_DASHBOARD_URL, "
                        "else the local address)")
    b.add_argument("--no-charts", action="store_true", help="HTML only: leave the charts out (no Chromium needed)")
    add_filter_options(b)
