"""What the back office pages share: the web client's render helper with the back office's menu, the
listing kinds by their URL segment, and the display of stored values."""

from __future__ import annotations

from typing import Any

from api.pages.common import render as render_page
from market.access import Identity
from market.errors import NotFound
from market.listings import kinds
from market.listings.spec import KindSpec

MENU = (("/admin/", "File de modération"), ("/admin/journal", "Journal"), ("/admin/comptes", "Comptes"),
        ("/admin/tableau-de-bord", "Tableau de bord"), ("/admin/doublons", "Doublons"), ("/admin/dons", "Dons"),
        ("/admin/reglages-matching", "Réglages du matching"))
ADMIN_MENU = (("/admin/import", "Importer"),)  # admins only: a moderator would get a 403 there
KIND_NAMES = {"initiative": "Initiative", "support_provider": "Structure d'accompagnement",
              "takeover": "Reprise d'activité", "volunteer_offer": "Offre de mécénat"}
FIELD_LABELS = {
    "title": "Titre", "name": "Nom", "description": "Description", "themes": "Thématiques", "place": "Commune",
    "contact": "Contact", "maturity": "Maturité", "economic_purpose": "Finalité économique",
    "org_form": "Forme d'organisation", "stance": "Posture", "needs": "Besoins",
    "skills_needed": "Compétences recherchées", "funding_goal_cents": "Objectif de financement (centimes)",
    "area": "Zone", "offers": "Offre", "capacity": "Capacité", "free_of_charge": "Gratuit",
    "website": "Site", "maturities": "Maturités", "economic_purposes": "Finalités", "org_forms": "Formes",
    "stances": "Postures", "direction": "Sens", "actor_name": "Acteur", "radius_km": "Rayon (km)",
    "deadline": "Date limite", "business_name": "Entreprise", "skills": "Compétences", "hours": "Heures",
    "remote_ok": "À distance", "organisation": "Organisation", "siren": "SIREN", "rna": "RNA",
}


def render(template: str, staff: Identity, status_code: int = 200, **context: Any) -> Any:
    menu = MENU + ADMIN_MENU if staff.is_admin else MENU
    return render_page(template, staff, status_code=status_code, menu=menu, kind_names=KIND_NAMES,
                       field_labels=FIELD_LABELS, shown=shown, **context)


def spec_of(resource: str) -> KindSpec:
    spec = kinds.BY_RESOURCE.get(resource)
    if spec is None:
        raise NotFound(f"type d'annonce inconnu : « {resource} »")
    return spec


def shown(value: Any) -> str:
    """A stored value as a person reads it."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list):
        return ", ".join(shown(v) for v in value)
    if isinstance(value, dict):
        return " · ".join(f"{k} : {shown(v)}" for k, v in value.items() if v not in (None, "", [], False))
    return str(value)
