"""Text helpers with one home each: the folds used for matching and the escapers used for output.

* `fold` makes text case- and accent-insensitive (search); `name_key` also drops everything but
  letters and digits (place names: "Qal'ai Khumb" and "Qalaikhumb" meet).
* One escaper per output format: `html` for HTML documents and plotly's HTML-like labels, `markdown`
  for Streamlit markdown. Text that comes from the data goes through one of them before display.
* `safe_url` decides what may be drawn as a link (plain http(s) addresses only).
"""

from __future__ import annotations

import math
import re
import unicodedata
from urllib.parse import urlsplit

from markupsafe import escape as _markup_escape


def _missing(value) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        import pandas as pd
        return value is pd.NA or value is pd.NaT
    except ImportError:  # pragma: no cover - pandas is a dependency
        return False


def fold(text) -> str:
    """Case- and accent-insensitive form for search ('Khŭjand' matches 'khujand'; ё = е)."""
    folded = unicodedata.normalize("NFKD", str(text)).casefold().replace("ё", "е")
    return "".join(ch for ch in folded if not unicodedata.combining(ch))


def name_key(name) -> str:
    """A place name reduced for matching: folded, letters and digits only.

    >>> name_key("Qal'ai Khumb") == name_key("Qalaikhumb")
    True
    """
    return "".join(ch for ch in fold(name) if ch.isalnum())


def html(text) -> str:
    """Data text as HTML text, never markup (also for plotly's HTML-like hover labels and titles)."""
    return "" if _missing(text) else str(_markup_escape(str(text)))


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$&^=\"'@%])")


def markdown(text) -> str:
    """Data text made inert in Streamlit markdown: every markdown/HTML/LaTeX/directive character is
    backslash-escaped (CommonMark allows escaping any ASCII punctuation), so links, images, HTML tags,
    `:color[...]` directives and `$math$` in the data show as the literal characters. Line breaks
    become spaces (a line break could start a heading or a list)."""
    if _missing(text):
        return ""
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\r\n", " ").replace("\n", " ").replace("\r", " ")


def safe_url(url) -> str | None:
    """The URL when it is a plain http(s) address, else None (never render other schemes as links)."""
    if not isinstance(url, str):
        return None
    u = url.strip()
    try:
        parts = urlsplit(u)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or re.search(r"[\s<>\"']", u):
        return None
    return u


def shorten(text, limit: int = 80) -> str:
    """At most `limit` characters, ending in '…' when cut."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def cut_at_word(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary (never mid-word), without a trailing separator."""
    if len(text) <= limit:
        return text
    cut = text[: limit + 1]
    for sep in ("-", " ", "_"):
        if sep in cut:
            head = cut[: cut.rfind(sep)]
            if head:
                return head.rstrip("-_ ")
    return text[:limit]


def fold_all(values) -> "object":
    """`fold` of every value of a pandas Series, fast at a million rows: ASCII text (the bulk) is folded
    by Arrow's lower-casing (for ASCII, casefold is lower-case and NFKD changes nothing), the rest by
    `fold` one value at a time. Same result as `values.map(fold)`."""
    import pandas as pd

    s = pd.Series(values, copy=False).astype(str).astype("string[pyarrow]")
    out = s.str.lower().astype(object)
    other = ~s.str.isascii().fillna(True).astype(bool)
    if other.any():
        out[other] = s[other].map(fold)
    return out.astype(str)
