"""The package as a user installs it: a built wheel (not this checkout) carries the geography, the rule
tables and the brief template, and `incidents validate` works from it on the bundled data."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow  # builds and installs a wheel


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(out)], check=True, cwd=tmp_path_factory.getbasetemp())
    (found,) = out.glob("borderwatch-*.whl")
    return found


def test_wheel_carries_geography_rules_and_templates(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in ("incidents/_data/geo/gazetteer.csv", "incidents/_data/geo/countries.geojson",
                     "incidents/_data/geo/border_districts.csv", "incidents/_data/extract/event_cues.csv",
                     "incidents/export/templates/brief.html", "incidents/store/transaction.py",
                     "incidents/_data/feeds.toml"):
        assert required in names, required
    assert not any(n.startswith("incidents/_data/incidents") for n in names)  # the dataset is not package data


def test_installed_wheel_validates_the_bundled_data(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True)
    away = tmp_path / "elsewhere"  # not the checkout: nothing can be found through the working directory
    away.mkdir()
    env = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin", "BORDERWATCH_CACHE": "off", "HOME": str(tmp_path)}
    where = subprocess.run([sys.executable, "-c", "import incidents, incidents.config as c; "
                            "print(incidents.__file__); print(c.geo_dir())"],
                           capture_output=True, text=True, cwd=away, env=env, check=True).stdout.split()
    assert where[0].startswith(str(target)) and where[1].startswith(str(target)), where
    run = subprocess.run([sys.executable, "-m", "incidents", "validate", "--data", str(ROOT / "data")],
                         capture_output=True, text=True, cwd=away, env=env)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 errors" in run.stdout.splitlines()[-1]
