"""Stripe behind a small protocol: services speak to a `PaymentGateway`; the app wires `StripeGateway`.

The adapter uses the official SDK (`stripe.StripeClient`, its async methods over httpx) and turns
Stripe objects into the plain records below, so services never see SDK types. Its logger is kept
at WARNING: at DEBUG the SDK logs response bodies, which hold client secrets.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import stripe

from market.config import Settings

log = logging.getLogger("bourse.payments")
logging.getLogger("stripe").setLevel(logging.WARNING)


class PaymentUnavailable(Exception):
    """Stripe could not be reached or answered with an error; the message is safe to log."""


class PaymentRefused(Exception):
    """Stripe refused the request (an over-refund, a payment that cannot be refunded...)."""


class BadSignature(Exception):
    """A webhook whose signature is missing, forged or outside the tolerance window."""


class MalformedEvent(Exception):
    """A signed webhook payload that is not a Stripe event of the expected shape (the message says
    what is wrong and is safe to log: it holds no value of the event)."""


@dataclass(frozen=True)
class Intent:
    """What the services need of a PaymentIntent (from the API or from an event)."""

    id: str
    status: str
    amount: int
    amount_received: int
    currency: str
    pledge_id: int | None
    pledge_ref: str | None = None
    client_secret: str | None = None
    charge_id: str | None = None
    amount_refunded: int = 0
    failure_code: str | None = None
    created: int = 0


@dataclass(frozen=True)
class Refund:
    id: str
    amount: int
    status: str


@runtime_checkable
class PaymentGateway(Protocol):
    publishable_key: str

    async def create_intent(self, *, pledge_id: int, pledge_ref: str, amount_cents: int, currency: str,
                            idempotency_key: str) -> Intent: ...

    async def retrieve_intent(self, intent_id: str) -> Intent: ...

    async def find_intent(self, pledge_id: int, pledge_ref: str, created_after: int) -> Intent | None: ...

    async def refund(self, *, intent_id: str, amount_cents: int, idempotency_key: str,
                     pledge_id: int) -> Refund: ...

    def verify_event(self, payload: bytes, signature: str | None) -> dict[str, Any]: ...

    async def pay_with_test_card(self, intent_id: str) -> Intent: ...

    async def close(self) -> None: ...


def related_id(value: Any) -> str | None:
    """Stripe sends a related object as its id, or expanded (localstripe always expands)."""
    if isinstance(value, Mapping):
        return value.get("id")
    return value or None


def intent_from(obj: Mapping[str, Any]) -> Intent:
    metadata = obj.get("metadata") or {}
    raw_pledge = str(metadata.get("pledge_id", ""))
    charge = obj.get("latest_charge")
    error = obj.get("last_payment_error") or {}
    return Intent(
        id=obj["id"],
        status=obj.get("status") or "",
        amount=int(obj.get("amount") or 0),
        amount_received=int(obj.get("amount_received") or 0),
        currency=(obj.get("currency") or "").lower(),
        pledge_id=int(raw_pledge) if raw_pledge.isdigit() else None,
        pledge_ref=metadata.get("pledge_ref"),
        client_secret=obj.get("client_secret"),
        charge_id=related_id(charge),
        amount_refunded=int(charge.get("amount_refunded") or 0) if isinstance(charge, Mapping) else 0,
        failure_code=error.get("code") if isinstance(error, Mapping) else None,
        created=int(obj.get("created") or 0),
    )


def event_from(payload: bytes) -> dict[str, Any]:
    """The event of a signed payload: an object with a string `id` and `type` and an object `data.object`."""
    try:
        event = json.loads(payload)
    except ValueError:
        raise MalformedEvent("JSON mal formé") from None
    if not isinstance(event, dict):
        raise MalformedEvent("un objet JSON est attendu")
    if not isinstance(event.get("id"), str) or not event["id"]:
        raise MalformedEvent("« id » manquant ou non textuel")
    if not isinstance(event.get("type"), str):
        raise MalformedEvent("« type » manquant ou non textuel")
    data = event.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("object"), dict):
        raise MalformedEvent("« data.object » manquant ou non objet")
    return event


def _plain(obj: Any) -> dict[str, Any]:
    """A StripeObject as plain data."""
    return obj.to_dict() if isinstance(obj, stripe.StripeObject) else dict(obj)


class StripeGateway:
    """The real adapter. `settings.stripe_api_base` empty means the real Stripe API."""

    def __init__(self, settings: Settings) -> None:
        self.publishable_key = settings.stripe_publishable_key
        self._client_key_is_test = settings.stripe_secret_key.startswith("sk_test_")
        self._webhook_secret = settings.stripe_webhook_secret
        self._tolerance = settings.stripe_webhook_tolerance
        self._http = stripe.HTTPXClient(timeout=settings.stripe_timeout)
        bases: dict[str, str] = {"api": settings.stripe_api_base} if settings.stripe_api_base else {}
        self._client = stripe.StripeClient(
            settings.stripe_secret_key,
            base_addresses=bases,  # type: ignore[arg-type]
            http_client=self._http,
            max_network_retries=settings.stripe_max_retries,
        )

    async def create_intent(self, *, pledge_id: int, pledge_ref: str, amount_cents: int, currency: str,
                            idempotency_key: str) -> Intent:
        metadata = {"pledge_id": str(pledge_id), "pledge_ref": pledge_ref}
        params = {"amount": amount_cents, "currency": currency, "metadata": metadata}
        obj = await self._call(self._client.v1.payment_intents.create_async(
            params=params, options={"idempotency_key": idempotency_key}))  # type: ignore[arg-type]
        return intent_from(_plain(obj))

    async def retrieve_intent(self, intent_id: str) -> Intent:
        obj = await self._call(self._client.v1.payment_intents.retrieve_async(
            intent_id, params={"expand": ["latest_charge"]}))
        return intent_from(_plain(obj))

    async def find_intent(self, pledge_id: int, pledge_ref: str, created_after: int) -> Intent | None:
        """The PaymentIntent made for a pledge whose id was never stored (Stripe answered too late).

        The search API first; where it is missing (localstripe) a listing, filtered here.
        """
        try:
            found = await self._call(self._client.v1.payment_intents.search_async(
                params={"query": f"metadata['pledge_ref']:'{pledge_ref}'", "limit": 10}))
            candidates = [_plain(obj) for obj in found.data]
        except PaymentRefused:
            page = await self._call(self._client.v1.payment_intents.list_async(params={"limit": 100}))
            candidates = []
            async for obj in page.auto_paging_iter():
                data = _plain(obj)
                if int(data.get("created") or 0) >= created_after:
                    candidates.append(data)
        ours = [i for i in map(intent_from, candidates) if (i.pledge_id, i.pledge_ref) == (pledge_id, pledge_ref)]
        intents = sorted(ours, key=lambda i: (i.status != "succeeded", i.created))
        return await self.retrieve_intent(intents[0].id) if intents else None

    async def refund(self, *, intent_id: str, amount_cents: int, idempotency_key: str,
                     pledge_id: int) -> Refund:
        obj = await self._call(self._client.v1.refunds.create_async(
            params={"payment_intent": intent_id, "amount": amount_cents, "metadata": {"pledge_id": str(pledge_id)}},
            options={"idempotency_key": idempotency_key}))
        data = _plain(obj)
        return Refund(id=data["id"], amount=int(data["amount"]), status=data.get("status") or "succeeded")

    async def pay_with_test_card(self, intent_id: str) -> Intent:
        """What Stripe.js does in the funder's browser, with Stripe's test card: test mode only (a test
        secret key; the caller also refuses it in production)."""
        if not self._client_key_is_test:
            raise PaymentRefused("la carte de test ne s'utilise qu'avec une clé Stripe de test")
        await self._call(self._client.v1.payment_intents.update_async(
            intent_id, params={"payment_method": "pm_card_visa"}))
        obj = await self._call(self._client.v1.payment_intents.confirm_async(intent_id))
        return intent_from(_plain(obj))

    def verify_event(self, payload: bytes, signature: str | None) -> dict[str, Any]:
        try:
            stripe.WebhookSignature.verify_header(payload.decode("utf-8"), signature or "", self._webhook_secret,
                                                  self._tolerance)
        except (stripe.SignatureVerificationError, UnicodeDecodeError) as exc:
            raise BadSignature(type(exc).__name__) from None
        return event_from(payload)

    async def close(self) -> None:
        await self._http.close_async()

    @staticmethod
    async def _call(awaitable: Any) -> Any:
        try:
            return await awaitable
        except (stripe.InvalidRequestError, stripe.CardError) as exc:
            raise PaymentRefused(_describe(exc)) from None
        except stripe.StripeError as exc:
            raise PaymentUnavailable(_describe(exc)) from None


def _describe(exc: stripe.StripeError) -> str:
    """Type, HTTP status and Stripe's code: never the request, never a key."""
    return f"{type(exc).__name__} (HTTP {exc.http_status}, code {exc.code})"
