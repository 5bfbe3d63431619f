"""The controlled vocabulary: codes stored everywhere, French labels shown to people.

`matching/vocabulary.json` is the project's copy of the shared specification; the codes are the contract
between the database, the API and the matching engine.
"""

from __future__ import annotations

from typing import Any, Literal

from matching.vocabulary import LABELS, LISTS, MATURITY_ORDER, SKILLS

__all__ = ["LABELS", "LISTS", "MATURITY_ORDER", "SKILLS"]
MODERATION_STATES = ("draft", "pending_review", "published", "rejected", "archived", "merged")
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

# Literal types built from the codes, so msgspec rejects unknown codes and OpenAPI lists them.
Maturity = Literal[tuple(LABELS["maturity"])]  # type: ignore[valid-type]
EconomicPurpose = Literal[tuple(LABELS["economic_purpose"])]  # type: ignore[valid-type]
OrgForm = Literal[tuple(LABELS["org_form"])]  # type: ignore[valid-type]
Stance = Literal[tuple(LABELS["stance"])]  # type: ignore[valid-type]
Theme = Literal[tuple(LABELS["theme"])]  # type: ignore[valid-type]
Need = Literal[tuple(LABELS["need"])]  # type: ignore[valid-type]
ModerationState = Literal[MODERATION_STATES]  # type: ignore[valid-type]
TakeoverDirection = Literal[tuple(TAKEOVER_DIRECTIONS)]  # type: ignore[valid-type]
OrganisationKind = Literal[tuple(ORGANISATION_KINDS)]  # type: ignore[valid-type]


def label(list_name: str, code: str) -> str:
    return LABELS[list_name][code]


def as_document() -> dict[str, Any]:
    """Every code list with its French labels, in the vocabulary's order."""
    doc: dict[str, Any] = {
        name: [{"code": code, "label": text} for code, text in LABELS[name].items()] for name in LISTS
    }
    doc["skills"] = list(SKILLS)
    doc["moderation_state"] = list(MODERATION_STATES)
    doc["takeover_direction"] = [{"code": c, "label": t} for c, t in TAKEOVER_DIRECTIONS.items()]
    doc["organisation_kind"] = [{"code": c, "label": t} for c, t in ORGANISATION_KINDS.items()]
    return doc
