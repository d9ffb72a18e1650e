"""Counted nouns in messages: "1 item", "2 items" (the one place plurals are decided)."""

from __future__ import annotations

_IRREGULAR = {"sentence/hour": "sentences/hour", "this": "these", "is": "are", "was": "were", "has": "have"}


def plural(word: str) -> str:
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def count(n: int, word: str, many: str | None = None) -> str:
    """``n`` and the noun in the right number: count(1, "document") → "1 document"; ``many`` for irregular
    plurals."""
    return f"{n} {word if n == 1 else (many or plural(word))}"
