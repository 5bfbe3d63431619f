"""The four listing resources share one shape of routes; one factory builds each controller.

This module does not use `from __future__ import annotations`: the handlers' annotations are
the kind's own Structs, read from the factory's arguments when each class is built.
"""

import hashlib
from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.datastructures import ResponseHeader
from litestar.di import Provide
from litestar.params import Parameter
from litestar.response import Stream
from litestar.serialization import encode_json
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from api.deps import EmbedderDep, parse_id, strict_body
from api.export import LINK_HEADER, SEPARATORS, csv_chunks, geojson_chunks
from api.guards import ACCOUNT
from api.identity import IdentityDep
from market.access import signed_in, staff
from market.config import Settings
from market.errors import InvalidField
from market.listings import kinds, open_data
from market.listings import service as listings
from market.listings.spec import KindSpec
from market.moderation import reports
from market.moderation import service as review
from market.moderation.schemas import ModerationActionOut, ModerationRequest, ReportOut, ReportRequest
from market.vocabulary import EconomicPurpose, Maturity, Need, OrgForm, Stance, TakeoverDirection, Theme

TERRITORY_HELP = ("Code postal, code commune, EPCI, département ou région (niveau précisable : postal:70400, "
                  "commune:70400, region:27, department:75) ; l'en-tête Territory-Read-As dit la lecture retenue")
TERRITORY_HEADER = "Territory-Read-As"
ETAG_HELP = ("Lectures anonymes : empreinte du corps ; renvoyée dans If-None-Match, la réponse est 304 sans corps "
             "tant que le corps serait le même")


def conditional(request: Request[Any, Any, Any], anonymous: bool, body: Any,
                headers: dict[str, str] | None = None) -> Response[Any]:
    """The JSON answer; for an anonymous read, with an ETag (a digest of the exact bytes sent) and a 304
    without body when the request's If-None-Match names it. Signed-in reads are left as they were (an
    unpublished listing may be shown to its organisation: no validator of it is handed out)."""
    if not anonymous:
        return Response(body, headers=headers)
    encoded = encode_json(body)
    etag = '"' + hashlib.blake2b(encoded, digest_size=16).hexdigest() + '"'
    sent = request.headers.get("if-none-match")
    headers = {**(headers or {}), "ETag": etag}
    if sent and (sent.strip() == "*" or etag in {t.strip().removeprefix("W/") for t in sent.split(",")}):
        return Response(b"", status_code=304, headers=headers)
    return Response(encoded, media_type="application/json", headers=headers)


def _etag_header() -> ResponseHeader:
    return ResponseHeader(name="ETag", documentation_only=True, description=ETAG_HELP)


