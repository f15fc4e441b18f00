"""The event-type legend as a small SVG (our constants only, never data text)."""

from __future__ import annotations

from ..schema import EVENT_TYPES
from . import palette as P

_SHAPES = {
    "circle": '<circle cx="0" cy="0" r="5.5"/>',
    "square": '<rect x="-5" y="-5" width="10" height="10"/>',
    "diamond": '<polygon points="0,-6.5 6.5,0 0,6.5 -6.5,0"/>',
    "triangle-up": '<polygon points="0,-6.5 6.5,5 -6.5,5"/>',
    "triangle-down": '<polygon points="0,6.5 6.5,-5 -6.5,-5"/>',
    "star": '<polygon points="0,-7 1.8,-2.2 6.7,-2.2 2.8,0.8 4.2,5.7 0,2.8 -4.2,5.7 -2.8,0.8 -6.7,-2.2 -1.8,-2.2"/>',
    "hexagram": '<polygon points="0,-7 2,-3.5 6,-3.5 4,0 6,3.5 2,3.5 0,7 -2,3.5 -6,3.5 -4,0 -6,-3.5 -2,-3.5"/>',
}


def legend_svg(columns: int = 2, width: int = 280) -> str:
    """A small SVG legend of the event-type colours and symbols (our constants only, no data text)."""
    col_w, row_h = width // columns, 20
    rows = -(-len(EVENT_TYPES) // columns)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{rows * row_h + 4}" '
             f'font-family="Liberation Sans, DejaVu Sans, Arial, sans-serif" font-size="11.5">']
    for k, t in enumerate(EVENT_TYPES):
        x, y = (k % columns) * col_w + 9, (k // columns) * row_h + 12
        parts.append(f'<g transform="translate({x},{y})" fill="{P.color(t)}">{_SHAPES[P.symbol(t)]}</g>')
        parts.append(f'<text x="{x + 12}" y="{y + 4}" fill="#31333F">{P.label(t)}</text>')
    parts.append("</svg>")
    return "".join(parts)
