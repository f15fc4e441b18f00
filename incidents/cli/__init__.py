"""The `incidents` command: one static table of subcommands, each module holding its parsers next to
its handlers. Modules here import only argparse-level things at the top; the library is imported
inside each handler, so `incidents --help` starts fast."""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from .. import config
from ..errors import IncidentsError

# name -> (module in incidents.cli, one-line help). Module `m` defines configure_<name>(parser, common)
# and run_<name>(args) -> exit status.
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("data", "check data files and report every problem as file:row:column"),
    "add": ("data", "add incidents (each with its first source) or --sources ledger rows from a CSV"),
    "info": ("data", "counts of incidents by border, type and year"),
    "extract": ("extract", "extract candidate incidents from news articles, with evidence for every field"),
    "evaluate": ("extract", "score extraction against gold annotations"),
    "fetch": ("fetch", "fetch news from the outlets' feeds into articles/ and the review queue (offline unless run)"),
    "export": ("export", "export a chart (png/svg/pdf) or the filtered data (csv/geojson/xlsx)"),
    "brief": ("export", "a one-document brief of the filtered view (PDF or HTML)"),
    "synth": ("synth", "write a synthetic, schema-valid dataset of N incidents"),
    "store": ("store", "the team's PostgreSQL database: init, import DIR, export DIR, history INCIDENT_ID"),
}
NESTED = ("export", "store")  # commands with their own sub-commands, which take the common options themselves


def _module(name: str):
    return importlib.import_module(f"{__name__}.{COMMANDS[name][0]}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="incidents", description="borderwatch: border-incident data tools")
    sub = parser.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data", metavar="DIR", help=f"data directory (default: ${config.ENV_DATA} or ./data)")
    common.add_argument("--store", metavar="URL", help=f"postgresql://... database holding the data instead of the "
                        f"CSV files (default: ${config.ENV_STORE}, else the data directory)")
    for name, (_, help_text) in COMMANDS.items():
        p = sub.add_parser(name, parents=[] if name in NESTED else [common], help=help_text,
                           description=help_text[0].upper() + help_text[1:] + ".")
        getattr(_module(name), f"configure_{name}")(p, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    run = getattr(_module(args.command), f"run_{args.command}")
    config.use_store(getattr(args, "store", None))
    config.set_command(" ".join(["incidents", *(sys.argv[1:] if argv is None else argv)])[:500])
    try:
        return run(args)
    except IncidentsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
