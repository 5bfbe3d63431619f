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


@dataclass(frozen=True)
class Variant:
    code: str
    field: str
    value: str
    label: str
    initiative: Initiative


def variants(ini: Initiative) -> Iterator[Variant]:
    """The next stage (a project grows one step at a time) and every other legal form."""
    for maturity in MATURITY_ORDER[MATURITY_ORDER.index(ini.maturity) + 1:][:1]:
        label = f"atteindre le stade « {short_label('maturity', maturity)} »"
        yield Variant(f"maturity:{maturity}", "maturity", maturity, label,
                      msgspec.structs.replace(ini, maturity=maturity))
    for form in LABELS["org_form"]:
        if form != ini.org_form:
            yield Variant(f"org_form:{form}", "org_form", form, FORM_VERBS[form],
                          msgspec.structs.replace(ini, org_form=form))
