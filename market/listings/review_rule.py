"""Which owner edits send a published listing back to moderation.

Editing a published listing's capacity (support providers), contact or hours (volunteer offers)
keeps it online: these are practical details that change often (a new phone number, places filled
up) and cannot make an acceptable listing unacceptable – the contact is checked by the same schema
rules as on creation. Every other field (titles, descriptions, themes, place, area, kind-specific
codes, skills, funding goal, website...) changes what the public reads or what matching uses, so
the listing waits for a moderator again. The edit is in the moderation log either way.
"""

from __future__ import annotations

from collections.abc import Iterable

MINOR_FIELDS = frozenset({"capacity", "contact", "hours"})


def needs_review(fields: Iterable[str]) -> bool:
    return not set(fields) <= MINOR_FIELDS
