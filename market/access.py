"""Who may do what. Pure rules over an `Identity` (the signed-in account as the request sees it).

- Members act for their own organisation only, and only for the kinds of listing their role
  covers: a project leader for initiatives, a support member for support offers, a business
  member for takeover and volunteer offers; a funder for none (pledges need no account).
- Moderators and admins (platform roles) read and edit every listing and moderate; admins also
  refund pledges and grant platform roles. Neither acts as a party of a match.
- Everyone else gets 403 for a published listing and 404 for an unpublished one, so ids tell
  nothing about listings one may not see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from market.errors import Forbidden, InvalidField, NotAuthenticated, NotFound
from market.vocabulary import Side

ROLE_KINDS: dict[str, frozenset[str]] = {
    "project_leader": frozenset({"initiative"}),
    "support_member": frozenset({"support_provider"}),
    "business_member": frozenset({"takeover", "volunteer_offer"}),
    "funder": frozenset(),
}
# The member roles each kind of organisation may hold (a business has no project leader)
KIND_ROLES: dict[str, frozenset[str]] = {
    "initiative_group": frozenset({"project_leader", "funder"}),
    "support_structure": frozenset({"support_member", "funder"}),
    "ess_enterprise": frozenset({"project_leader", "business_member", "support_member", "funder"}),
    "business": frozenset({"business_member", "funder"}),
    "public_body": frozenset({"support_member", "funder"}),
}


@dataclass(frozen=True)
class Identity:
    account_id: int
    email: str
    display_name: str | None = None
    platform_role: str | None = None  # moderator | admin
    memberships: dict[int, str] = field(default_factory=dict)  # organisation id -> role
    via: str = "session"  # session | token | system
    # False until the address is confirmed: such an account may only log in, confirm, sign out and
    # erase itself (`signed_in` refuses it everything else), and holds no role meanwhile
    verified: bool = True
    token_id: int | None = None  # the API token the request came with (kept when a password changes)
    owned: frozenset[int] = frozenset()  # the organisations it owns (adds, removes members, changes roles)
    default_organisation_id: int | None = None  # chosen for new listings when it acts for several

    @property
    def is_system(self) -> bool:
        return self.via == "system"

    @property
    def is_staff(self) -> bool:
        return self.platform_role in ("moderator", "admin") or self.is_system

    @property
    def is_admin(self) -> bool:
        return self.platform_role == "admin"

    @property
    def roles(self) -> list[str]:
        found = set(self.memberships.values()) | ({self.platform_role} if self.platform_role else set())
        return sorted(found)

    def acts_for(self, organisation_id: int | None, kind: str) -> bool:
        """A member of this organisation whose role covers this kind of listing."""
        role = self.memberships.get(organisation_id) if organisation_id is not None else None
        return role is not None and kind in ROLE_KINDS[role]


# The service itself, for what no person does (loading the demo data): it manages every listing like
# a moderator, and the moderation log records it with no account and the role « system ».
SYSTEM = Identity(account_id=0, email="", display_name="système", platform_role="system", via="system")


UNVERIFIED = ("confirmez d'abord votre adresse email : ouvrez le lien reçu à l'inscription "
              "(POST /api/auth/confirm/resend pour en recevoir un nouveau)")


def signed_in(identity: Identity | None) -> Identity:
    """A signed-in account whose address is confirmed: 401 when anonymous, 403 when unconfirmed."""
    identity = any_account(identity)
    if not identity.verified:
        raise Forbidden(UNVERIFIED)
    return identity


NOT_SIGNED_IN = "connectez-vous (session ou jeton d'API) pour cette action"


def any_account(identity: Identity | None) -> Identity:
    """A signed-in account, confirmed or not: only for reading oneself, confirming, signing out, erasing."""
    if identity is None:
        raise NotAuthenticated(NOT_SIGNED_IN)
    return identity


def staff(identity: Identity | None) -> Identity:
    identity = signed_in(identity)
    if not identity.is_staff:
        raise Forbidden("réservé aux modérateurs et aux administrateurs")
    return identity


def staff_member(identity: Identity | None) -> bool:
    return identity is not None and identity.is_staff


def admin(identity: Identity | None) -> Identity:
    identity = signed_in(identity)
    if not identity.is_admin:
        raise Forbidden("réservé aux administrateurs")
    return identity


def can_manage(identity: Identity | None, kind: str, listing: Any) -> bool:
    return identity is not None and (identity.is_staff or identity.acts_for(listing.organisation_id, kind))


def can_see(identity: Identity | None, kind: str, listing: Any) -> bool:
    return listing.status == "published" or can_manage(identity, kind, listing)


def check_manage(identity: Identity | None, kind: str, label: str, listing: Any) -> Identity:
    """The identity may edit, archive or follow this listing; else 401, 403 (published) or 404."""
    identity = signed_in(identity)
    if can_manage(identity, kind, listing):
        return identity
    if listing.status == "published":
        raise Forbidden(f"seuls les membres de l'organisation de cette annonce ({label}) et les modérateurs "
                        "peuvent la modifier")
    raise NotFound(f"{label} {listing.id} introuvable")


def creating_organisation(identity: Identity | None, kind: str, requested: int | None) -> int | None:
    """The organisation a new listing belongs to: the one named (the account must act for it), or
    the only one the account acts for in this kind. Staff may name any organisation, or none."""
    identity = signed_in(identity)
    if identity.is_staff:
        return requested
    if requested is not None:
        if not identity.acts_for(requested, kind):
            raise Forbidden("vous n'agissez pas pour cette organisation avec ce type d'annonce",
                            field="organisation_id")
        return requested
    candidates = [org for org in identity.memberships if identity.acts_for(org, kind)]
    if not candidates:
        raise Forbidden("votre rôle ne permet pas de publier ce type d'annonce : il faut être membre d'une "
                        "organisation avec le rôle qui convient")
    if len(candidates) > 1 and identity.default_organisation_id in candidates:
        return identity.default_organisation_id
    if len(candidates) > 1:
        raise InvalidField("vous agissez pour plusieurs organisations : précisez laquelle, ou choisissez-en "
                           "une par défaut (PUT /api/me/default-organisation)", field="organisation_id")
    return candidates[0]


def is_party(identity: Identity | None, initiative: Any, candidate_kind: str, candidate: Any) -> bool:
    """Acts for either side of a match (or is staff): may see its contact details once both agreed."""
    if identity is None:
        return False
    return (identity.is_staff or identity.acts_for(initiative.organisation_id, "initiative")
            or identity.acts_for(candidate.organisation_id, candidate_kind))


def acting_side(identity: Identity | None, initiative: Any, candidate_kind: str, candidate: Any,
                requested: Side | None) -> Side:
    """The side of a match this account moves: the one whose organisation it acts for. An account on
    both sides must say which (`side`); nobody else acts, staff included (consent is the parties')."""
    identity = signed_in(identity)
    parties: tuple[tuple[Side, int | None, str], ...] = (
        ("initiative", initiative.organisation_id, "initiative"),
        ("candidate", candidate.organisation_id, candidate_kind),
    )
    sides = [side for side, org, kind in parties if identity.acts_for(org, kind)]
    if not sides:
        raise Forbidden("seuls les membres des deux organisations du rapprochement peuvent le faire avancer")
    if requested is None:
        if len(sides) > 1:
            raise InvalidField("vous agissez pour les deux parties : précisez « initiative » ou « candidate »",
                               field="side")
        return sides[0]
    if requested not in sides:
        raise Forbidden("vous n'agissez pas pour cette partie du rapprochement", field="side")
    return requested
