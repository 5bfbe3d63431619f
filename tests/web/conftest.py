"""The web client in a real browser: Debian's Chromium driven by Playwright, against the real app
served by uvicorn on a free loopback port, on the suite's database (SQLite or PostgreSQL).

These tests fail, never skip, when Chromium cannot start: `make browser` installs it (apt-get) or
says what to install.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from market.config import ROOT, Settings
from tests.conftest import _wipe, suite_settings
from tests.helpers import run
from tests.mailbox import Mailbox, running_smtp
from tests.stripe_fixtures import (
    PUBLISHABLE,
    STRIPE_SECRET,
    WEBHOOK_SECRET,
    free_port,
    stop,
    wait_for_port,
)

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = ROOT / "var" / "screenshots"
# A listing is embedded by the model when it is written: on 2 shared cores a page can take seconds.
expect.set_options(timeout=30_000)


@pytest.fixture(scope="session")
def web_settings(database_url: str) -> Settings:
    """As in production: created listings wait for a moderator."""
    return suite_settings(database_url, auto_publish=False)


@pytest.fixture(scope="session")
def web_smtp() -> Iterator[tuple[Mailbox, int]]:
    """The web server's mail server, for the whole run (the server is started once)."""
    with running_smtp() as server:
        yield server


@pytest.fixture(scope="session")
def web_server(web_settings: Settings, localstripe: str, web_smtp: tuple[Mailbox, int]) -> Iterator[str]:
    """The app as `make run` serves it, with Stripe's test mode on the fake Stripe server and its
    emails sent to the SMTP server of the suite."""
    port = free_port()
    env = {**os.environ, "BOURSE_ENV": "test", "DATABASE_URL": web_settings.database_url, "AUTO_PUBLISH": "false",
           "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(web_smtp[1]), "PUBLIC_URL": f"http://127.0.0.1:{port}",
           "STRIPE_API_BASE": localstripe, "STRIPE_SECRET_KEY": STRIPE_SECRET, "STRIPE_PUBLISHABLE_KEY": PUBLISHABLE,
           "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
           "SECRET_KEY": web_settings.secret_key, "ARGON2_PROFILE": "cheapest", "LOG_LEVEL": "WARNING",
           "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    process = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", "api.app:create_app", "--host",
                                "127.0.0.1", "--port", str(port), "--log-level", "warning"], cwd=ROOT, env=env)
    try:
        wait_for_port(port, process, seconds=180)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing ({CHROMIUM}): run `make browser` (apt-get install -y chromium)")
    with sync_playwright() as playwright:
        found = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield found
        found.close()


@pytest.fixture()
def page(web_server: str, web_settings: Settings, browser: Browser) -> Iterator[Page]:
    context = browser.new_context(base_url=web_server, locale="fr-FR")
    context.set_default_timeout(30_000)
    opened = context.new_page()
    yield opened
    context.close()
    run(_wipe(web_settings.database_url))


def check_accessibility(page: Page, name: str) -> list[dict[str, Any]]:
    """axe-core in the page (served by the app: the CSP allows it): no serious or critical violation.
    Also saves a screenshot of the page as a test artefact."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    page.add_script_tag(url="/static/vendor/axe-core/axe.min.js")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert bad == [], [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in bad]
    return result["violations"]
