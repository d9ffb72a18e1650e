from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.resources import seeds_dir


@pytest.fixture
def runner():
    return CliRunner()


def test_every_command_has_help(runner):
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name, cmd in cli.commands.items():
        r = runner.invoke(cli, [name, "--help"])
        assert r.exit_code == 0, name
        assert cmd.help, name


def test_import_db_option_before_and_after_command(runner, tmp_path):
    db1, db2 = tmp_path / "a.db", tmp_path / "b.db"
    r1 = runner.invoke(cli, ["--db", str(db1), "import", str(seeds_dir())])
    r2 = runner.invoke(cli, ["import", str(seeds_dir()), "--db", str(db2)])
    assert r1.exit_code == 0 and r2.exit_code == 0, r1.output + r2.output
    assert "5 documents added" in r1.output and "5 documents added" in r2.output
    again = runner.invoke(cli, ["--db", str(db1), "import", str(seeds_dir())])
    assert "0 documents added, 5 unchanged" in again.output


def test_db_from_environment(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("ANNOTATOR_DB", str(tmp_path / "env.db"))
    r = runner.invoke(cli, ["import", str(seeds_dir())])
    assert r.exit_code == 0 and (tmp_path / "env.db").exists()


def test_import_refusal_exit_code_and_message(runner, tmp_path):
    (tmp_path / "ok.txt").write_text("委员提出建议。", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01binary" * 30)
    r = runner.invoke(cli, ["--db", str(tmp_path / "x.db"), "import", str(tmp_path)])
    assert r.exit_code == 1
    assert "bad.txt: binary file" in r.output
    assert "1 document added" in r.output and "1 refused" in r.output


def test_taxonomy_check_ok_and_failure(runner, tmp_path):
    ok = runner.invoke(cli, ["taxonomy", "check", str(Path(seeds_dir()).parent / "taxonomies" / "cppcc.yaml")])
    assert ok.exit_code == 0 and "[g] consultation.grassroots" in ok.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ncolour: red\ntags:\n  - {id: a, title: 甲, en: A, key: ab}\n", encoding="utf-8")
    r = runner.invoke(cli, ["taxonomy", "check", str(bad)])
    assert r.exit_code == 2
    assert f"{bad}:2: unknown field 'colour'" in r.output
    assert f"{bad}:4:" in r.output
    assert "Traceback" not in r.output


def test_taxonomy_check_takes_several_files_and_checks_every_one(runner, tmp_path):
    good = Path(seeds_dir()).parent / "taxonomies" / "cppcc.yaml"
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ncolour: red\n", encoding="utf-8")
    r = runner.invoke(cli, ["taxonomy", "check", str(good), str(bad), str(good)])
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert r.output.count("[g] consultation.grassroots") == 2  # the file after the bad one is checked too
    assert f"== {bad}" in r.output and f"{bad}:2: unknown field 'colour'" in r.output
    assert "2 taxonomies valid, 1 with problems" in r.output
    assert runner.invoke(cli, ["taxonomy", "check", str(good), str(good)]).exit_code == 0


def test_import_help_lists_every_suffix_the_scanner_reads(runner):
    from annotator.ingest.registry import suffixes

    out = runner.invoke(cli, ["import", "--help"]).output
    words = set(out.replace("(", " ").replace(")", " ").replace(",", " ").split())
    assert suffixes() <= words and {".pdf", ".docx", ".html", ".htm", ".txt", ".md"} <= words


def test_counts_take_the_right_number():
    from annotator.core.words import count

    assert [count(1, "document"), count(2, "document"), count(0, "item"), count(1, "item")] == \
        ["1 document", "2 documents", "0 items", "1 item"]
    assert count(2, "taxonomy", "taxonomies") == "2 taxonomies" and count(3, "done judgment") == "3 done judgments"


def test_missing_taxonomy_file_is_one_line(runner, tmp_path):
    r = runner.invoke(cli, ["taxonomy", "check", str(tmp_path / "nope.yaml")])
    assert r.exit_code == 2 and "cannot read" in r.output and "Traceback" not in r.output


def test_taxonomy_rule_option_then_recorded_then_bundled(runner, tmp_path):
    from annotator.store import Store
    from annotator.core.taxonomy import load_taxonomy
    from annotator.annotate.workspace import resolve_taxonomy

    db = tmp_path / "x.db"
    store = Store(db)
    assert resolve_taxonomy(store, None).name == "政协履职活动"
    custom = tmp_path / "mine.yaml"
    custom.write_text("name: 我的\ntags:\n  - {id: a, title: 甲, en: A, key: a}\n", encoding="utf-8")
    tax = load_taxonomy(custom)
    store.record_taxonomy(tax.name, tax.version, tax.hash, tax.path, tax.source)
    custom.unlink()  # the database keeps the recorded source
    assert resolve_taxonomy(store, None).name == "我的"
    r = runner.invoke(cli, ["--db", str(db), "taxonomy", "show"])
    assert "我的" in r.output


def test_not_a_database_is_a_clear_error(runner, tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite" * 100)
    r = runner.invoke(cli, ["--db", str(junk), "import", str(seeds_dir())])
    assert r.exit_code == 1 and "not an SQLite database" in r.output and "Traceback" not in r.output
