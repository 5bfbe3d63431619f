"""Browsing and reading listings in the web client: the same services as the JSON API."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Request, get
from litestar.handlers import HTTPRouteHandler
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import parse_id
from api.identity import IdentityDep
from api.pages.common import (
    WEB_KINDS,
    WebKind,
    form_errors,
    options,
    render,
)
from market.access import can_manage
from market.config import Settings
from market.errors import DomainError
from market.listings import service as listings
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
                      created="nouvelle" in request.query_params, edited="modifiee" in request.query_params,
                      reported="signalee" in request.query_params,
                      can_edit=can_manage(identity, kind.spec.kind, item), funding=funding)

    return [browse, read]


KIND_PAGES = [handler for kind in WEB_KINDS for handler in kind_pages(kind)]
