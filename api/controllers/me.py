"""The signed-in account: who it is, its API tokens, its personal data (export, erasure)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, delete, get, post
from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import parse_id, strict_body
from api.identity import IdentityDep
from api.sessions import sign_out
from market.account_schemas import Export, Me, TokenCreate, TokenCreated, TokenOut
from market.account_views import export_out, me_out, token_created, token_out
from market.services import accounts, personal_data, tokens
from market.services.access import signed_in


class MeController(Controller):
    path = "/api/me"
    tags = ["comptes"]

    @get("/", summary="Mon compte, mes rôles et mes organisations")
    async def me(self, db_session: AsyncSession, identity: IdentityDep) -> Me:
        current = signed_in(identity)
        return me_out(await accounts.get_live(db_session, current.account_id), current)

    @get("/export", summary="Toutes mes données personnelles (JSON)")
    async def export(self, db_session: AsyncSession, identity: IdentityDep) -> Export:
        return export_out(await personal_data.gather(db_session, identity))

    @delete("/", status_code=204, summary="Effacer mon compte (les dons restent, anonymisés)")
    async def erase(self, request: Request[Any, Any, Any], db_session: AsyncSession, identity: IdentityDep) -> None:
        await personal_data.erase(db_session, identity)
        sign_out(request)

    @get("/tokens", summary="Mes jetons d'API (sans leur valeur)")
    async def list_tokens(self, db_session: AsyncSession, identity: IdentityDep) -> list[TokenOut]:
        return [token_out(t) for t in await tokens.list_for(db_session, signed_in(identity).account_id)]

    @post("/tokens", status_code=201, summary="Créer un jeton d'API (montré une seule fois)")
    async def create_token(self, db_session: AsyncSession, identity: IdentityDep, data: TokenCreate,
                           body: bytes) -> TokenCreated:
        sent = strict_body(body, TokenCreate)
        row, plain = await tokens.create(db_session, signed_in(identity).account_id, sent.name, sent.expires_in_days)
        return token_created(row, plain)

    @delete("/tokens/{token_id:str}", status_code=200, summary="Révoquer un jeton d'API")
    async def revoke_token(self, db_session: AsyncSession, identity: IdentityDep, token_id: str) -> TokenOut:
        account_id = signed_in(identity).account_id
        return token_out(await tokens.revoke(db_session, account_id, parse_id(token_id, "jeton")))
