"""Initiatives: citizen projects saying where they stand and what they need."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from market.errors import InvalidField
from market.listings.fields import apply_fields, normalised_skills
from market.listings.filters import contains, equals
from market.listings.schemas import InitiativeCreate, InitiativeOut, InitiativePage, InitiativeUpdate
from market.listings.spec import KindSpec, located_in
from market.listings.views import listing_fields, place, skill_matches
from market.models import Initiative
from market.pledges.receipts import TAX_RECEIPT_ORG_FORMS
from market.validators import check_siren, unique
from matching import types as m

if TYPE_CHECKING:
    from market.matches.profiles import ProfileContext


async def _own(session: AsyncSession, item: Initiative, name: str, value: Any) -> bool:
    if name == "skills_needed":
        item.skills_needed = unique([s.strip() for s in value if s.strip()])
        item.skills_normalised = normalised_skills(item.skills_needed)
    elif name == "siren":
        item.siren = check_siren(value) if value else None
    else:
        return False
    return True


async def apply(session: AsyncSession, item: Initiative, fields: dict[str, Any]) -> None:
    await apply_fields(session, item, fields, text_fields=("title", "description"), own=_own)
    check_tax_receipt(item)


def check_tax_receipt(item: Initiative) -> None:
    """Only organisations of general interest issue reçus fiscaux: the owner's declaration is refused
    for forms that cannot be one (companies, cooperatives, informal groups)."""
    if item.tax_receipt_eligible and item.org_form not in TAX_RECEIPT_ORG_FORMS:
        raise InvalidField(
            "seuls les associations et les organismes publics d'intérêt général peuvent délivrer un reçu fiscal",
            field="tax_receipt_eligible",
        )


def to_out(item: Initiative) -> InitiativeOut:
    return InitiativeOut(
        **listing_fields(item),
        title=item.title,
        commune=item.commune_code,
        place=place(item.commune),
        maturity=item.maturity,
        economic_purpose=item.economic_purpose,
        org_form=item.org_form,
        stance=item.stance,
        needs=list(item.needs or []),
        skills_needed=list(item.skills_needed or []),
        skills_normalised=skill_matches(item.skills_normalised),
        funding_goal_cents=item.funding_goal_cents,
        team_size=item.team_size,
        siren=item.siren,
        rna=item.rna,
        tax_receipt_eligible=bool(item.tax_receipt_eligible),
    )


def search_body(item: Initiative) -> str:
    return " ".join([item.description, *(item.skills_needed or []), item.commune.name if item.commune else ""])


def profile(item: Initiative, ctx: ProfileContext) -> m.Initiative:
    return m.Initiative(
        **ctx.common(item), title=item.title, place=ctx.place(item.commune), maturity=item.maturity,
        economic_purpose=item.economic_purpose, org_form=item.org_form, stance=item.stance,
        needs=tuple(item.needs or ()), skills_needed=tuple(item.skills_needed or ()),
    )


SPEC = KindSpec(
    kind="initiative",
    resource="initiatives",
    label="initiative",
    model=Initiative,
    create=InitiativeCreate,
    update=InitiativeUpdate,
    out=InitiativeOut,
    page=InitiativePage,
    title_attr="title",
    apply=apply,
    to_out=to_out,
    search_body=search_body,
    territory=located_in(Initiative),
    profile=profile,
    filters={
        "theme": contains(Initiative.themes),
        "maturity": equals(Initiative.maturity),
        "economic_purpose": equals(Initiative.economic_purpose),
        "org_form": equals(Initiative.org_form),
        "stance": equals(Initiative.stance),
        "need": contains(Initiative.needs),
    },
)
