"""Every hard eligibility rule of ../shared/eval/JUDGING.md, passing and failing, one pair at a
time and then a whole pool at once (the vectorised path of matching.eligibility)."""

from __future__ import annotations

from datetime import timedelta

import msgspec
import numpy as np
import pytest

from matching.eligibility import RULES, check
from matching.geo import distance_km
from matching.pool import build_pool
from matching.reasons import describe
from matching.types import Area, Place
from tests.unit.profiles import (
    BELFORT,
    CRETEIL,
    HERICOURT,
    MONTBELIARD,
    PARIS_18,
    TODAY,
    failing,
    initiative,
    is_eligible,
    provider,
    takeover,
    verdicts,
    volunteer,
)


def test_the_distances_the_radius_tests_rely_on():
    assert distance_km(BELFORT.lat, BELFORT.lon, HERICOURT.lat, HERICOURT.lon) == pytest.approx(10.134, abs=0.001)
    assert distance_km(BELFORT.lat, BELFORT.lon, MONTBELIARD.lat, MONTBELIARD.lon) == pytest.approx(15.057, abs=0.001)
    assert distance_km(PARIS_18.lat, PARIS_18.lon, CRETEIL.lat, CRETEIL.lon) == pytest.approx(14.536, abs=0.001)
    assert distance_km(BELFORT.lat, BELFORT.lon, BELFORT.lat, BELFORT.lon) == 0.0


def test_rules_list_every_rule_of_each_kind():
    assert RULES == {
        "support_provider": ("area", "maturity", "economic_purpose", "org_form", "stance", "capacity"),
        "takeover": ("distance", "min_maturity", "economic_purpose", "deadline"),
        "volunteer_offer": ("distance", "hours"),
    }
    ini = initiative()
    for candidate in (provider(), takeover(), volunteer()):
        assert tuple(verdicts(ini, candidate)) == RULES[candidate.kind]
        assert is_eligible(ini, candidate)


# --- support provider: area ------------------------------------------------------------------

@pytest.mark.parametrize(
    ("area", "place", "covered"),
    [
        (Area(national=True), PARIS_18, True),
        (Area(national=True), HERICOURT, True),
        (Area(regions=("27",)), HERICOURT, True),
        (Area(regions=("27",)), PARIS_18, False),
        (Area(regions=("11",)), CRETEIL, True),
        (Area(departments=("90",)), BELFORT, True),
        # the Héricourt trap: a Territoire de Belfort scheme does not cover Héricourt (Haute-Saône)
        (Area(departments=("90",)), HERICOURT, False),
        (Area(departments=("70",)), HERICOURT, True),
        # and Paris 18e is in 75, not in Val-de-Marne
        (Area(departments=("94",)), PARIS_18, False),
        (Area(departments=("94",)), CRETEIL, True),
        (Area(departments=("25", "70")), HERICOURT, True),
        (Area(epcis=("200069052",)), BELFORT, True),
        (Area(epcis=("200069052",)), HERICOURT, False),
        (Area(epcis=("247000714",)), HERICOURT, True),
        # Montbéliard has no EPCI in these profiles: an EPCI list never covers it
        (Area(epcis=("200069052", "247000714")), MONTBELIARD, False),
        (Area(communes=(BELFORT,)), BELFORT, True),
        (Area(communes=(BELFORT,), radius_km=0), HERICOURT, False),
        # within the radius of a listed commune: Belfort -> Héricourt is 10.1 km
        (Area(communes=(BELFORT,), radius_km=12), HERICOURT, True),
        (Area(communes=(BELFORT,), radius_km=10.2), HERICOURT, True),
        # just outside: 10.13 km for 10 km, 15.06 km for 15 km, 14.54 km for 14 km
        (Area(communes=(BELFORT,), radius_km=10), HERICOURT, False),
        (Area(communes=(BELFORT,), radius_km=15), MONTBELIARD, False),
        (Area(communes=(BELFORT,), radius_km=16), MONTBELIARD, True),
        (Area(communes=(CRETEIL,), radius_km=14), PARIS_18, False),
        (Area(communes=(CRETEIL,), radius_km=15), PARIS_18, True),
        # the radius applies around every listed commune
        (Area(communes=(PARIS_18, BELFORT), radius_km=12), HERICOURT, True),
        (Area(communes=(PARIS_18, MONTBELIARD), radius_km=12), HERICOURT, True),
        (Area(communes=(PARIS_18, CRETEIL), radius_km=12), HERICOURT, False),
        # a union of several kinds of area: any one of them is enough
        (Area(departments=("25",), epcis=("200069052",)), BELFORT, True),
        (Area(departments=("25",), epcis=("200069052",)), MONTBELIARD, True),
        (Area(departments=("25",), epcis=("200069052",)), HERICOURT, False),
        (Area(regions=("11",), communes=(BELFORT,), radius_km=12), HERICOURT, True),
        (Area(regions=("11",), communes=(BELFORT,), radius_km=12), CRETEIL, True),
        (Area(regions=("11",), communes=(BELFORT,), radius_km=12), MONTBELIARD, False),
        (Area(departments=("94",), communes=(MONTBELIARD,), radius_km=5), PARIS_18, False),
        # an area listing nothing covers nothing
        (Area(), BELFORT, False),
    ],
)
def test_area(area, place, covered):
    ini = initiative(place=place)
    assert verdicts(ini, provider(area=area))["area"] is covered
    assert is_eligible(ini, provider(area=area)) is covered
    if not covered:
        assert failing(ini, provider(area=area)) == ["area"]


