"""Browsing, reading and creating listings in the web client: the same services as the JSON API."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import msgspec
from litestar import Request, get, post
from litestar.handlers import HTTPRouteHandler
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import EmbedderDep, parse_id
from api.identity import IdentityDep
from api.pages.common import (
    BY_KIND,
    VOCABULARY,
    WEB_KINDS,
    WebKind,
    cents,
    form_errors,
    form_values,
    options,
    render,
    whole,
)
from market.access import signed_in
from market.config import Settings
from market.errors import DomainError, NotAuthenticated
from market.listings import service as listings
from market.listings.schemas import InitiativeCreate, VolunteerOfferCreate
from market.pledges import service as pledges
from market.vocabulary import LABELS

FILTER_LISTS = {"theme": "theme", "maturity": "maturity", "economic_purpose": "economic_purpose",
                "org_form": "org_form", "stance": "stance", "need": "need", "direction": "direction"}
FILTER_LABELS = {"theme": "Thématique", "maturity": "Maturité", "economic_purpose": "Finalité économique",
                 "org_form": "Forme d'organisation", "stance": "Posture", "need": "Besoin",
                 "direction": "Sens de la reprise", "remote_ok": "À distance", "territory": "Territoire",
                 "q": "Recherche"}
SORTS = {"relevance": "Pertinence", "newest": "Plus récentes", "oldest": "Plus anciennes", "title": "Titre"}
PAGE_SIZE = 20


def _query(kind: WebKind, params: dict[str, list[str]]) -> tuple[listings.ListingQuery, dict[str, str]]:
    """The browse query from the URL's parameters; values that are not codes are reported, not used."""
    errors: dict[str, str] = {}
    first = {k: v[0].strip() for k, v in params.items() if v and v[0].strip()}
    filters: dict[str, Any] = {}
    for name in kind.spec.filters:
        if name == "need":
            wanted = [v for v in params.get("need", []) if v]
            if bad := [v for v in wanted if v not in LABELS["need"]]:
                errors["need"] = f"code inconnu : « {bad[0]} »"
            elif wanted:
                filters["need"] = wanted
        elif name == "remote_ok":
            if first.get(name) in ("true", "false"):
                filters[name] = first[name] == "true"
        elif name in first:
            codes = [o["code"] for o in options(FILTER_LISTS[name])]
            if first[name] in codes:
                filters[name] = first[name]
            else:
                errors[name] = f"code inconnu : « {first[name]} »"
    page = int(first["page"]) if first.get("page", "").isdigit() and 0 < int(first["page"]) <= 10_000 else 1
    sort = first.get("sort") if first.get("sort") in SORTS else None
    query = listings.ListingQuery(q=first.get("q", "")[:200] or None, territory=first.get("territory", "")[:20] or None,
                                  filters=filters, page=page, page_size=PAGE_SIZE, sort=sort)  # type: ignore[arg-type]
    return query, errors


def _without_page(request: Request[Any, Any, Any]) -> str:
    kept = [(k, v) for k in request.query_params for v in request.query_params.getall(k) if k != "page" and v]
    return urlencode(kept)


@get("/initiatives/nouvelle", include_in_schema=False)
async def new_initiative(identity: IdentityDep) -> Template | Redirect:
    if identity is None:
        return Redirect(path="/connexion?suite=/initiatives/nouvelle", status_code=303)
    return _initiative_form(identity, {}, {}, {})


def _initiative_form(identity: Any, values: dict[str, str], lists: dict[str, list[str]], errors: dict[str, str],
                     status_code: int = 200) -> Template:
    return render("initiative_form.html", identity, status_code=status_code, title="Proposer une initiative",
                  values=values, lists=lists, errors=errors, vocabulary=VOCABULARY)


def _initiative_body(values: dict[str, str], lists: dict[str, list[str]]) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": values.get("title", ""), "description": values.get("description", ""),
        "commune": values.get("commune", ""), "themes": lists.get("themes", []),
        "maturity": values.get("maturity", ""), "economic_purpose": values.get("economic_purpose", ""),
        "org_form": values.get("org_form", ""), "stance": values.get("stance", ""), "needs": lists.get("needs", []),
        "contact": {"name": values.get("contact.name", ""), "email": values.get("contact.email", "")},
        "skills_needed": [s.strip() for s in values.get("skills_needed", "").split(",") if s.strip()],
    }
    if values.get("contact.phone"):
        body["contact"]["phone"] = values["contact.phone"]
    if values.get("funding_goal_euros"):
        body["funding_goal_cents"] = cents(values["funding_goal_euros"])
    return body


