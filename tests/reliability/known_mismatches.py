"""Where the served OpenAPI document and the answers disagree, known and explained.

Each entry excuses one kind of schemathesis failure for some statuses (and operations), with the reason
and what would fix it. The document belongs to api/app.py's OpenAPI config (issue 12 makes it honest:
error statuses, problem+json, security schemes): as it lands, entries stop matching and the run
prints them as unused, to be deleted. A 5xx is never excused, and neither is a 2xx body that breaks
its documented schema."""

from __future__ import annotations

import re
from dataclasses import dataclass

SEEN_ERRORS = frozenset({400, 401, 403, 404, 409})  # the error statuses the run meets


@dataclass(frozen=True)
class Known:
    failure: str  # the schemathesis failure class: UndefinedStatusCode, UndefinedContentType, ...
    statuses: frozenset[int]
    reason: str
    operation: str = ".*"  # a regular expression on "METHOD /path"

    def excuses(self, failure: str, status: int, operation: str) -> bool:
        return (failure == self.failure and status in self.statuses
                and re.fullmatch(self.operation, operation) is not None)


KNOWN = (
    Known("UndefinedStatusCode", SEEN_ERRORS - {400},
          "Litestar documents each handler's own status and a 400; the statuses the access rules (401, 403, 404) "
          "and the state machines and unique keys (409) answer are not declared. Fix: declare them per operation "
          "in the OpenAPI config (issue 12)."),
    Known("UndefinedStatusCode", frozenset({400}),
          "The Stripe webhook refuses bad signatures and malformed events with a 400 problem that it does not declare. "
          "Fix: declare the 400 of the webhook (issue 12).", r"POST /api/stripe/webhook"),
    Known("UndefinedContentType", SEEN_ERRORS,
          "Every error is an RFC 9457 problem document, application/problem+json; the document declares the errors "
          "as application/json with Litestar's own error shape. Fix: declare problem+json and its schema (issue 12)."),
    Known("UndefinedContentType", frozenset({200}),
          "The exports answer text/csv or application/geo+json, declared as application/json. Fix: declare both "
          "media types of the export (issue 12).", r"GET /api/[a-z-]+/export"),
)
