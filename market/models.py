"""Database tables: the territory reference, organisations and the four kinds of listing."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from advanced_alchemy.types import DateTimeUTC, JsonB
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

from market.vocabulary import (
    CandidateKind,
    DeclineReason,
    ListingKind,
    MatchStatus,
    MemberRole,
    ModerationState,
    OrganisationKind,
    PlatformRole,
    PledgeState,
    Side,
)


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
    kind: Mapped[OrganisationKind] = mapped_column(String(30))
    siren: Mapped[str | None] = mapped_column(String(9))
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC, default=utcnow)


class ListingVersion(Base):
    """A counter per kind of listing that the database moves on every write to the kind's table
    (triggers of migration 20261206_0025): the version the candidate pools and the ranking cache check."""

    __tablename__ = "listing_versions"
    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)


class ListingMixin:
    """Columns every listing shares: identity, owner, moderation state, contact, search text."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    status: Mapped[ModerationState] = mapped_column(String(20), default="pending_review", index=True)
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
    # freshness (market/notifications/freshness.py): confirmed « toujours d'actualité » by its owner;
    # asked by email; marked stale (hidden from search) when the question went unanswered
    verified_at: Mapped[datetime | None] = mapped_column(DateTimeUTC)
    freshness_asked_at: Mapped[datetime | None] = mapped_column(DateTimeUTC)
    stale_at: Mapped[datetime | None] = mapped_column(DateTimeUTC)
    # the text embedding (float32 bytes), computed when the listing is written, and its model
    embedding: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    embedding_model: Mapped[str | None] = mapped_column(String(200))
    # sha256 of the text the embedding was made from: an unchanged text is not embedded again
    embedding_text_hash: Mapped[str | None] = mapped_column(String(64))

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        # the version of the published rows read before each ranking (market/matches/pools.py),
        # answered from this index alone
        table = cls.__tablename__  # type: ignore[attr-defined]
        return (Index(f"ix_{table}_version", "status", "id", "created_at", "updated_at", "stale_at"),)

    @classmethod
    def _organisation_fk(cls) -> Mapped[int | None]:
        return mapped_column(Integer, ForeignKey("organisations.id", ondelete="SET NULL"), index=True)


class Initiative(ListingMixin, Base):
    __tablename__ = "initiatives"
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
    tax_receipt_eligible: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class SupportProvider(ListingMixin, Base):
    __tablename__ = "support_providers"
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




# --- matches ---------------------------------------------------------------------------------


class Match(Base):
    """A suggested pair (initiative, candidate) and how far the two sides went together.

    The candidate is a support provider, takeover opportunity or volunteer offer (`candidate_kind`
    says which table `candidate_id` points into). Score, components, reasons and missing are the
    engine's last word on the pair, refreshed on every read.
    """

    __tablename__ = "matches"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    initiative_id: Mapped[int] = mapped_column(Integer, ForeignKey("initiatives.id", ondelete="RESTRICT"))
    candidate_kind: Mapped[CandidateKind] = mapped_column(String(20))
    candidate_id: Mapped[int] = mapped_column(Integer)
    score: Mapped[int] = mapped_column(Integer, default=0)
    components: Mapped[dict] = mapped_column(JsonB, default=dict)
    reasons: Mapped[list[str]] = mapped_column(JsonB, default=list)
    missing: Mapped[list[str]] = mapped_column(JsonB, default=list)
    status: Mapped[MatchStatus] = mapped_column(String(20), default="suggested", index=True)
    initiative_interest_at: Mapped[datetime | None] = mapped_column(DateTimeUTC)
    candidate_interest_at: Mapped[datetime | None] = mapped_column(DateTimeUTC)
    decline_reason: Mapped[DeclineReason | None] = mapped_column(String(20))  # when declined, if a reason was given
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTimeUTC, default=utcnow, onupdate=utcnow)
    events: Mapped[list[MatchEvent]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="MatchEvent.id"
    )
    __table_args__ = (
        UniqueConstraint("initiative_id", "candidate_kind", "candidate_id", name="uq_matches_pair"),
        Index("ix_matches_candidate", "candidate_kind", "candidate_id"),
    )


