"""Accounts for the tests, made through the services (fast: no HTTP, the cheapest argon2 profile),
each with a bearer API token: `person.headers` authenticates a request as that person."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from litestar.testing import TestClient

from market.accounts import service as accounts
from market.accounts import tokens
from market.config import Settings
from market.db import session_scope
from market.models import Membership, Organisation
from market.vocabulary import MEMBER_ROLES, PLATFORM_ROLES
from tests.helpers import run

PASSWORD = "correct horse battery staple"
TEST_SECRET = "test-secret-key-for-the-suite-only-0123456789"
ORGANISATION_KIND = {"project_leader": "initiative_group", "support_member": "support_structure",
                     "business_member": "business", "funder": "business"}
ROLES = ("anonymous", *MEMBER_ROLES, *PLATFORM_ROLES)


@dataclass
class Person:
    role: str
    account_id: int | None = None
    email: str | None = None
    token: str | None = None
    organisations: dict[str, int] = field(default_factory=dict)  # role -> organisation id

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    @property
    def organisation_id(self) -> int | None:
        return next(iter(self.organisations.values()), None)


def make_person(settings: Settings, role: str, *, organisations: dict[str, int | None] | None = None,
                email: str | None = None, password: str = PASSWORD, verified: bool = True) -> Person:
    """An account with this role: a platform role, or membership of an organisation (made for it, unless
    given). `organisations` maps member roles to organisation ids (None: a new one) for several memberships."""
    if role == "anonymous":
        return Person(role)
    wanted = organisations if organisations is not None else ({role: None} if role in MEMBER_ROLES else {})

    async def go() -> Person:
        async with session_scope(settings) as session:
            address = email or f"{role}-{secrets.token_hex(4)}@example.org"
            account = await accounts.register(session, settings, address, password,
                                              display_name=f"Camille {secrets.token_hex(2)}", verified=verified,
                                              platform_role=role if role in PLATFORM_ROLES else None)
            person = Person(role, account.id, account.email)
            for member_role, organisation_id in wanted.items():
                if organisation_id is None:
                    organisation = Organisation(slug=f"org-{secrets.token_hex(4)}", name=f"Organisation {role}",
                                                kind=ORGANISATION_KIND[member_role])
                    session.add(organisation)
                    await session.flush()
                    organisation_id = organisation.id
                first = organisations is None or organisations.get(member_role) is None  # it made the organisation
                session.add(Membership(account_id=account.id, organisation_id=organisation_id, role=member_role,
                                       owner=first))
                person.organisations[member_role] = organisation_id
            _, person.token = await tokens.create(session, account.id, "tests")
            return person

    return run(go())


@contextmanager
def anonymously(client: TestClient) -> Iterator[TestClient]:
    """The same client without its default identity (no bearer token), for the block."""
    saved = client.headers.pop("Authorization", None)
    try:
        yield client
    finally:
        if saved is not None:
            client.headers["Authorization"] = saved
