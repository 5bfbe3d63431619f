"""Real parts for the pledge tests: localstripe on a free loopback port, an SMTP server (aiosmtpd)
on loopback, the app wired to both, the official SDK to pay as a funder would, and signed events.

Used with `pytest_plugins = ("tests.stripe_fixtures",)` in the pledge test modules.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import stripe
from litestar.testing import TestClient

from api.app import create_app
from market.config import ROOT, Settings
from tests.conftest import _wipe
from tests.factories import initiative
from tests.helpers import run
from tests.mailbox import Mailbox, free_port
from tests.people import TEST_SECRET, anonymously, make_person

STRIPE_SECRET = "sk_test_canary_9d1e5b7c"
WEBHOOK_SECRET = "whsec_canary_4be2c0aa91"
PUBLISHABLE = "pk_test_pledges"


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="session")
def localstripe() -> Iterator[str]:
    """localstripe through scripts/fake_stripe.py: loopback only, in memory, one per test run."""
    port = free_port()
    process = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "fake_stripe.py"), "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


@pytest.fixture(scope="session")
def dead_stripe() -> str:
    """An address where nothing listens: Stripe unreachable."""
    return f"http://127.0.0.1:{free_port()}"


def payment_settings(database_url: str, stripe_base: str, smtp_port: int, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "environment": "test", "database_url": database_url, "auto_publish": True, "embedding_model": "",
        "stripe_api_base": stripe_base, "stripe_secret_key": STRIPE_SECRET, "stripe_publishable_key": PUBLISHABLE,
        "stripe_webhook_secret": WEBHOOK_SECRET, "stripe_max_retries": 0, "stripe_timeout": 5.0,
        "smtp_host": "127.0.0.1", "smtp_port": smtp_port, "public_url": "http://bourse.test",
        "secret_key": TEST_SECRET, "argon2_profile": "cheapest",
    }
    return Settings(**{**values, **overrides})


@pytest.fixture()
def pay_settings(database_url: str, localstripe: str, smtp: tuple[Mailbox, int]) -> Settings:
    return payment_settings(database_url, localstripe, smtp[1])



@pytest.fixture()
def pay_client(pay_settings: Settings) -> Iterator[TestClient]:
    """The app wired to localstripe and the SMTP server, as an admin by default; rows wiped afterwards."""
    with TestClient(create_app(pay_settings)) as client:
        client.headers.update(make_person(pay_settings, "admin").headers)
        yield client
    run(_wipe(pay_settings.database_url))


@pytest.fixture()
def offline_client(database_url: str, dead_stripe: str, smtp: tuple[Mailbox, int]) -> Iterator[TestClient]:
    """The same app, but Stripe does not answer."""
    settings = payment_settings(database_url, dead_stripe, smtp[1])
    with TestClient(create_app(settings)) as client:
        client.headers.update(make_person(settings, "admin").headers)
        yield client
    run(_wipe(database_url))


@pytest.fixture(scope="session")
def sdk(localstripe: str) -> stripe.StripeClient:
    """The official SDK, as the funder's browser (Stripe.js) and Stripe's dashboard would act."""
    return stripe.StripeClient(STRIPE_SECRET, base_addresses={"api": localstripe}, max_network_retries=0)


# --- helpers --------------------------------------------------------------------------------


def new_initiative(client: TestClient, **overrides: Any) -> dict[str, Any]:
    response = client.post("/api/initiatives", json=initiative(**overrides))
    assert response.status_code == 201, response.text
    return response.json()


def new_pledge(client: TestClient, initiative_id: int, **overrides: Any) -> httpx.Response:
    """A funder pledges, with no account (anonymously: no token, no session)."""
    body = {"amount_cents": 1500, "email": "funder@example.org", "display_name": "Dominique", "anonymous": False,
            **overrides}
    with anonymously(client):
        return client.post(f"/api/initiatives/{initiative_id}/pledges", json=body)


def pay(sdk: stripe.StripeClient, intent_id: str, method: str = "pm_card_visa") -> Any:
    """What Stripe.js does in the funder's browser: attach the card, confirm."""
    sdk.v1.payment_intents.update(intent_id, params={"payment_method": method})
    try:
        return sdk.v1.payment_intents.confirm(intent_id)
    except stripe.CardError:
        return sdk.v1.payment_intents.retrieve(intent_id)


def stripe_events_of(sdk: stripe.StripeClient, intent_id: str, event_type: str) -> list[dict[str, Any]]:
    """localstripe's own events about one intent, as plain data."""
    events = [e.to_dict() for e in sdk.v1.events.list(params={"limit": 100}).auto_paging_iter()]
    return [e for e in events if e["type"] == event_type and e["data"]["object"].get("id") == intent_id]


def event(event_type: str, obj: dict[str, Any], event_id: str, created: int | None = None) -> dict[str, Any]:
    """An event localstripe does not emit (charge.refunded, disputes, cancellations), in Stripe's shape."""
    return {"id": event_id, "object": "event", "type": event_type, "created": created or int(time.time()),
            "api_version": "2024-06-20", "livemode": False, "data": {"object": obj}}


def signed(payload: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> dict[str, str]:
    header = stripe.WebhookSignature.generate_signature_header(payload.decode(), secret, timestamp)
    return {"Stripe-Signature": header, "Content-Type": "application/json"}


def deliver(client: TestClient | httpx.Client, ev: dict[str, Any]) -> httpx.Response:
    payload = json.dumps(ev).encode()
    return client.post("/api/stripe/webhook", content=payload, headers=signed(payload))


def live_env(settings: Settings) -> dict[str, str]:
    """The environment that makes Settings.from_env() equal to these settings (for subprocesses)."""
    return {
        **os.environ, "BOURSE_ENV": "test", "DATABASE_URL": settings.database_url, "AUTO_PUBLISH": "true",
        "EMBEDDING_MODEL": "", "STRIPE_API_BASE": settings.stripe_api_base,
        "STRIPE_SECRET_KEY": settings.stripe_secret_key, "STRIPE_PUBLISHABLE_KEY": settings.stripe_publishable_key,
        "STRIPE_WEBHOOK_SECRET": settings.stripe_webhook_secret, "SMTP_HOST": settings.smtp_host,
        "SMTP_PORT": str(settings.smtp_port), "PUBLIC_URL": settings.public_url, "LOG_LEVEL": "WARNING",
        "SECRET_KEY": settings.secret_key, "ARGON2_PROFILE": settings.argon2_profile,
    }


@pytest.fixture()
def live_admin(pay_settings: Settings) -> dict[str, str]:
    """The bearer header of an admin, for httpx clients of the live servers."""
    return make_person(pay_settings, "admin").headers


@pytest.fixture()
def live_servers(pay_settings: Settings) -> Iterator[list[str]]:
    """Two uvicorn workers of the app on loopback, each its own process and connection pool: the
    same event can reach both at the same moment, as with two workers in production."""
    processes, urls = [], []
    try:
        for _ in range(2):
            port = free_port()
            processes.append(subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "--factory", "api.app:create_app", "--host", "127.0.0.1",
                 "--port", str(port), "--log-level", "warning"],
                cwd=ROOT, env=live_env(pay_settings), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            urls.append(f"http://127.0.0.1:{port}")
        for process, url in zip(processes, urls, strict=True):
            wait_for_port(int(url.rsplit(":", 1)[1]), process, seconds=120)
        yield urls
    finally:
        for process in processes:
            stop(process)
        run(_wipe(pay_settings.database_url))

