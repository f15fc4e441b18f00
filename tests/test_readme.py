"""The README stays true: its commands are what CI runs, its column tables match the schema."""

import re
from pathlib import Path

from incidents.schema import INCIDENTS, SOURCES, markdown_table

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _bash_blocks() -> list[str]:
    return re.findall(r"```bash\n(.*?)```", README, flags=re.S)


def test_ci_runs_the_readme_test_command():
    test_cmd = next(b.strip() for b in _bash_blocks() if "pytest" in b)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_cmd in ci.splitlines()


def test_readme_run_command_starts_the_dashboard_in_a_virtual_environment():
    run = _bash_blocks()[0]
    assert "python3 -m venv .venv && . .venv/bin/activate" in run  # stock Debian refuses pip outside a venv
    assert run.strip().endswith("pip install -e . && streamlit run dashboard.py")


def test_readme_code_layout_names_every_folder_of_the_package():
    layout = README.split("## Code layout", 1)[1].split("\n## ", 1)[0]
    folders = sorted(p.name for p in (ROOT / "incidents").iterdir() if p.is_dir() and not p.name.startswith("_"))
    for name in folders:
        assert f"  {name}/" in layout, f"README's Code layout does not mention incidents/{name}/"


def test_column_tables_match_the_schema():
    for table in (INCIDENTS, SOURCES):
        block = README.split(f"<!-- columns:{table.name} -->\n", 1)[1].split("\n<!-- /columns -->", 1)[0]
        assert block == markdown_table(table), f"run `python scripts/readme_columns.py` to regenerate the {table.name} table"


def test_geonames_credit_is_visible():
    assert "GeoNames, geonames.org, licensed CC BY 4.0" in README
