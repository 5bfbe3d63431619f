"""Takeover opportunities: an activity offered for handover, or an actor ready to carry one."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from market.errors import InvalidField
from market.listings.fields import apply_fields
from market.listings.filters import accepts, at_most_maturity, equals
from market.listings.schemas import TakeoverCreate, TakeoverOut, TakeoverPage, TakeoverUpdate
from market.listings.spec import KindSpec, located_in
from market.listings.views import listing_fields, place
from market.models import TakeoverOpportunity
from matching import types as m

if TYPE_CHECKING:
    from market.matches.profiles import ProfileContext


async def _own(session: AsyncSession, item: TakeoverOpportunity, name: str, value: Any) -> bool:
    if name == "deadline" and value is not None and value < datetime.now(UTC).date():
        raise InvalidField(f"la date limite du {value.strftime('%d/%m/%Y')} est passée : une reprise dont la date "
                           "limite est passée ne peut plus correspondre à aucune initiative", field="deadline")
    return False


async def apply(session: AsyncSession, item: TakeoverOpportunity, fields: dict[str, Any]) -> None:
    await apply_fields(session, item, fields, text_fields=("title", "description", "actor_name"), own=_own)


def to_out(item: TakeoverOpportunity) -> TakeoverOut:
    return TakeoverOut(
        **listing_fields(item),
        direction=item.direction,
        actor_name=item.actor_name,
        actor_org_form=item.actor_org_form,
        title=item.title,
        commune=item.commune_code,
        place=place(item.commune),
        radius_km=item.radius_km,
        min_maturity=item.min_maturity,
        economic_purposes=list(item.economic_purposes or []),
        deadline=item.deadline,
    )


def search_body(item: TakeoverOpportunity) -> str:
    return " ".join([item.actor_name, item.description, item.commune.name if item.commune else ""])


def profile(item: TakeoverOpportunity, ctx: ProfileContext) -> m.Takeover:
    return m.Takeover(
        **ctx.common(item), direction=item.direction, actor_name=item.actor_name, actor_org_form=item.actor_org_form,
        title=item.title, place=ctx.place(item.commune), radius_km=float(item.radius_km),
        min_maturity=item.min_maturity, economic_purposes=tuple(item.economic_purposes or ()),
        deadline=item.deadline,
    )


SPEC = KindSpec(
    kind="takeover",
    resource="takeover-opportunities",
    label="reprise d'activité",
    model=TakeoverOpportunity,
    create=TakeoverCreate,
    update=TakeoverUpdate,
    out=TakeoverOut,
    page=TakeoverPage,
    title_attr="title",
    apply=apply,
    to_out=to_out,
    search_body=search_body,
    territory=located_in(TakeoverOpportunity),
    profile=profile,
    filters={
        "theme": accepts(TakeoverOpportunity.themes),
        "maturity": at_most_maturity(TakeoverOpportunity.min_maturity),
        "economic_purpose": accepts(TakeoverOpportunity.economic_purposes),
        "org_form": equals(TakeoverOpportunity.actor_org_form),
        "direction": equals(TakeoverOpportunity.direction),
    },
)
