"""The engine's entry points: rank (ineligible candidates never appear), explain (every rule with
its verdict and why), rank_initiatives (reverse browsing) and the semantic signal switch."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest

from matching.eligibility import RULES
from matching.engine import CLOSE_WEIGHT, NO_MODEL_NOTE, NOTHING_NOTE, explain, rank, rank_initiatives
from matching.pool import build_pool
from matching.scoring import COMPONENTS, DEFAULT_FLOOR, demand
from matching.types import Area
from tests.unit.profiles import (
    BELFORT,
    HERICOURT,
    MONTBELIARD,
    PARIS_18,
    TODAY,
    initiative,
    is_eligible,
    provider,
    takeover,
    volunteer,
)

# Héricourt, informal collective at the idea stage, advocacy: many rules can bite.
INI = initiative(place=HERICOURT, maturity="idea", org_form="informal_collective", stance="advocacy",
                 needs=("funding", "communication", "skills"), skills_needed=("CM", "compta"))

PROVIDERS = [
    provider(id="S-ok-national", area=Area(national=True), offers=("funding",)),
    provider(id="S-belfort-dept", area=Area(departments=("90",)), offers=("funding", "communication")),
    provider(id="S-ok-radius", area=Area(communes=(BELFORT,), radius_km=12), offers=("communication",)),
    provider(id="S-radius-short", area=Area(communes=(BELFORT,), radius_km=10), offers=("funding",)),
    provider(id="S-associations", org_forms=("association",), offers=("funding", "communication")),
    provider(id="S-no-advocacy", stances=("alternative",), offers=("funding", "communication")),
    provider(id="S-later", maturities=("launch",), offers=("funding",)),
    provider(id="S-for-profit", economic_purposes=("for_profit",), offers=("funding",)),
    provider(id="S-full", capacity=0, offers=("funding", "communication", "skills")),
    provider(id="S-ok-region", area=Area(regions=("27",)), offers=("skills",)),
]
TAKEOVERS = [
    takeover(id="T-ok", place=BELFORT, radius_km=12),
    takeover(id="T-far", place=BELFORT, radius_km=10),
    takeover(id="T-mature", min_maturity="emergence"),
    takeover(id="T-expired", deadline=TODAY - timedelta(days=1)),
    takeover(id="T-ok-today", place=MONTBELIARD, radius_km=9, deadline=TODAY),
    takeover(id="T-for-profit", economic_purposes=("for_profit",)),
]
OFFERS = [
    volunteer(id="V-ok", place=BELFORT, radius_km=20, skills=("community management",)),
    volunteer(id="V-far", place=BELFORT, radius_km=10, skills=("CM",)),
    volunteer(id="V-ok-remote", place=PARIS_18, radius_km=5, remote_ok=True, skills=("tenue de la compta",)),
    volunteer(id="V-no-hours", hours=0, remote_ok=True, skills=("CM", "compta")),
]
ELIGIBLE = {
    "support_provider": {"S-ok-national", "S-ok-radius", "S-ok-region"},
    "takeover": {"T-ok", "T-ok-today"},
    "volunteer_offer": {"V-ok", "V-ok-remote"},
}
POOLS = {"support_provider": PROVIDERS, "takeover": TAKEOVERS, "volunteer_offer": OFFERS}


@pytest.mark.parametrize("kind", list(POOLS))
def test_an_ineligible_candidate_never_appears_in_a_ranking(kind):
    ranking = rank(INI, build_pool(kind, POOLS[kind]), today=TODAY, limit=100, floor=0)
    ids = [m.candidate_id for m in ranking.matches]
    assert set(ids) == ELIGIBLE[kind]
    assert len(ids) == len(set(ids))
    assert ranking.eligible_count == len(ELIGIBLE[kind])
    for m in ranking.matches:
        assert m.kind == kind
        assert m.initiative_id == INI.id
        assert is_eligible(INI, next(c for c in POOLS[kind] if c.id == m.candidate_id))


@pytest.mark.parametrize("kind", list(POOLS))
def test_the_limit_cuts_the_best_first_list(kind):
    full = rank(INI, build_pool(kind, POOLS[kind]), today=TODAY, limit=100, floor=0)
    top = rank(INI, build_pool(kind, POOLS[kind]), today=TODAY, limit=1, floor=0)
    assert [m.candidate_id for m in top.matches] == [full.matches[0].candidate_id]
    assert top.eligible_count == full.eligible_count


def test_a_pool_with_nothing_eligible_ranks_nothing():
    ranking = rank(INI, build_pool("volunteer_offer", [OFFERS[1], OFFERS[3]]), today=TODAY, floor=0)
    assert ranking.matches == []
    assert ranking.eligible_count == 0
    empty = rank(INI, build_pool("takeover", []), today=TODAY, floor=0)
    assert empty.matches == []
    assert empty.eligible_count == 0


def test_relevance_orders_the_eligible_set():
    ini = initiative(needs=("funding",), themes=("energy",))
    near_need = provider(id="specialist", offers=("funding",), themes=("energy",))
    off_need = provider(id="generic", offers=("networking",), themes=("culture",))
    ranking = rank(ini, build_pool("support_provider", [off_need, near_need]), today=TODAY, floor=0)
    assert [m.candidate_id for m in ranking.matches] == ["specialist", "generic"]
    assert ranking.matches[0].components["needs"] == 1.0
    assert ranking.matches[0].components["themes"] == 1.0
    assert ranking.matches[1].components["needs"] == 0.0
    assert ranking.matches[1].components["themes"] == 0.0
    assert ranking.matches[0].score > ranking.matches[1].score


def test_a_secondary_need_still_counts_most_of_the_first():
    weights = demand(initiative(needs=("premises", "funding", "skills"), skills_needed=()))
    assert list(weights) == ["premises", "funding", "skills"]
    assert math.isclose(weights["funding"] / weights["premises"], 1 / math.sqrt(2))
    assert math.isclose(weights["skills"] / weights["premises"], 1 / math.sqrt(3))
    assert math.isclose(sum(weights.values()), 1.0)


def test_a_provider_of_other_fields_answers_a_need_at_half_weight():
    ini = initiative(needs=("funding",), themes=("energy",))
    pool = build_pool("support_provider", [
        provider(id="energy", offers=("funding",), themes=("energy",)),
        provider(id="open", offers=("funding",), themes=()),
        provider(id="culture", offers=("funding",), themes=("culture",)),
    ])
    needs = {m.candidate_id: m.components["needs"] for m in rank(ini, pool, today=TODAY, floor=0).matches}
    assert needs == {"energy": 1.0, "open": 1.0, "culture": 0.5}


def test_a_skill_of_the_same_family_counts_at_a_quarter():
    ini = initiative(skills_needed=("gestion des stocks",), needs=("skills",))
    pool = build_pool("volunteer_offer", [volunteer(id="rounds", skills=("optimisation de tournées",))])
    assert rank(ini, pool, today=TODAY, floor=0).matches[0].components["skills"] == CLOSE_WEIGHT == 0.25


def test_volunteer_with_the_missing_skill_comes_first():
    ini = initiative(skills_needed=("CM",), needs=("skills",))
    offers = [volunteer(id="bike", skills=("mécanique vélo",)), volunteer(id="cm", skills=("community management",))]
    ranking = rank(ini, build_pool("volunteer_offer", offers), today=TODAY, floor=0)
    assert [m.candidate_id for m in ranking.matches] == ["cm", "bike"]
    assert ranking.matches[0].components["skills"] == 1.0
    assert ranking.matches[1].components["skills"] == 0.0


def test_equal_candidates_keep_their_order():
    twins = [provider(id=f"S{i}") for i in range(5)]
    ranking = rank(initiative(), build_pool("support_provider", twins), today=TODAY, floor=0)
    assert [m.candidate_id for m in ranking.matches] == ["S0", "S1", "S2", "S3", "S4"]
    assert len({m.score for m in ranking.matches}) == 1


def test_build_pool_refuses_a_candidate_of_another_kind():
    with pytest.raises(ValueError):
        build_pool("takeover", [provider()])
    with pytest.raises(ValueError):
        build_pool("nonsense", [])


# --- explain ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("candidate", "rule", "detail"),
    [
        (PROVIDERS[1], "area", "n'intervient pas à Héricourt (70)"),
        (PROVIDERS[3], "area", "n'intervient pas à Héricourt (70)"),
        (PROVIDERS[4], "org_form",
         "accepte : Association loi 1901 ; n'inclut pas « Collectif informel / groupe d'habitants »"),
        (PROVIDERS[5], "stance", "accepte : À CÔTÉ ; n'inclut pas « CONTRE »"),
        (PROVIDERS[6], "maturity", "accepte : Lancement / expérimentation ; n'inclut pas « Idée / rêve »"),
        (PROVIDERS[7], "economic_purpose", "accepte : Lucratif ; n'inclut pas « Non lucratif »"),
        (PROVIDERS[8], "capacity", "0 place(s) ouverte(s)"),
        (TAKEOVERS[1], "distance", "10,1 km pour un rayon de 10 km"),
        (TAKEOVERS[2], "min_maturity", "stade minimum « Émergence », le projet est au stade « Idée / rêve »"),
        (TAKEOVERS[3], "deadline", "date limite le 22/11/2026 (référence 23/11/2026)"),
        (TAKEOVERS[5], "economic_purpose", "accepte : Lucratif ; n'inclut pas « Non lucratif »"),
        (OFFERS[1], "distance", "10,1 km pour un rayon de 10 km"),
        (OFFERS[3], "hours", "0 h proposées"),
    ],
)
def test_explain_lists_the_failing_rule_in_french(candidate, rule, detail):
    explanation = explain(INI, candidate, today=TODAY)
    assert explanation.eligible is False
    assert explanation.score == 0
    assert [r.name for r in explanation.rules] == list(RULES[candidate.kind])
    failed = [r for r in explanation.rules if not r.passed]
    assert [r.name for r in failed] == [rule]
    assert failed[0].detail == detail
    assert all(r.detail for r in explanation.rules)
    assert set(explanation.components) == set(COMPONENTS[candidate.kind]) - {"semantic"}
    assert explanation.kind == candidate.kind
    assert explanation.candidate_id == candidate.id
    assert explanation.initiative_id == INI.id


def test_explain_details_of_passing_rules():
    explanation = explain(INI, PROVIDERS[0], today=TODAY)
    assert explanation.eligible is True
    assert {r.name: (r.passed, r.detail) for r in explanation.rules} == {
        "area": (True, "intervient partout en France"),
        "maturity": (True, "sans restriction (le projet : Idée / rêve)"),
        "economic_purpose": (True, "sans restriction (le projet : Non lucratif)"),
        "org_form": (True, "sans restriction (le projet : Collectif informel / groupe d'habitants)"),
        "stance": (True, "sans restriction (le projet : CONTRE)"),
        "capacity": (True, "3 place(s) ouverte(s)"),
    }
    remote = explain(INI, OFFERS[2], today=TODAY)
    assert [(r.name, r.passed) for r in remote.rules] == [("distance", True), ("hours", True)]
    assert remote.rules[0].detail.endswith("km pour un rayon de 5 km, possible à distance")
    undated = explain(INI, TAKEOVERS[0], today=TODAY)
    assert undated.rules[-1].detail == "sans date limite"
    assert undated.rules[-1].passed is True


def test_explain_reports_every_failing_rule_at_once():
    candidate = provider(area=Area(departments=("90",)), org_forms=("association",), capacity=0)
    explanation = explain(INI, candidate, today=TODAY)
    assert [(r.name, r.passed) for r in explanation.rules] == [
        ("area", False), ("maturity", True), ("economic_purpose", True), ("org_form", False), ("stance", True),
        ("capacity", False),
    ]


@pytest.mark.parametrize("kind", list(POOLS))
def test_explain_agrees_with_rank(kind):
    ranking = rank(INI, build_pool(kind, POOLS[kind]), today=TODAY, limit=100, floor=0)
    by_id = {m.candidate_id: m for m in ranking.matches}
    for candidate in POOLS[kind]:
        explanation = explain(INI, candidate, today=TODAY)
        assert explanation.eligible is (candidate.id in by_id)
        assert explanation.semantic is False
        if explanation.eligible:
            match = by_id[candidate.id]
            assert explanation.score == match.score
            assert explanation.components == match.components
            assert explanation.reasons == match.reasons
            assert explanation.missing == match.missing
            assert all(r.passed for r in explanation.rules)


# --- the semantic signal ----------------------------------------------------------------------

def _unit(cos: float) -> list[float]:
    """A 3-d unit vector whose cosine with (1, 0, 0) is `cos`."""
    return [cos, math.sqrt(1 - cos * cos), 0.0]


def test_without_vectors_the_ranking_says_so():
    ranking = rank(initiative(), build_pool("support_provider", [provider()]), today=TODAY, floor=0)
    assert ranking.semantic is False
    assert ranking.note == NO_MODEL_NOTE
    assert ranking.note
    assert "semantic" not in ranking.matches[0].components


def test_an_initiative_vector_alone_is_not_enough():
    ranking = rank(initiative(vector=[1.0, 0.0, 0.0]), build_pool("support_provider", [provider()]), today=TODAY,
                   floor=0)
    assert ranking.semantic is False
    assert ranking.note == NO_MODEL_NOTE


def test_candidate_vectors_without_an_initiative_vector_rank_without_semantic():
    ranking = rank(initiative(), build_pool("support_provider", [provider(vector=_unit(1.0))]), today=TODAY, floor=0)
    assert ranking.semantic is False
    assert ranking.note == NO_MODEL_NOTE


def test_with_vectors_the_semantic_signal_is_used():
    ini = initiative(vector=[1.0, 0.0, 0.0])
    candidates = [
        provider(id="far", vector=_unit(0.1)),
        provider(id="half", vector=_unit(0.45)),
        provider(id="same", vector=_unit(1.0)),
    ]
    ranking = rank(ini, build_pool("support_provider", candidates), today=TODAY, floor=0)
    assert ranking.semantic is True
    assert ranking.note is None
    assert [m.candidate_id for m in ranking.matches] == ["same", "half", "far"]
    semantic = {m.candidate_id: m.components["semantic"] for m in ranking.matches}
    # cosine rescaled from [0.15, 0.75] to [0, 1], clipped
    assert semantic == {"same": 1.0, "half": 0.5, "far": 0.0}
    assert set(ranking.matches[0].components) == set(COMPONENTS["support_provider"])
    assert not any("description" in r for r in ranking.matches[0].reasons)  # weighs in, gives no reason
    assert explain(ini, candidates[2], today=TODAY).semantic is True


def test_vectors_of_another_dimension_rank_without_semantic():
    ini = initiative(vector=[1.0, 0.0, 0.0])
    ranking = rank(ini, build_pool("support_provider", [provider(vector=[1.0, 0.0, 0.0, 0.0])]), today=TODAY, floor=0)
    assert ranking.semantic is False
    assert ranking.note == NO_MODEL_NOTE


# --- reverse browsing -------------------------------------------------------------------------

INITIATIVES = [
    initiative(id="I-belfort", place=BELFORT, skills_needed=("CM",), needs=("communication", "skills")),
    initiative(id="I-paris", place=PARIS_18, skills_needed=("CM",)),  # 362 km away: ineligible
    initiative(id="I-hericourt", place=HERICOURT, skills_needed=("photovoltaique",)),
    initiative(id="I-montbeliard", place=MONTBELIARD, skills_needed=("CM", "RP"), themes=("culture",)),
]


def test_rank_initiatives_leaves_out_the_ineligible_and_keeps_the_scores_of_rank():
    offer = volunteer(id="V1", place=BELFORT, radius_km=20, skills=("community management", "RP"))
    others = [volunteer(id="V0", place=HERICOURT, skills=("graphisme",)), volunteer(id="V2", remote_ok=True)]
    reverse = rank_initiatives(offer, INITIATIVES, today=TODAY, floor=0)
    assert {m.initiative_id for m in reverse.matches} == {"I-belfort", "I-hericourt", "I-montbeliard"}
    assert reverse.eligible_count == 3
    assert all(m.candidate_id == "V1" and m.kind == "volunteer_offer" for m in reverse.matches)
    scores = [m.score for m in reverse.matches]
    assert scores == sorted(scores, reverse=True)
    # the initiatives that need the offer's skills come before the one that does not
    assert reverse.matches[-1].initiative_id == "I-hericourt"
    pool = build_pool("volunteer_offer", [*others, offer])
    for match in reverse.matches:
        ini = next(i for i in INITIATIVES if i.id == match.initiative_id)
        forward = next(m for m in rank(ini, pool, today=TODAY, floor=0).matches if m.candidate_id == "V1")
        assert match.score == forward.score
        assert match.components == forward.components
        assert match.reasons == forward.reasons
    assert reverse.semantic is False
    assert reverse.note == NO_MODEL_NOTE


def test_rank_initiatives_for_a_provider_and_a_takeover():
    scheme = provider(id="S90", area=Area(departments=("90",)))
    found = rank_initiatives(scheme, INITIATIVES, today=TODAY, floor=0).matches
    assert [m.initiative_id for m in found] == ["I-belfort"]
    shop = takeover(id="T1", place=BELFORT, radius_km=12, min_maturity="launch")
    ranking = rank_initiatives(shop, INITIATIVES, today=TODAY, floor=0)
    assert {m.initiative_id for m in ranking.matches} == {"I-belfort", "I-hericourt"}
    assert rank_initiatives(shop, [initiative(id="I-idea", maturity="idea")], today=TODAY, floor=0).matches == []


def test_rank_initiatives_limit_and_ties_in_given_order():
    offer = volunteer(id="V1", remote_ok=True, skills=("comptabilité",))
    same = [initiative(id=f"I{i}") for i in range(4)]
    ranking = rank_initiatives(offer, same, today=TODAY, limit=2, floor=0)
    assert [m.initiative_id for m in ranking.matches] == ["I0", "I1"]
    assert ranking.eligible_count == 4


def test_rank_initiatives_same_score_for_a_candidate_without_vector_among_others():
    ini = initiative(vector=[1.0, 0.0, 0.0])
    bare = provider(id="bare")
    pool = build_pool("support_provider", [provider(id="embedded", vector=_unit(1.0)), bare])
    forward = next(m for m in rank(ini, pool, today=TODAY, floor=0).matches if m.candidate_id == "bare")
    (reverse,) = rank_initiatives(bare, [ini], today=TODAY, floor=0).matches
    assert reverse.score == forward.score


# --- the relevance floor --------------------------------------------------------------------

def test_the_default_floor_leaves_out_weak_matches_and_says_so():
    ini = initiative(needs=("funding",), themes=("energy",))
    strong = provider(id="specialist", offers=("funding",), themes=("energy",))
    weak = provider(id="generic", offers=("networking",), themes=("culture",))
    everything = rank(ini, build_pool("support_provider", [weak, strong]), today=TODAY, floor=0)
    scores = {m.candidate_id: m.score for m in everything.matches}
    assert scores["generic"] < DEFAULT_FLOOR <= scores["specialist"]
    shown = rank(ini, build_pool("support_provider", [weak, strong]), today=TODAY)
    assert [m.candidate_id for m in shown.matches] == ["specialist"]
    assert shown.eligible_count == 2  # the floor hides, it does not make ineligible
    assert shown.floor == DEFAULT_FLOOR and shown.floor_note is None
    nothing = rank(ini, build_pool("support_provider", [weak]), today=TODAY)
    assert nothing.matches == [] and nothing.eligible_count == 1
    assert nothing.floor_note == NOTHING_NOTE and "pas encore de bonne piste" in NOTHING_NOTE
    assert rank(ini, build_pool("support_provider", [weak]), today=TODAY, floor=0).floor_note is None


def test_the_floor_applies_to_reverse_browsing():
    ini = initiative(needs=("funding",), themes=("energy",))
    weak = provider(id="generic", offers=("networking",), themes=("culture",))
    reverse = rank_initiatives(weak, [ini], today=TODAY)
    assert reverse.matches == [] and reverse.eligible_count == 1 and reverse.floor_note == NOTHING_NOTE
    assert len(rank_initiatives(weak, [ini], today=TODAY, floor=0).matches) == 1
