"""Bad files get a clear message naming the file and the problem, and nothing partial is written."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.errors import InputError
from annotator.ingest.formats import extract
from annotator.ingest.importer import import_paths
from annotator.store import Store
REPORT = "一、基本情况\n\n区政协围绕中心工作开展协商议政。全年召开常委会议4次，提出提案120件。\n"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def counts(db: Path) -> tuple[int, int, int]:
    s = Store(db)
    return s.count_documents(), s.count_units(None), len(s.events())


@pytest.mark.parametrize("name,data,problem", [
    ("truncated-utf8.txt", (REPORT * 20).encode("utf-8")[:-2], "truncated UTF-8"),
    ("truncated-gb.txt", (REPORT * 20).encode("gb18030")[:-2], "truncated GB18030"),
    ("damaged-utf8.txt", (REPORT * 20).encode("utf-8")[:40] + b"\xff\xfe" + (REPORT * 20).encode("utf-8")[40:],
     "damaged UTF-8"),
    ("empty.txt", b"", "empty file"),
    ("blank.txt", b" \n\r\n\t\n", "empty file"),
    ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary file"),
    ("program.txt", b"\x7fELF\x02\x01\x01\x00" + bytes(200), "binary file"),
    ("latin.txt", "Ünïcödé façade ñ".encode("latin-1") * 3 + bytes([0x81, 0x8d, 0x8f]) * 50, "encoding"),
])
def test_bad_file_is_named_refused_and_writes_nothing(seeded_db, tmp_path, name, data, problem):
    before = counts(seeded_db)
    bad = tmp_path / name
    bad.write_bytes(data)
    r = run("--db", seeded_db, "import", bad)
    assert r.exit_code == (0 if problem == "empty file" else 1), r.output  # empty: skipped, not an error
    assert str(bad) in r.output and problem in r.output and "Traceback" not in r.output
    assert counts(seeded_db) == before


def test_good_files_beside_bad_ones_still_import_each_all_or_nothing(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(REPORT, encoding="utf-8")
    (folder / "b.txt").write_bytes(REPORT.encode("utf-8")[:-2])
    (folder / "c.txt").write_bytes(REPORT.encode("gb18030"))  # same text as a.txt: a duplicate
    (folder / "d.txt").write_bytes(bytes(range(256)))
    db = tmp_path / "t.db"
    r = run("--db", db, "import", folder)
    assert r.exit_code == 1
    assert "b.txt" in r.output and "d.txt" in r.output
    s = Store(db)
    assert s.count_documents() == 1
    r = run("--db", db, "import", folder / "a.txt")  # importing again: nothing new
    assert r.exit_code == 0 and "0 documents added" in r.output and Store(db).count_documents() == 1


@pytest.mark.slow
def test_fifty_megabyte_single_line(tmp_path):
    sentence = "区政协围绕中心工作开展协商议政，提出提案120件；委员履职尽责。"
    one_line = (sentence * (50_000_000 // len(sentence.encode("utf-8")) + 1)).encode("utf-8")
    cut = 50_000_000 - (50_000_000 % len(sentence.encode("utf-8")))
    path = tmp_path / "huge.txt"
    path.write_bytes(b"# " + one_line[:cut])
    db = tmp_path / "huge.db"
    store = Store(db)
    report = import_paths(store, [path])
    assert len(report.added) == 1 and not report.refused
    n = store.count_units("sentence")
    assert n == cut // len(sentence.encode("utf-8"))
    first, last = store.sentence_at(1), store.sentence_at(n)
    assert first.text == sentence and last.text == sentence and "\n" not in last.text


def test_not_a_text_file_at_all(seeded_db, tmp_path):
    r = run("--db", seeded_db, "import", tmp_path / "missing.txt")
    assert r.exit_code != 0 and "missing.txt" in r.output and "Traceback" not in r.output


def test_export_into_missing_folder_is_created_and_unwritable_folder_is_refused(double_db, tmp_path):
    out = tmp_path / "new" / "deeper" / "x.jsonl"
    assert run("--db", double_db, "export", "--out", out, "--no-agreement").exit_code == 0
    assert out.exists() and out.with_name("x.meta.json").exists()
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    immutable = subprocess.run(["chattr", "+i", str(locked)], capture_output=True).returncode == 0
    try:
        probe = locked / "probe"
        try:
            probe.touch()
            probe.unlink()
            pytest.skip("cannot make a folder unwritable for this user here")
        except OSError:
            pass
        r = run("--db", double_db, "export", "--out", locked / "x.jsonl", "--no-agreement")
        assert r.exit_code == 1 and "cannot write" in r.output and str(locked) in r.output
        assert "Traceback" not in r.output and list(locked.iterdir()) == []
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(locked)], check=True)
        locked.chmod(0o755)


def test_docx_zip_bomb_is_refused_before_parsing(tmp_path):
    import zipfile

    import docx

    good = tmp_path / "w.docx"
    d = docx.Document()
    d.add_paragraph("坚持以人民为中心。")
    d.save(str(good))
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":  # 200 MB of padding inside the body
                data = data.replace(b"<w:body>", b"<w:body>" + b" " * (200 * 1024 * 1024), 1)
            dst.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    with pytest.raises(InputError) as err:
        extract(bomb)
    assert "inflates to" in err.value.reason and "\n" not in err.value.reason


def test_symlinks_out_of_an_imported_folder_are_not_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(REPORT, encoding="utf-8")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "own.txt").write_text(REPORT.replace("120", "121"), encoding="utf-8")
    (folder / "link.txt").symlink_to(outside / "secret.txt")
    (folder / "dir").symlink_to(outside, target_is_directory=True)
    (folder / "inner.txt").symlink_to(folder / "own.txt")  # inside the folder: read (same content)
    store = Store(tmp_path / "a.db")
    report = import_paths(store, [folder])
    assert sorted(Path(p).name for p in report.links_out) == ["dir", "link.txt"]
    assert [Path(p).name for p in report.added] == ["inner.txt"] or [Path(p).name for p in report.added] == ["own.txt"]
    assert "2 symbolic links out of the folder not followed" in report.summary()
    store.close()
