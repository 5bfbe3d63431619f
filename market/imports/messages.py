"""The schema's refusals (msgspec) said in French, for the person who fills the file."""

from __future__ import annotations

import re

_MESSAGES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"Object missing required field `(.+)`"), "valeur obligatoire manquante"),
    (re.compile(r"Object contains unknown field `(.+)`"), "ce champ ne se donne qu'à la création (pas en mise à jour)"),
    (re.compile(r"Expected `array` of length <= (\d+)"), r"trop de valeurs (au plus \1)"),
    (re.compile(r"Expected `array` of length >= (\d+)"), r"trop peu de valeurs (au moins \1)"),
    (re.compile(r"Expected `str` of length <= (\d+)"), r"trop long (au plus \1 caractères)"),
    (re.compile(r"Expected `str` of length >= (\d+)"), r"trop court (au moins \1 caractères)"),
    (re.compile(r"Expected `str` matching regex"), "format invalide"),
    (re.compile(r"Expected `int` <= (\S+)"), r"valeur trop grande (au plus \1)"),
    (re.compile(r"Expected `int` >= (\S+)"), r"valeur trop petite (au moins \1)"),
    (re.compile(r"Invalid enum value '(.*)'"), r"code inconnu : « \1 »"),
    (re.compile(r"Invalid RFC3339 encoded date"), "date invalide (AAAA-MM-JJ ou JJ/MM/AAAA attendu)"),
    (re.compile(r"Expected `(\w+)`, got `(\w+)`"), r"type inattendu (\1 attendu)"),
]
_PATH = re.compile(r" - at `\$\.?([^`]*)`")
_MISSING = re.compile(r"(?:missing required|contains unknown) field `([^`]+)`")


def french(message: str) -> tuple[str, str]:
    """(the field at fault as the API names it, `contact.email` or `themes[1]`; the French reason)."""
    at = _PATH.search(message)
    path = at.group(1) if at else ""
    missing = _MISSING.search(message)
    if missing:
        path = f"{path}.{missing.group(1)}" if path else missing.group(1)
    text = _PATH.sub("", message)
    for pattern, replacement in _MESSAGES:
        if pattern.search(text):
            return path, pattern.sub(replacement, text) if "\\" in replacement else replacement
    return path, text
