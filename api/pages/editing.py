"""Creating and editing listings of every kind from the web client: one form per kind (its fields in
api/pages/listing_forms.py), the same services and schemas as the JSON API, their errors at the field."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.handlers import HTTPRouteHandler
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import EmbedderDep, parse_id
from api.identity import IdentityDep
from api.pages.common import WEB_KINDS, WebKind, form_errors, form_values, log_in_first, render, see_other, whole
from api.pages.listing_forms import FORMS
from market.access import Identity
from market.accounts import organisations
from market.config import Settings
from market.errors import DomainError
from market.listings import service as listings


def _contact(item: Any) -> dict[str, Any]:
    """The listing's contact, which its public view hides: its managers edit it."""
    return {"contact": {"name": item.contact_name, "email": item.contact_email, "phone": item.contact_phone}}


def form_pages(kind: WebKind) -> list[HTTPRouteHandler]:
    """New and edit forms for one kind: `/{path}/nouvelle`, `/{path}/{id}/modifier`."""
    form = FORMS[kind.spec.kind]
    new_path = f"/{kind.path}/nouvelle"

    def show(identity: Any, action: str, values: dict[str, str], lists: dict[str, list[str]],
             errors: dict[str, str], *, editing: bool = False, status: str | None = None,
             acting_for: list[dict[str, str]] | None = None, status_code: int = 200) -> Template:
        return render("listing_form.html", identity, status_code=status_code,
                      title=form.edit_title if editing else form.new_title, form=form, action=action,
                      values=values, lists=lists, errors=errors, editing=editing,
                      listing_status=status, acting_for=acting_for or [])

    async def acting_for(db_session: AsyncSession, identity: Identity) -> list[dict[str, str]]:
        """The organisations the account may list this kind for, when it has a choice to make."""
        numbers = [number for number in identity.memberships if identity.acts_for(number, kind.spec.kind)]
        if len(numbers) < 2:
            return []
        return [{"code": str(n), "label": (await organisations.get(db_session, n)).name} for n in numbers]

    @get(new_path, include_in_schema=False, name=f"{kind.path}-new")
    async def new(db_session: AsyncSession, identity: IdentityDep) -> Template | Redirect:
        if identity is None:
            return log_in_first(new_path)
        initial = dict(form.initial)
        if identity.default_organisation_id is not None:
            initial["organisation_id"] = str(identity.default_organisation_id)
        return show(identity, new_path, initial, {}, {}, acting_for=await acting_for(db_session, identity))

    @post(new_path, include_in_schema=False, name=f"{kind.path}-create")
    async def create(request: Request[Any, Any, Any], db_session: AsyncSession, settings: Settings,
                     embedder: EmbedderDep, identity: IdentityDep) -> Template | Redirect:
        values, lists = await form_values(request)
        if identity is None:
            return log_in_first(new_path)
        errors = form.missing(values, lists)
        try:
            body = form.body(values, lists, editing=False)
            if values.get("organisation_id"):
                body["organisation_id"] = whole(values["organisation_id"])
            data = msgspec.convert(body, kind.spec.create)
            if not errors:
                item = await listings.create(db_session, kind.spec, data, settings, actor=identity,
                                             embedder=embedder)
                return see_other(f"/{kind.path}/{item.id}?nouvelle=1")
        except (DomainError, msgspec.ValidationError) as exc:
            await db_session.rollback()
            errors = form.errors(form_errors(exc)) | errors
        return show(identity, new_path, values, lists, errors, acting_for=await acting_for(db_session, identity),
                    status_code=400)

    @get(f"/{kind.path}/{{listing_id:str}}/modifier", include_in_schema=False, name=f"{kind.path}-edit")
    async def edit(db_session: AsyncSession, identity: IdentityDep, listing_id: str) -> Template | Redirect:
        path = f"/{kind.path}/{listing_id}/modifier"
        if identity is None:
            return log_in_first(path)
        item = await listings.load_managed(db_session, kind.spec, parse_id(listing_id, kind.singular), identity)
        shown = msgspec.to_builtins(kind.spec.to_out(item)) | _contact(item)
        values, lists = form.values(shown)
        return show(identity, path, values, lists, {}, editing=True, status=item.status)

    @post(f"/{kind.path}/{{listing_id:str}}/modifier", include_in_schema=False, name=f"{kind.path}-update")
    async def update(request: Request[Any, Any, Any], db_session: AsyncSession, settings: Settings,
                     embedder: EmbedderDep, identity: IdentityDep, listing_id: str) -> Template | Redirect:
        path = f"/{kind.path}/{listing_id}/modifier"
        number = parse_id(listing_id, kind.singular)
        values, lists = await form_values(request)
        if identity is None:
            return log_in_first(path)
        item = await listings.load_managed(db_session, kind.spec, number, identity)  # 403, 404: the error page
        status = item.status
        errors = form.missing(values, lists)
        try:
            data = msgspec.convert(form.body(values, lists, editing=True), kind.spec.update)
            if not errors:
                await listings.update(db_session, kind.spec, number, data, actor=identity, settings=settings,
                                      embedder=embedder)
                return see_other(f"/{kind.path}/{number}?modifiee=1")
        except (DomainError, msgspec.ValidationError) as exc:
            await db_session.rollback()
            errors = form.errors(form_errors(exc)) | errors
        return show(identity, path, values, lists, errors, editing=True, status=status, status_code=400)

    return [new, create, edit, update]


FORM_PAGES = [handler for kind in WEB_KINDS for handler in form_pages(kind)]
