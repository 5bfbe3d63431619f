"""Database tables: the territory reference, organisations and the four kinds of listing."""

from __future__ import annotations

from datetime import UTC, date, datetime

from advanced_alchemy.types import DateTimeUTC, JsonB
from sqlalchemy import BigInteger, Boolean, Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


# --- territory reference -------------------------------------------------------------------


class Region(Base):
    __tablename__ = "regions"
    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    population: Mapped[int | None] = mapped_column(Integer)


class Department(Base):
    __tablename__ = "departments"
    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    region_code: Mapped[str] = mapped_column(String(3), ForeignKey("regions.code"), index=True)
    population: Mapped[int | None] = mapped_column(Integer)


class Epci(Base):
    __tablename__ = "epcis"
    code: Mapped[str] = mapped_column(String(9), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    nature: Mapped[str | None] = mapped_column(String(10))
    population: Mapped[int | None] = mapped_column(Integer)


class Commune(Base):
    __tablename__ = "communes"
    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20), default="commune")
    parent_code: Mapped[str | None] = mapped_column(String(5), index=True)
    postal_codes: Mapped[list[str]] = mapped_column(JsonB, default=list)
    epci_code: Mapped[str | None] = mapped_column(String(9), index=True)
    department_code: Mapped[str] = mapped_column(String(3), index=True)
    region_code: Mapped[str] = mapped_column(String(3), index=True)
    population: Mapped[int | None] = mapped_column(Integer)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)


# --- organisations and listings ------------------------------------------------------------


class Organisation(Base):
    __tablename__ = "organisations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    siren: Mapped[str | None] = mapped_column(String(9))
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC, default=utcnow)


class ListingMixin:
    """Columns every listing shares: identity, owner, moderation state, contact, search text."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="pending_review", index=True)
    merged_into_id: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text)
    themes: Mapped[list[str]] = mapped_column(JsonB, default=list)
    contact_name: Mapped[str | None] = mapped_column(String(120))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(30))
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTimeUTC, default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(DateTimeUTC)

    @classmethod
    def _organisation_fk(cls) -> Mapped[int | None]:
        return mapped_column(Integer, ForeignKey("organisations.id", ondelete="SET NULL"), index=True)


class Initiative(ListingMixin, Base):
    __tablename__ = "initiatives"
    kind = "initiative"
    organisation_id: Mapped[int | None] = ListingMixin._organisation_fk()
    organisation: Mapped[Organisation | None] = relationship(lazy="joined")
    title: Mapped[str] = mapped_column(String(200))
    commune_code: Mapped[str] = mapped_column(String(5), ForeignKey("communes.code"), index=True)
    commune: Mapped[Commune] = relationship(lazy="joined")
    maturity: Mapped[str] = mapped_column(String(20), index=True)
    economic_purpose: Mapped[str] = mapped_column(String(20))
    org_form: Mapped[str] = mapped_column(String(30))
    stance: Mapped[str] = mapped_column(String(20))
    needs: Mapped[list[str]] = mapped_column(JsonB, default=list)
    skills_needed: Mapped[list[str]] = mapped_column(JsonB, default=list)
    skills_normalised: Mapped[list[dict]] = mapped_column(JsonB, default=list)
    funding_goal_cents: Mapped[int | None] = mapped_column(BigInteger)
    team_size: Mapped[int | None] = mapped_column(Integer)
    siren: Mapped[str | None] = mapped_column(String(9))
    rna: Mapped[str | None] = mapped_column(String(10))


class SupportProvider(ListingMixin, Base):
    __tablename__ = "support_providers"
    kind = "support_provider"
    organisation_id: Mapped[int | None] = ListingMixin._organisation_fk()
    organisation: Mapped[Organisation | None] = relationship(lazy="joined")
    name: Mapped[str] = mapped_column(String(200))
    area: Mapped[dict] = mapped_column(JsonB)
    maturities: Mapped[list[str]] = mapped_column(JsonB, default=list)
    economic_purposes: Mapped[list[str]] = mapped_column(JsonB, default=list)
    org_forms: Mapped[list[str]] = mapped_column(JsonB, default=list)
    stances: Mapped[list[str]] = mapped_column(JsonB, default=list)
    offers: Mapped[list[str]] = mapped_column(JsonB, default=list)
    capacity: Mapped[int] = mapped_column(Integer, default=0)
    free_of_charge: Mapped[bool] = mapped_column(Boolean, default=True)
    website: Mapped[str | None] = mapped_column(String(300))
    areas: Mapped[list[SupportProviderArea]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="SupportProviderArea.id"
    )


class SupportProviderArea(Base):
    """One unit of a provider's area, flattened so territory filters run in SQL."""

    __tablename__ = "support_provider_areas"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("support_providers.id", ondelete="CASCADE"), index=True
    )
    scope: Mapped[str] = mapped_column(String(12))
    code: Mapped[str] = mapped_column(String(9))
    __table_args__ = (Index("ix_support_provider_areas_scope_code", "scope", "code"),)


class TakeoverOpportunity(ListingMixin, Base):
    __tablename__ = "takeover_opportunities"
    kind = "takeover"
    organisation_id: Mapped[int | None] = ListingMixin._organisation_fk()
    organisation: Mapped[Organisation | None] = relationship(lazy="joined")
    direction: Mapped[str] = mapped_column(String(10))
    actor_name: Mapped[str] = mapped_column(String(200))
    actor_org_form: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200))
    commune_code: Mapped[str] = mapped_column(String(5), ForeignKey("communes.code"), index=True)
    commune: Mapped[Commune] = relationship(lazy="joined")
    radius_km: Mapped[int] = mapped_column(Integer)
    min_maturity: Mapped[str] = mapped_column(String(20))
    economic_purposes: Mapped[list[str]] = mapped_column(JsonB, default=list)
    deadline: Mapped[date | None] = mapped_column(Date)


class VolunteerOffer(ListingMixin, Base):
    __tablename__ = "volunteer_offers"
    kind = "volunteer_offer"
    organisation_id: Mapped[int | None] = ListingMixin._organisation_fk()
    organisation: Mapped[Organisation | None] = relationship(lazy="joined")
    business_name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200))
    skills: Mapped[list[str]] = mapped_column(JsonB, default=list)
    skills_normalised: Mapped[list[dict]] = mapped_column(JsonB, default=list)
    hours: Mapped[int] = mapped_column(Integer)
    remote_ok: Mapped[bool] = mapped_column(Boolean, default=False)
    commune_code: Mapped[str] = mapped_column(String(5), ForeignKey("communes.code"), index=True)
    commune: Mapped[Commune] = relationship(lazy="joined")
    radius_km: Mapped[int] = mapped_column(Integer)


LISTING_MODELS = (Initiative, SupportProvider, TakeoverOpportunity, VolunteerOffer)
