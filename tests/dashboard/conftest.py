"""The dashboard tests' shared fixtures: the small fixture dataset and a Streamlit server on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from browser_support import streamlit_server
from incidents import dataset

DASH = Path(__file__).resolve().parents[1] / "fixtures" / "dashboard"


@pytest.fixture(scope="module")
def dash_ds():
    return dataset.load(DASH)


@pytest.fixture(scope="module")
def dash_url():
    with streamlit_server(DASH) as url:
        yield url
