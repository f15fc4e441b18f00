"""Shared test fixtures: paths to the fixture tables and a throwaway copy of a data directory."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

# One Chromium for the whole session (pytest allows one Playwright sync instance per thread), shared
# by every browser test module.
from browser_support import browser  # noqa: F401,E402

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def good_dir(tmp_path) -> Path:
    """A writable copy of tests/fixtures/good (3 incidents, 4 ledger rows)."""
    dest = tmp_path / "data"
    shutil.copytree(FIXTURES / "good", dest)
    return dest


@pytest.fixture(scope="session")
def good():
    """The incidents of tests/fixtures/good, loaded (3 incidents)."""
    from incidents import dataset

    return dataset.load(FIXTURES / "good").incidents


@pytest.fixture(scope="session")
def dash():
    """The incidents of tests/fixtures/dashboard, loaded (synthetic, labelled FIXTURE)."""
    from incidents import dataset

    return dataset.load(FIXTURES / "dashboard").incidents


@pytest.fixture(autouse=True)
def _no_data_env(monkeypatch):
    """Tests choose their data directory explicitly; a developer's BORDERWATCH_DATA must not leak in."""
    monkeypatch.delenv("BORDERWATCH_DATA", raising=False)
    monkeypatch.delenv("BORDERWATCH_STORE", raising=False)  # nor a database address
    from incidents import config

    config.use_store(None)
    config.set_command(None)
    yield
    config.use_store(None)
    config.set_command(None)
