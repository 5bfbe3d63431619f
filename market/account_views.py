"""Rows of accounts, tokens, organisations and the moderation log, turned into response Structs."""

from __future__ import annotations

from typing import Any

from market.account_schemas import (
    AccountOut,
    Export,
    ExportedContact,
    ExportedPledge,
    Me,
    MemberOut,
    MembershipOut,
    ModerationActionOut,
    OrganisationOut,
    QueueItem,
    TokenCreated,
    TokenOut,
)
from market.models import Account, ApiToken, Membership, ModerationAction, Organisation, Pledge
from market.services.access import Identity
from market.services.common import organisation_ref
from market.services.listings import KINDS

RESOURCES = {spec.kind: spec for spec in KINDS.values()}


def account_out(account: Account) -> AccountOut:
    return AccountOut(id=account.id, email=account.email or "", display_name=account.display_name,
                      platform_role=account.platform_role, created_at=account.created_at,
                      last_login_at=account.last_login_at)


def memberships_out(account: Account) -> list[MembershipOut]:
    return [MembershipOut(organisation=organisation_ref(m.organisation), role=m.role)  # type: ignore[arg-type]
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
                     role=membership.role, since=membership.created_at)  # type: ignore[arg-type]


def organisation_out(organisation: Organisation, members: list[MemberOut] | None) -> OrganisationOut:
    return OrganisationOut(id=organisation.id, slug=organisation.slug, name=organisation.name,
                           kind=organisation.kind, siren=organisation.siren, members=members)  # type: ignore[arg-type]


def action_out(row: ModerationAction, *, show_actor: bool = True) -> ModerationActionOut:
    return ModerationActionOut(
        id=row.id, listing_kind=row.listing_kind, listing_id=row.listing_id, action=row.action,  # type: ignore[arg-type]
        from_status=row.from_status, to_status=row.to_status, reason=row.reason,
        merged_into_id=row.merged_into_id, details=dict(row.details or {}),
        actor_id=row.actor_id if show_actor else None, actor_role=row.actor_role, at=row.at,
    )


def queue_item(kind: str, listing: Any) -> QueueItem:
    spec = RESOURCES[kind]
    return QueueItem(kind=kind, id=listing.id, title=getattr(listing, spec.title_attr),  # type: ignore[arg-type]
                     status=listing.status, organisation=organisation_ref(listing.organisation),
                     created_at=listing.created_at, updated_at=listing.updated_at,
                     url=f"/api/{spec.resource}/{listing.id}")


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
        listing_contacts=[ExportedContact(kind=kind, listing_id=row.id, contact_name=row.contact_name,  # type: ignore[arg-type]
                                          contact_email=row.contact_email, contact_phone=row.contact_phone)
                          for kind, row in data["contacts"]],
        moderation_actions=[action_out(a) for a in data["actions"]],
    )
