"""The import page of the back office (admins only): a CSV file of listings of one kind, tried in a dry
run, imported all or nothing, or its valid lines only; the report drawn as a table (market/imports)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from admin.pages.common import KIND_NAMES, render
from api.deps import EmbedderDep
from market.access import Identity
from market.config import Settings
from market.errors import DomainError, InvalidField
from market.imports import service as imports
from market.imports.columns import columns
from market.imports.report import MODES, Mode
from market.listings import kinds

MAX_UPLOAD = 5 * 1024 * 1024  # a 20 000-line file of long descriptions stays under it
MODE_LABELS = {"dry_run": "Essai à blanc : vérifier et voir le rapport, rien n'est écrit",
               "all_or_nothing": "Importer, si toutes les lignes sont valides",
               "valid_only": "Importer les lignes valides seulement"}


class FileTooLarge(DomainError):
    status_code = 413


def _page(staff: Identity, status_code: int = 200, **context: Any) -> Template:
    context.setdefault("values", {"kind": "initiative", "mode": "dry_run"})
    return render("admin/import.html", staff, status_code=status_code, title="Importer un fichier",
                  kind_labels=KIND_NAMES, modes=MODE_LABELS, max_mb=MAX_UPLOAD // (1024 * 1024),
                  columns={kind: list(columns(spec)) for kind, spec in kinds.KINDS.items()},
                  errors=context.pop("errors", {}), **context)


@get("/import", name="admin-import")
async def form(staff: Identity) -> Template:
    imports.may_import(staff)
    return _page(staff)


@post("/import", name="admin-import-run", request_max_body_size=MAX_UPLOAD + 64 * 1024)
async def upload(request: Request[Any, Any, Any], db_session: AsyncSession, settings: Settings, staff: Identity,
                 embedder: EmbedderDep) -> Template:
    imports.may_import(staff)
    sent = await request.form()
    values = {"kind": str(sent.get("kind", "")), "mode": str(sent.get("mode", "")),
              "publish": "oui" if sent.get("publish") == "oui" else ""}
    file = sent.get("file")
    try:
        spec = kinds.KINDS.get(values["kind"])
        if spec is None:
            raise InvalidField(f"type d'annonce inconnu : « {values['kind']} »", field="kind")
        if values["mode"] not in MODES:
            raise InvalidField("choisissez : essai à blanc, import complet ou lignes valides", field="mode")
        if not isinstance(file, UploadFile):
            raise InvalidField("choisissez un fichier CSV", field="file")
        raw = await file.read()
        if len(raw) > MAX_UPLOAD:
            raise FileTooLarge(f"fichier trop volumineux : au plus {MAX_UPLOAD // (1024 * 1024)} Mo "
                               "(découpez-le en plusieurs fichiers)", field="file")
        if not raw.strip():
            raise InvalidField("le fichier est vide", field="file")
        mode: Mode = values["mode"]  # type: ignore[assignment]
        report = await imports.run(db_session, spec, raw, settings, actor=staff, mode=mode,
                                   publish=values["publish"] == "oui", embedder=embedder)
    except DomainError as exc:
        field = exc.field if exc.field in ("kind", "mode", "file") else "file"
        return _page(staff, status_code=exc.status_code, values=values, errors={field: exc.detail})
    return _page(staff, values=values, report=report, file_name=file.filename)


IMPORT_PAGES = [form, upload]
