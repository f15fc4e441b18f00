"""The dashboard's choices and URL parameter names, as plain constants (importing this costs nothing:
the command line builds its parser from them without loading pandas)."""

PRESETS = {"all": None, "30": 30, "90": 90, "365": 365, "custom": None}
# A new visitor sees the last twelve months: the recent picture an analyst checks first, with the change
# on the twelve months before it; "All" is one click away (and `preset=all` in a link).
DEFAULT_PRESET = "365"
PRESET_LABELS = {"all": "All", "30": "30 d", "90": "90 d", "365": "365 d", "custom": "Custom"}
FOCUS_BORDER = "AFG-TJK"
DEFAULT_BORDERS = (FOCUS_BORDER,)
NO_BORDER = "none"  # incidents not on (or not assigned to) any border
UNKNOWN_GEO = "unknown"  # blank geo_precision
LANES = ("type", "border")
AGGS = ("week", "month")

# URL parameter names (kept short: links get pasted into chats and reports).
Q_PRESET, Q_FROM, Q_TO = "preset", "from", "to"
Q_MULTI = {  # FilterState field -> query parameter
    "borders": "border",
    "countries": "country",
    "provinces": "province",
    "event_types": "type",
    "actors": "actor",
    "origins": "origin",
    "date_precisions": "dprec",
    "geo_precisions": "gprec",
    "sub_event_types": "sub",
    "selected": "sel",  # incidents selected on the map, timeline or table (highlighted everywhere)
}
Q_MIN_KILLED, Q_TEXT, Q_LANES, Q_AGG, Q_INCIDENT = "min_killed", "q", "lanes", "agg", "incident"
Q_CANDIDATES = "cand"  # cand=1: unreviewed machine-extracted candidates are drawn too (never counted)
Q_SHADE = "shade"  # provinces on the map shaded by number of incidents or people killed
SHADES = ("none", "incidents", "killed")
Q_BBOX = "bbox"  # bbox=minlon,minlat,maxlon,maxlat: only incidents inside this box (the map's view)
Q_AT = "at"  # at=2026-01 or at=2026-W03: the time slider's period (the map shows it strongly)
Q_TRAIL = "trail"  # trail=0: the time slider hides the earlier incidents instead of drawing them faintly
ALL = "all"
QUERY_KEYS = (Q_PRESET, Q_FROM, Q_TO, *Q_MULTI.values(), Q_MIN_KILLED, Q_TEXT, Q_CANDIDATES, Q_LANES, Q_AGG,
              Q_INCIDENT, Q_SHADE, Q_BBOX, Q_AT, Q_TRAIL)
