"""The README and docs/ stay true: the two commands, generated tables, a strict docs build, live links."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
TEST_CMD = "python3 -m venv .venv && .venv/bin/pip install -q '.[test]' && .venv/bin/python -m pytest"
APP_CMD = "python3 -m venv .venv && .venv/bin/pip install -q . && .venv/bin/annotator"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert TEST_CMD in readme and TEST_CMD in ci
    assert APP_CMD in readme


def test_the_readme_is_read_in_two_minutes():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme) < 10_000 and 40 <= readme.count("\n") <= 170


def test_generated_sections_are_up_to_date():
    """Key tables and the CLI reference come from the code (cog); regenerate with `cog -r docs/*.md`."""
    pages = sorted(str(p) for p in DOCS.glob("*.md") if "[[[cog" in p.read_text(encoding="utf-8"))
    assert pages
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-m", "cogapp", "--check", *pages], capture_output=True, text=True,
                       env=env, cwd=ROOT)
    assert r.returncode == 0, f"run `cog -r docs/*.md`:\n{r.stdout}{r.stderr}"


LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize("page", ["README.md", *sorted(p.name for p in DOCS.glob("*.md"))])
def test_every_relative_link_points_at_a_file(page):
    path = ROOT / page if page == "README.md" else DOCS / page
    for target in LINK.findall(path.read_text(encoding="utf-8")):
        if "://" in target or target.startswith("mailto:"):
            continue
        assert (path.parent / target).exists(), f"{page}: broken link {target}"


def test_every_test_file_the_docs_name_exists():
    """The docs cite tests by path as evidence: a moved or renamed test must not leave them pointing nowhere."""
    for page in [ROOT / "README.md", ROOT / "ARCHITECTURE.md", *DOCS.glob("*.md")]:
        for path in re.findall(r"tests/[\w/]+\.py", page.read_text(encoding="utf-8")):
            assert (ROOT / path).exists(), f"{page.name} names {path}, which does not exist"


def test_the_docs_build_strictly(tmp_path):
    pytest.importorskip("mkdocs", reason="mkdocs is in the test extra")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    r = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(ROOT / "mkdocs.yml"),
                        "-d", str(tmp_path / "site")], capture_output=True, text=True, env=env, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    assert (tmp_path / "site" / "index.html").exists()