@post("/initiatives/nouvelle", include_in_schema=False)
async def create_initiative(request: Request[Any, Any, Any], db_session: AsyncSession, settings: Settings,
                            embedder: EmbedderDep, identity: IdentityDep) -> Template | Redirect:
    values, lists = await form_values(request)
    try:
        actor = signed_in(identity)
        data = msgspec.convert(_initiative_body(values, lists), InitiativeCreate)
        item = await listings.create(db_session, BY_KIND["initiative"].spec, data, settings, actor=actor,
                                     embedder=embedder)
    except NotAuthenticated:
        return Redirect(path="/connexion", status_code=303)
    except (DomainError, msgspec.ValidationError) as exc:
        errors = form_errors(exc)
        if "funding_goal_cents" in errors:
            errors["funding_goal_euros"] = errors.pop("funding_goal_cents")
        await db_session.rollback()
        return _initiative_form(identity, values, lists, errors, status_code=400)
    return Redirect(path=f"/initiatives/{item.id}?nouvelle=1", status_code=303)


def kind_pages(kind: WebKind) -> list[HTTPRouteHandler]:
    """The search page and the page of one listing, for one kind."""

    @get(f"/{kind.path}", include_in_schema=False, name=f"{kind.path}-browse")
    async def browse(request: Request[Any, Any, Any], db_session: AsyncSession, identity: IdentityDep) -> Template:
        params = {k: request.query_params.getall(k) for k in request.query_params}
        query, errors = _query(kind, params)
        try:
            found = await listings.browse(db_session, kind.spec, query)
        except DomainError as exc:
            errors |= form_errors(exc)
            query.territory = None
            found = await listings.browse(db_session, kind.spec, query)
        values = {k: v[0] for k, v in params.items() if v}
        pages = max(1, -(-found.total // PAGE_SIZE))
        return render("browse.html", identity, title=kind.plural, kind=kind, results=found, values=values,
                      needs=params.get("need", []), errors=errors, filters=list(kind.spec.filters),
                      filter_labels=FILTER_LABELS, filter_lists=FILTER_LISTS, options=options, sorts=SORTS,
                      page=query.page, pages=pages, base_query=_without_page(request))

    @get(f"/{kind.path}/{{listing_id:str}}", include_in_schema=False, name=f"{kind.path}-read")
    async def read(request: Request[Any, Any, Any], db_session: AsyncSession, settings: Settings,
                   identity: IdentityDep, listing_id: str) -> Template:
        item = await listings.read(db_session, kind.spec, parse_id(listing_id, kind.singular), identity)
        funding = None
        if kind.spec.kind == "initiative" and item.status == "published":
            funding = await pledges.funding(db_session, settings, item.id)
        return render("listing.html", identity, title=kind.spec.title(item), kind=kind, listing=kind.spec.to_out(item),
                      created="nouvelle" in request.query_params, reported="signalee" in request.query_params,
                      funding=funding)

    return [browse, read]


KIND_PAGES = [handler for kind in WEB_KINDS for handler in kind_pages(kind)]


@get("/mecenat/nouvelle", include_in_schema=False)
async def new_volunteer_offer(identity: IdentityDep) -> Template | Redirect:
    if identity is None:
        return Redirect(path="/connexion?suite=/mecenat/nouvelle", status_code=303)
    return _offer_form(identity, {}, {}, {})


def _offer_form(identity: Any, values: dict[str, str], lists: dict[str, list[str]], errors: dict[str, str],
                status_code: int = 200) -> Template:
    return render("offer_form.html", identity, status_code=status_code, title="Proposer du mécénat de compétences",
                  values=values, lists=lists, errors=errors, vocabulary=VOCABULARY)


@post("/mecenat/nouvelle", include_in_schema=False)
async def create_volunteer_offer(request: Request[Any, Any, Any], db_session: AsyncSession, settings: Settings,
                                 embedder: EmbedderDep, identity: IdentityDep) -> Template | Redirect:
    values, lists = await form_values(request)
    body: dict[str, Any] = {
        "business_name": values.get("business_name", ""), "title": values.get("title", ""),
        "description": values.get("description", ""), "commune": values.get("commune", ""),
        "skills": [s.strip() for s in values.get("skills", "").split(",") if s.strip()],
        "hours": whole(values.get("hours", "")), "radius_km": whole(values.get("radius_km", "")),
        "remote_ok": values.get("remote_ok") == "oui", "themes": lists.get("themes", []),
        "contact": {"name": values.get("contact.name", ""), "email": values.get("contact.email", "")},
    }
    try:
        actor = signed_in(identity)
        data = msgspec.convert(body, VolunteerOfferCreate)
        item = await listings.create(db_session, BY_KIND["volunteer_offer"].spec, data, settings, actor=actor,
                                     embedder=embedder)
    except NotAuthenticated:
        return Redirect(path="/connexion", status_code=303)
    except (DomainError, msgspec.ValidationError) as exc:
        await db_session.rollback()
        return _offer_form(identity, values, lists, form_errors(exc), status_code=400)
    return Redirect(path=f"/mecenat/{item.id}?nouvelle=1", status_code=303)
