"""Domain errors, each with its HTTP status. The HTTP layer maps them to problem documents in one place
(api/errors.py), whose title comes from the status."""

from __future__ import annotations


class DomainError(Exception):
    status_code = 400

    def __init__(self, detail: str, *, field: str | None = None, source: str = "body",
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field
        self.source = source
        self.headers = headers


class InvalidField(DomainError):
    """A value is well-typed but refused by a rule (unknown commune, bad SIREN...)."""

    status_code = 400


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    status_code = 409


class InvalidTransition(Conflict):
    """The state machine (moderation, cooperation, pledge) does not allow this change now."""


class Forbidden(DomainError):
    status_code = 403


class NotAuthenticated(DomainError):
    """No account, or a bearer token that is unknown, revoked or expired."""

    status_code = 401


class TooManyAttempts(DomainError):
    """Too many failed logins for this account or address: wait `retry_after` seconds."""

    status_code = 429

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after)})
        self.retry_after = retry_after


class ServiceUnavailable(DomainError):
    """An outside service (Stripe) did not answer; nothing was lost, the action can be tried again."""

    status_code = 503
