"""Writing the fields every kind of listing shares: the sent fields, texts, commune, contact, skills."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import msgspec
from msgspec import UNSET
from sqlalchemy.ext.asyncio import AsyncSession

from market.reference.territories import get_commune
from market.validators import clean_text, unique
from market.vocabulary import SKILLS
from matching.skills import normalise_skill

OwnFields = Callable[[AsyncSession, Any, str, Any], Awaitable[bool]]


async def apply_fields(
    session: AsyncSession,
    item: Any,
    fields: dict[str, Any],
    *,
    text_fields: tuple[str, ...],
    own: OwnFields | None = None,
) -> None:
    """Set sent fields on a listing: the kind's own rules first (`own` returns True when it took the
    field), then the shared ones: trimmed texts, commune, contact, de-duplicated code lists."""
    for name, value in fields.items():
        if own is not None and await own(session, item, name, value):
            continue
        if name in text_fields:
            setattr(item, name, clean_text(value, name))
        elif name == "commune":
            item.commune = await get_commune(session, value)
            item.commune_code = value
        elif name == "contact":
            apply_contact(item, value)
        elif isinstance(value, list):
            setattr(item, name, unique(value))
        else:
            setattr(item, name, value)


def sent_fields(data: msgspec.Struct) -> dict[str, Any]:
    """The fields a request actually sent (UNSET ones left out)."""
    return {name: value for name in data.__struct_fields__ if (value := getattr(data, name)) is not UNSET}


def apply_contact(listing: Any, contact: Any) -> None:
    listing.contact_name = contact.name.strip()
    listing.contact_email = contact.email.strip()
    listing.contact_phone = contact.phone.strip() if contact.phone else None


def normalised_skills(texts: list[str]) -> list[dict[str, Any]]:
    """Each free-text skill with the taxonomy label it was recognised as (or none) and the score."""
    found = [normalise_skill(text, SKILLS) for text in texts]
    return [{"text": f.text, "skill": f.skill, "score": f.score} for f in found]
