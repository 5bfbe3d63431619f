"""Request and response bodies of the four kinds of listing (msgspec Structs).

Create bodies list what a new listing needs; Update bodies default every field to UNSET so a
field that is not sent stays as it is, while an explicit null clears a nullable field.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from msgspec import UNSET, Meta, UnsetType

from market.schemas import Body, Email, Name, OrganisationRef, Out, Siren
from market.vocabulary import (
    EconomicPurpose,
    Maturity,
    ModerationState,
    Need,
    OrgForm,
    Stance,
    TakeoverDirection,
    Theme,
)

Title = Annotated[str, Meta(min_length=3, max_length=200)]
Description = Annotated[str, Meta(min_length=20, max_length=5000)]
CommuneCode = Annotated[str, Meta(pattern=r"^(\d{5}|2[AB]\d{3})$", description="Code INSEE de la commune")]
AreaCode = Annotated[str, Meta(pattern=r"^[0-9AB]{2,9}$", max_length=9)]
Rna = Annotated[str, Meta(pattern=r"^W\d{9}$", description="Numéro RNA (W suivi de 9 chiffres)")]
Phone = Annotated[str, Meta(pattern=r"^[0-9+ ().-]{6,30}$")]
Url = Annotated[str, Meta(pattern=r"^https?://\S+$", max_length=300)]
FreeSkill = Annotated[str, Meta(min_length=1, max_length=100)]
Themes = Annotated[list[Theme], Meta(max_length=8)]
Needs = Annotated[list[Need], Meta(max_length=11)]
Skills = Annotated[list[FreeSkill], Meta(max_length=12)]
Cents = Annotated[int, Meta(ge=0, le=100_000_000_00)]
TeamSize = Annotated[int, Meta(ge=1, le=100_000)]
RadiusKm = Annotated[int, Meta(ge=0, le=1000)]
Capacity = Annotated[int, Meta(ge=0, le=10_000)]
Hours = Annotated[int, Meta(ge=0, le=100_000)]
OrganisationId = Annotated[int, Meta(ge=1, le=2**31 - 1, description=(
    "L'organisation pour laquelle l'annonce est publiée ; sans ce champ, celle du compte"))]
TaxReceiptEligible = Annotated[bool, Meta(description=(
    "Déclaré par le porteur : l'organisme est d'intérêt général et peut délivrer un reçu fiscal "
    "(associations et collectivités seulement ; règle : GET /api/initiatives/{id}/funding)"))]


class Contact(Body):
    name: Annotated[str, Meta(min_length=1, max_length=120)]
    email: Email
    phone: Phone | None = None


class Area(Body):
    """Where a provider works: national, or any mix of regions, departments, EPCI and communes."""

    national: bool = False
    regions: Annotated[list[AreaCode], Meta(max_length=20)] = []
    departments: Annotated[list[AreaCode], Meta(max_length=110)] = []
    epcis: Annotated[list[AreaCode], Meta(max_length=200)] = []
    communes: Annotated[list[CommuneCode], Meta(max_length=500)] = []
    radius_km: RadiusKm | None = None


class SkillMatch(Out):
    text: str
    skill: str | None
    score: int


class Place(Out):
    code: str
    name: str
    postal_codes: list[str]
    epci: str | None
    department: str
    region: str
    lat: float
    lon: float


class ListingOut(Out, kw_only=True):
    id: int
    slug: str
    status: ModerationState
    description: str
    themes: list[Theme]
    organisation: OrganisationRef | None
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    verified_at: datetime | None = None  # its owner confirmed it « toujours d'actualité »
    stale_since: datetime | None = None  # unanswered freshness question: hidden from search


# --- initiatives ----------------------------------------------------------------------------


class InitiativeCreate(Body):
    title: Title
    description: Description
    commune: CommuneCode
    themes: Themes
    maturity: Maturity
    economic_purpose: EconomicPurpose
    org_form: OrgForm
    stance: Stance
    needs: Needs
    contact: Contact
    skills_needed: Skills = []
    funding_goal_cents: Cents | None = None
    team_size: TeamSize | None = None
    siren: Siren | None = None
    rna: Rna | None = None
    tax_receipt_eligible: TaxReceiptEligible = False
    organisation_id: OrganisationId | None = None


class InitiativeUpdate(Body):
    title: Title | UnsetType = UNSET
    description: Description | UnsetType = UNSET
    commune: CommuneCode | UnsetType = UNSET
    themes: Themes | UnsetType = UNSET
    maturity: Maturity | UnsetType = UNSET
    economic_purpose: EconomicPurpose | UnsetType = UNSET
    org_form: OrgForm | UnsetType = UNSET
    stance: Stance | UnsetType = UNSET
    needs: Needs | UnsetType = UNSET
    contact: Contact | UnsetType = UNSET
    skills_needed: Skills | UnsetType = UNSET
    funding_goal_cents: Cents | None | UnsetType = UNSET
    team_size: TeamSize | None | UnsetType = UNSET
    siren: Siren | None | UnsetType = UNSET
    rna: Rna | None | UnsetType = UNSET
    tax_receipt_eligible: TaxReceiptEligible | UnsetType = UNSET


class InitiativeOut(ListingOut, kw_only=True):
    title: str
    commune: str
    place: Place
    maturity: Maturity
    economic_purpose: EconomicPurpose
    org_form: OrgForm
    stance: Stance
    needs: list[Need]
    skills_needed: list[str]
    skills_normalised: list[SkillMatch]
    funding_goal_cents: int | None
    team_size: int | None
    siren: str | None
    rna: str | None
    tax_receipt_eligible: bool


# --- support providers ----------------------------------------------------------------------


class SupportProviderCreate(Body):
    name: Name
    description: Description
    area: Area
    offers: Needs
    capacity: Capacity
    contact: Contact
    themes: Themes = []
    maturities: Annotated[list[Maturity], Meta(max_length=5)] = []
    economic_purposes: Annotated[list[EconomicPurpose], Meta(max_length=3)] = []
    org_forms: Annotated[list[OrgForm], Meta(max_length=8)] = []
    stances: Annotated[list[Stance], Meta(max_length=3)] = []
    free_of_charge: bool = True
    website: Url | None = None
    organisation_id: OrganisationId | None = None


class SupportProviderUpdate(Body):
    name: Name | UnsetType = UNSET
    description: Description | UnsetType = UNSET
    area: Area | UnsetType = UNSET
    offers: Needs | UnsetType = UNSET
    capacity: Capacity | UnsetType = UNSET
    contact: Contact | UnsetType = UNSET
    themes: Themes | UnsetType = UNSET
    maturities: Annotated[list[Maturity], Meta(max_length=5)] | UnsetType = UNSET
    economic_purposes: Annotated[list[EconomicPurpose], Meta(max_length=3)] | UnsetType = UNSET
    org_forms: Annotated[list[OrgForm], Meta(max_length=8)] | UnsetType = UNSET
    stances: Annotated[list[Stance], Meta(max_length=3)] | UnsetType = UNSET
    free_of_charge: bool | UnsetType = UNSET
    website: Url | None | UnsetType = UNSET


class AreaOut(Out):
    national: bool
    regions: list[str]
    departments: list[str]
    epcis: list[str]
    communes: list[str]
    radius_km: int | None


class SupportProviderOut(ListingOut, kw_only=True):
    name: str
    area: AreaOut
    maturities: list[Maturity]
    economic_purposes: list[EconomicPurpose]
    org_forms: list[OrgForm]
    stances: list[Stance]
    offers: list[Need]
    capacity: int
    free_of_charge: bool
    website: str | None


# --- takeover opportunities -----------------------------------------------------------------


class TakeoverCreate(Body):
    direction: TakeoverDirection
    actor_name: Name
    actor_org_form: OrgForm
    title: Title
    description: Description
    commune: CommuneCode
    radius_km: RadiusKm
    min_maturity: Maturity
    contact: Contact
    themes: Themes = []
    economic_purposes: Annotated[list[EconomicPurpose], Meta(max_length=3)] = []
    deadline: date | None = None
    organisation_id: OrganisationId | None = None


class TakeoverUpdate(Body):
    direction: TakeoverDirection | UnsetType = UNSET
    actor_name: Name | UnsetType = UNSET
    actor_org_form: OrgForm | UnsetType = UNSET
    title: Title | UnsetType = UNSET
    description: Description | UnsetType = UNSET
    commune: CommuneCode | UnsetType = UNSET
    radius_km: RadiusKm | UnsetType = UNSET
    min_maturity: Maturity | UnsetType = UNSET
    contact: Contact | UnsetType = UNSET
    themes: Themes | UnsetType = UNSET
    economic_purposes: Annotated[list[EconomicPurpose], Meta(max_length=3)] | UnsetType = UNSET
    deadline: date | None | UnsetType = UNSET


class TakeoverOut(ListingOut, kw_only=True):
    direction: TakeoverDirection
    actor_name: str
    actor_org_form: OrgForm
    title: str
    commune: str
    place: Place
    radius_km: int
    min_maturity: Maturity
    economic_purposes: list[EconomicPurpose]
    deadline: date | None


# --- volunteer offers -----------------------------------------------------------------------


class VolunteerOfferCreate(Body):
    business_name: Name
    title: Title
    description: Description
    skills: Annotated[list[FreeSkill], Meta(min_length=1, max_length=12)]
    hours: Hours
    commune: CommuneCode
    radius_km: RadiusKm
    contact: Contact
    remote_ok: bool = False
    themes: Themes = []
    organisation_id: OrganisationId | None = None


class VolunteerOfferUpdate(Body):
    business_name: Name | UnsetType = UNSET
    title: Title | UnsetType = UNSET
    description: Description | UnsetType = UNSET
    skills: Annotated[list[FreeSkill], Meta(min_length=1, max_length=12)] | UnsetType = UNSET
    hours: Hours | UnsetType = UNSET
    commune: CommuneCode | UnsetType = UNSET
    radius_km: RadiusKm | UnsetType = UNSET
    contact: Contact | UnsetType = UNSET
    remote_ok: bool | UnsetType = UNSET
    themes: Themes | UnsetType = UNSET


class VolunteerOfferOut(ListingOut, kw_only=True):
    business_name: str
    title: str
    skills: list[str]
    skills_normalised: list[SkillMatch]
    hours: int
    remote_ok: bool
    commune: str
    place: Place
    radius_km: int


# --- pages ----------------------------------------------------------------------------------


class InitiativePage(Out):
    items: list[InitiativeOut]
    total: int
    page: int
    page_size: int


class SupportProviderPage(Out):
    items: list[SupportProviderOut]
    total: int
    page: int
    page_size: int


class TakeoverPage(Out):
    items: list[TakeoverOut]
    total: int
    page: int
    page_size: int


class VolunteerOfferPage(Out):
    items: list[VolunteerOfferOut]
    total: int
    page: int
    page_size: int
