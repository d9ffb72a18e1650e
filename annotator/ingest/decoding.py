"""Reading report files: detect the encoding, refuse what is not text, normalise line ends."""

from __future__ import annotations

import codecs
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.errors import InputError

MAX_BYTES = 100_000_000  # a report larger than this is refused unless --max-size says otherwise
CHINESE_ENCODINGS = {"gb18030", "gb2312", "gbk", "cp936", "hz", "big5", "big5hkscs", "cp950"}
FOREIGN = {"cp949": "Korean (EUC-KR/CP949)", "euc_kr": "Korean (EUC-KR)", "johab": "Korean (Johab)",
           "iso2022_kr": "Korean (ISO-2022-KR)", "shift_jis": "Japanese (Shift-JIS)",
           "cp932": "Japanese (Shift-JIS/CP932)", "euc_jp": "Japanese (EUC-JP)", "iso2022_jp": "Japanese (ISO-2022-JP)"}
SNIFF_MIN_BYTES = 200  # shorter texts are too short to tell Chinese from Japanese or Korean reliably


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
    guess = _sniff(data, path)
    if guess in ("big5", "big5hkscs", "cp950"):
        try:
            return data.decode("big5hkscs"), "big5hkscs"
        except UnicodeDecodeError:
            pass
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


def _sniff(data: bytes, path: str) -> str | None:
    """The encoding charset-normalizer finds most plausible; refuse text that is plainly not Chinese
    (Korean or Japanese legacy encodings decode as GB18030 too, into wrong characters)."""
    if len(data) < SNIFF_MIN_BYTES:
        return None
    from charset_normalizer import from_bytes

    best = from_bytes(data[:2_000_000]).best()
    if best is None or best.encoding is None:
        return None
    enc = best.encoding.lower()
    if enc in FOREIGN:
        raise InputError(path, f"looks like {FOREIGN[enc]} text, not Chinese: not imported (save it as UTF-8 if it is "
                             "a Chinese report)")
    if enc not in CHINESE_ENCODINGS and not _gb18030_plausible(data):
        raise InputError(path, f"looks like {best.language or 'non-Chinese'} text in {best.encoding}, not Chinese: "
                             "not imported (save it as UTF-8 if it is a Chinese report)")
    return enc


def _gb18030_plausible(data: bytes) -> bool:
    try:
        return _mostly_cjk_or_ascii(data[:200_000].decode("gb18030", errors="strict"))
    except UnicodeDecodeError:
        return False


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


def human_size(n: int) -> str:
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if n >= size:
            return f"{n / size:,.1f} {unit}".replace(".0 ", " ")
    return f"{n} bytes"


def file_problem(path: Path, max_bytes: int = MAX_BYTES) -> str | None:
    """Why ``path`` cannot be read as a report, judged by its type and size before it is opened
    (opening a FIFO blocks, and /dev/zero or a sparse file never ends)."""
    try:
        st = os.stat(path)
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"
    mode = st.st_mode
    if not stat.S_ISREG(mode):
        kind = ("a FIFO (named pipe)" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
                else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a folder" if stat.S_ISDIR(mode)
                else "not a regular file")
        return f"{kind}, not a regular file: not read"
    if st.st_size > max_bytes:
        return f"{human_size(st.st_size)} is over the {human_size(max_bytes)} limit for one report (raise it with --max-size)"
    return None


def read_text(path: Path | str, max_bytes: int = MAX_BYTES) -> DecodedText:
    p = Path(path)
    problem = file_problem(p, max_bytes)
    if problem:
        raise InputError(str(p), problem)
    try:  # O_NONBLOCK: should it have become a FIFO since the check, the open does not hang
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(str(p), f"cannot read: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise InputError(str(p), f"over the {human_size(max_bytes)} limit for one report (raise it with --max-size)")
    if not data.strip():
        raise InputError(str(p), "empty file")
    try:
        text, enc = decode_bytes(data, str(p))
    except InputError as exc:
        raise InputError(str(p), exc.reason) from None
    text = normalise(text)
    if not text.strip():
        raise InputError(str(p), "empty file")
    return DecodedText(str(p), text, enc, len(data))


@dataclass
class Found:
    files: list[Path] = field(default_factory=list)  # to read, in order
    refused: list[tuple[str, str]] = field(default_factory=list)  # (path, why) found but not readable
    links_out: list[str] = field(default_factory=list)  # symlinks in a folder pointing out of it: not followed


def scan(paths: list[str | Path], suffixes: set[str] | frozenset[str] | None = None) -> Found:
    """Files given, plus report files found recursively in folders, in sorted order. Entries with a
    report suffix that are not regular files (FIFOs, sockets, devices) and folders that cannot be
    read are named in ``refused`` — by type, without opening them. A symbolic link inside a folder
    that points out of it (a file or a folder) is not followed; it is named in ``links_out``.
    ``suffixes`` defaults to every import format's (annotator.ingest.registry)."""
    if suffixes is None:
        from annotator.ingest.registry import suffixes as every_suffix

        suffixes = every_suffix()
    out = Found()
    for raw in paths:
        p = Path(raw)
        if not p.is_dir():
            out.files.append(p)
            continue

        def unreadable(err: OSError) -> None:
            out.refused.append((err.filename or str(p), f"cannot read this folder: {err.strerror or err}"))

        root = p.resolve()
        for folder, dirs, names in os.walk(p, onerror=unreadable):  # links to folders are not walked
            dirs.sort()
            for name in dirs:
                d = Path(folder) / name
                if d.is_symlink() and not _inside(d, root):
                    out.links_out.append(str(d))
            for name in sorted(names):
                f = Path(folder) / name
                if f.suffix.lower() not in suffixes:
                    continue
                if f.is_symlink() and not _inside(f, root):
                    out.links_out.append(str(f))
                    continue
                try:
                    regular = stat.S_ISREG(os.stat(f).st_mode)
                except OSError as exc:
                    out.refused.append((str(f), f"cannot read: {exc.strerror or exc}"))
                    continue
                if regular:
                    out.files.append(f)
                else:
                    out.refused.append((str(f), file_problem(f) or "not a regular file"))
    return out


def _inside(link: Path, root: Path) -> bool:
    try:
        return link.resolve().is_relative_to(root)
    except (OSError, RuntimeError):  # a loop of links
        return False
