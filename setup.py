"""Packaging beyond pyproject.toml: the bundled geography and rule tables (data/geo, data/extract) ship
inside the wheel as the package `incidents._data`, so an installed copy works without the repository."""

from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["incidents*"]) + ["incidents._data"],
    package_dir={"incidents._data": "data"},
    package_data={"incidents._data": ["geo/*", "extract/*", "feeds.toml"], "incidents.export": ["templates/*"]},
)