# --- support provider: accepted lists ----------------------------------------------------------

ACCEPTED_LISTS = [
    # (rule, provider field, initiative field, the initiative's value, a list with it, a list without it)
    ("maturity", "maturities", "maturity", "emergence", ("idea", "emergence"), ("launch", "consolidation")),
    ("economic_purpose", "economic_purposes", "economic_purpose", "for_profit",
     ("limited_profit", "for_profit"), ("non_profit", "limited_profit")),
    ("org_form", "org_forms", "org_form", "informal_collective",
     ("informal_collective", "association"), ("association",)),
    ("stance", "stances", "stance", "advocacy", ("advocacy",), ("co_construction", "alternative")),
]


@pytest.mark.parametrize(("rule", "field", "ini_field", "value", "with_it", "without_it"), ACCEPTED_LISTS)
def test_accepted_list_empty_passes(rule, field, ini_field, value, with_it, without_it):
    ini = initiative(**{ini_field: value})
    assert verdicts(ini, provider(**{field: ()}))[rule] is True
    assert is_eligible(ini, provider(**{field: ()}))


@pytest.mark.parametrize(("rule", "field", "ini_field", "value", "with_it", "without_it"), ACCEPTED_LISTS)
def test_accepted_list_holding_the_value_passes(rule, field, ini_field, value, with_it, without_it):
    ini = initiative(**{ini_field: value})
    assert verdicts(ini, provider(**{field: with_it}))[rule] is True
    assert is_eligible(ini, provider(**{field: with_it}))
    # a one-item list naming exactly the value passes too
    assert verdicts(ini, provider(**{field: (value,)}))[rule] is True


@pytest.mark.parametrize(("rule", "field", "ini_field", "value", "with_it", "without_it"), ACCEPTED_LISTS)
def test_accepted_list_without_the_value_fails(rule, field, ini_field, value, with_it, without_it):
    ini = initiative(**{ini_field: value})
    assert failing(ini, provider(**{field: without_it})) == [rule]
    assert not is_eligible(ini, provider(**{field: without_it}))


@pytest.mark.parametrize(("capacity", "passes"), [(0, False), (1, True), (12, True)])
def test_capacity(capacity, passes):
    ini = initiative()
    assert verdicts(ini, provider(capacity=capacity))["capacity"] is passes
    assert is_eligible(ini, provider(capacity=capacity)) is passes


def test_themes_are_never_a_rule():
    ini = initiative(themes=("energy",))
    assert is_eligible(ini, provider(themes=("food",)))
    assert is_eligible(ini, takeover(themes=("mobility",)))
    assert is_eligible(ini, volunteer(themes=("culture",)))


