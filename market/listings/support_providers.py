"""Support providers: structures d'accompagnement, what they offer, to whom and where."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec
from sqlalchemy import exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from market.errors import InvalidField
from market.listings.fields import apply_fields
from market.listings.filters import accepts, contains
from market.listings.schemas import (
    Area,
    AreaOut,
    SupportProviderCreate,
    SupportProviderOut,
    SupportProviderPage,
    SupportProviderUpdate,
)
from market.listings.spec import KindSpec
from market.listings.views import listing_fields
from market.models import Commune, SupportProvider, SupportProviderArea
from market.reference.territories import TerritoryRef, check_area_codes
from market.validators import unique
from matching import types as m

if TYPE_CHECKING:
    from market.matches.profiles import ProfileContext

_AREA_LEVELS = (("regions", "region"), ("departments", "department"), ("epcis", "epci"), ("communes", "commune"))


async def _own(session: AsyncSession, item: SupportProvider, name: str, value: Any) -> bool:
    if name == "offers" and not value:
        raise InvalidField("une structure qui n'offre rien ne peut correspondre à aucune initiative : indiquez au "
                           "moins une offre (locaux, financement, conseil…)", field="offers")
    if name != "area":
        return False
    await _apply_area(session, item, value)
    return True


async def apply(session: AsyncSession, item: SupportProvider, fields: dict[str, Any]) -> None:
    await apply_fields(session, item, fields, text_fields=("name", "description"), own=_own)


async def _apply_area(session: AsyncSession, item: SupportProvider, area: Area) -> None:
    if not area.national and not any(getattr(area, attr) for attr, _ in _AREA_LEVELS):
        raise InvalidField("indiquez une zone : national, régions, départements, EPCI ou communes", field="area")
    if area.radius_km is not None and not area.communes:
        raise InvalidField("un rayon s'applique à une liste de communes", field="area.radius_km")
    units = [SupportProviderArea(scope="national", code="FR")] if area.national else []
    cleaned: dict[str, Any] = {"national": area.national, "radius_km": area.radius_km}
    for attr, level in _AREA_LEVELS:
        codes = unique([c.strip().upper() for c in getattr(area, attr)])
        await check_area_codes(session, level, codes, field=f"area.{attr}")
        cleaned[attr] = codes
        units += [SupportProviderArea(scope=level, code=code) for code in codes]
    item.area = cleaned
    item.areas = units


def area_condition(ref: TerritoryRef):
    """Providers whose area reaches into the territory (national ones always do)."""
    inside = ref.commune_condition()
    unit = SupportProviderArea
    return exists(
        select(1).where(
            unit.provider_id == SupportProvider.id,
            or_(
                unit.scope == "national",
                (unit.scope == "region") & unit.code.in_(select(Commune.region_code).where(inside)),
                (unit.scope == "department") & unit.code.in_(select(Commune.department_code).where(inside)),
                (unit.scope == "epci") & unit.code.in_(select(Commune.epci_code).where(inside)),
                (unit.scope == "commune") & unit.code.in_(select(Commune.code).where(inside)),
                (unit.scope == "commune") & unit.code.in_(select(Commune.parent_code).where(inside)),
            ),
        )
    )


def to_out(item: SupportProvider) -> SupportProviderOut:
    area = {"national": False, "regions": [], "departments": [], "epcis": [], "communes": [], "radius_km": None}
    area.update(item.area or {})
    return SupportProviderOut(
        **listing_fields(item),
        name=item.name,
        area=msgspec.convert(area, AreaOut),
        maturities=list(item.maturities or []),
        economic_purposes=list(item.economic_purposes or []),
        org_forms=list(item.org_forms or []),
        stances=list(item.stances or []),
        offers=list(item.offers or []),
        capacity=item.capacity,
        free_of_charge=item.free_of_charge,
        website=item.website,
    )


def search_body(item: SupportProvider) -> str:
    return item.description


def profile(item: SupportProvider, ctx: ProfileContext) -> m.SupportProvider:
    return m.SupportProvider(
        **ctx.common(item), name=item.name, area=ctx.area(item.area),
        maturities=tuple(item.maturities or ()), economic_purposes=tuple(item.economic_purposes or ()),
        org_forms=tuple(item.org_forms or ()), stances=tuple(item.stances or ()),
        offers=tuple(item.offers or ()), capacity=item.capacity, free_of_charge=item.free_of_charge,
    )


SPEC = KindSpec(
    kind="support_provider",
    resource="support-providers",
    label="structure d'accompagnement",
    model=SupportProvider,
    create=SupportProviderCreate,
    update=SupportProviderUpdate,
    out=SupportProviderOut,
    page=SupportProviderPage,
    title_attr="name",
    apply=apply,
    to_out=to_out,
    search_body=search_body,
    territory=area_condition,
    profile=profile,
    filters={
        "theme": accepts(SupportProvider.themes),
        "maturity": accepts(SupportProvider.maturities),
        "economic_purpose": accepts(SupportProvider.economic_purposes),
        "org_form": accepts(SupportProvider.org_forms),
        "stance": accepts(SupportProvider.stances),
        "need": contains(SupportProvider.offers),
    },
)
