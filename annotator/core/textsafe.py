"""The one sanitizer for text that reaches a terminal, and the one JSON encoder for what is written out.

User text (report text, notes, titles, names, file names, labels) is data: a control code in it must
never act on the terminal (ESC [2J clears it, OSC 52 sets the clipboard, OSC 0 retitles the window,
BEL rings, C1 CSI moves the cursor), and bidi overrides must not reorder what follows. ``safe``
replaces each with one visible stand-in, one character for one (so offsets into the text stay
right): C0 → its Control Picture (␛ for ESC), DEL → ␡, C1 and bidi controls → �. Line feeds and
tabs stay. The TUI and every CLI print path use it.
"""

from __future__ import annotations

import json
import re

_SAFE = {c: 0x2400 + c for c in range(0x20) if c not in (0x09, 0x0A)}
_SAFE[0x7F] = 0x2421
_SAFE.update({c: 0xFFFD for c in (*range(0x80, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A))})

# JSON keeps every character, but as an escape where the raw character could act on a terminal
# that prints the JSON (C0 are escaped by the encoder already; DEL, C1, bidi controls are not).
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def safe(text: str) -> str:
    """Text as it may be shown on a terminal: never a control code."""
    return str(text).translate(_SAFE)


def to_json(obj, **kw) -> str:
    """JSON text: UTF-8 characters kept (Chinese stays readable), NaN/Infinity refused (they are not
    JSON), and every character that could act on a terminal escaped as \\uXXXX (still the same value)."""
    text = json.dumps(obj, ensure_ascii=False, allow_nan=False, **kw)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def printable_name(name) -> bool:
    """A person's name as every command accepts it (assign, merge): a non-empty string of printable
    characters (no control codes, no line breaks, no bidi overrides), no surrounding spaces."""
    return isinstance(name, str) and bool(name) and name == name.strip() and name.isprintable()
