"""Where the served OpenAPI document and the answers disagree, known and explained.

Each entry excuses one kind of schemathesis failure for some statuses (and operations), with the reason
and what would fix it. The document is api/openapi.py's (issue 12 made it honest: error statuses,
problem+json, security schemes, export media types); an entry that stops matching is printed as
unused, to be deleted. A 5xx is never excused, and neither is a 2xx body that breaks
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


# Issue 12 made the document honest (api/openapi.py): nothing is excused today.
KNOWN: tuple[Known, ...] = ()
