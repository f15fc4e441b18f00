"""`incidents synth`: write a synthetic, schema-valid dataset (for benchmarks and scale tests)."""

from __future__ import annotations

from pathlib import Path


def configure_synth(p, common) -> None:
    p.description = "Write incidents.csv and sources.csv with N synthetic incidents into DIR."
    p.add_argument("--n", type=int, required=True, help="number of incidents")
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument("--seed", type=int, default=42)


def run_synth(args) -> int:
    from ..synth import write

    inc, src = write(args.n, Path(args.out), args.seed)
    print(f"wrote {args.n} synthetic incidents to {inc} and their ledger to {src}")
    return 0
