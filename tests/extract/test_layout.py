"""The extractor's package layout (issue #10): every rule table is loaded by rules.load(directory), so a custom
rules directory changes what the extractor does; extraction does not depend on the scorer; modules stay small."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from incidents import config
from incidents.extract import extract_article
from incidents.extract import rules as R
from incidents.extract.counts import find_counts, victim_group
from incidents.extract.dates import find_dates
from incidents.extract.places import find_places

PACKAGE = Path(R.__file__).parent


def _rules_with(tmp_path: Path, table: str, row: str) -> R.Rules:
    """The rules of a copy of data/extract/ with `row` appended to `table`."""
    directory = tmp_path / "rules"
    shutil.copytree(config.rules_dir(), directory)
    path = directory / table
    text = path.read_text(encoding="utf-8")
    path.write_text(text + ("" if text.endswith("\n") else "\n") + row + "\n", encoding="utf-8")
    return R.load(str(directory))


def _rows(text: str, rules: R.Rules) -> list[dict]:
    return extract_article("t.txt", text="published: 2025-12-25\nlanguage: en\n\n" + text, rules=rules)


# table, the row added to it, what the extractor gives (a function of the rules), with the default and the custom rules
CUSTOM_TABLES = [
    ("victim_groups.csv", r"forces,\brangers?\b,en,",
     lambda r: victim_group("two rangers were killed", "en", r), "", "forces"),
    ("scope_areas.csv", "out_border,AFG-TJK,",
     lambda r: len(_rows("Two Tajik border guards were killed in a clash on the Tajik-Afghan border on December 20.", r)),
     1, 0),
    ("count_markers.csv", r"\bofficials said\s*$,partitive,en,",
     lambda r: [c.value for c in find_counts("Officials said 3 guards were killed.", "en", rules=r)], [3], []),
    ("future_markers.csv", r"\bsoon\b,en,",
     lambda r: [d.future for d in find_dates("talks soon on March 12", "en", rules=r)], [False], [True]),
    ("place_roles.csv", r"\bvia\s+$,origin,en,",
     lambda r: [p.role for p in find_places("They came via Isfara.", rules=r)], [""], ["origin"]),
    ("place_stopwords.csv", "Isfara,",
     lambda r: [p.name for p in find_places("The clash took place near Isfara.", rules=r)], ["Isfara"], []),
    ("prior_markers.csv", r"\bonce again\b,en,",  # an earlier incident gets no 'week before publication'
     lambda r: [x["date_precision"] for x in _rows("A border guard was killed in a clash near Isfara, once again.", r)],
     ["week"], ["unknown"]),
    ("series_words.csv", r"\braid\b,en,",  # a total is the toll of a series
     lambda r: [x["killed"] for x in _rows("In total, five soldiers were killed on December 20 in a raid near Isfara.", r)],
     [""], [5]),
    ("modality.csv", r"\breportedly\b,en,",
     lambda r: len(_rows("Reportedly three guards were killed in a clash near Isfara.", r)), 1, 0),
    ("anaphora.csv", r"^Officials\b,en,",
     lambda r: ["Officials" in x["evidence"] for x in _rows("On December 20 a clash broke out near Isfara. "
                                                            "Officials confirmed the news.", r)], [False], [True]),
    ("attribution.csv", r"^Radio Ozodi\b,en,",
     lambda r: ["The guards" in x["evidence"] for x in _rows("On December 20 a clash broke out near Isfara. "
                                                             "Radio Ozodi said so. The guards held the post.", r)],
     [False], [True]),
    ("no_casualties.csv", r"\bunharmed\b,en,",
     lambda r: [x["killed"] for x in _rows("On December 20 a clash broke out near Isfara; all guards were unharmed.", r)],
     [""], [0]),
]


@pytest.mark.parametrize("table,row,probe,default,custom", CUSTOM_TABLES, ids=[c[0] for c in CUSTOM_TABLES])
def test_a_custom_rules_directory_changes_the_extractor(tmp_path, table, row, probe, default, custom):
    assert probe(R.load()) == default
    assert probe(_rules_with(tmp_path, table, row)) == custom


def test_only_rules_names_a_rule_table():
    tables = sorted(p.name for p in config.rules_dir().glob("*.csv"))
    for module in sorted(PACKAGE.glob("*.py")):
        if module.name == "rules.py":
            continue
        text = module.read_text(encoding="utf-8")
        named = [t for t in tables if t in text]
        assert not named, f"{module.name} names rule tables {named}: take them from the Rules it is given"
        assert "R.read(" not in text and "rules.read(" not in text, module.name


def test_extraction_does_not_import_the_scorer():
    for module in sorted(PACKAGE.glob("*.py")):
        text = module.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(?:from\s+\S*evaluate\S*\s+import|import\s+\S*evaluate)|from\s+\.\.?\s+import\s+[^\n]*\bevaluate\b",
                             text, re.M), f"{module.name} imports the scorer (incidents.evaluate)"


def test_no_module_is_long_and_each_says_what_it_owns():
    for module in sorted(PACKAGE.glob("*.py")):
        text = module.read_text(encoding="utf-8")
        assert text.count("\n") <= 450, f"{module.name}: {text.count(chr(10))} lines"
        assert text.startswith('"""'), f"{module.name} has no docstring"


@pytest.mark.parametrize("content,why", [
    ("pattern,lang,note\n\\bмог\\w*,ru,\n".encode("cp1251"), "not UTF-8"),
    (b"pattern,lang,note\n(unclosed,en,\n", "missing \\)"),
    (b"pattern,note\nx,\n", "missing column 'lang'"),
    (None, "file not found"),
])
def test_unreadable_rule_table_names_the_file(tmp_path, content, why):
    directory = tmp_path / "rules"
    shutil.copytree(config.rules_dir(), directory)
    if content is None:
        (directory / "modality.csv").unlink()
    else:
        (directory / "modality.csv").write_bytes(content)
    with pytest.raises(R.RuleTableError, match=f"modality.csv.*{why}"):
        R.load(str(directory))
