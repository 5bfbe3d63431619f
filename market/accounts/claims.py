"""Claiming a listing that has no member yet: a support provider, takeover opportunity, volunteer
offer or initiative put in by a moderator, an import or the demo data. Its contact address is told
of the bourse's events with a link to claim it; whoever signs in with that address, confirmed,
becomes the owner of the listing's organisation in the role its kind needs. The proof is the
confirmed address, so the link itself holds no secret (a forwarded email claims nothing)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from market.access import Identity, signed_in
from market.accounts import service as accounts
from market.accounts.organisations import check_role
from market.errors import Conflict, Forbidden, NotFound
from market.listings import kinds
from market.models import Membership, Organisation
from market.notifications import recipients
from market.validators import new_slug
from market.vocabulary import MemberRole

ROLE_FOR: dict[str, MemberRole] = {"initiative": "project_leader", "support_provider": "support_member",
                                   "takeover": "business_member", "volunteer_offer": "business_member"}
# the kind of organisation made for a listing that has none
ORGANISATION_FOR = {"initiative": "initiative_group", "support_provider": "support_structure",
                    "takeover": "ess_enterprise", "volunteer_offer": "business"}
UNCLAIMABLE = frozenset({"merged"})


@dataclass(frozen=True)
class Claimable:
    kind: str
    listing: Any
    open: bool  # False: the listing already has members, who can invite others


async def find(session: AsyncSession, kind: str, listing_id: int) -> Claimable:
    spec = kinds.KINDS[kind]
    listing = await session.get(spec.model, listing_id)
    if listing is None or listing.status in UNCLAIMABLE or not listing.contact_email:
        raise NotFound(f"{spec.label} {listing_id} introuvable ou sans adresse de contact")
    return Claimable(kind, listing, not await recipients.members(session, kind, listing))


async def claim(session: AsyncSession, identity: Identity | None, kind: str, listing_id: int) -> Organisation:
    """Make the signed-in account, whose confirmed address is the listing's contact, the owner of
    the listing's organisation. 403 for another address, 409 when the listing has members already."""
    current = signed_in(identity)
    found = await find(session, kind, listing_id)
    account = await accounts.get_live(session, current.account_id)
    listing = found.listing
    if account.email_verified_at is None or (account.email or "").lower() != listing.contact_email.strip().lower():
        raise Forbidden("seule l'adresse de contact de l'annonce, confirmée, peut la revendiquer : connectez-vous "
                        "avec le compte de cette adresse")
    if not found.open:
        raise Conflict("cette annonce a déjà des membres : demandez-leur de vous inviter dans leur organisation")
    role = ROLE_FOR[kind]
    if listing.organisation_id is None:
        name = kinds.KINDS[kind].title(listing)
        organisation = Organisation(slug=new_slug(name), name=name, kind=ORGANISATION_FOR[kind])
        session.add(organisation)
        await session.flush()
        listing.organisation_id = organisation.id
    else:
        organisation = await session.get_one(Organisation, listing.organisation_id)
        check_role(organisation.kind, role)
    membership = await session.scalar(select(Membership).where(Membership.account_id == account.id,
                                                               Membership.organisation_id == organisation.id))
    if membership is not None:
        membership.role, membership.owner = role, True  # a member in another role: now the one this listing needs
    else:
        session.add(Membership(account_id=account.id, organisation_id=organisation.id, role=role, owner=True))
    await session.flush()
    return organisation
