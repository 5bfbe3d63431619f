""""What would unlock more": the changes an initiative could make, and how many candidates each
would make newly eligible."""

from __future__ import annotations

from matching.engine import unlock
from matching.pool import build_pool
from matching.types import Area, Unlock
from matching.unlock import FORM_VERBS, variants
from matching.vocabulary import LABELS
from tests.unit.profiles import HERICOURT, TODAY, initiative, provider, takeover, volunteer


def _pools(providers=(), takeovers=(), offers=()):
    return {
        "support_provider": build_pool("support_provider", list(providers)),
        "takeover": build_pool("takeover", list(takeovers)),
        "volunteer_offer": build_pool("volunteer_offer", list(offers)),
    }


def test_variants_are_the_next_stage_and_a_collective_forming_an_association():
    codes = [v.code for v in variants(initiative(maturity="idea", org_form="informal_collective"))]
    assert codes == ["maturity:emergence", "org_form:association"]
    # never a change of economic purpose, stance or company form: a non-profit association is not
    # told to create a commercial company
    ini = initiative(maturity="idea", org_form="association", economic_purpose="non_profit")
    assert [v.code for v in variants(ini)] == ["maturity:emergence"]
    assert all(v.field in {"maturity", "org_form"} for v in variants(ini))
    first = next(variants(initiative(maturity="idea")))
    assert first.initiative.maturity == "emergence"
    assert first.label == "atteindre le stade « Émergence »"
    # at the last stage only the forms can change
    assert all(v.field == "org_form" for v in variants(initiative(maturity="scaling")))
    assert set(FORM_VERBS) == set(LABELS["org_form"])


def test_an_informal_collective_unlocks_providers_that_take_associations_only():
    ini = initiative(place=HERICOURT, org_form="informal_collective")
    pools = _pools(providers=[
        provider(id="S1", org_forms=("association",)),
        provider(id="S2"),  # already eligible: not counted
    ])
    hints = unlock(ini, pools, today=TODAY)
    assert hints == [Unlock(change="org_form:association", field="org_form", value="association",
                            label="se constituer en association", count=1,
                            by_kind={"support_provider": 1, "takeover": 0, "volunteer_offer": 0})]
    assert hints[0].count >= 1


def test_an_idea_blocked_by_min_maturity_emergence_gets_the_maturity_hint():
    ini = initiative(maturity="idea")
    pools = _pools(takeovers=[takeover(id="T1", min_maturity="emergence")])
    hints = unlock(ini, pools, today=TODAY)
    assert [(h.field, h.value, h.count) for h in hints] == [("maturity", "emergence", 1)]
    assert hints[0].change == "maturity:emergence"
    assert hints[0].label == "atteindre le stade « Émergence »"
    assert hints[0].by_kind == {"support_provider": 0, "takeover": 1, "volunteer_offer": 0}


def test_a_provider_of_later_stages_is_unlocked_by_the_next_stage():
    ini = initiative(maturity="idea")
    pools = _pools(providers=[provider(id="S1", maturities=("emergence", "launch"))])
    assert [(h.change, h.count) for h in unlock(ini, pools, today=TODAY)] == [("maturity:emergence", 1)]


def test_hints_are_sorted_by_count_most_first():
    ini = initiative(maturity="idea", org_form="informal_collective")
    pools = _pools(
        providers=[
            provider(id="S1", org_forms=("association",)),
            provider(id="S2", org_forms=("association", "scic")),
            provider(id="S3", org_forms=("scic",)),  # a SCIC is no plausible next step: not hinted
            provider(id="S4", org_forms=("association",), maturities=("idea",)),
        ],
        takeovers=[takeover(id="T1", min_maturity="emergence")],
    )
    hints = unlock(ini, pools, today=TODAY)
    assert [(h.change, h.count) for h in hints] == [
        ("org_form:association", 3), ("maturity:emergence", 1),
    ]
    counts = [h.count for h in hints]
    assert counts == sorted(counts, reverse=True)


def test_ties_are_ordered_by_change_and_the_limit_keeps_the_first():
    ini = initiative(maturity="idea", org_form="informal_collective")
    pools = _pools(providers=[
        provider(id="S1", org_forms=("scop",)),
        provider(id="S2", org_forms=("association",)),
        provider(id="S3", org_forms=("scic",)),
    ])
    hints = unlock(ini, pools, today=TODAY)
    assert [h.change for h in hints] == ["org_form:association"]
    assert [h.change for h in unlock(ini, pools, today=TODAY, limit=1)] == ["org_form:association"]


def test_counts_add_up_across_kinds():
    ini = initiative(maturity="idea")
    pools = _pools(
        providers=[provider(id="S1", maturities=("emergence",))],
        takeovers=[takeover(id="T1", min_maturity="emergence"), takeover(id="T2", min_maturity="emergence")],
    )
    (hint,) = unlock(ini, pools, today=TODAY)
    assert hint.count == 3
    assert hint.by_kind == {"support_provider": 1, "takeover": 2, "volunteer_offer": 0}


def test_no_hint_when_no_change_of_stage_or_form_would_help():
    ini = initiative(place=HERICOURT, maturity="idea", org_form="informal_collective")
    pools = _pools(
        providers=[provider(id="S1", area=Area(departments=("90",))), provider(id="S2", capacity=0)],
        takeovers=[takeover(id="T1", min_maturity="launch")],  # two stages away
        offers=[volunteer(id="V1", hours=0)],
    )
    assert unlock(ini, pools, today=TODAY) == []
    assert unlock(initiative(), _pools(), today=TODAY) == []
