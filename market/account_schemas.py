"""Request and response bodies of accounts, tokens, organisations, moderation and administration."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from msgspec import Meta

from market.schemas import Body, Email, Name, OrganisationRef, Out, Siren
from market.vocabulary import ModerationState, OrganisationKind

MemberRole = Literal["project_leader", "support_member", "business_member", "funder"]
PlatformRole = Literal["moderator", "admin"]
ListingKind = Literal["initiative", "support_provider", "takeover", "volunteer_offer"]
Password = Annotated[str, Meta(min_length=12, max_length=256,
                                description="12 caractères au moins, pas un des plus courants")]
DisplayName = Annotated[str, Meta(min_length=1, max_length=120)]
Reason = Annotated[str, Meta(min_length=3, max_length=1000)]
Id = Annotated[int, Meta(ge=1, le=2**31 - 1)]


class Register(Body):
    email: Email
    password: Password
    display_name: DisplayName | None = None


class Login(Body):
    email: Annotated[str, Meta(min_length=3, max_length=254)]
    password: Annotated[str, Meta(min_length=1, max_length=256)]


class MembershipOut(Out):
    organisation: OrganisationRef
    role: MemberRole


class AccountOut(Out):
    id: int
    email: str
    display_name: str | None
    platform_role: PlatformRole | None
    created_at: datetime
    last_login_at: datetime | None


class Me(Out):
    """The account, all its roles (platform and organisation roles) and its organisations."""

    account: AccountOut
    roles: list[str]
    organisations: list[MembershipOut]
    authenticated_by: Literal["session", "token"]


class CsrfToken(Out):
    """The CSRF token to send back in the `X-CSRFToken` header (it is also the `csrftoken` cookie)."""

    csrf_token: str
    header: str


class TokenCreate(Body):
    name: Annotated[str, Meta(min_length=1, max_length=100)]
    expires_in_days: Annotated[int, Meta(ge=1, le=730)] | None = None


class TokenOut(Out):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenOut, kw_only=True):
    """`token` is shown this once: only its hash is kept."""

    token: str


class OrganisationCreate(Body):
    name: Name
    kind: OrganisationKind
    role: MemberRole
    siren: Siren | None = None


class MemberAdd(Body):
    email: Email
    role: MemberRole


class MemberOut(Out):
    account_id: int
    display_name: str | None
    email: str | None
    role: MemberRole
    since: datetime


class OrganisationOut(Out):
    """`members` only for the organisation's members and the platform staff (null for others)."""

    id: int
    slug: str
    name: str
    kind: OrganisationKind
    siren: str | None
    members: list[MemberOut] | None


class ModerationRequest(Body):
    """`reason` is required to reject; `merge_into` (a listing of the same kind) to merge."""

    action: Literal["publish", "reject", "archive", "merge"]
    reason: Reason | None = None
    merge_into: Id | None = None


class ModerationActionOut(Out):
    id: int
    listing_kind: ListingKind
    listing_id: int
    action: str
    from_status: ModerationState
    to_status: ModerationState
    reason: str | None
    merged_into_id: int | None
    details: dict[str, Any]
    actor_id: int | None
    actor_role: str | None
    at: datetime


class ModerationLog(Out):
    items: list[ModerationActionOut]
    total: int
    page: int
    page_size: int


class QueueItem(Out):
    kind: ListingKind
    id: int
    title: str
    status: ModerationState
    organisation: OrganisationRef | None
    created_at: datetime
    updated_at: datetime
    url: str


class Queue(Out):
    items: list[QueueItem]


class PlatformRoleChange(Body):
    platform_role: PlatformRole | None


class RefundRequest(Body):
    """Without `amount_cents`, everything not yet refunded."""

    amount_cents: Annotated[int, Meta(ge=1, le=100_000_000)] | None = None
    reason: Annotated[str, Meta(min_length=1, max_length=200)] | None = None


class RefundOut(Out):
    id: int
    pledge_id: int
    amount_cents: int
    status: str
    stripe_refund_id: str
    reason: str | None
    created_at: datetime
    pledge_status: str
    refunded_cents: int


class ExportedPledge(Out):
    id: int
    initiative_id: int
    amount_cents: int
    currency: str
    email: str | None
    display_name: str | None
    message: str | None
    anonymous: bool
    status: str
    refunded_cents: int
    created_at: datetime


class ExportedContact(Out):
    kind: ListingKind
    listing_id: int
    contact_name: str | None
    contact_email: str | None
    contact_phone: str | None


class Export(Out):
    """Everything held about the person, as JSON (GET /api/me/export)."""

    generated_at: datetime
    account: AccountOut
    roles: list[str]
    memberships: list[MembershipOut]
    sessions: dict[str, int]
    api_tokens: list[TokenOut]
    pledges: list[ExportedPledge]
    listing_contacts: list[ExportedContact]
    moderation_actions: list[ModerationActionOut]
