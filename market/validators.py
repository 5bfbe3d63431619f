"""Value rules every feature shares: trimmed non-empty texts, de-duplicated lists, slugs, SIREN."""

from __future__ import annotations

import secrets

from market.errors import InvalidField
from matching.text import simplify


def clean_text(value: str, field_name: str) -> str:
    value = value.strip()
    if not value:
        raise InvalidField("ce champ ne peut pas être vide", field=field_name)
    return value


def unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def new_slug(title: str) -> str:
    base = simplify(title).replace(" ", "-")[:80].strip("-") or "annonce"
    return f"{base}-{secrets.token_hex(3)}"


def check_siren(siren: str) -> str:
    """A SIREN is 9 digits with a Luhn check digit (La Poste's historic numbers excepted)."""
    total = 0
    for position, char in enumerate(reversed(siren)):
        digit = int(char) * (2 if position % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    if total % 10 and not siren.startswith("356000000"):
        raise InvalidField("numéro SIREN invalide (clé de contrôle fausse)", field="siren")
    return siren
