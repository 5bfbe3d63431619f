"""An initiative's matches in the web client, and the actions of the relationship for its parties."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from litestar import Request, get, post
from litestar.handlers import HTTPRouteHandler
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import EmbedderDep, parse_id
from api.identity import IdentityDep
from api.pages.common import BY_KIND, WEB_KINDS, WebKind, form_values, render, see_other
from market.errors import DomainError
from market.matches import inbox
from market.matches import service as matches
from market.matches.pools import CandidatePools
from market.matches.vectors import model_id
from market.matches.workflow import STATE_LABELS
from market.notifications import service as notices
from market.vocabulary import DECLINE_REASONS

ACTIONS = {"contacted": "Manifester mon intérêt", "in_discussion": "Accepter la mise en relation",
           "partnership": "Marquer comme partenariat", "declined": "Décliner"}


def _reason(values: dict[str, str]) -> Any:
    """The refusal's reason the form chose: read only when declining (the select stays on the form
    whatever action is picked); an unknown code is refused by the service, naming the field."""
    if values.get("status") != "declined":
        return None
    return values.get("reason") or None


@get("/initiatives/{listing_id:str}/rapprochements", include_in_schema=False)
async def initiative_matches(request: Request[Any, Any, Any], db_session: AsyncSession, pools: CandidatePools,
                             embedder: EmbedderDep, identity: IdentityDep, listing_id: str) -> Template:
    initiative_id = parse_id(listing_id, "initiative")
    page = await matches.for_initiative(db_session, pools, initiative_id, None, limit=10, model=model_id(embedder),
                                        viewer=identity)
    by_kind = {kind: [i for i in page.items if i.kind == kind] for kind in ("support_provider", "takeover",
                                                                             "volunteer_offer")}
    return render("matches.html", identity, title="Rapprochements", page=page, by_kind=by_kind, kinds_by=BY_KIND,
                  initiative_id=initiative_id, state_labels=STATE_LABELS, actions=ACTIONS,
                  decline_reasons=DECLINE_REASONS, error=request.query_params.get("erreur"))


def _back(values: dict[str, str]) -> str:
    back = values.get("retour", "/mon-compte")
    return back if back.startswith("/") and not back.startswith("//") else "/mon-compte"


async def _acted(db_session: AsyncSession, back: str, action: Callable[[], Awaitable[object]]) -> Redirect:
    try:
        await action()
    except DomainError as exc:
        await db_session.rollback()
        return see_other(f"{back}?erreur={quote(exc.detail)}")
    return see_other(back)


@post("/rapprochements/{match_id:str}", include_in_schema=False)
async def move_match(request: Request[Any, Any, Any], db_session: AsyncSession, embedder: EmbedderDep,
                     identity: IdentityDep, match_id: str) -> Redirect:
    values, _ = await form_values(request)
    back = _back(values)
    if identity is None:
        return Redirect(path=f"/connexion?suite={back}", status_code=303)
    return await _acted(db_session, back, lambda: matches.move(
        db_session, parse_id(match_id, "rapprochement"), values.get("status", ""),  # type: ignore[arg-type]
        None, actor=identity, model=model_id(embedder), reason=_reason(values)))


@post("/rapprochements", include_in_schema=False)
async def act_on_pair(request: Request[Any, Any, Any], db_session: AsyncSession, embedder: EmbedderDep,
                      identity: IdentityDep) -> Redirect:
    """A party acts on a ranked pair nobody acted on yet: the match is stored and moved at once."""
    values, _ = await form_values(request)
    back = _back(values)
    if identity is None:
        return Redirect(path=f"/connexion?suite={back}", status_code=303)
    return await _acted(db_session, back, lambda: matches.act(
        db_session, parse_id(values.get("initiative_id", ""), "initiative"),
        values.get("candidate_kind", ""),  # type: ignore[arg-type]
        parse_id(values.get("candidate_id", ""), "annonce partenaire"), values.get("status", ""),  # type: ignore[arg-type]
        None, actor=identity, model=model_id(embedder), reason=_reason(values)))


@get("/mes-mises-en-relation", include_in_schema=False)
async def my_matches(request: Request[Any, Any, Any], db_session: AsyncSession,
                     identity: IdentityDep) -> Template | Redirect:
    if identity is None:
        return Redirect(path="/connexion?suite=/mes-mises-en-relation", status_code=303)
    items = await inbox.inbox(db_session, identity)
    by_status = {status: [i for i in items if i.status == status] for status in STATE_LABELS if status != "suggested"}
    return render("inbox.html", identity, title="Mes mises en relation", by_status=by_status, kinds_by=BY_KIND,
                  state_labels=STATE_LABELS, actions=ACTIONS, error=request.query_params.get("erreur"),
                  **await notices.inbox_context(db_session, identity))


def candidate_matches(kind: WebKind) -> HTTPRouteHandler:
    """The reverse view: the initiatives that match a support provider, takeover or volunteer offer."""

    @get(f"/{kind.path}/{{listing_id:str}}/initiatives", include_in_schema=False, name=f"{kind.path}-initiatives")
    async def handler(request: Request[Any, Any, Any], db_session: AsyncSession, pools: CandidatePools,
                      embedder: EmbedderDep, identity: IdentityDep, listing_id: str) -> Template:
        candidate_id = parse_id(listing_id, kind.singular)
        page = await matches.for_candidate(db_session, pools, kind.spec.kind, candidate_id,  # type: ignore[arg-type]
                                           limit=20, model=model_id(embedder), viewer=identity)
        return render("candidate_matches.html", identity, title="Initiatives qui correspondent", kind=kind,
                      page=page, candidate_id=candidate_id, state_labels=STATE_LABELS, actions=ACTIONS,
                      decline_reasons=DECLINE_REASONS, error=request.query_params.get("erreur"))

    return handler


CANDIDATE_PAGES = [candidate_matches(kind) for kind in WEB_KINDS if kind.spec.kind != "initiative"]
