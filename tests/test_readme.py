"""The README's two commands stay true: .ci/run runs exactly the README's test command."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_cmd = "python3 -m venv .venv && .venv/bin/pip install -q '.[test]' && .venv/bin/python -m pytest"
    assert test_cmd in readme and test_cmd in ci
    assert "python3 -m venv .venv && .venv/bin/pip install -q . && .venv/bin/annotator" in readme
    assert readme.count("## ") < 40 and len(readme) < 60_000  # a sane, readable document


def test_readme_key_tables_come_from_the_key_registry():
    import re

    from annotator.tui.keys import REVIEW, REVIEW_TAG_KEYS_HELP, TAG_KEYS_HELP, TAGGING, readme_table

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, specs, first in (("tagging", TAGGING, TAG_KEYS_HELP), ("review", REVIEW, REVIEW_TAG_KEYS_HELP)):
        block = re.search(rf"<!-- keys:{name} .*?-->\n(.*?)\n<!-- /keys:{name} -->", readme, re.S)
        assert block and block.group(1) == readme_table(specs, first), f"regenerate the {name} key table"
