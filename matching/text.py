"""Text normalisation shared by search, territory look-up and skill matching."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower-case, strip accents and ligatures: 'Œuvre Héricourt' -> 'oeuvre hericourt'."""
    text = text.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def words(text: str) -> list[str]:
    """Folded words, punctuation, apostrophes and hyphens removed: "Pays d'Héricourt" -> [pays, d, hericourt]."""
    return [w for w in _NON_WORD.split(fold(text)) if w]


def simplify(text: str) -> str:
    return " ".join(words(text))