def test_several_failing_rules_are_all_reported():
    ini = initiative(place=HERICOURT, maturity="idea", org_form="informal_collective")
    candidate = provider(area=Area(departments=("90",)), maturities=("launch",), org_forms=("association",),
                         capacity=0)
    assert failing(ini, candidate) == ["area", "maturity", "org_form", "capacity"]


# --- takeover ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("place", "radius", "passes"),
    [
        (BELFORT, 0, True),  # same commune, distance 0 <= 0
        (HERICOURT, 12, True),  # 10.1 km
        (HERICOURT, 10.2, True),
        (HERICOURT, 10, False),  # 10.13 km > 10
        (MONTBELIARD, 15, False),  # 15.06 km > 15
        (MONTBELIARD, 16, True),
        (PARIS_18, 300, False),
    ],
)
def test_takeover_distance(place, radius, passes):
    ini = initiative(place=place)
    candidate = takeover(place=BELFORT, radius_km=radius)
    assert verdicts(ini, candidate)["distance"] is passes
    assert failing(ini, candidate) == ([] if passes else ["distance"])


@pytest.mark.parametrize(
    ("maturity", "minimum", "passes"),
    [
        ("idea", "emergence", False),
        ("emergence", "launch", False),
        ("launch", "consolidation", False),
        ("idea", "scaling", False),
        ("idea", "idea", True),
        ("launch", "launch", True),
        ("scaling", "scaling", True),
        ("consolidation", "launch", True),
        ("scaling", "emergence", True),
    ],
)
def test_takeover_min_maturity(maturity, minimum, passes):
    ini = initiative(maturity=maturity)
    candidate = takeover(min_maturity=minimum)
    assert verdicts(ini, candidate)["min_maturity"] is passes
    assert failing(ini, candidate) == ([] if passes else ["min_maturity"])


@pytest.mark.parametrize(
    ("purposes", "passes"),
    [((), True), (("non_profit",), True), (("non_profit", "limited_profit"), True),
     (("for_profit",), False), (("limited_profit", "for_profit"), False)],
)
def test_takeover_purposes(purposes, passes):
    ini = initiative(economic_purpose="non_profit")
    candidate = takeover(economic_purposes=purposes)
    assert verdicts(ini, candidate)["economic_purpose"] is passes
    assert failing(ini, candidate) == ([] if passes else ["economic_purpose"])


@pytest.mark.parametrize(
    ("deadline", "passes"),
    [(TODAY - timedelta(days=1), False), (TODAY - timedelta(days=400), False), (TODAY, True),
     (TODAY + timedelta(days=1), True), (None, True)],
)
def test_takeover_deadline(deadline, passes):
    candidate = takeover(deadline=deadline)
    assert verdicts(initiative(), candidate, TODAY)["deadline"] is passes
    assert failing(initiative(), candidate, TODAY) == ([] if passes else ["deadline"])


# --- volunteer offer --------------------------------------------------------------------------

@pytest.mark.parametrize("place", [BELFORT, HERICOURT, MONTBELIARD, PARIS_18, CRETEIL])
def test_remote_volunteer_passes_at_any_distance(place):
    offer = volunteer(place=BELFORT, radius_km=5, remote_ok=True)
    assert verdicts(initiative(place=place), offer) == {"distance": True, "hours": True}


@pytest.mark.parametrize(
    ("place", "radius", "passes"),
    [(BELFORT, 0, True), (HERICOURT, 12, True), (HERICOURT, 10, False), (MONTBELIARD, 15, False),
     (MONTBELIARD, 16, True), (PARIS_18, 20, False)],
)
def test_volunteer_not_remote_needs_the_radius(place, radius, passes):
    offer = volunteer(place=BELFORT, radius_km=radius, remote_ok=False)
    assert verdicts(initiative(place=place), offer)["distance"] is passes
    assert failing(initiative(place=place), offer) == ([] if passes else ["distance"])


@pytest.mark.parametrize(("hours", "remote", "passes"), [(0, False, False), (0, True, False), (1, False, True),
                                                         (40, True, True)])