class MatchEvent(Base):
    """One change of a match's status: which side moved it, from what, to what, when."""

    __tablename__ = "match_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    match_id: Mapped[int] = mapped_column(Integer, ForeignKey("matches.id", ondelete="CASCADE"), index=True)
    side: Mapped[Side] = mapped_column(String(12))
    from_status: Mapped[MatchStatus] = mapped_column(String(20))
    to_status: Mapped[MatchStatus] = mapped_column(String(20))
    reason: Mapped[DeclineReason | None] = mapped_column(String(20))  # a refusal's reason, if given
    at: Mapped[datetime] = mapped_column(DateTimeUTC, default=utcnow)


# --- pledges -------------------------------------------------------------------------------



class Pledge(Base):
    """A funder's card pledge to an initiative. Written `pending` before Stripe is called."""

    __tablename__ = "pledges"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    initiative_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("initiatives.id", ondelete="RESTRICT"), index=True
    )
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), default="eur")
    email: Mapped[str | None] = mapped_column(String(254))  # null once anonymised
    display_name: Mapped[str | None] = mapped_column(String(120))
    message: Mapped[str | None] = mapped_column(Text)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[PledgeState] = mapped_column(String(20), default="pending", index=True)
    payment_intent_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    charge_id: Mapped[str | None] = mapped_column(String(255), index=True)
    refunded_cents: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    disputed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    failure_reason: Mapped[str | None] = mapped_column(String(100))
    # random, in the idempotency keys and the intent's metadata: unique across databases sharing a
    # Stripe account (ids are not), so another environment's intent or event is never taken for ours
    stripe_reference: Mapped[str] = mapped_column(String(32), unique=True)
    receipt_token: Mapped[str] = mapped_column(String(64), unique=True)
    receipt_emailed_at: Mapped[datetime | None] = mapped_column(DateTimeUTC)
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTimeUTC, default=utcnow, onupdate=utcnow)
    settled_at: Mapped[datetime | None] = mapped_column(DateTimeUTC)
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="ck_pledges_amount_positive"),
        CheckConstraint("refunded_cents >= 0 AND refunded_cents <= amount_cents", name="ck_pledges_refund_bounds"),
    )


class PledgeRefund(Base):
    """One Stripe refund of a pledge, made here by an admin or seen in a charge.refunded event."""

    __tablename__ = "pledge_refunds"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pledge_id: Mapped[int] = mapped_column(Integer, ForeignKey("pledges.id", ondelete="RESTRICT"), index=True)
    stripe_refund_id: Mapped[str] = mapped_column(String(255), unique=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(30))
    source: Mapped[str] = mapped_column(String(20))  # admin | stripe
    reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC, default=utcnow)
    __table_args__ = (CheckConstraint("amount_cents > 0", name="ck_pledge_refunds_amount_positive"),)


class StripeEvent(Base):
    """Each Stripe event id, stored once (the primary key) when it is applied."""

    __tablename__ = "stripe_events"
    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    type: Mapped[str] = mapped_column(String(100))
    pledge_id: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(30))
    received_at: Mapped[datetime] = mapped_column(DateTimeUTC, default=utcnow)


# --- accounts, organisations' members, API tokens, moderation log --------------------------



class Account(Base):
    """A person who signs in. `email` is stored lower-cased (unique case-insensitively); an erased
    account keeps its row as a tombstone (id and dates) with every personal field emptied."""

    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    display_name: Mapped[str | None] = mapped_column(String(120))
    platform_role: Mapped[PlatformRole | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTimeUTC)
    erased_at: Mapped[datetime | None] = mapped_column(DateTimeUTC)
    # set when the owner of the address followed the confirmation link; until then the account
    # may only log in and confirm (market.access.signed_in)
    email_verified_at: Mapped[datetime | None] = mapped_column(DateTimeUTC)
    # set by an admin: the account can no longer log in, its sessions and tokens are ended
    suspended_at: Mapped[datetime | None] = mapped_column(DateTimeUTC)
    # the organisation new listings belong to when the account acts for several in that kind
    default_organisation_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("organisations.id", ondelete="SET NULL", name="fk_accounts_default_organisation")
    )
    memberships: Mapped[list[Membership]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="Membership.id"
    )


class Membership(Base):
    """An account acts for an organisation in one role (project leader, support or business member, funder)."""

    __tablename__ = "memberships"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(Integer, ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    organisation: Mapped[Organisation] = relationship(lazy="joined")
    role: Mapped[MemberRole] = mapped_column(String(20))
    owner: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC, default=utcnow)
    __table_args__ = (UniqueConstraint("account_id", "organisation_id", name="uq_memberships_account_organisation"),)


