"""The one registry of listing kinds: every other module looks a kind up here."""

from __future__ import annotations

from market.listings import initiatives, support_providers, takeovers, volunteer_offers
from market.listings.spec import KindSpec
from market.vocabulary import CANDIDATE_KINDS

KINDS: dict[str, KindSpec] = {
    spec.kind: spec for spec in (initiatives.SPEC, support_providers.SPEC, takeovers.SPEC, volunteer_offers.SPEC)
}
BY_RESOURCE: dict[str, KindSpec] = {spec.resource: spec for spec in KINDS.values()}
CANDIDATES: dict[str, KindSpec] = {kind: KINDS[kind] for kind in CANDIDATE_KINDS}
INITIATIVES = KINDS["initiative"]
