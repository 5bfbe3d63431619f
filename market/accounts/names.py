"""One identity per person: emails and display names normalised (NFC, case-folded for comparison,
no zero-width or control characters); display names that pass for the staff, for an organisation,
or that mix scripts (a Cyrillic « а » inside a Latin name) are refused."""

from __future__ import annotations

import unicodedata

from market.errors import InvalidField
from matching.text import simplify

# The staff's titles (compared without accents, case, spaces or digits standing for letters): a word
# starting with one of STEMS, or one of WORDS, or the whole name spelled out (« a d m i n »)
STEMS = ("admin", "moderat")
WORDS = frozenset({"modo", "staff", "systeme", "system", "root", "webmaster"})


def _invisible(char: str) -> bool:
    return unicodedata.category(char) in {"Cc", "Cf", "Co", "Cs", "Cn"}


def normalise_email(email: str) -> str:
    """NFC, no invisible characters, trimmed, case-folded: the form stored and looked up."""
    text = unicodedata.normalize("NFC", email)
    return "".join(c for c in text if not _invisible(c)).strip().casefold()


def _script(char: str) -> str:
    try:
        name = unicodedata.name(char)
    except ValueError:
        return "UNKNOWN"
    if not char.isalpha():
        return "COMMON"
    return name.split(" ")[0]


def display_name(raw: str | None, organisation_names: list[str] | None = None) -> str | None:
    """The display name as stored (NFC, trimmed, inner spaces collapsed), or None when empty."""
    if raw is None:
        return None
    text = unicodedata.normalize("NFC", raw)
    if any(_invisible(c) for c in text):
        raise InvalidField("le nom affiché contient des caractères invisibles ou de contrôle", field="display_name")
    text = " ".join(text.split())
    if not text:
        return None
    if len({_script(c) for c in text} - {"COMMON"}) > 1:
        raise InvalidField("le nom affiché mélange plusieurs alphabets", field="display_name")
    words = simplify(_skeleton(text)).split()
    folded = "".join(words)
    if any(w.startswith(STEMS) or w in WORDS for w in [*words, folded]):
        raise InvalidField("ce nom affiché imite celui de l'équipe de la plateforme : choisissez-en un autre",
                           field="display_name")
    for name in organisation_names or []:
        if simplify(_skeleton(name)).replace(" ", "") == folded:
            raise InvalidField("ce nom affiché est celui d'une organisation : choisissez-en un autre",
                               field="display_name")
    return text


# Digits and signs people use to write letters (« adm1n », « m0dérateur »)
LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "|": "l"})


def _skeleton(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().translate(LEET)
