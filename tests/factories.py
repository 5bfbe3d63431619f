"""Valid request bodies for each kind of listing; tests override what they exercise."""

from __future__ import annotations

from typing import Any

CONTACT = {"name": "Camille Test", "email": "camille@example.org", "phone": "01 99 00 12 34"}


def initiative(**overrides: Any) -> dict[str, Any]:
    body = {
        "title": "Épicerie solidaire des Résidences",
        "description": "Une épicerie solidaire associative ouverte deux demi-journées par semaine à Belfort.",
        "commune": "90010",
        "themes": ["food", "solidarity"],
        "maturity": "launch",
        "economic_purpose": "non_profit",
        "org_form": "association",
        "stance": "alternative",
        "needs": ["premises", "funding", "skills"],
        "skills_needed": ["compta asso", "gestion des stocks"],
        "funding_goal_cents": 2_500_000,
        "team_size": 12,
        "contact": CONTACT,
    }
    return {**body, **overrides}


def support_provider(**overrides: Any) -> dict[str, Any]:
    body = {
        "name": "Incubateur ESS du Territoire de Belfort",
        "description": "Accompagnement des projets d'utilité sociale : modèle économique, statuts, financements.",
        "area": {"departments": ["90"]},
        "themes": [],
        "maturities": ["emergence", "launch"],
        "economic_purposes": ["non_profit", "limited_profit"],
        "org_forms": [],
        "stances": [],
        "offers": ["business_model", "legal_structuring", "funding"],
        "capacity": 4,
        "free_of_charge": True,
        "website": "https://incubateur.example.org",
        "contact": CONTACT,
    }
    return {**body, **overrides}


def takeover(**overrides: Any) -> dict[str, Any]:
    body = {
        "direction": "handover",
        "actor_name": "Épicerie Chez Paulette",
        "actor_org_form": "commercial_company",
        "title": "Épicerie de quartier à reprendre avec chambre froide",
        "description": "Après trente ans, la gérante cède le droit au bail d'un local de 90 m² avec chambre froide.",
        "commune": "90010",
        "radius_km": 15,
        "themes": ["food"],
        "min_maturity": "launch",
        "economic_purposes": [],
        "deadline": "2027-06-30",
        "contact": CONTACT,
    }
    return {**body, **overrides}


def volunteer_offer(**overrides: Any) -> dict[str, Any]:
    body = {
        "business_name": "Cabinet comptable de l'Est",
        "title": "Tenue de comptabilité pour associations",
        "description": "Trois collaborateurs aident les associations à tenir une comptabilité simple et un budget.",
        "skills": ["tenue de la compta", "budget prévisionnel"],
        "hours": 40,
        "remote_ok": False,
        "commune": "90010",
        "radius_km": 20,
        "themes": [],
        "contact": CONTACT,
    }
    return {**body, **overrides}


BODIES = {
    "initiatives": initiative,
    "support-providers": support_provider,
    "takeover-opportunities": takeover,
    "volunteer-offers": volunteer_offer,
}
RESOURCES = tuple(BODIES)
