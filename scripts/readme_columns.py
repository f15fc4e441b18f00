"""Regenerate the column tables in README.md from incidents/schema.py (tests/test_readme.py checks them)."""

import re
from pathlib import Path

from incidents.schema import INCIDENTS, SOURCES, markdown_table

readme = Path(__file__).resolve().parent.parent / "README.md"
text = readme.read_text(encoding="utf-8")
for table in (INCIDENTS, SOURCES):
    text = re.sub(rf"(<!-- columns:{table.name} -->\n).*?(\n<!-- /columns -->)",
                  lambda m: m.group(1) + markdown_table(table) + m.group(2), text, flags=re.S)
readme.write_text(text, encoding="utf-8")
