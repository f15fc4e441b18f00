"""A hypothesis strategy of dashboard filter states drawn from a dataset's own values (and a few that occur
nowhere), shared by the query layer's equivalence tests."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import strategies as st

from incidents.view import filters
from incidents.view.filters import FilterState
from incidents.view.params import PRESETS

TODAY = date(2026, 11, 21)


def _words(ds) -> list[str]:
    """Search words that occur in the data (folded or not), a phrase, and some that occur nowhere."""
    text = " ".join(ds.incidents["summary"].head(200).tolist() + ds.sources["quote"].head(200).tolist()
                    + ds.sources["source_name"].head(50).tolist())
    words = sorted({w.strip('.,;:()"') for w in text.split() if len(w.strip('.,;:()"')) > 2})[:300]
    return words + ["Khŭjand", "ДУШАНБЕ", "zzzqqq", "\"border post\"", "a", "%", "_", "?"]


def states(ds):
    df = ds.incidents
    opts = filters.options(df)

    def pick(values, extra=()):
        if not list(values) + list(extra):
            return st.just(())
        return st.lists(st.sampled_from(list(values) + list(extra)), max_size=3, unique=True).map(tuple)

    lo, hi = df["event_date"].min().date(), TODAY
    days = max(1, (hi - lo).days)
    dates = st.integers(0, days).map(lambda k: lo + timedelta(days=k))
    bbox = st.one_of(st.just(()), st.tuples(st.floats(60, 75), st.floats(33, 40), st.floats(0.1, 10),
                                            st.floats(0.1, 6)).map(lambda t: (t[0], t[1], t[0] + t[2], t[1] + t[3])))
    text = st.lists(st.sampled_from(_words(ds)), max_size=2).map(" ".join)
    return st.builds(
        FilterState,
        preset=st.sampled_from(list(PRESETS)),
        start=st.one_of(st.none(), dates), end=st.one_of(st.none(), dates),
        borders=pick(opts["borders"], ("none", "TJK-UZB", "XXX-YYY")),
        countries=pick(opts["countries"], ("ZZZ",)), provinces=pick(opts["provinces"][:30]),
        event_types=pick(opts["event_types"]), actors=pick(opts["actors"][:40], ("nobody",)),
        min_killed=st.sampled_from([0, 0, 1, 2, 5, 50]), origins=pick(opts["origins"]),
        date_precisions=pick(opts["date_precisions"]), geo_precisions=pick(opts["geo_precisions"], ("unknown",)),
        sub_event_types=pick(opts["sub_event_types"][:20]), text=text, candidates=st.booleans(),
        agg=st.sampled_from(["week", "month"]), bbox=bbox)
