"""The controlled vocabulary: codes stored everywhere, French labels shown to people.

`matching/vocabulary.json` is the project's copy of the shared specification; the codes are the contract
between the database, the API and the matching engine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, TypeAlias, get_args

from matching.vocabulary import LABELS, LISTS, MATURITY_ORDER, SKILLS

__all__ = ["LABELS", "LISTS", "MATURITY_ORDER", "SKILLS"]
ModerationState = Literal["draft", "pending_review", "published", "rejected", "archived", "merged"]
MODERATION_STATES: tuple[ModerationState, ...] = get_args(ModerationState)
# The four kinds of listing; the last three are the candidates the engine ranks for an initiative.
ListingKind = Literal["initiative", "support_provider", "takeover", "volunteer_offer"]
CandidateKind = Literal["support_provider", "takeover", "volunteer_offer"]
CANDIDATE_KINDS: tuple[CandidateKind, ...] = get_args(CandidateKind)
# Roles: in an organisation (membership), and on the platform.
MemberRole = Literal["project_leader", "support_member", "business_member", "funder"]
PlatformRole = Literal["moderator", "admin"]
MEMBER_ROLES: tuple[MemberRole, ...] = get_args(MemberRole)
PLATFORM_ROLES: tuple[PlatformRole, ...] = get_args(PlatformRole)
ROLE_LABELS = {
    "project_leader": "porteur de projet",
    "support_member": "membre d'une structure d'accompagnement",
    "business_member": "membre d'une entreprise",
    "funder": "financeur",
    "moderator": "modérateur",
    "admin": "administrateur",
}
# The cooperation levels of a match (market.matches.workflow), the levels a party may ask for, its sides.
MatchStatus = Literal["suggested", "contacted", "in_discussion", "partnership", "declined"]
MatchTarget = Literal["contacted", "in_discussion", "partnership", "declined"]
Side = Literal["initiative", "candidate"]
# Why a party declined a match (optional): the team reads the figures (`python -m matching.evaluate --database`).
DeclineReason = Literal["not_relevant", "already_in_touch", "later"]
DECLINE_REASONS: dict[str, str] = {
    "not_relevant": "pas pertinent",
    "already_in_touch": "déjà en contact",
    "later": "plus tard",
}
# The states of a pledge (market.pledges.states); the settled ones count in the funding total.
PledgeState = Literal["pending", "succeeded", "failed", "refunded", "partially_refunded"]
PLEDGE_STATES: tuple[PledgeState, ...] = get_args(PledgeState)
SETTLED_STATES: tuple[PledgeState, ...] = ("succeeded", "partially_refunded", "refunded")
TAKEOVER_DIRECTIONS = {
    "handover": "Activité à reprendre",
    "carrier": "Acteur prêt à porter une activité",
}
ORGANISATION_KINDS = {
    "initiative_group": "Collectif ou association porteuse d'initiative",
    "support_structure": "Structure d'accompagnement",
    "ess_enterprise": "Entreprise de l'économie sociale et solidaire",
    "business": "Entreprise",
    "public_body": "Collectivité ou établissement public",
}

# Literal types built from the codes, so msgspec rejects unknown codes and OpenAPI lists them. They are
# made at run time from vocabulary.json, which a type checker cannot read: to it they are plain strings.
if TYPE_CHECKING:
    Maturity: TypeAlias = str
    EconomicPurpose: TypeAlias = str
    OrgForm: TypeAlias = str
    Stance: TypeAlias = str
    Theme: TypeAlias = str
    Need: TypeAlias = str
    TakeoverDirection: TypeAlias = str
    OrganisationKind: TypeAlias = str
else:
    Maturity = Literal[tuple(LABELS["maturity"])]
    EconomicPurpose = Literal[tuple(LABELS["economic_purpose"])]
    OrgForm = Literal[tuple(LABELS["org_form"])]
    Stance = Literal[tuple(LABELS["stance"])]
    Theme = Literal[tuple(LABELS["theme"])]
    Need = Literal[tuple(LABELS["need"])]
    TakeoverDirection = Literal[tuple(TAKEOVER_DIRECTIONS)]
    OrganisationKind = Literal[tuple(ORGANISATION_KINDS)]


def as_document() -> dict[str, Any]:
    """Every code list with its French labels, in the vocabulary's order."""
    doc: dict[str, Any] = {
        name: [{"code": code, "label": text} for code, text in LABELS[name].items()] for name in LISTS
    }
    doc["skills"] = list(SKILLS)
    doc["moderation_state"] = list(MODERATION_STATES)
    doc["takeover_direction"] = [{"code": c, "label": t} for c, t in TAKEOVER_DIRECTIONS.items()]
    doc["organisation_kind"] = [{"code": c, "label": t} for c, t in ORGANISATION_KINDS.items()]
    doc["role"] = [{"code": c, "label": t} for c, t in ROLE_LABELS.items()]
    doc["decline_reason"] = [{"code": c, "label": t} for c, t in DECLINE_REASONS.items()]
    return doc
