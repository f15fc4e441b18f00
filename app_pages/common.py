"""Shared by the dashboard's pages: cached data loading and the attribution footer.

Other pages (e.g. app_pages/review.py) can `from app_pages.common import load` to get the
same cached Dataset.
"""

from __future__ import annotations

import streamlit as st

from incidents import dataset
from incidents.geo import ATTRIBUTION
from incidents.store import open_store


@st.cache_resource(show_spinner="Loading incidents…", max_entries=2)
def _load(directory: str, fingerprint: tuple) -> dataset.Dataset:
    """Load and validate; `fingerprint` (file sizes and mtimes) makes an edited CSV reload without a restart.

    A shared resource, not cache_data: cache_data would hand every rerun its own unpickled copy, which
    costs seconds at a million rows. Pages treat the Dataset as read-only.
    """
    return dataset.load(directory)


def load() -> dataset.Dataset:
    """The dataset of the configured store ($BORDERWATCH_STORE's database, else the CSVs in $BORDERWATCH_DATA,
    default ./data), reloaded whenever a CSV changes on disk or anyone commits to the database."""
    store = open_store()
    return _load(str(store.directory), store.fingerprint())


def as_of_text(ds: dataset.Dataset) -> str:
    return ds.as_of.date().isoformat() if ds.as_of is not None else "n/a"


def footer(ds: dataset.Dataset) -> None:
    st.divider()
    st.caption(f"Data through {as_of_text(ds)} (latest publication date in the sources ledger of the reviewed records). {ATTRIBUTION}")
