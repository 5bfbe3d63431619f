"""Importing a CSV file of listings of one kind through the listing service, so that the API's rules
apply: each line is checked by the creation (or update) body's schema, then written in a savepoint
where the service's own rules (commune, SIREN, area codes…) run; a refused line's savepoint is rolled
back. A dry run rolls everything back; otherwise nothing is kept unless every line is valid, or, in
`valid_only` mode, the valid lines are kept. A line with an `id` updates that listing, any other
creates one (in review; published at once when an admin asks for it). Embeddings are computed
afterwards in batches."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from market import access
from market.access import Identity
from market.config import Settings
from market.errors import DomainError, Forbidden, NotFound
from market.imports import cells, table
from market.imports.cells import CellError
from market.imports.columns import ID_COLUMN, Column, columns, groups
from market.imports.messages import french
from market.imports.report import ImportReport, LineResult, Mode
from market.listings import service as listings
from market.listings.spec import KindSpec
from market.matches.embeddings import embed_many
from market.moderation import service as review
from matching.semantic import Embedder

Progress = Callable[[int], None]


def may_import(actor: Identity | None) -> Identity:
    """Admins (and the command line, as the system) only."""
    actor = access.signed_in(actor)
    if not (actor.is_admin or actor.is_system):
        raise Forbidden("l'import de fichiers est réservé aux administrateurs")
    return actor


async def run(session: AsyncSession, spec: KindSpec, raw: bytes, settings: Settings, *, actor: Identity | None,
              mode: Mode = "dry_run", publish: bool = False, embedder: Embedder | None = None,
              on_line: Progress | None = None, on_embed: Progress | None = None) -> ImportReport:
    actor = may_import(actor)
    found = table.read(raw)
    report = ImportReport(kind=spec.kind, mode=mode, separator=found.separator,
                          published=publish and mode != "dry_run")
    known = columns(spec)
    header_errors = _header_errors(spec, found.header)
    if header_errors:
        report.lines.append(LineResult(line=1, action="error", errors=header_errors))
        return report
    written: list[Any] = []
    outer = await session.begin_nested()
    for number, row in found.rows:
        result, item = await _line(session, spec, settings, actor, known, found.header, number, row,
                                   publish and mode != "dry_run")
        report.lines.append(result)
        if item is not None:
            written.append(item)
        if on_line is not None:
            on_line(1)
    keep = mode == "valid_only" or (mode == "all_or_nothing" and not report.has_errors)
    if not keep:
        await outer.rollback()
        for result in report.lines:
            result.listing_id = result.listing_id if result.action == "update" else None
        return report
    await outer.commit()
    report.written = True
    if embedder is not None and written:
        report.embedded = await embed_many(session, spec.kind, written, embedder, on_batch=on_embed)
        await session.flush()
    return report


def _header_errors(spec: KindSpec, header: list[str]) -> list[CellError]:
    known = columns(spec)
    errors = [CellError(name, name, f"colonne inconnue pour le type {spec.label} (colonnes possibles : "
                                    f"{', '.join(known)})") for name in header if name not in known]
    errors += [CellError(name, name, "colonne en double") for position, name in enumerate(header)
               if name in header[:position]]
    if ID_COLUMN not in header:  # with `id`, a file may update a few fields; a creation line still needs them all
        errors += [CellError(column.name, "", "colonne obligatoire absente") for column in known.values()
                   if column.required and column.name not in header]
    return errors


async def _line(session: AsyncSession, spec: KindSpec, settings: Settings, actor: Identity,
                known: dict[str, Column], header: list[str], number: int, row: list[str],
                publish: bool) -> tuple[LineResult, Any]:
    result = LineResult(line=number, action="error")
    if len(row) > len(header):
        extra = next((cell for cell in row[len(header):] if cell.strip()), "")
        if extra:
            result.errors.append(CellError("", extra, f"{len(row)} cellules pour {len(header)} colonnes : "
                                                      "un séparateur en trop, ou un texte à mettre entre guillemets"))
            return result, None
    values = dict(zip(header, row, strict=False))
    listing_id = _listing_id(values, result)
    body, errors = cells.body_of([known[name] for name in header], values)
    result.errors += errors
    result.title = str(body.get(spec.title_attr, ""))
    if result.errors:
        return result, None
    try:
        data = msgspec.convert(body, spec.update if listing_id else spec.create)
    except msgspec.ValidationError as exc:
        path, reason = french(str(exc))
        result.errors.append(_error(spec, values, path, reason))
        return result, None
    try:
        async with session.begin_nested():
            if listing_id:
                item = await listings.update(session, spec, listing_id, data, actor=actor, settings=settings)
            else:
                item = await listings.create(session, spec, data, settings, actor=actor)
                if publish and item.status == "pending_review":
                    item = await review.act(session, spec, item.id, actor, "publish",
                                            reason="importé et publié par un administrateur")
    except DomainError as exc:
        field = exc.field or (ID_COLUMN if isinstance(exc, NotFound) else "")
        result.errors.append(_error(spec, values, field, exc.detail))
        return result, None
    result.action = "update" if listing_id else "create"
    result.listing_id = item.id
    result.title = spec.title(item)
    return result, item


def _listing_id(values: dict[str, str], result: LineResult) -> int | None:
    text = values.get(ID_COLUMN, "").strip()
    if not text:
        return None
    if not text.isdigit() or int(text) > 2**31 - 1:
        result.errors.append(CellError(ID_COLUMN, text, "numéro d'annonce attendu (chiffres), ou vide pour créer"))
        return None
    return int(text)


def _error(spec: KindSpec, values: dict[str, str], field: str, reason: str) -> CellError:
    """The error of a field the API names (`contact.email`, `area.departments[1]`) put on its column."""
    bare = field.split("[", 1)[0]
    for column in columns(spec).values():
        if column.field == bare:
            return CellError(column.name, values.get(column.name, ""), reason)
    nested = groups(spec).get(bare)
    if nested:
        return CellError(" / ".join(c.name for c in nested), "", reason)
    if bare == "status":
        return CellError(ID_COLUMN, values.get(ID_COLUMN, ""), reason)
    return CellError(bare, "", reason)