class LoginCounter(Base):
    """Login attempts of one account or one address (the key is an HMAC of it), counted atomically
    (market.accounts.throttle). Times are Unix seconds, for arithmetic both databases do alike."""

    __tablename__ = "login_counters"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    last_at: Mapped[float] = mapped_column(Float)
    locked_until: Mapped[float] = mapped_column(Float, default=0.0)


class EmailToken(Base):
    """A single-use link sent by email (confirm the address, reset the password): only the SHA-256 of
    its random token is kept; `used_at` is set by the one UPDATE that consumes it."""

    __tablename__ = "email_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(Integer, ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))  # confirm | reset
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTimeUTC)
    used_at: Mapped[datetime | None] = mapped_column(DateTimeUTC)


class PersonalLink(Base):
    """A row holding someone's address (a pledge, a listing contact) linked to their account, made only
    once the account confirmed that address. Export and erasure cover these rows, and only them."""

    __tablename__ = "personal_links"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(Integer, ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(String(20))  # pledge | a listing kind
    subject_id: Mapped[int] = mapped_column(Integer)
    email: Mapped[str] = mapped_column(String(254))  # the confirmed address the row held when linked
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC, default=utcnow)
    __table_args__ = (UniqueConstraint("subject", "subject_id", name="uq_personal_links_subject"),)


class Invitation(Base):
    """An owner invited an address to join an organisation; nothing happens until the person who
    confirmed that address accepts it (signed in: no token needed, the confirmed address is the proof)."""

    __tablename__ = "invitations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    organisation: Mapped[Organisation] = relationship(lazy="joined")
    email: Mapped[str] = mapped_column(String(254), index=True)
    role: Mapped[MemberRole] = mapped_column(String(20))
    owner: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    invited_by_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("accounts.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTimeUTC)
    answered_at: Mapped[datetime | None] = mapped_column(DateTimeUTC)
    accepted: Mapped[bool | None] = mapped_column(Boolean)


class ApiToken(Base):
    """A bearer token of an account for the JSON API. Only its SHA-256 is stored; `prefix` (the first
    characters) lets the owner tell tokens apart."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(Integer, ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTimeUTC)
    expires_at: Mapped[datetime | None] = mapped_column(DateTimeUTC)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTimeUTC)


class ModerationAction(Base):
    """Every change of a listing's moderation state: who (null once the account is erased), when,
    what (the action, from and to), why, and for a merge the survivor and what followed it."""

    __tablename__ = "moderation_actions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    listing_kind: Mapped[ListingKind] = mapped_column(String(20))
    listing_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(20))
    from_status: Mapped[ModerationState] = mapped_column(String(20))
    to_status: Mapped[ModerationState] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    merged_into_id: Mapped[int | None] = mapped_column(Integer)
    details: Mapped[dict] = mapped_column(JsonB, default=dict)
    actor_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("accounts.id", ondelete="SET NULL"), index=True)
    actor_role: Mapped[str | None] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(DateTimeUTC, default=utcnow, index=True)
    __table_args__ = (Index("ix_moderation_actions_listing", "listing_kind", "listing_id"),)


class ListingSnapshot(Base):
    """A listing as it was when last published (its public fields, as the API returns them): the
    moderation queue shows what changed since."""

    __tablename__ = "listing_snapshots"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    listing_kind: Mapped[ListingKind] = mapped_column(String(20))
    listing_id: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict] = mapped_column(JsonB, default=dict)
    taken_at: Mapped[datetime] = mapped_column(DateTimeUTC, default=utcnow)
    __table_args__ = (UniqueConstraint("listing_kind", "listing_id", name="uq_listing_snapshots_listing"),)


class ListingReport(Base):
    """A signed-in person reported a listing (« signaler »); open until a moderator acts on the listing."""

    __tablename__ = "listing_reports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    listing_kind: Mapped[ListingKind] = mapped_column(String(20))
    listing_id: Mapped[int] = mapped_column(Integer)
    reporter_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("accounts.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTimeUTC)
    resolution: Mapped[str | None] = mapped_column(String(20))  # the moderation action that closed it
    __table_args__ = (Index("ix_listing_reports_listing", "listing_kind", "listing_id"),)


class ReconcileRun(Base):
    """What one run of the reconciliation did (the back office shows the last one)."""

    __tablename__ = "reconcile_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTimeUTC, default=utcnow)
    finished_at: Mapped[datetime] = mapped_column(DateTimeUTC, default=utcnow)
    outcomes: Mapped[dict] = mapped_column(JsonB, default=dict)  # outcome -> count
