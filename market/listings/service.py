"""The generic listing service: browse, read, create, update and archive any kind of listing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import msgspec
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from market import access
from market.access import Identity
from market.config import Settings
from market.db import dialect as db_dialect
from market.errors import InvalidField, NotFound
from market.listings import freshness
from market.listings.fields import sent_fields
from market.listings.review_rule import needs_review
from market.listings.spec import KindSpec
from market.matches.embeddings import embed_listing
from market.models import Organisation, utcnow
from market.moderation import snapshots
from market.moderation import workflow as moderation
from market.reference.search import SearchQuery, apply_search, index_listing
from market.reference.territories import resolve
from market.validators import new_slug
from matching.semantic import Embedder

Sort = Literal["relevance", "newest", "oldest", "title"]


@dataclass
class ListingQuery:
    """What a browse request asks for; `filters` holds the kind-specific filter values sent."""

    q: str | None = None
    territory: str | None = None
    filters: dict[str, Any] = field(default_factory=dict)
    page: int = 1
    page_size: int = 20
    sort: Sort | None = None
    territory_read_as: str | None = None  # set by `browse`: how `territory` was read (`TerritoryRef.read_as`)


async def browse(session: AsyncSession, spec: KindSpec, query: ListingQuery) -> Any:
    stmt, rank = await selection(session, spec, query)
    order = ordering(spec, query, rank)
    offset, limit = (query.page - 1) * query.page_size, query.page_size
    # the total rides on the page's rows (a window over the filtered rows, before LIMIT): one query, not two
    if db_dialect(session) == "postgresql":
        page = await session.execute(_ids_first(spec, stmt, order, offset, limit))
    else:
        page = await session.execute(
            stmt.add_columns(func.count().over().label("total")).order_by(*order).offset(offset).limit(limit)
        )
    found = page.unique().all()
    if found:
        total = found[0].total
    else:  # past the last page (or nothing matches): the count alone
        total = await session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    items = [spec.to_out(row[0]) for row in found]
    return spec.page(items=items, total=total or 0, page=query.page, page_size=query.page_size)


def _ids_first(spec: KindSpec, stmt: Any, order: list[Any], offset: int, limit: int) -> Any:
    """PostgreSQL planned the page as join-then-LIMIT: the commune and organisation joined to every
    filtered row for the window's count (9 ms on 12,000 listings). Here the page's ids, positions and
    total come first from the listing table alone, then only those rows are joined (about 3 ms)."""
    model = spec.model
    ids = (stmt.with_only_columns(model.id, func.count().over().label("total"),
                                  func.row_number().over(order_by=order).label("position"))
           .order_by(*order).offset(offset).limit(limit).subquery("page"))
    return select(model, ids.c.total).join(ids, ids.c.id == model.id).order_by(ids.c.position)


def ordering(spec: KindSpec, query: ListingQuery, rank: Any) -> list[Any]:
    model = spec.model
    sort = query.sort or ("relevance" if rank is not None else "newest")
    return {
        "newest": [model.published_at.desc(), model.id.desc()],
        "oldest": [model.published_at.asc(), model.id.asc()],
        "title": [func.lower(getattr(model, spec.title_attr)), model.id],
        "relevance": [rank.desc(), model.id.desc()]
        if rank is not None
        else [model.published_at.desc(), model.id.desc()],
    }[sort]


async def selection(session: AsyncSession, spec: KindSpec, query: ListingQuery) -> tuple[Any, Any]:
    """The published listings the query's filters, territory and text select, and the text's rank
    (None without `q`); refuses a filter the kind does not have."""
    model = spec.model
    dialect = db_dialect(session)
    stmt = select(model).where(model.status == "published", *freshness.in_search(spec.kind, model))
    for name, value in query.filters.items():
        builder = spec.filters.get(name)
        if builder is None:
            raise InvalidField(
                f"ce filtre ne s'applique pas aux annonces de type {spec.label}", field=name, source="query"
            )
        stmt = stmt.where(builder(value, dialect))
    if query.territory:
        territory = await resolve(session, query.territory)
        query.territory_read_as = territory.read_as
        stmt = stmt.where(spec.territory(territory))
    rank = None
    search = SearchQuery.parse(query.q or "")
    if search:
        stmt, rank = apply_search(stmt, model, spec.kind, search, dialect)
    return stmt, rank


async def load(session: AsyncSession, spec: KindSpec, listing_id: int) -> Any:
    item = await session.get(spec.model, listing_id)
    if item is None:
        raise NotFound(f"{spec.label} {listing_id} introuvable")
    return item


async def read(session: AsyncSession, spec: KindSpec, listing_id: int, viewer: Identity | None = None) -> Any:
    """A published listing for anyone; an unpublished one for its organisation's members and the
    moderators only (404 for everyone else)."""
    item = await load(session, spec, listing_id)
    if not access.can_see(viewer, spec.kind, item):
        raise NotFound(f"{spec.label} {listing_id} introuvable")
    return item


async def load_managed(session: AsyncSession, spec: KindSpec, listing_id: int, actor: Identity | None) -> Any:
    """The listing, if `actor` may manage it (401, 403 for a published one, 404 otherwise)."""
    access.signed_in(actor)
    item = await load(session, spec, listing_id)
    access.check_manage(actor, spec.kind, spec.label, item)
    return item


async def create(
    session: AsyncSession,
    spec: KindSpec,
    data: msgspec.Struct,
    settings: Settings,
    *,
    actor: Identity,
    slug: str | None = None,
    organisation_id: int | None = None,
    embedder: Embedder | None = None,
) -> Any:
    """A new listing, in pending_review (published at once with AUTO_PUBLISH, development only), for the
    organisation the actor acts for (staff and the system may name one: `organisation_id` in the body,
    or the argument)."""
    fields = sent_fields(data)
    requested = fields.pop("organisation_id", None) if organisation_id is None else organisation_id
    organisation_id = access.creating_organisation(actor, spec.kind, requested)
    if organisation_id is not None:
        await _organisation_exists(session, organisation_id)
    item = spec.model(status="pending_review", organisation_id=organisation_id)
    await spec.apply(session, item, fields)
    item.slug = slug or new_slug(getattr(item, spec.title_attr))
    session.add(item)
    await _save(session, spec, item, embedder)
    moderation.record(session, spec.kind, item, action="submit", from_status="draft", actor=actor)
    if settings.auto_publish:
        moderation.change(session, spec.kind, item, "published", action="auto_publish", actor=actor,
                          reason="AUTO_PUBLISH (développement)")
    await session.flush()
    await snapshots.keep(session, spec, item)
    return item


async def _organisation_exists(session: AsyncSession, organisation_id: int) -> None:
    if await session.get(Organisation, organisation_id) is None:
        raise InvalidField(f"organisation {organisation_id} introuvable", field="organisation_id")


async def update(
    session: AsyncSession, spec: KindSpec, listing_id: int, data: msgspec.Struct, *,
    actor: Identity, settings: Settings | None = None, embedder: Embedder | None = None
) -> Any:
    """Apply the sent fields. An edit by the listing's own organisation sends a rejected listing, and
    a published one unless only minor fields changed (`review_rule`), back to pending_review;
    moderators' edits keep the state."""
    item = await load_managed(session, spec, listing_id, actor)
    if item.status in ("archived", "merged"):
        raise InvalidField(
            f"cette annonce est {moderation.STATE_LABELS[item.status]} : elle ne peut plus être modifiée",
            field="status",
        )
    fields = sent_fields(data)
    if fields:
        await snapshots.keep(session, spec, item, only_missing=True)  # published before snapshots existed
        await spec.apply(session, item, fields)
        item.updated_at = utcnow()
        await _save(session, spec, item, embedder)
        minor = item.status == "published" and not needs_review(fields)
        if minor and not actor.is_staff:
            moderation.record(session, spec.kind, item, action="minor_edit", from_status=item.status, actor=actor,
                              details={"fields": sorted(fields)})
        elif not actor.is_staff:
            _back_to_review(session, spec, item, actor, auto_publish=bool(settings and settings.auto_publish))
        await session.flush()
        await snapshots.keep(session, spec, item)
    return item


def _back_to_review(session: AsyncSession, spec: KindSpec, item: Any, actor: Identity, *, auto_publish: bool) -> None:
    if item.status == "published" and auto_publish:
        return
    if item.status in ("published", "rejected"):
        moderation.change(session, spec.kind, item, "pending_review", action="resubmit", actor=actor,
                          reason="modifiée par son organisation")
        if auto_publish:
            moderation.change(session, spec.kind, item, "published", action="auto_publish", actor=actor,
                              reason="AUTO_PUBLISH (développement)")


async def archive(session: AsyncSession, spec: KindSpec, listing_id: int, *, actor: Identity,
                  reason: str | None = None) -> Any:
    """Its organisation's members (and the moderators) archive a listing; of two racing, the second gets
    a 409 (the row is read again under a lock on PostgreSQL, and is archived by then)."""
    item = await load_managed(session, spec, listing_id, actor)
    await session.execute(select(spec.model.id).where(spec.model.id == item.id).with_for_update())
    await session.refresh(item, attribute_names=["status"])
    moderation.change(session, spec.kind, item, "archived", action="archive", actor=actor, reason=reason)
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