def listing_controller(spec: KindSpec) -> type[Controller]:
    Create, Update, Out, Page = spec.create, spec.update, spec.out, spec.page

    class ListingController(Controller):
        path = f"/api/{spec.resource}"
        tags = [spec.resource]
        dependencies = {"listing_query": Provide(provide_listing_query, sync_to_thread=False)}

        @get("/", summary=f"Parcourir les annonces publiées ({spec.label})", response_headers=[
            ResponseHeader(name=TERRITORY_HEADER, documentation_only=True,
                           description="Avec `territory` : la lecture retenue (postal:70400, commune:94071, "
                                       "department:75 region:75)"), _etag_header()])
        async def browse(self, request: Request[Any, Any, Any], db_session: AsyncSession, identity: IdentityDep,
                         listing_query: listings.ListingQuery) -> Response[Page]:
            page = await listings.browse(db_session, spec, listing_query)
            read_as = listing_query.territory_read_as
            return conditional(request, identity is None, page, {TERRITORY_HEADER: read_as} if read_as else None)

        @get("/export", summary=f"Exporter les annonces publiées en CSV ou GeoJSON ({spec.label})")
        async def export(
            self,
            db_session: AsyncSession,
            db_engine: AsyncEngine,
            listing_query: listings.ListingQuery,
            format: Literal["csv", "geojson"] = "csv",
            separator: Annotated[Literal["comma", "semicolon"], Parameter(
                description="CSV : « semicolon » pour les tableurs français")] = "comma",
            bom: Annotated[bool, Parameter(description="CSV : commencer par un BOM UTF-8 (Excel)")] = False,
        ) -> Stream:
            stmt = await open_data.export_query(db_session, spec, listing_query)
            headers = {"Link": LINK_HEADER}
            if format == "geojson":
                return Stream(geojson_chunks(open_data.features(db_engine, spec, stmt), spec.resource),
                              media_type="application/geo+json", headers=headers)
            rows = open_data.stream(db_engine, spec, stmt)
            return Stream(csv_chunks(rows, SEPARATORS[separator], bom), media_type="text/csv",
                          headers={**headers, "Content-Disposition": f'attachment; filename="{spec.resource}.csv"'})

        @post("/", summary=f"Créer une annonce ({spec.label}) : en attente de modération")
        async def create(self, db_session: AsyncSession, settings: Settings, embedder: EmbedderDep,
                         identity: IdentityDep, data: Create, body: bytes) -> Out:
            sent = strict_body(body, Create)
            item = await listings.create(db_session, spec, sent, settings, actor=signed_in(identity),
                                         embedder=embedder)
            return spec.to_out(item)

        @get("/{listing_id:str}", summary=f"Lire une annonce ({spec.label})", response_headers=[_etag_header()])
        async def read(self, request: Request[Any, Any, Any], db_session: AsyncSession, identity: IdentityDep,
                       listing_id: str) -> Response[Out]:
            item = await listings.read(db_session, spec, parse_id(listing_id, spec.label), identity)
            return conditional(request, identity is None, spec.to_out(item))

        @patch("/{listing_id:str}", summary=f"Modifier une annonce ({spec.label}) : son organisation ou la modération")
        async def update(self, db_session: AsyncSession, settings: Settings, embedder: EmbedderDep,
                         identity: IdentityDep, listing_id: str, data: Update, body: bytes) -> Out:
            actor = signed_in(identity)
            listing = parse_id(listing_id, spec.label)
            item = await listings.update(db_session, spec, listing, strict_body(body, Update), actor=actor,
                                         settings=settings, embedder=embedder)
            return spec.to_out(item)

        @delete("/{listing_id:str}", status_code=200, summary=f"Archiver une annonce ({spec.label})")
        async def archive(self, db_session: AsyncSession, identity: IdentityDep, listing_id: str) -> Out:
            actor = signed_in(identity)
            item = await listings.archive(db_session, spec, parse_id(listing_id, spec.label), actor=actor)
            return spec.to_out(item)

        @post("/{listing_id:str}/moderation", status_code=200,
              summary=f"Modérer ({spec.label}) : publier, refuser (motivé), archiver, fusionner un doublon")
        async def moderate(self, db_session: AsyncSession, identity: IdentityDep, listing_id: str,
                           data: ModerationRequest, body: bytes) -> Out:
            actor = staff(identity)
            sent = strict_body(body, ModerationRequest)
            item = await review.act(db_session, spec, parse_id(listing_id, spec.label), actor, sent.action,
                                    sent.reason, sent.merge_into)
            return spec.to_out(item)

        @post("/{listing_id:str}/reports", status_code=201,
              summary=f"Signaler ({spec.label}) : toute personne connectée, avec un motif")
        async def report(self, db_session: AsyncSession, identity: IdentityDep, listing_id: str,
                         data: ReportRequest, body: bytes) -> ReportOut:
            sent = strict_body(body, ReportRequest)
            row = await reports.report(db_session, spec, parse_id(listing_id, spec.label), identity, sent.reason)
            return ReportOut(id=row.id, listing_kind=row.listing_kind, listing_id=row.listing_id, reason=row.reason,
                             created_at=row.created_at)

        @get("/{listing_id:str}/moderation", opt=ACCOUNT,
             summary=f"Historique de modération ({spec.label}) : pour son organisation")
        async def history(self, db_session: AsyncSession, identity: IdentityDep,
                          listing_id: str) -> list[ModerationActionOut]:
            return await review.history(db_session, spec, parse_id(listing_id, spec.label), identity)

    ListingController.__name__ = f"{spec.model.__name__}Controller"
    return ListingController


BROWSE_PARAMETERS = frozenset({"q", "territory", "theme", "maturity", "economic_purpose", "org_form", "stance", "need",
                               "direction", "remote_ok", "page", "page_size", "sort", "format", "separator",
                               "bom"})


def provide_listing_query(
    request: Request[Any, Any, Any],
    q: Annotated[str | None, Parameter(max_length=200, description="Recherche plein texte")] = None,
    territory: Annotated[str | None, Parameter(max_length=20, description=TERRITORY_HELP)] = None,
    theme: Theme | None = None,
    maturity: Maturity | None = None,
    economic_purpose: EconomicPurpose | None = None,
    org_form: OrgForm | None = None,
    stance: Stance | None = None,
    need: list[Need] | None = None,
    direction: TakeoverDirection | None = None,
    remote_ok: bool | None = None,
    page: Annotated[int, Parameter(ge=1, le=10_000)] = 1,
    page_size: Annotated[int, Parameter(ge=1, le=100)] = 20,
    sort: listings.Sort | None = None,
) -> listings.ListingQuery:
    """The browse and export query parameters, read once for both routes. A parameter the routes do not
    know is refused, naming it (`?themes=food` would otherwise return everything)."""
    unknown = sorted(set(request.query_params) - BROWSE_PARAMETERS)
    if unknown:
        raise InvalidField(f"paramètre inconnu : « {unknown[0]} »", field=unknown[0], source="query")
    values = {"theme": theme, "maturity": maturity, "economic_purpose": economic_purpose, "org_form": org_form,
              "stance": stance, "need": need, "direction": direction, "remote_ok": remote_ok}
    filters = {name: value for name, value in values.items() if value is not None and value != []}
    return listings.ListingQuery(q=q, territory=territory, filters=filters, page=page, page_size=page_size, sort=sort)


CONTROLLERS = [listing_controller(spec) for spec in kinds.KINDS.values()]
