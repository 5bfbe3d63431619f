"""Read a matching-evaluation file (the format of shared/eval/README.md) into profiles.

Places come from the territories file given with it, not from the national reference, so the
evaluation needs no database.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from matching.types import Area, Candidate, Initiative, Place, SupportProvider, Takeover, VolunteerOffer


@dataclass
class Dataset:
    initiatives: list[Initiative]
    candidates: list[Candidate]
    judgments: dict[str, dict[str, int]]
    ineligible: dict[str, set[str]]
    reference_date: date


def load_places(path: str | Path) -> dict[str, Place]:
    places = {}
    for row in json.loads(Path(path).read_text(encoding="utf-8")):
        places[row["code"]] = Place(
            code=row["code"], name=row["name"], department=row["department"], region=row["region"],
            lat=row["lat"], lon=row["lon"], epci=row.get("epci"), epci_name=row.get("epci_name", ""),
        )
    return places


def _area(raw: dict[str, Any], places: dict[str, Place]) -> Area:
    return Area(
        national=bool(raw.get("national")),
        regions=tuple(raw.get("regions", ())),
        departments=tuple(raw.get("departments", ())),
        epcis=tuple(raw.get("epcis", ())),
        communes=tuple(places[c] for c in raw.get("communes", ()) if c in places),
        radius_km=float(raw.get("radius_km", 0) or 0),
    )


def _candidate(raw: dict[str, Any], places: dict[str, Place]) -> Candidate:
    kind = raw["kind"]
    themes = tuple(raw.get("themes", ()))
    if kind == "support_provider":
        return SupportProvider(
            id=raw["id"], name=raw["name"], description=raw["description"], area=_area(raw["area"], places),
            themes=themes, maturities=tuple(raw["maturities"]), economic_purposes=tuple(raw["economic_purposes"]),
            org_forms=tuple(raw["org_forms"]), stances=tuple(raw["stances"]), offers=tuple(raw["offers"]),
            capacity=raw["capacity"], free_of_charge=raw.get("free_of_charge", True),
        )
    if kind == "takeover":
        return Takeover(
            id=raw["id"], direction=raw["direction"], actor_name=raw["actor_name"],
            actor_org_form=raw["actor_org_form"], title=raw["title"], description=raw["description"],
            place=places[raw["territory"]], radius_km=raw["radius_km"], themes=themes,
            min_maturity=raw["min_maturity"], economic_purposes=tuple(raw["economic_purposes"]),
            deadline=date.fromisoformat(raw["deadline"]) if raw.get("deadline") else None,
        )
    if kind == "volunteer_offer":
        return VolunteerOffer(
            id=raw["id"], business_name=raw["business_name"], title=raw.get("title", ""),
            description=raw["description"], skills=tuple(raw["skills"]), hours=raw["hours"],
            remote_ok=raw["remote_ok"], place=places[raw["territory"]], radius_km=raw["radius_km"], themes=themes,
        )
    raise ValueError(f"candidate {raw.get('id')}: unknown kind {kind!r}")


def load_dataset(data_path: str | Path, territories_path: str | Path) -> Dataset:
    raw = json.loads(Path(data_path).read_text(encoding="utf-8"))
    places = load_places(territories_path)
    initiatives = [
        Initiative(
            id=i["id"], title=i["title"], description=i["description"], place=places[i["territory"]],
            themes=tuple(i["themes"]), maturity=i["maturity"], economic_purpose=i["economic_purpose"],
            org_form=i["org_form"], stance=i["stance"], needs=tuple(i["needs"]),
            skills_needed=tuple(i.get("skills_needed", ())),
        )
        for i in raw["initiatives"]
    ]
    return Dataset(
        initiatives=initiatives,
        candidates=[_candidate(c, places) for c in raw["candidates"]],
        judgments={k: dict(v) for k, v in raw.get("judgments", {}).items()},
        ineligible={k: set(v) for k, v in raw.get("ineligible", {}).items()},
        reference_date=date.fromisoformat(raw["reference_date"]),
    )
