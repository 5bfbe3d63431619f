"""Request and response bodies of accounts, API tokens, organisations and the personal-data export."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from msgspec import Meta

from market.moderation.schemas import ModerationActionOut
from market.notifications.schemas import NotificationOut
from market.notifications.search_schemas import SavedSearchOut
from market.schemas import Body, Email, Name, OrganisationRef, Out, Siren
from market.vocabulary import ListingKind, MemberRole, OrganisationKind, PlatformRole

Password = Annotated[str, Meta(min_length=12, max_length=256,
                                description="12 caractères au moins, pas un des plus courants")]
DisplayName = Annotated[str, Meta(min_length=1, max_length=120)]


class Register(Body):
    email: Email
    password: Password
    display_name: DisplayName | None = None


class Accepted(Out):
    """The one answer of sign-up and password-reset requests, whether the address has an account or not."""

    detail: str


class Confirm(Body):
    token: Annotated[str, Meta(min_length=1, max_length=200, description="le jeton du lien reçu par email")]


class ResetRequest(Body):
    email: Email


class Reset(Body):
    token: Annotated[str, Meta(min_length=1, max_length=200)]
    password: Password


class PasswordChange(Body):
    current_password: Annotated[str, Meta(min_length=1, max_length=256)]
    new_password: Password


class Logout(Body):
    everywhere: bool = False


class Login(Body):
    email: Annotated[str, Meta(min_length=3, max_length=254)]
    password: Annotated[str, Meta(min_length=1, max_length=256)]


class MembershipOut(Out):
    organisation: OrganisationRef
    role: MemberRole
    owner: bool = False
    default: bool = False


class AccountOut(Out):
    id: int
    email: str
    display_name: str | None
    platform_role: PlatformRole | None
    created_at: datetime
    last_login_at: datetime | None
    email_verified: bool = False


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


class SessionOut(Out):
    """A signed-in browser, by the id of its row (never the cookie's value)."""

    id: str
    expires_at: datetime
    current: bool


class Credentials(Out):
    """Everything that signs in as me: browser sessions and API tokens (each revocable)."""

    sessions: list[SessionOut]
    tokens: list[TokenOut]


class TokenCreated(TokenOut, kw_only=True):
    """`token` is shown this once: only its hash is kept."""

    token: str


class OrganisationCreate(Body):
    name: Name
    kind: OrganisationKind
    role: MemberRole
    siren: Siren | None = None


class MemberAdd(Body):
    """An invitation to this address (the person accepts it); `owner` makes them an owner too."""

    email: Email
    role: MemberRole
    owner: bool = False


class MemberChange(Body):
    role: MemberRole | None = None
    owner: bool | None = None


class DefaultOrganisation(Body):
    organisation_id: Annotated[int, Meta(ge=1, le=2**31 - 1)] | None


class MemberOut(Out):
    account_id: int
    display_name: str | None
    email: str | None
    role: MemberRole
    since: datetime
    owner: bool = False


class InvitationOut(Out):
    id: int
    organisation: OrganisationRef
    email: str
    role: MemberRole
    owner: bool
    created_at: datetime
    expires_at: datetime
    accepted: bool | None


class OrganisationOut(Out):
    """`members` only for the organisation's members and the platform staff (null for others)."""

    id: int
    slug: str
    name: str
    kind: OrganisationKind
    siren: str | None
    members: list[MemberOut] | None
    invitations: list[InvitationOut] | None = None  # pending ones, for its owners


class PlatformRoleChange(Body):
    platform_role: PlatformRole | None


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
    invitations: list[InvitationOut] = []  # to my address, answered or not
    saved_searches: list[SavedSearchOut] = []  # mine, and those made from my confirmed address
    notifications: list[NotificationOut] = []
    notification_preferences: dict[str, str] = {}  # kind of event -> immediate | daily | none, as I chose
