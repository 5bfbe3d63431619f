"""A real SMTP server on loopback (aiosmtpd) that keeps every message, and reading links from them.

Fixture `smtp` (the mailbox and its port); pull it into a module with
any test module (tests/conftest.py imports it).
"""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

LINK = re.compile(r"https?://\S+/compte/([^\s?#]+)[?#]jeton=([A-Za-z0-9_-]+)")


class Mailbox:
    """aiosmtpd handler: keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.original_content, policy=policy.default))  # type: ignore[arg-type]
        return "250 OK"

    def wait(self, count: int, seconds: float = 10) -> list[EmailMessage]:
        deadline = time.monotonic() + seconds
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages

    def to(self, address: str, count: int = 1) -> list[EmailMessage]:
        """The messages sent to this address, once `count` of them arrived (or 10 s passed)."""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            found = [m for m in self.messages if m["To"] == address]
            if len(found) >= count:
                return found
            time.sleep(0.05)
        return [m for m in self.messages if m["To"] == address]

    def token(self, address: str, page: str, count: int = 1) -> str:
        """The token of the last link to this page (confirmer, mot-de-passe, invitation) sent to the address."""
        for message in reversed(self.to(address, count)):
            body = message.get_content()  # type: ignore[attr-defined]
            for found_page, token in LINK.findall(body):
                if found_page == page:
                    return token
        raise AssertionError(f"no {page} link sent to {address}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_smtp() -> Iterator[tuple[Mailbox, int]]:
    """A real SMTP server on a free loopback port, and the mailbox it fills."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


@pytest.fixture()
def smtp() -> Iterator[tuple[Mailbox, int]]:
    with running_smtp() as server:
        yield server