def test_volunteer_hours(hours, remote, passes):
    offer = volunteer(hours=hours, remote_ok=remote)
    assert verdicts(initiative(), offer)["hours"] is passes
    assert failing(initiative(), offer) == ([] if passes else ["hours"])


# --- a whole pool at once ---------------------------------------------------------------------

def _eligible_ids(kind, candidates, ini, today=TODAY):
    pool = build_pool(kind, candidates)
    checked = check(pool, ini, today)
    assert checked.eligible.dtype == np.bool_
    assert len(checked.eligible) == len(candidates)
    return [pool.candidates[row].id for row in np.flatnonzero(checked.eligible)]


def test_a_pool_of_providers_is_checked_row_by_row():
    ini = initiative(place=HERICOURT, maturity="emergence", org_form="informal_collective", stance="advocacy")
    providers = [
        provider(id="national", area=Area(national=True)),
        provider(id="dept90", area=Area(departments=("90",))),
        provider(id="dept70", area=Area(departments=("70",))),
        provider(id="region11", area=Area(regions=("11",))),
        provider(id="region27", area=Area(regions=("27",))),
        provider(id="epci-belfort", area=Area(epcis=("200069052",))),
        provider(id="epci-hericourt", area=Area(epcis=("247000714",))),
        provider(id="belfort-12km", area=Area(communes=(BELFORT,), radius_km=12)),
        provider(id="belfort-10km", area=Area(communes=(BELFORT,), radius_km=10)),
        provider(id="paris-or-montbeliard-9km", area=Area(communes=(PARIS_18, MONTBELIARD), radius_km=9)),
        provider(id="full", area=Area(national=True), capacity=0),
        provider(id="associations-only", area=Area(national=True), org_forms=("association",)),
        provider(id="no-advocacy", area=Area(national=True), stances=("alternative", "co_construction")),
        provider(id="later-stages", area=Area(national=True), maturities=("launch", "consolidation")),
        provider(id="for-profit-only", area=Area(national=True), economic_purposes=("for_profit",)),
    ]
    assert _eligible_ids("support_provider", providers, ini) == [
        "national", "dept70", "region27", "epci-hericourt", "belfort-12km", "paris-or-montbeliard-9km",
    ]


def test_a_pool_of_takeovers_is_checked_row_by_row():
    ini = initiative(place=HERICOURT, maturity="launch")
    takeovers = [
        takeover(id="near", place=BELFORT, radius_km=12),
        takeover(id="too-far", place=BELFORT, radius_km=10),
        takeover(id="too-mature", min_maturity="consolidation"),
        takeover(id="same-stage", min_maturity="launch"),
        takeover(id="expired", deadline=TODAY - timedelta(days=1)),
        takeover(id="today", deadline=TODAY),
        takeover(id="for-profit", economic_purposes=("for_profit",)),
    ]
    assert _eligible_ids("takeover", takeovers, ini) == ["near", "same-stage", "today"]


def test_a_pool_of_volunteer_offers_is_checked_row_by_row():
    ini = initiative(place=HERICOURT)
    offers = [
        volunteer(id="near", place=BELFORT, radius_km=12),
        volunteer(id="too-far", place=BELFORT, radius_km=10),
        volunteer(id="remote", place=PARIS_18, radius_km=5, remote_ok=True),
        volunteer(id="no-hours", hours=0),
        volunteer(id="remote-no-hours", place=PARIS_18, remote_ok=True, hours=0),
    ]
    assert _eligible_ids("volunteer_offer", offers, ini) == ["near", "remote"]


def test_a_listed_commune_covers_its_arrondissements():
    paris = Place(code="75056", name="Paris", department="75", region="11", lat=48.8566, lon=2.3522)
    arrondissement = msgspec.structs.replace(PARIS_18, parent="75056")
    listed = provider(area=Area(communes=(paris,), radius_km=0))
    assert is_eligible(initiative(place=arrondissement), listed)
    assert not is_eligible(initiative(place=PARIS_18), listed)  # without its parent it is another commune
    assert "intervient à Paris 18e Arrondissement" in describe(initiative(place=arrondissement), listed, {})[0]
