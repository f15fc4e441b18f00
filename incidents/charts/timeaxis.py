"""Screen layout for the timeline: date ticks that match the aggregation, markers dodged within a lane so none hide another, and strategic-development labels wrapped and staggered so none is cut or overlaps."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd

from ..text import html

LABEL_WRAP = 24  # characters per line of a strategic-development label
LABEL_MAX_LINES = 3
LABEL_FONT = 10
LABEL_ROWS = 3  # staggered rows of labels above the timeline
LINE_PX = 12.5  # px per line of label text
MAX_DODGE = 0.38  # how far (in lanes) a marker may move up or down within its lane


def date_ticks(lo: pd.Timestamp, hi: pd.Timestamp, freq: str, plot_px: float) -> dict:
    """x-axis settings whose ticks fall on period starts: months (or 2, 3, 6, 12 months) for monthly
    bars, Mondays (every 1, 2 or 4 weeks) for weekly bars when that many fit, else months or years."""
    fits = max(2, int(plot_px / 44))  # a two-line label ('Mar' over '2026') is ~36 px wide
    days = max((hi - lo).days, 1)
    if freq == "week":
        for weeks in (1, 2, 4):
            if days / (7 * weeks) <= fits:
                return dict(tickmode="linear", tick0="2000-01-03", dtick=7 * weeks * 86_400_000,
                            tickformat="%d %b<br>%Y", ticklabelmode="instant")
    months = days / 30.44
    for step in (1, 2, 3, 6, 12, 24):
        if months / step <= fits:
            break
    if step >= 12:
        return dict(tickmode="linear", tick0="2000-01-01", dtick=f"M{step}", tickformat="%Y",
                    ticklabelmode="period" if step == 12 else "instant")
    return dict(tickmode="linear", tick0="2000-01-01", dtick=f"M{step}",
                tickformat="%b<br>%Y", ticklabelmode="period" if step == 1 else "instant")


def dodge(lane: np.ndarray, x_px: np.ndarray, size_px: np.ndarray, lane_px: float) -> np.ndarray:
    """Offsets (in lanes) that move markers up or down within their lane so that no two overlap
    (a beeswarm in a strip): biggest first, each at the first free offset of 0, +1, -1, +2, … steps."""
    off = np.zeros(len(lane))
    if not len(lane) or lane_px <= 0:
        return off
    order = np.lexsort((x_px, -size_px))
    placed: dict = {}
    for i in order:
        s = size_px[i]
        step = (s + 1) / lane_px
        k_max = int(MAX_DODGE / step) if step < MAX_DODGE else 0
        cands = [0.0] + [sgn * k * step for k in range(1, k_max + 1) for sgn in (1, -1)]
        mine = placed.setdefault(lane[i], [])
        best, best_hit = 0.0, None
        for c in cands:
            hit = sum(1 for (x, o, t) in mine
                      if abs(x - x_px[i]) < (s + t) / 2 and abs(o - c) * lane_px < (s + t) / 2)
            if hit == 0:
                best, best_hit = c, 0
                break
            if best_hit is None or hit < best_hit:
                best, best_hit = c, hit
        off[i] = best
        mine.append((x_px[i], best, s))
    return off


def label_text(text: str) -> str:
    """A label wrapped to lines of LABEL_WRAP characters (whole words, never cut), escaped, joined by <br>."""
    lines = textwrap.wrap(" ".join(str(text).split()), LABEL_WRAP, break_long_words=False, break_on_hyphens=False)
    return "<br>".join(html(x) for x in lines)


def layout_labels(items: list[tuple[object, float, str]], plot_px: float, rows: int = LABEL_ROWS) -> list[tuple]:
    """Place labels above the plot: items are (key, x_px, text), most important first. Each label goes
    in the lowest row where it overlaps no other label and its pointer crosses no label below; a label
    longer than LABEL_MAX_LINES, one that fits nowhere, or one repeating a neighbour's text is left out
    (its marker keeps the full text in its hover). A label near an end of the plot is moved in (its
    pointer slants). Returns (key, label centre x_px, wrapped text, row, lines)."""
    placed: list[tuple] = []
    boxes: dict[int, list[tuple[float, float, str]]] = {r: [] for r in range(rows)}
    for key, x, text in items:
        wrapped = textwrap.wrap(" ".join(str(text).split()), LABEL_WRAP, break_long_words=False,
                                break_on_hyphens=False)
        if not wrapped or len(wrapped) > LABEL_MAX_LINES:
            continue
        w = max(len(s) for s in wrapped) * 0.56 * LABEL_FONT + 8
        cx = min(max(x, w / 2), plot_px - w / 2) if w < plot_px else plot_px / 2  # kept inside the plot's width
        x0, x1 = cx - w / 2, cx + w / 2
        near_same = any(t == text and abs(bx - cx) < 1.5 * w for r in boxes.values() for (bx, _, t) in r)
        if near_same:
            continue
        for r in range(rows):
            clash = any(x0 < bx + bw / 2 + 4 and bx - bw / 2 - 4 < x1 for (bx, bw, _) in boxes[r])
            crosses = any(min(x, cx) - 2 < bx + bw / 2 and bx - bw / 2 < max(x, cx) + 2
                          for q in range(r) for (bx, bw, _) in boxes[q])
            if not clash and not crosses:
                boxes[r].append((cx, w, text))
                placed.append((key, cx, label_text(text), r, len(wrapped)))
                break
    return placed


def row_heights(placed: list[tuple]) -> list[float]:
    """Height in px of each label row (its tallest label)."""
    rows = max((p[3] for p in placed), default=-1) + 1
    return [max((p[4] for p in placed if p[3] == r), default=1) * LINE_PX + 4 for r in range(rows)]
