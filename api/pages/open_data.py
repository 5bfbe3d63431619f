"""The open-data page: what the exports hold, their formats and their licence (Licence Ouverte 2.0)."""

from __future__ import annotations

from litestar import get
from litestar.response import Template

from api.export import LICENCE, LICENCE_URL
from api.identity import IdentityDep
from api.pages.common import render
from market.listings import kinds

NAMES = {"initiative": "Initiatives", "support_provider": "Structures d'accompagnement",
         "takeover": "Reprises d'activité", "volunteer_offer": "Offres de mécénat de compétences"}


@get("/donnees-ouvertes", include_in_schema=False)
async def open_data(identity: IdentityDep) -> Template:
    sets = [(NAMES[spec.kind], spec.resource) for spec in kinds.KINDS.values()]
    return render("open_data.html", identity, title="Données ouvertes", sets=sets, licence=LICENCE,
                  licence_url=LICENCE_URL)
