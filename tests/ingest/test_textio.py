"""Encodings, line ends, binary and empty files."""

from __future__ import annotations

import codecs

import pytest

from annotator.core.errors import InputError
from annotator.ingest.decoding import read_text

TEXT = "政协委员开展调研。\n提出建议报告！"


@pytest.mark.parametrize("encoding,prefix", [
    ("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE),
    ("utf-16-be", codecs.BOM_UTF16_BE), ("gbk", b""), ("gb18030", b""),
])
def test_decodes_encodings(tmp_path, encoding, prefix):
    p = tmp_path / "r.txt"
    p.write_bytes(prefix + TEXT.encode(encoding))
    assert read_text(p).text == TEXT


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_crlf_and_cr_become_lf(tmp_path, newline):
    p = tmp_path / "r.txt"
    p.write_bytes(TEXT.replace("\n", newline).encode("gbk"))
    assert read_text(p).text == TEXT


def test_binary_file_is_refused_with_reason(tmp_path):
    p = tmp_path / "image.txt"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(InputError) as e:
        read_text(p)
    assert "binary" in str(e.value) and "image.txt" in str(e.value)


def test_undecodable_bytes_are_refused(tmp_path):
    p = tmp_path / "junk.txt"
    p.write_bytes(bytes([0x81, 0x30, 0xFF, 0xFE, 0xC0, 0x80]) * 50)
    with pytest.raises(InputError):
        read_text(p)


def test_empty_file_is_reported(tmp_path):
    p = tmp_path / "empty.txt"
    p.write_bytes(b"  \n\n")
    with pytest.raises(InputError, match="empty"):
        read_text(p)
