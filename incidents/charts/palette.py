"""One colour per event type, used by every chart, the map, the legend and the filters."""

# Colours are the Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"), chosen to stay
# distinguishable for the common forms of colour-vision deficiency. The palette's yellow (#F0E442)
# is left out because it disappears on a white background; strategic developments, which are not
# violence, get black and a different marker symbol so they never depend on hue alone.

from __future__ import annotations

from ..schema import EVENT_TYPES

OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
}

EVENT_COLORS: dict[str, str] = {
    "armed_clash": OKABE_ITO["vermillion"],
    "attack_on_civilians": OKABE_ITO["reddish_purple"],
    "remote_violence": OKABE_ITO["orange"],
    "security_operation": OKABE_ITO["blue"],
    "smuggling_interdiction": OKABE_ITO["bluish_green"],
    "border_tension": OKABE_ITO["sky_blue"],
    "strategic_development": OKABE_ITO["black"],
}
UNKNOWN_COLOR = "#7F7F7F"

# Marker symbols double-encode the type for print in greyscale and for colour-blind readers.
EVENT_SYMBOLS: dict[str, str] = {
    "armed_clash": "circle",
    "attack_on_civilians": "triangle-up",
    "remote_violence": "star",
    "security_operation": "square",
    "smuggling_interdiction": "diamond",
    "border_tension": "triangle-down",
    "strategic_development": "hexagram",
}

# Base map colours (neutral greys so the event colours carry the meaning).
LAND_FILL = "#F4F1EA"
FOCUS_FILL = "#E9E4D8"  # Tajikistan and Afghanistan
COUNTRY_LINE = "#8C8C8C"
PROVINCE_LINE = "#C8C8C8"
BORDER_LINE = "#6E6E6E"
FOCUS_BORDER = "AFG-TJK"
FOCUS_BORDER_LINE = "#1A1A1A"
RIVER_LINE = "#A9CBE6"  # light blue: a border river shows as a blue casing around the border line
LEADER_LINE = "#4A4A4A"  # thin line from a fanned marker back to its true point
SELECTED_LINE = "#111111"
PERIOD_FILL, PERIOD_LINE = "rgba(240, 200, 60, 0.22)", "rgba(200, 150, 0, 0.7)"  # the time slider's period

assert set(EVENT_COLORS) == set(EVENT_TYPES), "every event type needs a colour"
assert set(EVENT_SYMBOLS) == set(EVENT_TYPES), "every event type needs a symbol"


def color(event_type: str) -> str:
    return EVENT_COLORS.get(event_type, UNKNOWN_COLOR)


def symbol(event_type: str) -> str:
    return EVENT_SYMBOLS.get(event_type, "circle")


def label(event_type: str) -> str:
    """Human label for an event type code: 'armed_clash' -> 'armed clash'."""
    return str(event_type).replace("_", " ")


def rgba(hex_color: str, alpha: float) -> str:
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"
