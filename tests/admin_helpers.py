"""Helpers of the back office tests: a page session (cookie + CSRF, as tests/browser.py does) for a
person, and posting a form of the back office with its CSRF field."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from litestar.testing import TestClient

from tests.browser import as_browser, csrf, login
from tests.people import Person


@contextmanager
def signed_in_as(client: TestClient, person: Person) -> Iterator[TestClient]:
    """The client, for the block, as that person's browser: logged in through the login route."""
    with as_browser(client):
        assert person.email is not None
        assert login(client, person.email).status_code == 200
        yield client


def post_form(client: TestClient, path: str, **fields: Any) -> httpx.Response:
    token = csrf(client)["X-CSRFToken"]
    return client.post(path, data={"_csrf_token": token, **fields}, follow_redirects=False)
