"""Volunteer offers: businesses' skills-based volunteering (mécénat de compétences)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from market.errors import InvalidField
from market.models import VolunteerOffer
from market.schemas import VolunteerOfferCreate, VolunteerOfferOut, VolunteerOfferPage, VolunteerOfferUpdate
from market.services.common import (
    KindSpec,
    apply_fields,
    listing_fields,
    normalised_skills,
    place,
    skill_matches,
    unique,
)
from market.services.filters import accepts, equals


async def _own(session: AsyncSession, item: VolunteerOffer, name: str, value: Any) -> bool:
    if name != "skills":
        return False
    item.skills = unique([s.strip() for s in value if s.strip()])
    if not item.skills:
        raise InvalidField("indiquez au moins une compétence", field="skills")
    item.skills_normalised = normalised_skills(item.skills)
    return True


async def apply(session: AsyncSession, item: VolunteerOffer, fields: dict[str, Any]) -> None:
    await apply_fields(session, item, fields, text_fields=("title", "description", "business_name"), own=_own)


def to_out(item: VolunteerOffer) -> VolunteerOfferOut:
    return VolunteerOfferOut(
        **listing_fields(item),
        business_name=item.business_name,
        title=item.title,
        skills=list(item.skills or []),
        skills_normalised=skill_matches(item.skills_normalised),
        hours=item.hours,
        remote_ok=item.remote_ok,
        commune=item.commune_code,
        place=place(item.commune),
        radius_km=item.radius_km,
    )


def search_body(item: VolunteerOffer) -> str:
    return " ".join([item.business_name, item.description, *(item.skills or [])])


SPEC = KindSpec(
    kind="volunteer_offer",
    resource="volunteer-offers",
    label="offre de mécénat de compétences",
    model=VolunteerOffer,
    create=VolunteerOfferCreate,
    update=VolunteerOfferUpdate,
    out=VolunteerOfferOut,
    page=VolunteerOfferPage,
    title_attr="title",
    apply=apply,
    to_out=to_out,
    search_body=search_body,
    filters={
        "theme": accepts(VolunteerOffer.themes),
        "remote_ok": equals(VolunteerOffer.remote_ok),
    },
)
