"""Matches: ranked candidates of an initiative, ranked initiatives of a candidate, why a pair
does or does not match, and the cooperation levels either party moves a match through.

The acting party is the signed-in member's side (`market.access.acting_side`); contact
details, once both agreed, are shown to the parties only.
"""

from typing import Annotated

from litestar import Response, Router, get, patch, post
from litestar.handlers import HTTPRouteHandler
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import MAX_ID, EmbedderDep, parse_id, strict_body
from api.guards import ACCOUNT
from api.identity import IdentityDep
from market.access import signed_in
from market.config import Settings
from market.listings import kinds
from market.listings.spec import KindSpec
from market.matches import service as matches
from market.matches.pools import CandidatePools
from market.matches.schemas import Explain, MatchCreate, MatchOut, MatchPage, MatchUpdate
from market.matches.vectors import model_id
from market.vocabulary import CandidateKind

Limit = Annotated[int, Parameter(ge=1, le=100, description="Nombre de rapprochements au plus (par type)")]
KindFilter = Annotated[
    CandidateKind | None, Parameter(description="Type de partenaire ; sans ce paramètre, les trois types")
]
CandidateId = Annotated[int, Parameter(ge=1, le=MAX_ID, description="Identifiant de l'annonce partenaire")]


@get("/api/initiatives/{listing_id:str}/matches", summary="Rapprochements classés d'une initiative")
async def initiative_matches(
    db_session: AsyncSession, pools: CandidatePools, embedder: EmbedderDep, identity: IdentityDep, listing_id: str,
    settings: Settings, kind: KindFilter = None, limit: Limit = 20
) -> MatchPage:
    initiative_id = parse_id(listing_id, "initiative")
    return await matches.for_initiative(db_session, pools, initiative_id, kind, limit=limit, model=model_id(embedder),
                                        viewer=identity, floor=settings.match_floor)


@get("/api/initiatives/{listing_id:str}/matches/explain", summary="Pourquoi une paire correspond ou non")
async def explain_match(
    db_session: AsyncSession,
    embedder: EmbedderDep,
    identity: IdentityDep,
    listing_id: str,
    candidate_kind: CandidateKind,
    candidate_id: CandidateId,
) -> Explain:
    initiative_id = parse_id(listing_id, "initiative")
    return await matches.explain(db_session, initiative_id, candidate_kind, candidate_id, model=model_id(embedder),
                                 viewer=identity)


def candidate_matches(spec: KindSpec) -> HTTPRouteHandler:
    @get(f"/api/{spec.resource}/{{listing_id:str}}/matches", summary=f"Initiatives classées ({spec.label})",
         name=f"{spec.kind}-matches")
    async def handler(db_session: AsyncSession, pools: CandidatePools, embedder: EmbedderDep, identity: IdentityDep,
                      settings: Settings, listing_id: str, limit: Limit = 20) -> MatchPage:
        candidate_id = parse_id(listing_id, spec.label)
        return await matches.for_candidate(db_session, pools, spec.kind, candidate_id, limit=limit,
                                           model=model_id(embedder), viewer=identity, floor=settings.match_floor)

    return handler


@get("/api/matches/{match_id:str}", opt=ACCOUNT, summary="Un rapprochement, tel que les deux parties le voient")
async def read_match(db_session: AsyncSession, embedder: EmbedderDep, identity: IdentityDep, match_id: str) -> MatchOut:
    return await matches.read(db_session, parse_id(match_id, "rapprochement"), model=model_id(embedder),
                              viewer=identity)


@patch("/api/matches/{match_id:str}", summary="Faire avancer un rapprochement (l'une des parties)")
async def move_match(
    db_session: AsyncSession, embedder: EmbedderDep, identity: IdentityDep, match_id: str, data: MatchUpdate,
    body: bytes
) -> MatchOut:
    actor = signed_in(identity)
    change = strict_body(body, MatchUpdate)
    return await matches.move(db_session, parse_id(match_id, "rapprochement"), change.status, change.side,
                              actor=actor, model=model_id(embedder), reason=change.reason)


@post("/api/matches", summary="Agir sur une paire classée (l'une des parties) : le rapprochement est enregistré",
      status_code=201)
async def act_on_pair(
    db_session: AsyncSession, embedder: EmbedderDep, identity: IdentityDep, data: MatchCreate, body: bytes
) -> Response[MatchOut]:
    actor = signed_in(identity)
    change = strict_body(body, MatchCreate)
    match, created = await matches.act(db_session, change.initiative_id, change.candidate_kind, change.candidate_id,
                                       change.status, change.side, actor=actor, model=model_id(embedder),
                                       reason=change.reason)
    return Response(match, status_code=201 if created else 200)


ROUTER = Router(
    path="/",
    route_handlers=[
        initiative_matches,
        explain_match,
        *(candidate_matches(spec) for spec in kinds.CANDIDATES.values()),
        read_match,
        move_match,
        act_on_pair,
    ],
    tags=["rapprochements"],
)
