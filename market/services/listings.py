"""The generic listing service: browse, read, create, update and archive any kind of listing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import msgspec
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from market.config import Settings
from market.errors import InvalidField, NotFound
from market.models import utcnow
from market.search import SearchQuery, apply_search, index_listing
from market.services import moderation
from market.services.common import KindSpec, new_slug, sent_fields
from market.services.embeddings import embed_listing
from market.services.initiatives import SPEC as INITIATIVES
from market.services.support_providers import SPEC as SUPPORT_PROVIDERS
from market.services.support_providers import area_condition
from market.services.takeovers import SPEC as TAKEOVERS
from market.services.volunteer_offers import SPEC as VOLUNTEER_OFFERS
from market.territories import resolve
from matching.semantic import Embedder

KINDS: dict[str, KindSpec] = {s.resource: s for s in (INITIATIVES, SUPPORT_PROVIDERS, TAKEOVERS, VOLUNTEER_OFFERS)}
SORTS = ("relevance", "newest", "oldest", "title")


@dataclass
class ListingQuery:
    """What a browse request asks for; `filters` holds the kind-specific filter values sent."""

    q: str | None = None
    territory: str | None = None
    filters: dict[str, Any] = field(default_factory=dict)
    page: int = 1
    page_size: int = 20
    sort: str | None = None


def _dialect(session: AsyncSession) -> str:
    return session.bind.dialect.name


async def browse(session: AsyncSession, spec: KindSpec, query: ListingQuery) -> msgspec.Struct:
    model = spec.model
    dialect = _dialect(session)
    stmt = select(model).where(model.status == "published")
    for name, value in query.filters.items():
        builder = spec.filters.get(name)
        if builder is None:
            raise InvalidField(
                f"ce filtre ne s'applique pas aux annonces de type {spec.label}", field=name, source="query"
            )
        stmt = stmt.where(builder(value, dialect))
    if query.territory:
        ref = await resolve(session, query.territory)
        if spec.located:
            stmt = stmt.where(model.commune_code.in_(ref.communes_inside()))
        else:
            stmt = stmt.where(area_condition(ref))
    rank = None
    search = SearchQuery.parse(query.q or "")
    if search:
        stmt, rank = apply_search(stmt, model, spec.kind, search, dialect)
    total = await session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    sort = query.sort or ("relevance" if rank is not None else "newest")
    order = {
        "newest": [model.published_at.desc(), model.id.desc()],
        "oldest": [model.published_at.asc(), model.id.asc()],
        "title": [func.lower(getattr(model, spec.title_attr)), model.id],
        "relevance": [rank.desc(), model.id.desc()]
        if rank is not None
        else [model.published_at.desc(), model.id.desc()],
    }[sort]
    rows = await session.scalars(
        stmt.order_by(*order).offset((query.page - 1) * query.page_size).limit(query.page_size)
    )
    items = [spec.to_out(row) for row in rows.unique().all()]
    return spec.page(items=items, total=total or 0, page=query.page, page_size=query.page_size)


EXPORT_LIMIT = 10_000


async def export(session: AsyncSession, spec: KindSpec, query: ListingQuery) -> list[msgspec.Struct]:
    """Every published listing the filters select (up to EXPORT_LIMIT), page by page."""
    items: list[msgspec.Struct] = []
    query.page, query.page_size = 1, 100
    while len(items) < EXPORT_LIMIT:
        page = await browse(session, spec, query)
        items += page.items
        if len(page.items) < query.page_size:
            break
        query.page += 1
    return items


async def load(session: AsyncSession, spec: KindSpec, listing_id: int) -> Any:
    item = await session.get(spec.model, listing_id)
    if item is None:
        raise NotFound(f"{spec.label} {listing_id} introuvable")
    return item


async def read_public(session: AsyncSession, spec: KindSpec, listing_id: int) -> Any:
    """A published listing; others stay hidden (owners and moderators see them once accounts exist)."""
    item = await load(session, spec, listing_id)
    if item.status != "published":
        raise NotFound(f"{spec.label} {listing_id} introuvable")
    return item


async def create(
    session: AsyncSession,
    spec: KindSpec,
    data: msgspec.Struct,
    settings: Settings,
    *,
    slug: str | None = None,
    organisation_id: int | None = None,
    embedder: Embedder | None = None,
) -> Any:
    item = spec.model(status="pending_review", organisation_id=organisation_id)
    await spec.apply(session, item, sent_fields(data))
    item.slug = slug or new_slug(getattr(item, spec.title_attr))
    session.add(item)
    if settings.auto_publish:
        moderation.transition(item, "published")
    await _save(session, spec, item, embedder)
    return item


async def update(
    session: AsyncSession, spec: KindSpec, listing_id: int, data: msgspec.Struct, *, embedder: Embedder | None = None
) -> Any:
    item = await load(session, spec, listing_id)
    if item.status in ("archived", "merged"):
        raise InvalidField(
            f"cette annonce est {moderation.STATE_LABELS[item.status]} : elle ne peut plus être modifiée",
            field="status",
        )
    fields = sent_fields(data)
    if fields:
        await spec.apply(session, item, fields)
        item.updated_at = utcnow()
        await _save(session, spec, item, embedder)
    return item


async def archive(session: AsyncSession, spec: KindSpec, listing_id: int) -> Any:
    item = await load(session, spec, listing_id)
    moderation.transition(item, "archived")
    item.updated_at = utcnow()
    await session.flush()
    return item


async def _save(session: AsyncSession, spec: KindSpec, item: Any, embedder: Embedder | None) -> None:
    """Derived fields, written with the listing: search text and index, and the text embedding
    (computed here, in a worker thread, never when ranking)."""
    item.search_text = spec.search_body(item)
    await embed_listing(session, spec.kind, item, embedder)
    await session.flush()
    await session.refresh(item)
    await index_listing(session, spec.kind, item.id, getattr(item, spec.title_attr), item.search_text)
