"""A small judged file in the format of the shared evaluation data (shared/eval/README.md), written
in a temporary folder: the tests of the matching settings preview measure on it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

TERRITORIES = [
    {"code": "90010", "name": "Belfort", "epci": "200069052", "epci_name": "CA Grand Belfort", "department": "90",
     "region": "27", "lat": 47.638, "lon": 6.8628},
    {"code": "25388", "name": "Montbéliard", "epci": "200065647", "epci_name": "PM Agglomération",
     "department": "25", "region": "27", "lat": 47.51, "lon": 6.798},
]


def _provider(id: str, name: str, themes: list[str], offers: list[str], area: dict[str, Any]) -> dict[str, Any]:
    return {"id": id, "kind": "support_provider", "name": name, "description": f"{name} : accompagnement.",
            "area": area, "themes": themes, "maturities": [], "economic_purposes": [], "org_forms": [],
            "stances": [], "offers": offers, "capacity": 5, "free_of_charge": True}


def _takeover(id: str, title: str, territory: str, themes: list[str]) -> dict[str, Any]:
    return {"id": id, "kind": "takeover", "direction": "handover", "actor_name": "Commerce", "actor_org_form":
            "commercial_company", "title": title, "description": f"{title}. Local de 90 m² à reprendre.",
            "territory": territory, "radius_km": 40, "themes": themes, "min_maturity": "idea",
            "economic_purposes": [], "deadline": "2027-06-30"}


def _offer(id: str, name: str, skills: list[str], territory: str) -> dict[str, Any]:
    return {"id": id, "kind": "volunteer_offer", "business_name": name, "description": f"{name} aide les associations.",
            "skills": skills, "hours": 20, "remote_ok": False, "territory": territory, "radius_km": 50, "themes": []}


DATA: dict[str, Any] = {
    "initiatives": [
        {"id": "I1", "title": "Épicerie solidaire des Résidences", "description": "Une épicerie solidaire cherche un "
         "local plus grand, un financement et des bénévoles pour la comptabilité.", "territory": "90010",
         "themes": ["food", "solidarity"], "maturity": "launch", "economic_purpose": "non_profit",
         "org_form": "association", "stance": "alternative", "needs": ["premises", "funding"],
         "skills_needed": ["comptabilité"], "funding_goal_eur": 8000, "team_size": 12},
        {"id": "I2", "title": "Atelier vélo participatif", "description": "Un atelier de réparation de vélos cherche "
         "une formation et un accompagnement juridique.", "territory": "25388", "themes": ["mobility"],
         "maturity": "emergence", "economic_purpose": "non_profit", "org_form": "association",
         "stance": "alternative", "needs": ["training", "legal_structuring"], "skills_needed": ["mécanique vélo"],
         "funding_goal_eur": None, "team_size": 4},
    ],
    "candidates": [
        _provider("S1", "France Active Franche-Comté", ["food", "solidarity"], ["funding"], {"regions": ["27"]}),
        _provider("S2", "Réseau des ressourceries", [], ["training"], {"national": True}),
        _provider("S3", "Maison des associations du Doubs", ["mobility"], ["legal_structuring", "training"],
                  {"departments": ["25"]}),
        _takeover("T1", "Épicerie de quartier à reprendre", "90010", ["food"]),
        _takeover("T2", "Magasin de cycles à céder", "25388", ["mobility"]),
        _offer("V1", "Cabinet comptable de Belfort", ["tenue de la comptabilité"], "90010"),
        _offer("V2", "Garage solidaire", ["mécanique vélo", "réparation de cycles"], "25388"),
    ],
    "judgments": {"I1": {"S1": 2, "S2": 1, "S3": 0, "T1": 2, "T2": 0, "V1": 2, "V2": 0},
                  "I2": {"S3": 2, "S2": 1, "S1": 0, "T2": 2, "T1": 0, "V2": 2, "V1": 0}},
    "ineligible": {"I1": ["S3"]},
    "reference_date": "2026-12-01",
}


def write_judged_file(folder: Path) -> Path:
    """dev-like.json and its territories.json beside it; returns the data file's path."""
    (folder / "territories.json").write_text(json.dumps(TERRITORIES, ensure_ascii=False), encoding="utf-8")
    path = folder / "judged.json"
    path.write_text(json.dumps(DATA, ensure_ascii=False), encoding="utf-8")
    return path
