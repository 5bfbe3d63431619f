"""Hand-built profiles for the matching unit tests: a few real communes, and builders whose
defaults make a pair eligible, so each test changes only the field it is about."""

from __future__ import annotations

from datetime import date
from typing import Any

from matching.eligibility import check
from matching.pool import build_pool
from matching.types import Area, Candidate, Initiative, Place, SupportProvider, Takeover, VolunteerOffer

TODAY = date(2026, 11, 23)

BELFORT = Place(
    code="90010", name="Belfort", department="90", region="27", lat=47.638, lon=6.8628, epci="200069052",
    department_name="le Territoire de Belfort", region_name="Bourgogne-Franche-Comté",
    epci_name="CA Grand Belfort",
)
HERICOURT = Place(
    code="70285", name="Héricourt", department="70", region="27", lat=47.5775, lon=6.7617, epci="247000714",
    department_name="la Haute-Saône", region_name="Bourgogne-Franche-Comté",
    epci_name="CC du Pays d'Héricourt",
)
MONTBELIARD = Place(code="25388", name="Montbéliard", department="25", region="27", lat=47.5097, lon=6.7986)
PARIS_18 = Place(code="75118", name="Paris 18e Arrondissement", department="75", region="11",
                 lat=48.8925, lon=2.3444)
CRETEIL = Place(code="94028", name="Créteil", department="94", region="11", lat=48.7837, lon=2.4545)

# Haversine distances between those centres (km), as matching.geo computes them:
# Belfort-Héricourt 10.134, Belfort-Montbéliard 15.057, Héricourt-Montbéliard 8.032,
# Paris 18e-Créteil 14.536, Belfort-Paris 18e 362.305.


def initiative(**changes: Any) -> Initiative:
    fields: dict[str, Any] = {
        "id": "I1",
        "title": "Le Panier des Résidences, épicerie solidaire",
        "description": "Épicerie solidaire de quartier tenue par des bénévoles.",
        "place": BELFORT,
        "themes": ("food", "solidarity"),
        "maturity": "launch",
        "economic_purpose": "non_profit",
        "org_form": "association",
        "stance": "alternative",
        "needs": ("premises", "funding", "skills"),
        "skills_needed": (),
    }
    fields.update(changes)
    return Initiative(**fields)


def provider(**changes: Any) -> SupportProvider:
    fields: dict[str, Any] = {
        "id": "S1",
        "name": "France Active Franche-Comté",
        "description": "Financement et accompagnement des projets de l'ESS.",
        "area": Area(national=True),
        "offers": ("funding",),
        "capacity": 3,
    }
    fields.update(changes)
    return SupportProvider(**fields)


def takeover(**changes: Any) -> Takeover:
    fields: dict[str, Any] = {
        "id": "T1",
        "direction": "handover",
        "actor_name": "Épicerie Chez Martine",
        "actor_org_form": "commercial_company",
        "title": "Épicerie avec chambre froide à reprendre",
        "description": "Local de 95 m² avec chambre froide, droit au bail cédé.",
        "place": BELFORT,
        "radius_km": 12,
        "min_maturity": "idea",
        "deadline": None,
    }
    fields.update(changes)
    return Takeover(**fields)


def volunteer(**changes: Any) -> VolunteerOffer:
    fields: dict[str, Any] = {
        "id": "V1",
        "business_name": "Fidu-Est, cabinet d'expertise comptable",
        "title": "",
        "description": "Mise en place d'une comptabilité simple pour les associations.",
        "skills": ("tenue de la compta",),
        "hours": 40,
        "remote_ok": False,
        "place": BELFORT,
        "radius_km": 20,
    }
    fields.update(changes)
    return VolunteerOffer(**fields)


def verdicts(ini: Initiative, candidate: Candidate, today: date = TODAY) -> dict[str, bool]:
    """Every rule of the candidate's kind for this one pair: name -> passed."""
    checked = check(build_pool(candidate.kind, [candidate]), ini, today)
    return {name: bool(column[0]) for name, column in checked.rules.items()}


def is_eligible(ini: Initiative, candidate: Candidate, today: date = TODAY) -> bool:
    return bool(check(build_pool(candidate.kind, [candidate]), ini, today).eligible[0])


def failing(ini: Initiative, candidate: Candidate, today: date = TODAY) -> list[str]:
    return [name for name, passed in verdicts(ini, candidate, today).items() if not passed]
