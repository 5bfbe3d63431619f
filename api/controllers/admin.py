"""Administration: refunds of pledges and platform roles (admins only)."""

from __future__ import annotations

from litestar import Controller, post, put
from litestar.di import Provide
from sqlalchemy.ext.asyncio import AsyncSession

from api.controllers.pledges import provide_payments
from api.deps import parse_id, strict_body
from api.identity import IdentityDep
from market.account_schemas import AccountOut, PlatformRoleChange, RefundOut, RefundRequest
from market.account_views import account_out
from market.models import Pledge
from market.payments import PaymentGateway
from market.services import accounts
from market.services.access import admin
from market.services.refunds import refund_pledge


class AdminController(Controller):
    path = "/api/admin"
    tags = ["administration"]
    dependencies = {"payments": Provide(provide_payments, sync_to_thread=False)}

    @post("/pledges/{pledge_id:str}/refunds", status_code=201, summary="Rembourser une promesse (tout ou partie)")
    async def refund(self, db_session: AsyncSession, identity: IdentityDep, payments: PaymentGateway,
                     pledge_id: str, data: RefundRequest, body: bytes) -> RefundOut:
        admin(identity)
        sent = strict_body(body, RefundRequest)
        refund = await refund_pledge(db_session, payments, parse_id(pledge_id, "promesse"), sent.amount_cents,
                                     sent.reason)
        pledge = await db_session.get(Pledge, refund.pledge_id)
        assert pledge is not None
        return RefundOut(id=refund.id, pledge_id=refund.pledge_id, amount_cents=refund.amount_cents,
                         status=refund.status, stripe_refund_id=refund.stripe_refund_id, reason=refund.reason,
                         created_at=refund.created_at, pledge_status=pledge.status,
                         refunded_cents=pledge.refunded_cents)

    @put("/accounts/{account_id:str}/platform-role", summary="Donner ou retirer le rôle modérateur ou admin")
    async def platform_role(self, db_session: AsyncSession, identity: IdentityDep, account_id: str,
                            data: PlatformRoleChange, body: bytes) -> AccountOut:
        admin(identity)
        sent = strict_body(body, PlatformRoleChange)
        account = await accounts.set_platform_role(db_session, parse_id(account_id, "compte"), sent.platform_role)
        return account_out(account)
