"""Pledge routes: create and retry, read, funding, the Stripe webhook and the receipt page."""

from __future__ import annotations

import logging
from typing import Annotated

from litestar import Controller, Request, Response, get, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from api.deps import parse_id, strict_body
from api.guards import ANONYMOUS
from api.identity import IdentityDep
from api.transaction import once_committed
from market.config import Settings
from market.errors import InvalidField, NotFound
from market.pledges import refunds
from market.pledges import service as pledges
from market.pledges import webhooks as stripe_events
from market.pledges.mailer import send_receipts
from market.pledges.payments import BadSignature, MalformedEvent, PaymentGateway
from market.pledges.receipts import page_html
from market.pledges.schemas import (
    FundingOut,
    PledgeCreate,
    PledgeOut,
    PledgeRetry,
    PledgeStarted,
    RefundOut,
    RefundRequest,
    WebhookAck,
)

log = logging.getLogger("bourse.pledges")
STRIPE_DOWN = {202: ResponseSpec(data_container=PledgeStarted, description=(
    "Stripe n'a pas répondu : la promesse est gardée en attente (`client_secret` nul, `detail` l'explique) ; "
    "`retry_url` prépare de nouveau le paiement"))}


def _started(started: PledgeStarted) -> Response[PledgeStarted]:
    """201 with the client secret; 202 when Stripe did not answer (the pledge is kept: a 2xx commits)."""
    if started.client_secret:
        return Response(started, status_code=201)
    return Response(started, status_code=202, headers={"Retry-After": "60"})


class PledgeController(Controller):
    tags = ["pledges"]

    @post("/api/initiatives/{listing_id:str}/pledges", status_code=201, responses=STRIPE_DOWN, opt=ANONYMOUS,
          summary="Promettre un don à une initiative (paiement par carte avec Stripe)")
    async def create(self, db_session: AsyncSession, settings: Settings, payments: PaymentGateway,
                     listing_id: str, data: PledgeCreate, body: bytes) -> Response[PledgeStarted]:
        started = await pledges.create(db_session, payments, settings, parse_id(listing_id, "initiative"),
                                       strict_body(body, PledgeCreate), commit=db_session.commit)
        return _started(started)

    @post("/api/pledges/{pledge_id:str}/payment", status_code=201, responses=STRIPE_DOWN, opt=ANONYMOUS,
          summary="Préparer de nouveau le paiement d'une promesse restée en attente")
    async def retry(self, db_session: AsyncSession, settings: Settings, payments: PaymentGateway,
                    pledge_id: str, data: PledgeRetry, body: bytes) -> Response[PledgeStarted]:
        retry = strict_body(body, PledgeRetry)
        return _started(await pledges.retry_payment(db_session, payments, settings,
                                                    parse_id(pledge_id, "promesse"), retry.token))

    @get("/api/pledges/{pledge_id:str}", summary="L'état d'une promesse de don (avec son jeton de reçu)")
    async def read(self, db_session: AsyncSession, identity: IdentityDep, pledge_id: str,
                   token: Annotated[str | None, Parameter(min_length=16, max_length=64,
                                                          description="Le jeton du reçu")] = None) -> PledgeOut:
        return await pledges.read(db_session, parse_id(pledge_id, "promesse"), identity, token)

    @get("/api/initiatives/{listing_id:str}/funding",
         summary="Financement d'une initiative : objectif, montant réuni, nombre de promesses, reçu fiscal")
    async def funding(self, db_session: AsyncSession, settings: Settings, listing_id: str) -> FundingOut:
        return await pledges.funding(db_session, settings, parse_id(listing_id, "initiative"))

    @post("/api/stripe/webhook", status_code=200, opt=ANONYMOUS,
          summary="Événements Stripe (signés), chacun appliqué une fois")
    async def webhook(self, request: Request, db_session: AsyncSession, db_engine: AsyncEngine, settings: Settings,
                      payments: PaymentGateway, body: bytes) -> Response[WebhookAck]:
        try:
            event = payments.verify_event(body, request.headers.get("stripe-signature"))
        except BadSignature:
            raise InvalidField("signature Stripe absente, fausse ou hors du délai de tolérance",
                               field="Stripe-Signature", source="header") from None
        except MalformedEvent as exc:
            log.warning("signed stripe payload refused: %s", exc)
            raise InvalidField(f"événement Stripe mal formé : {exc}", field="body") from None
        try:
            applied = await stripe_events.handle(db_session, event)
        except MalformedEvent as exc:  # rolled back: nothing of it is kept
            raise InvalidField(f"événement Stripe mal formé : {exc}", field="body") from None
        task = None
        if applied.newly_settled:  # mailed after the response, so after the commit
            factory = async_sessionmaker(db_engine, expire_on_commit=False)
            task = once_committed(send_receipts, factory, settings, applied.newly_settled)
        return Response(WebhookAck(received=True, outcome=applied.outcome), background=task)


@get("/pledges/{pledge_id:str}/receipt", media_type="text/html; charset=utf-8", tags=["pledges"],
     summary="Page du reçu de la promesse (lien envoyé au donateur)")
async def receipt_page(db_session: AsyncSession, settings: Settings, pledge_id: str,
                       token: Annotated[str, Parameter(min_length=16, max_length=64)]) -> str:
    view = await pledges.receipt_view(db_session, settings, parse_id(pledge_id, "promesse"), token)
    return page_html(view)


@get("/receipts/{token:str}", media_type="text/html; charset=utf-8", tags=["pledges"],
     summary="Page du reçu, à son adresse propre (le jeton du reçu, envoyé au donateur)")
async def receipt_by_token(db_session: AsyncSession, settings: Settings, token: str) -> str:
    if not 16 <= len(token) <= 64:
        raise NotFound("reçu introuvable")
    pledge = await pledges.by_receipt_token(db_session, token)
    return page_html(await pledges.receipt_view(db_session, settings, pledge.id, token))


class RefundController(Controller):
    path = "/api/admin"
    tags = ["administration"]

    @post("/pledges/{pledge_id:str}/refunds", status_code=201, summary="Rembourser une promesse (tout ou partie)")
    async def refund(self, db_session: AsyncSession, identity: IdentityDep, payments: PaymentGateway,
                     pledge_id: str, data: RefundRequest, body: bytes) -> RefundOut:
        sent = strict_body(body, RefundRequest)
        return await refunds.refund_by_admin(db_session, payments, identity, parse_id(pledge_id, "promesse"),
                                             sent.amount_cents, sent.reason)


PLEDGE_HANDLERS = [PledgeController, RefundController, receipt_page, receipt_by_token]
