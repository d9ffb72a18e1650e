"""Reading report files: detect the encoding, refuse what is not text, normalise line ends."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from annotator.errors import InputError

TEXT_SUFFIXES = {".txt", ".md", ".pdf", ".docx", ".html", ".htm"}  # the last four: annotator.formats


@dataclass(frozen=True)
class DecodedText:
    path: str
    text: str  # normalised: no BOM, "\n" line ends
    encoding: str
    size: int  # bytes on disk


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = len(sample.translate(None, _NOT_CONTROL))
    return controls > max(4, len(sample) // 100)


_NOT_CONTROL = bytes(b for b in range(256) if b >= 32 or b in (9, 10, 12, 13, 27))


def decode_bytes(data: bytes, path: str = "<bytes>") -> tuple[str, str]:
    """Return (text, encoding). Raise InputError for binary or undecodable data."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8"), "utf-8-sig"
    for bom, enc in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[2:].decode(enc), "utf-16"
            except UnicodeDecodeError as exc:
                raise InputError(path, f"declares UTF-16 but does not decode ({exc.reason})") from None
    if _looks_binary(data):
        raise InputError(path, "binary file, not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        _refuse_damaged_utf8(data, exc, path)
    try:  # GB18030 is a superset of GBK and GB2312, the usual legacy encodings of these reports
        text = data.decode("gb18030")
        if _mostly_cjk_or_ascii(text):
            return text, "gb18030"
    except UnicodeDecodeError as exc:
        if exc.end >= len(data) - 1 and exc.start >= len(data) - 4:
            try:
                head = data[:exc.start].decode("gb18030")
            except UnicodeDecodeError:
                head = ""
            if head and _mostly_cjk_or_ascii(head):
                raise InputError(path, f"truncated GB18030: the file ends in the middle of a character "
                                       f"(byte {exc.start}); the file was probably cut short") from None
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise InputError(path, "unknown encoding: not UTF-8, UTF-16 or GB18030, and no other encoding fits")
    text = str(best)
    if not _mostly_cjk_or_ascii(text):
        raise InputError(path, f"unknown encoding: best guess {best.encoding} gives unreadable text")
    return text, best.encoding


def _refuse_damaged_utf8(data: bytes, exc: UnicodeDecodeError, path: str) -> None:
    """UTF-8 text with a few bad bytes (a file cut short, a damaged byte) must not be read as
    GB18030, which would turn every character into different, wrong ones. UTF-8 with damage is
    recognised by its many well-formed multi-byte sequences against few malformed ones."""
    sample = data[:1_000_000]
    decoded = sample.decode("utf-8", errors="replace")
    bad = decoded.count("\ufffd")
    multibyte = sum(1 for ch in decoded if ord(ch) > 0x7F) - bad
    if multibyte < 20 * max(bad, 1):
        return  # not UTF-8 at all: try the legacy encodings
    if exc.reason == "unexpected end of data" and exc.end >= len(data) - 1:
        raise InputError(path, f"truncated UTF-8: the file ends in the middle of a character (byte {exc.start}); "
                               "the file was probably cut short")
    raise InputError(path, f"damaged UTF-8: invalid byte 0x{data[exc.start]:02x} at byte {exc.start} "
                           f"({bad} bad sequence{'s' if bad != 1 else ''} in the first MB)")


def _mostly_cjk_or_ascii(text: str) -> bool:
    if not text:
        return True
    ok = sum(1 for ch in text[:20000] if ch.isascii() or "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef")
    return ok / min(len(text), 20000) > 0.9


# Every line boundary Python knows (str.splitlines): CR, VT, FF (pdftotext's page break), FS/GS/RS,
# NEL, LINE and PARAGRAPH SEPARATOR. Each becomes LF, so no unit can hold a hidden line break.
RARE_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def normalise(text: str) -> str:
    """Every line boundary (CRLF, CR, form feed, U+2028…) becomes LF; a stray BOM is dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    if RARE_BREAKS.search(text):  # a scan is cheaper than a substitution over text that has none
        text = RARE_BREAKS.sub("\n", text)
    return text


def read_text(path: Path | str) -> DecodedText:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(str(p), f"cannot read: {exc.strerror or exc}") from None
    if not data.strip():
        raise InputError(str(p), "empty file")
    text, enc = decode_bytes(data, str(p))
    text = normalise(text)
    if not text.strip():
        raise InputError(str(p), "empty file")
    return DecodedText(str(p), text, enc, len(data))


def find_text_files(paths: list[str | Path]) -> list[Path]:
    """Files given, plus .txt/.md files found recursively in folders, in sorted order."""
    found: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in TEXT_SUFFIXES))
        else:
            found.append(p)
    return found
