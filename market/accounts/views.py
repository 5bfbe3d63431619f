"""Rows of accounts, tokens, organisations and the personal-data export, turned into response Structs."""

from __future__ import annotations

from typing import Any

from market.access import Identity
from market.accounts.schemas import (
    AccountOut,
    Export,
    ExportedContact,
    ExportedPledge,
    InvitationOut,
    Me,
    MemberOut,
    MembershipOut,
    OrganisationOut,
    TokenCreated,
    TokenOut,
)
from market.listings.views import organisation_ref
from market.models import Account, ApiToken, Invitation, Membership, Organisation, Pledge
from market.moderation.views import action_out
from market.notifications import searches
from market.notifications.service import notification_out


def account_out(account: Account) -> AccountOut:
    return AccountOut(id=account.id, email=account.email or "", display_name=account.display_name,
                      platform_role=account.platform_role, created_at=account.created_at,
                      last_login_at=account.last_login_at, email_verified=account.email_verified_at is not None)


def memberships_out(account: Account) -> list[MembershipOut]:
    return [MembershipOut(organisation=organisation_ref(m.organisation), role=m.role, owner=m.owner,  # type: ignore[arg-type]
                          default=m.organisation_id == account.default_organisation_id)
            for m in account.memberships]


def me_out(account: Account, identity: Identity) -> Me:
    return Me(account=account_out(account), roles=identity.roles, organisations=memberships_out(account),
              authenticated_by=identity.via)  # type: ignore[arg-type]


def token_out(row: ApiToken) -> TokenOut:
    return TokenOut(id=row.id, name=row.name, prefix=row.prefix, created_at=row.created_at,
                    last_used_at=row.last_used_at, expires_at=row.expires_at, revoked_at=row.revoked_at)


def token_created(row: ApiToken, plain: str) -> TokenCreated:
    return TokenCreated(**{f: getattr(token_out(row), f) for f in TokenOut.__struct_fields__}, token=plain)


def member_out(membership: Membership, account: Account) -> MemberOut:
    return MemberOut(account_id=account.id, display_name=account.display_name, email=account.email,
                     role=membership.role, since=membership.created_at, owner=membership.owner)


def invitation_out(row: Invitation) -> InvitationOut:
    return InvitationOut(id=row.id, organisation=organisation_ref(row.organisation), email=row.email,  # type: ignore[arg-type]
                         role=row.role, owner=row.owner, created_at=row.created_at, expires_at=row.expires_at,
                         accepted=row.accepted)


def organisation_out(organisation: Organisation, members: list[MemberOut] | None,
                     invitations: list[InvitationOut] | None = None) -> OrganisationOut:
    return OrganisationOut(id=organisation.id, slug=organisation.slug, name=organisation.name,
                           kind=organisation.kind, siren=organisation.siren, members=members,
                           invitations=invitations)


def _pledge(row: Pledge) -> ExportedPledge:
    return ExportedPledge(id=row.id, initiative_id=row.initiative_id, amount_cents=row.amount_cents,
                          currency=row.currency, email=row.email, display_name=row.display_name,
                          message=row.message, anonymous=row.anonymous, status=row.status,
                          refunded_cents=row.refunded_cents, created_at=row.created_at)


def export_out(data: dict[str, Any]) -> Export:
    account: Account = data["account"]
    return Export(
        generated_at=data["generated_at"],
        account=account_out(account),
        roles=data["identity"].roles,
        memberships=memberships_out(account),
        sessions={"active": data["sessions"]},
        api_tokens=[token_out(t) for t in data["tokens"]],
        pledges=[_pledge(p) for p in data["pledges"]],
        listing_contacts=[ExportedContact(kind=kind, listing_id=row.id, contact_name=row.contact_name,
                                          contact_email=row.contact_email, contact_phone=row.contact_phone)
                          for kind, row in data["contacts"]],
        moderation_actions=[action_out(a) for a in data["actions"]],
        invitations=[invitation_out(i) for i in data["invitations"]],
        saved_searches=[searches.out(s) for s in data["saved_searches"]],
        notifications=[notification_out(n) for n in data["notifications"]],
        notification_preferences={p.kind: p.mode for p in data["notification_preferences"]},
    )
