"""Running the intake on a schedule in the foreground (`incidents fetch --every 1h`): intervals and the loop."""

from __future__ import annotations

import re
import time
from typing import Callable

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_interval(text: str) -> float:
    """'90s', '15m', '1h', '1d', '1h30m' (or a plain number of seconds) -> seconds."""
    value = str(text).strip().casefold().replace(" ", "")
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return float(value)
    parts = re.findall(r"(\d+(?:\.\d+)?)([smhd])", value)
    if not parts or "".join(n + u for n, u in parts) != value:
        raise ValueError(f"not an interval: {text!r} (expected e.g. 30m, 1h, 6h, 1d)")
    return sum(float(n) * UNITS[u] for n, u in parts)


def every(interval: float, job: Callable[[], object], runs: int | None = None, say: Callable[[str], None] = print,
          sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic) -> int:
    """Call `job` now and then every `interval` seconds (start to start; at once if a run overran) until
    `runs` runs are done (None: for ever). A failing run is reported in one line and the next one still
    comes. Returns the number of runs."""
    done = 0
    next_start = clock()
    while runs is None or done < runs:
        next_start += interval
        try:
            job()
        except KeyboardInterrupt:
            raise
        except Exception as exc:  # the schedule outlives any one run
            say(f"error: run failed: {type(exc).__name__}: {' '.join(str(exc).split())[:200]}")
        done += 1
        if runs is not None and done >= runs:
            break
        pause = next_start - clock()
        if pause > 0:
            say(f"next run in {_human(pause)}")
            sleep(pause)
        else:
            say("next run now (this one took longer than the interval)")
            next_start = clock()
    return done


def _human(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    if seconds >= 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds:.0f} s"
