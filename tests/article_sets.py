"""Shared by the tests of the annotated article sets (held-out and blind sets in tests/fixtures/); run as a script
(`python tests/article_sets.py [--rows]`) it prints the battery: one line per set and the total."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from incidents.evaluate import score
from incidents.extract import extract_paths, to_frame
from incidents.extract.article import load_article

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = FIXTURES.parent.parent
SETS = ("seeds", "articles", "articles_heldout", "articles_blind", "articles_blind2", "articles_blind3",
        "articles_blind4", "articles_blind5", "articles_blind6")


def folder_and_gold(name: str) -> tuple[Path, Path]:
    if name == "seeds":
        return ROOT / "seeds", FIXTURES / "seeds_gold.csv"
    return FIXTURES / name, FIXTURES / name / "gold.csv"


def score_folder(folder: Path, gold_csv: Path | None = None):
    """Extract every article of a set and score it against the set's gold.csv: (report, extracted rows)."""
    gold = pd.read_csv(gold_csv or folder / "gold.csv", dtype=str, keep_default_na=False)
    rows = to_frame(extract_paths([folder]))
    return score(gold, rows, {p.name for p in folder.glob("*.txt")}), rows


def articles(folder: Path) -> list:
    return [load_article(f) for f in sorted(folder.glob("*.txt"))]


def urls(*names: str) -> set:
    """The article URLs of the named fixture sets (to prove a new set shares none of them)."""
    return {a.meta.get("url") for name in names for a in articles(FIXTURES / name)}


def battery(sets=SETS, show_rows: bool = False) -> list[tuple]:
    """Score every set; print one line per set (gold, extracted, matched, P, R, F1, field accuracy) and the total."""
    from incidents.evaluate import format_report
    head = f"{'set':<18}{'gold':>5}{'ext':>5}{'tp':>5}{'P':>7}{'R':>7}{'F1':>7}   date coord killed inj type  dedup(p/r)"
    print(head)
    out, tot = [], [0, 0, 0]
    for name in sets:
        rep, _ = score_folder(*folder_and_gold(name))
        fa = rep.field_accuracy
        p, r, _, _ = rep.cluster
        acc = " ".join(f"{fa[k][0]}/{fa[k][1]}" for k in ("date", "coordinates", "killed", "injured", "type"))
        dd = f"{'-' if p is None else f'{p:.2f}'}/{'-' if r is None else f'{r:.2f}'}"
        print(f"{name:<18}{rep.n_gold:>5}{rep.n_extracted:>5}{rep.tp:>5}{rep.precision:>7.2f}{rep.recall:>7.2f}"
              f"{rep.f1:>7.3f}   {acc}  {dd}")
        if show_rows:
            print("\n".join("    " + line for line in format_report(rep).splitlines()
                            if line.startswith("  ") and ".txt" in line))
        out.append((name, rep))
        tot = [tot[0] + rep.n_gold, tot[1] + rep.n_extracted, tot[2] + rep.tp]
    p, r = tot[2] / tot[1], tot[2] / tot[0]
    print(f"{'ALL':<18}{tot[0]:>5}{tot[1]:>5}{tot[2]:>5}{p:>7.2f}{r:>7.2f}{2 * p * r / (p + r):>7.3f}")
    return out


if __name__ == "__main__":
    battery(show_rows="--rows" in sys.argv)
