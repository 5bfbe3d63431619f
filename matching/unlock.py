"""The changes an initiative could make that the hard rules care about: reaching a later stage,
taking another legal form. `engine.unlock` counts what each one would open."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import msgspec

from matching.types import Initiative
from matching.vocabulary import LABELS, MATURITY_ORDER, short_label

FORM_VERBS = {
    "informal_collective": "rester un collectif informel",
    "association": "se constituer en association",
    "scop": "se constituer en SCOP",
    "scic": "se constituer en SCIC",
    "other_cooperative": "se constituer en coopérative",
    "esus_company": "créer une société agréée ESUS",
    "commercial_company": "créer une société commerciale",
    "public_body": "être porté par une collectivité",
}


NEXT_FORMS: dict[str, tuple[str, ...]] = {"informal_collective": ("association",)}


@dataclass(frozen=True)
class Variant:
    code: str
    field: str
    value: str
    label: str
    initiative: Initiative


def variants(ini: Initiative) -> Iterator[Variant]:
    """The changes an initiative could plausibly make: the next stage (a project grows one step
    at a time) and, for an informal collective, forming an association. Never a change of
    economic purpose or stance, nor another company form (a non-profit is not told to become a
    commercial company)."""
    for maturity in MATURITY_ORDER[MATURITY_ORDER.index(ini.maturity) + 1:][:1]:
        label = f"atteindre le stade « {short_label('maturity', maturity)} »"
        yield Variant(f"maturity:{maturity}", "maturity", maturity, label,
                      msgspec.structs.replace(ini, maturity=maturity))
    for form in NEXT_FORMS.get(ini.org_form, ()):
        if form in LABELS["org_form"]:
            yield Variant(f"org_form:{form}", "org_form", form, FORM_VERBS[form],
                          msgspec.structs.replace(ini, org_form=form))
