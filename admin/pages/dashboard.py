"""The dashboard: the figures as SVG charts and tables; the same figures as JSON at /api/admin/stats."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from admin.pages.common import KIND_NAMES, render
from admin.services import charts, stats
from api.deps import EmbedderDep
from api.guards import ACCOUNT
from api.identity import IdentityDep
from market.access import Identity
from market.matches.pools import CandidatePools
from market.matches.vectors import model_id
from market.moderation.workflow import STATE_LABELS
from market.vocabulary import LABELS

SHORT_STATES = {"draft": "brouillon", "pending_review": "en attente", "published": "publiée", "rejected": "refusée",
                "archived": "archivée", "merged": "fusionnée"}
STAGE_LABELS = {"suggested": "Suggérés", "contacted": "Contactés", "in_discussion": "En discussion",
                "partnership": "Partenariats"}


@get("/tableau-de-bord", name="admin-dashboard")
async def dashboard(request: Request[Any, Any, Any], db_session: AsyncSession, staff: Identity,
                    pools: CandidatePools, embedder: EmbedderDep) -> Template:
    figures = await stats.figures(db_session, staff, pools, model_id(embedder))
    maturity = request.query_params.get("maturite", "")
    errors = {}
    if maturity and maturity not in LABELS["maturity"]:
        errors["maturite"] = f"maturité inconnue : « {maturity} »"
        maturity = ""
    listing_charts = [charts.hbars(f"{KIND_NAMES[kind]} par état",
                                   [(SHORT_STATES[s], n) for s, n in states.items()])
                      for kind, states in figures.listings.items()]
    funnel = figures.funnel
    funnel_chart = charts.hbars("Entonnoir de coopération (toutes les mises en relation)",
                                [(STAGE_LABELS[s], funnel["total"][s]) for s in funnel["stages"]])
    money_chart = charts.columns("Dons encaissés par mois (euros)",
                                 [(m["month"], m["pledged_cents"] / 100) for m in figures.pledges_by_month], " €")
    where = f" ({LABELS['maturity'][maturity]})" if maturity else ""
    map_chart = charts.department_map(f"Initiatives publiées sans structure d'accompagnement éligible{where}",
                                      figures.coverage["departments"], maturity)
    gaps = {code: d for code, d in figures.coverage["departments"].items() if d["initiatives"]}
    return render("admin/dashboard.html", staff, status_code=400 if errors else 200, title="Tableau de bord",
                  figures=figures, listing_charts=listing_charts, funnel_chart=funnel_chart, money_chart=money_chart,
                  map_chart=map_chart, gaps=gaps, stages=STAGE_LABELS, states=STATE_LABELS,
                  maturities=LABELS["maturity"], values={"maturite": maturity}, errors=errors)


@get("/api/admin/stats", opt=ACCOUNT, tags=["back office"],
     summary="Chiffres du back office (modérateurs et administrateurs)")
async def stats_json(db_session: AsyncSession, identity: IdentityDep, pools: CandidatePools,
                     embedder: EmbedderDep) -> stats.Stats:
    return await stats.figures(db_session, identity, pools, model_id(embedder))


DASHBOARD_PAGES = [dashboard]
