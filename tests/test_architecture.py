"""The shape of the product: domain modules never import Textual; only the store writes SQL."""

from __future__ import annotations

import ast
import re
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / "annotator"
SQL = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE)\s+(\w+|\*)?\s*(FROM|INTO|\w+\s+SET|count|\()", re.I)


def modules():
    return [p for p in PKG.rglob("*.py")]


def imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_domain_modules_do_not_import_textual():
    offenders = [p for p in modules() if "tui" not in p.parts and "textual" in imported(p)]
    assert offenders == []


def test_sql_only_in_the_store():
    offenders = []
    for p in modules():
        if "store" in p.relative_to(PKG).parts:  # the annotator/store/ package owns the SQL
            continue
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.search(node.value):
                offenders.append(f"{p.name}: {node.value[:40]}")
    assert offenders == []


def test_import_linter_contracts_hold(monkeypatch):
    """The pipeline's direction (pyproject.toml [tool.importlinter]): core ← store ← ingest ←
    annotate | measure | publish ← tui ← cli, and no domain module imports textual, click or rich."""
    from importlinter.cli import lint_imports

    root = PKG.parent
    monkeypatch.chdir(root)
    assert lint_imports(config_filename=str(root / "pyproject.toml")) == 0


def test_the_cli_group_is_complete_on_import():
    from annotator.cli import cli

    assert {"import", "docs", "tag", "review", "assign", "suggest", "agree", "stats", "progress", "export", "merge",
            "backup", "restore", "index", "taxonomy", "report"} == set(cli.commands)
