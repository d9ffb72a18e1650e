"""One record in annotator.ingest.registry.FORMATS is all a new import format needs: the folder scan,
``import --help``, the importer and ``formats.extract`` all derive from it."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from annotator.core.model import SOURCE_FORMATS
from annotator.ingest.registry import FORMATS, format_of, suffixes


def test_registry_names_are_the_stored_formats_and_suffixes_are_unique():
    assert [f.name for f in FORMATS] == list(SOURCE_FORMATS)
    every = [s for f in FORMATS for s in f.suffixes]
    assert len(every) == len(set(every)) and all(s == s.lower() and s.startswith(".") for s in every)
    assert suffixes() == frozenset(every)
    assert format_of("a/B.HTM").name == "html" and format_of("x.csv") is None


def test_adding_one_record_is_enough(tmp_path):
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "one.rev").write_text("政协工作报告\n\n我们坚持团结和民主两大主题。", encoding="utf-8")
    (tmp_path / "reports" / "skip.csv").write_text("a,b\n", encoding="utf-8")
    code = textwrap.dedent(f"""
        from pathlib import Path
        from annotator.ingest import registry

        def read_rev(path, data):
            return data.decode("utf-8"), "", ()

        registry.FORMATS += (registry.Format("rev", (".rev",), "reversed report", read_rev),)

        from click.testing import CliRunner
        from annotator.cli import cli
        from annotator.ingest.decoding import scan
        from annotator.ingest.formats import extract

        folder = Path({str(tmp_path / "reports")!r})
        assert [p.name for p in scan([folder]).files] == ["one.rev"], scan([folder]).files
        assert ".rev (reversed report)" in " ".join(CliRunner().invoke(cli, ["import", "--help"]).output.split())
        assert extract(folder / "one.rev").format == "rev"
        r = CliRunner().invoke(cli, ["--db", {str(tmp_path / "t.db")!r}, "import", str(folder)])
        assert r.exit_code == 0 and "1 document" in r.output, r.output
        print("ok")
    """)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.stdout.strip() == "ok", r.stderr[-2000:]
