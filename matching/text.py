"""Text normalisation shared by search, territory look-up and skill matching."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

_NON_WORD = re.compile(r"[^0-9a-z]+")
FRENCH_STOP_WORDS = frozenset(
    """
    au aux avec ce ces dans de des du elle en et eux il ils je la le les leur lui ma mais me
    meme mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes
    toi ton tu un une vos votre vous c d j l a m n s t y ete etee etees etes etant suis es est
    sommes sont serai sera serons seront serais serait etais etait etions etaient fus fut ai as
    avons avez ont aurai aura aurons auront avais avait avions aviez avaient eu eue eues eus
    ceci cela cet cette ici ils les leurs quel quels quelle quelles sans soi
    """.split()  # noqa: SIM905 - a word list reads better as text
)
# Words every listing of the platform uses: they say nothing about what a listing is about.
PLATFORM_WORDS = frozenset(
    {"projet", "projets", "accompagnement", "accompagne", "accompagner", "initiative", "initiatives"}
)
_stemmer = snowballstemmer.stemmer("french")


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


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball French stem of a folded word (cached: a language has fewer words than texts)."""
    return _stemmer.stemWord(word)


@lru_cache(maxsize=100_000)
def content_words(text: str) -> frozenset[str]:
    """Stems of the words that say what a text is about (no stop words, short words or numbers)."""
    return frozenset(stem(w) for w in words(text) if len(w) > 3 and not w.isdigit() and w not in FRENCH_STOP_WORDS
                     and w not in PLATFORM_WORDS)


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Cosine of two word sets: shared words over the geometric mean of their sizes."""
    if not a or not b:
        return 0.0
    return len(a & b) / (len(a) * len(b)) ** 0.5
