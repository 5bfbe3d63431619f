"""The payment page with real Stripe keys: Stripe's Payment Element (the mount point, the client
secret, Stripe.js allowed by this page's policy only); without them, the test-mode path. js.stripe.com
cannot be reached here: the page is read over HTTP, its script is never run."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient

from api.app import create_app
from api.security import MaskTokens
from market.config import Settings
from market.pledges.payments import StripeGateway
from tests.conftest import _wipe
from tests.helpers import run
from tests.mailbox import Mailbox
from tests.people import make_person
from tests.stripe_fixtures import new_initiative, payment_settings
from tests.test_web_forms import post_form

pytest_plugins = ("tests.stripe_fixtures",)

REAL_KEY = "pk_test_51RealLookingKeyFromTheStripeDashboard"


def _client(settings: Settings, gateway_settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings)
    app.state.payments = StripeGateway(gateway_settings)  # the PaymentIntent on the fake Stripe server
    with TestClient(app, base_url="https://testserver.local") as client:
        yield client
    run(_wipe(settings.database_url))


@pytest.fixture()
def elements_client(database_url: str, localstripe: str, smtp: tuple[Mailbox, int]) -> Iterator[TestClient]:
    """Real keys (the real Stripe API for Stripe.js); the server's gateway on the fake Stripe server."""
    on_fake = payment_settings(database_url, localstripe, smtp[1], stripe_publishable_key=REAL_KEY)
    yield from _client(payment_settings(database_url, localstripe, smtp[1], stripe_publishable_key=REAL_KEY,
                                        stripe_api_base=""), on_fake)


@pytest.fixture()
def test_mode_client(database_url: str, localstripe: str, smtp: tuple[Mailbox, int]) -> Iterator[TestClient]:
    settings = payment_settings(database_url, localstripe, smtp[1])
    yield from _client(settings, settings)


def _pay_page(client: TestClient, settings_admin: dict[str, str]) -> Any:
    client.headers.update(settings_admin)
    target = new_initiative(client, title="Ressourcerie des Prés")
    client.headers.pop("Authorization")
    form = client.get(f"/initiatives/{target['id']}/don")
    assert form.status_code == 200 and "js.stripe.com" not in form.headers["content-security-policy"]
    return post_form(client, f"/initiatives/{target['id']}/don",
                     {"amount_euros": "10", "email": "donatrice@example.org", "display_name": "Dominique"})


def test_with_real_keys_the_pay_page_mounts_the_payment_element(elements_client: TestClient,
                                                                 database_url: str) -> None:
    admin = make_person(payment_settings(database_url, "", 0), "admin").headers
    page = _pay_page(elements_client, admin)
    assert page.status_code == 200, page.text
    assert '<div id="payment-element" data-client-secret="pi_' in page.text and "_secret_" in page.text
    assert f'data-publishable-key="{REAL_KEY}"' in page.text
    assert 'data-return-url="http://bourse.test/receipts/' in page.text
    assert '<script src="https://js.stripe.com/v3" defer></script>' in page.text
    assert '<script src="/static/js/stripe-payment.js" defer></script>' in page.text
    assert "paiement-test" not in page.text  # no test-mode path beside Stripe's form
    policy = page.headers["content-security-policy"]
    assert "script-src 'self' https://js.stripe.com;" in policy and "frame-src https://js.stripe.com" in policy
    assert "connect-src 'self' https://api.stripe.com" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    # every other page keeps the strict policy
    for path in ("/", "/initiatives", "/connexion"):
        assert "js.stripe.com" not in elements_client.get(path).headers["content-security-policy"]
    script = elements_client.get("/static/js/stripe-payment.js")
    assert script.status_code == 200 and "confirmPayment" in script.text and "return_url" in script.text


def test_without_real_keys_the_test_mode_path_stays(test_mode_client: TestClient, database_url: str) -> None:
    admin = make_person(payment_settings(database_url, "", 0), "admin").headers
    page = _pay_page(test_mode_client, admin)
    assert page.status_code == 200, page.text
    assert "Payer avec la carte de test" in page.text and "/paiement-test" in page.text
    assert "payment-element" not in page.text and "js.stripe.com" not in page.text
    assert "js.stripe.com" not in page.headers["content-security-policy"]
    assert "script-src" not in page.headers["content-security-policy"]


@pytest.mark.parametrize(("values", "expected"), [
    ({"stripe_publishable_key": REAL_KEY, "stripe_api_base": ""}, True),
    ({"stripe_publishable_key": "pk_test_dev_localstripe", "stripe_api_base": ""}, False),
    ({"stripe_publishable_key": REAL_KEY, "stripe_api_base": "http://127.0.0.1:8420"}, False),  # the fake Stripe
    ({"stripe_publishable_key": "", "stripe_api_base": ""}, False),
])
def test_what_counts_as_real_keys(values: dict[str, str], expected: bool) -> None:
    assert Settings(**values).stripe_elements is expected


def test_the_access_log_masks_the_client_secret_stripe_sends_back() -> None:
    line = ('"GET /receipts/abc123?payment_intent=pi_1&payment_intent_client_secret=pi_1_secret_XYZ'
            '&redirect_status=succeeded HTTP/1.1" 200')
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, line, None, None)
    MaskTokens().filter(record)
    assert "secret_XYZ" not in record.getMessage() and "abc123" not in record.getMessage()
