"""Volunteer offers: businesses' skills-based volunteering (mécénat de compétences)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from market.errors import InvalidField
from market.listings.fields import apply_fields, normalised_skills
from market.listings.filters import accepts, equals
from market.listings.schemas import VolunteerOfferCreate, VolunteerOfferOut, VolunteerOfferPage, VolunteerOfferUpdate
from market.listings.spec import KindSpec, located_in
from market.listings.views import listing_fields, place, skill_matches
from market.models import VolunteerOffer
from market.validators import unique
from matching import types as m

if TYPE_CHECKING:
    from market.matches.profiles import ProfileContext


async def _own(session: AsyncSession, item: VolunteerOffer, name: str, value: Any) -> bool:
    if name == "hours" and value < 1:
        raise InvalidField("une offre de 0 heure ne peut correspondre à aucune initiative : indiquez au moins "
                           "une heure de mécénat (ou archivez l'offre)", field="hours")
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


def profile(item: VolunteerOffer, ctx: ProfileContext) -> m.VolunteerOffer:
    return m.VolunteerOffer(
        **ctx.common(item), business_name=item.business_name, title=item.title, skills=tuple(item.skills or ()),
        hours=item.hours, remote_ok=item.remote_ok, place=ctx.place(item.commune),
        radius_km=float(item.radius_km),
    )


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
    territory=located_in(VolunteerOffer),
    profile=profile,
    filters={
        "theme": accepts(VolunteerOffer.themes),
        "remote_ok": equals(VolunteerOffer.remote_ok),
    },
)
