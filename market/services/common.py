"""What the four kinds of listing share: the kind spec, field helpers and the output pieces."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import msgspec
from msgspec import UNSET
from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from market.errors import InvalidField
from market.models import Commune, Organisation
from market.schemas import OrganisationRef, Place, SkillMatch
from market.territories import get_commune
from market.vocabulary import SKILLS
from matching.skills import normalise_skill
from matching.text import simplify

# A filter builder gets the filter's value and the dialect name and returns a SQL condition.
FilterBuilder = Callable[[Any, str], ColumnElement[bool]]


@dataclass(frozen=True)
class KindSpec:
    """Everything the generic listing service needs to know about one kind of listing."""

    kind: str
    resource: str
    label: str
    model: type
    create: type[msgspec.Struct]
    update: type[msgspec.Struct]
    out: type[msgspec.Struct]
    page: type[msgspec.Struct]
    title_attr: str
    apply: Callable[[AsyncSession, Any, dict[str, Any]], Any]
    to_out: Callable[[Any], msgspec.Struct]
    search_body: Callable[[Any], str]
    filters: dict[str, FilterBuilder] = field(default_factory=dict)
    located: bool = True


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


def normalised_skills(texts: list[str]) -> list[dict[str, Any]]:
    return [msgspec.structs.asdict(_skill(t)) for t in texts]


def _skill(text: str) -> SkillMatch:
    found = normalise_skill(text, SKILLS)
    return SkillMatch(text=found.text, skill=found.skill, score=found.score)


def apply_contact(listing: Any, contact: Any) -> None:
    listing.contact_name = contact.name.strip()
    listing.contact_email = contact.email.strip()
    listing.contact_phone = contact.phone.strip() if contact.phone else None


def check_siren(siren: str) -> str:
    """A SIREN is 9 digits with a Luhn check digit (La Poste's historic numbers excepted)."""
    total = 0
    for position, char in enumerate(reversed(siren)):
        digit = int(char) * (2 if position % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    if total % 10 and not siren.startswith("356000000"):
        raise InvalidField("numéro SIREN invalide (clé de contrôle fausse)", field="siren")
    return siren


def place(commune: Commune) -> Place:
    return Place(
        code=commune.code,
        name=commune.name,
        postal_codes=list(commune.postal_codes or []),
        epci=commune.epci_code,
        department=commune.department_code,
        region=commune.region_code,
        lat=commune.lat,
        lon=commune.lon,
    )


def organisation_ref(organisation: Organisation | None) -> OrganisationRef | None:
    if organisation is None:
        return None
    return OrganisationRef(id=organisation.id, slug=organisation.slug, name=organisation.name, kind=organisation.kind)


def listing_fields(listing: Any) -> dict[str, Any]:
    """Output fields every listing shares."""
    return {
        "id": listing.id,
        "slug": listing.slug,
        "status": listing.status,
        "description": listing.description,
        "themes": list(listing.themes or []),
        "organisation": organisation_ref(listing.organisation),
        "created_at": listing.created_at,
        "updated_at": listing.updated_at,
        "published_at": listing.published_at,
    }


def skill_matches(rows: list[dict[str, Any]] | None) -> list[SkillMatch]:
    return [SkillMatch(**row) for row in rows or []]
