"""Hostile input at the edges: what import reads, what taxonomy loading accepts, what the CLI prints.

Each case: one clear line naming the file and the problem, the right exit code, nothing partial,
no traceback — and nothing that can hang (FIFOs, devices) is ever opened."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.core.resources import seeds_dir
from annotator.store import Store
ROOT = Path(__file__).resolve().parents[2]
SEED = sorted(seeds_dir().glob("*.txt"))[0]


def annotator(*args, timeout=120):
    """The real command in its own process (a hang fails the test instead of hanging it)."""
    return subprocess.run([sys.executable, "-m", "annotator", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "PYTHONPATH": str(ROOT)})


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def one_clean_line(text: str) -> None:
    assert "Traceback" not in text and "\x1b" not in text


@pytest.fixture
def folder(tmp_path):
    f = tmp_path / "reports"
    f.mkdir()
    shutil.copy(SEED, f / "good.txt")
    return f


def test_a_fifo_is_refused_by_type_without_opening_it(tmp_path, folder):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    os.mkfifo(folder / "also-a-pipe.txt")
    r = annotator("--db", tmp_path / "a.db", "import", fifo)
    assert r.returncode == 1 and "pipe.txt: a FIFO (named pipe), not a regular file" in r.stderr
    one_clean_line(r.stderr)
    r = annotator("--db", tmp_path / "a.db", "import", folder)
    assert r.returncode == 1 and "also-a-pipe.txt: a FIFO" in r.stderr
    assert "1 document added" in r.stdout  # the valid file beside it is imported
    assert Store(tmp_path / "a.db").count_documents() == 1


def test_devices_are_refused_by_type(tmp_path):
    r = annotator("--db", tmp_path / "a.db", "import", "/dev/zero", "/dev/urandom", SEED)
    assert r.returncode == 1
    assert "/dev/zero: a device, not a regular file" in r.stderr and "/dev/urandom: a device" in r.stderr
    assert "1 document added" in r.stdout
    one_clean_line(r.stderr)


def test_a_huge_sparse_file_is_refused_by_size_without_reading_it(tmp_path, folder):
    huge = folder / "huge.txt"
    with open(huge, "wb") as fh:
        fh.truncate(5 * 10**9)  # 5 GB of nothing, instantly
    r = annotator("--db", tmp_path / "a.db", "import", folder)
    assert r.returncode == 1 and "huge.txt: 5 GB is over the 100 MB limit" in r.stderr
    assert "--max-size" in r.stderr and "1 document added" in r.stdout


def test_the_size_limit_is_an_option(tmp_path):
    r = run("--db", tmp_path / "a.db", "import", "--max-size", "1KB", SEED)
    assert r.exit_code == 1 and "is over the 1 KB limit for one report" in r.output
    r = run("--db", tmp_path / "a.db", "import", "--max-size", "lots", SEED)
    assert r.exit_code == 2 and "not a size" in r.output


KOREAN = "대한민국 헌법은 국민의 기본권을 보장한다. 국회는 법률을 제정하고 정부는 이를 집행한다.\n" * 10
JAPANESE = "日本国憲法は国民の基本的人権を保障している。国会は法律を制定し、内閣はこれを執行する。\n" * 10
LATIN = "Le conseil municipal a délibéré sur la réforme. Les élus ont présenté leurs propositions.\n" * 10


@pytest.mark.parametrize("text,encoding,named", [(KOREAN, "euc-kr", "Korean"), (JAPANESE, "shift_jis", "Japanese"),
                                                 (LATIN, "latin-1", "not Chinese")])
def test_text_in_another_language_is_refused_naming_what_it_looks_like(tmp_path, text, encoding, named):
    p = tmp_path / f"report-{encoding}.txt"
    p.write_bytes(text.encode(encoding))
    r = run("--db", tmp_path / "a.db", "import", p)
    assert r.exit_code == 1 and f"report-{encoding}.txt: looks like" in r.output and named in r.output, r.output
    one_clean_line(r.output)


def test_chinese_in_legacy_encodings_still_imports(tmp_path):
    text = SEED.read_text(encoding="utf-8")
    (tmp_path / "gb.txt").write_bytes(text.encode("gb18030"))
    big5 = text[:2000].encode("big5", errors="ignore")
    (tmp_path / "big5.txt").write_bytes(big5)
    store_path = tmp_path / "a.db"
    r = run("--db", store_path, "import", tmp_path / "gb.txt", tmp_path / "big5.txt")
    assert r.exit_code == 0, r.output
    docs = {d["path"].rsplit("/", 1)[-1]: d for d in Store(store_path).documents()}
    assert docs["gb.txt"]["encoding"] == "gb18030"
    assert docs["big5.txt"]["encoding"] == "big5hkscs"
    assert big5.decode("big5")[:20] in Store(store_path).document(docs["big5.txt"]["id"])["text"]


def test_an_unreadable_folder_is_named(tmp_path, folder, monkeypatch):
    from annotator.ingest import decoding as textio
    real_walk = os.walk

    def walk(top, onerror=None):
        onerror(PermissionError(13, "Permission denied", str(Path(top) / "locked")))
        yield from real_walk(top, onerror=onerror)

    monkeypatch.setattr(textio.os, "walk", walk)
    found = textio.scan([folder])
    assert found.refused == [(str(folder / "locked"), "cannot read this folder: Permission denied")]
    assert [p.name for p in found.files] == ["good.txt"]


BOMB = ('a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        + "".join(f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n" for p, c in zip("abcdefgh", "bcdefghi")))
DEEP = "name: x\nfacets:\n" + "".join("  " * i + "- children:\n" for i in range(1200))


@pytest.mark.parametrize("text,problem", [(BOMB, "b.yaml:6: aliases expand to more than"),
                                          (DEEP, "b.yaml:42: nested more than 40 levels"),
                                          ("x: " + "[" * 3000 + "]" * 3000, "b.yaml:1: nested more than")],
                         ids=["billion-laughs", "deep-children", "deep-flow"])
def test_taxonomy_bombs_are_refused_with_file_and_line(tmp_path, text, problem):
    p = tmp_path / "b.yaml"
    p.write_text(text, encoding="utf-8")
    r = annotator("taxonomy", "check", p, timeout=60)
    assert r.returncode == 2 and problem in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    one_clean_line(r.stderr)
