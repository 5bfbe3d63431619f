"""Stored listings turned into the pieces of their response bodies."""

from __future__ import annotations

from typing import Any

from market.listings.schemas import Place, SkillMatch
from market.models import Commune, Organisation
from market.schemas import OrganisationRef


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
    return OrganisationRef(id=organisation.id, slug=organisation.slug, name=organisation.name,
                           kind=organisation.kind)


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
        "verified_at": listing.verified_at,
        "stale_since": listing.stale_at,
    }


def skill_matches(rows: list[dict[str, Any]] | None) -> list[SkillMatch]:
    return [SkillMatch(**row) for row in rows or []]
