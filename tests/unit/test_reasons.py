"""French reasons and gaps: what a person reads next to each match."""

from __future__ import annotations

import re
from datetime import date

import pytest

from matching.engine import explain, rank
from matching.pool import build_pool
from matching.reasons import area_reason, describe
from matching.scoring import COMPONENTS
from matching.types import Area, Place
from tests.unit.profiles import (
    BELFORT,
    CRETEIL,
    HERICOURT,
    MONTBELIARD,
    PARIS_18,
    TODAY,
    initiative,
    provider,
    takeover,
    volunteer,
)

BELFORT_BARE = Place(code="90010", name="Belfort", department="90", region="27", lat=47.638, lon=6.8628,
                     epci="200069052")


# --- area -------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("place", "area", "reason"),
    [
        (BELFORT, Area(departments=("90",)), "couvre le Territoire de Belfort"),
        (BELFORT_BARE, Area(departments=("90",), names={"90": "le Territoire de Belfort"}),
         "couvre le Territoire de Belfort"),
        (BELFORT, Area(departments=("90",), names={"90": "le Territoire-de-Belfort (90)"}),
         "couvre le Territoire-de-Belfort (90)"),
        (BELFORT_BARE, Area(departments=("90",)), "couvre le département 90"),
        (HERICOURT, Area(departments=("90", "70")), "couvre la Haute-Saône"),
        (BELFORT, Area(regions=("27",)), "couvre la région Bourgogne-Franche-Comté"),
        (BELFORT_BARE, Area(regions=("27",), names={"27": "Bourgogne-Franche-Comté"}),
         "couvre la région Bourgogne-Franche-Comté"),
        (BELFORT_BARE, Area(regions=("27",)), "couvre la région 27"),
        (BELFORT, Area(epcis=("200069052",)), "couvre CA Grand Belfort"),
        (BELFORT_BARE, Area(epcis=("200069052",), names={"200069052": "le Grand Belfort"}),
         "couvre le Grand Belfort"),
        (BELFORT_BARE, Area(epcis=("200069052",)), "couvre l’intercommunalité 200069052"),
        (BELFORT, Area(communes=(BELFORT,)), "intervient à Belfort"),
        (HERICOURT, Area(communes=(PARIS_18, BELFORT), radius_km=12), "intervient à 10 km de Belfort (rayon 12 km)"),
        (HERICOURT, Area(communes=(MONTBELIARD,), radius_km=9), "intervient à 8,0 km de Montbéliard (rayon 9 km)"),
        (PARIS_18, Area(national=True), "intervient partout en France"),
        # the most local coverage is named first
        (BELFORT, Area(national=True, regions=("27",), departments=("90",)), "couvre le Territoire de Belfort"),
        (MONTBELIARD, Area(national=True, communes=(BELFORT,), radius_km=12), "intervient partout en France"),
    ],
)
def test_area_reason(place, area, reason):
    assert area_reason(initiative(place=place), provider(area=area)) == reason


@pytest.mark.parametrize(
    ("place", "area"),
    [
        (HERICOURT, Area(departments=("90",))),  # across the department line
        (PARIS_18, Area(departments=("94",))),
        (PARIS_18, Area(communes=(CRETEIL,), radius_km=14)),  # 14.5 km
        (HERICOURT, Area(regions=("11",))),
    ],
)
def test_no_area_reason_outside_the_area(place, area):
    assert area_reason(initiative(place=place), provider(area=area)) is None


def test_explain_names_the_department_the_provider_covers():
    explanation = explain(initiative(), provider(area=Area(departments=("90",))), today=TODAY)
    assert explanation.eligible
    assert explanation.rules[0].name == "area"
    assert explanation.rules[0].detail == "couvre le Territoire de Belfort"
    assert explanation.reasons[0] == "couvre le Territoire de Belfort"


# --- support provider -------------------------------------------------------------------------

def test_support_reasons_and_missing_needs():
    ini = initiative(needs=("premises", "funding", "skills"), themes=("food", "solidarity"), maturity="launch")
    candidate = provider(area=Area(departments=("90",)), offers=("funding", "networking"), themes=("food",),
                         maturities=("emergence", "launch"), org_forms=("association",), capacity=1,
                         free_of_charge=False)
    reasons, missing = describe(ini, candidate, {"semantic": 0.0})
    assert reasons == [
        "couvre le Territoire de Belfort",
        "répond au besoin « Financement »",
        "thématique commune : Alimentation et agriculture de demain",
        "accompagne les projets au stade « Lancement / expérimentation »",
        "accompagne la forme « Association loi 1901 »",
        "1 place disponible",
    ]
    assert missing == [
        "ne couvre pas le besoin « Locaux, terrain, lieu »",
        "ne couvre pas le besoin « Compétences bénévoles »",
        "accompagnement payant",
    ]


def test_support_open_to_every_theme_and_several_places():
    reasons, missing = describe(initiative(needs=("funding",)), provider(themes=(), capacity=4), {})
    # being open to every theme is not a reason about the pair
    assert reasons == ["intervient partout en France", "répond au besoin « Financement »", "4 places disponibles"]
    assert missing == []


def test_no_semantic_percentage_reason_whatever_the_cosine():
    # an English-only model gives about half to any French pair: the cosine is no checkable fact
    for value in (1.0, 0.734, 0.58, 0.49):
        reasons, _ = describe(initiative(), provider(), {"semantic": value})
        assert not any("description" in r or "%" in r for r in reasons)


def test_an_ineligible_provider_without_places_lists_it_as_missing_not_as_a_reason():
    reasons, missing = describe(initiative(needs=("funding",)), provider(capacity=0), {})
    assert not any("place" in r for r in reasons)
    assert "aucune place disponible" in missing


# --- takeover ---------------------------------------------------------------------------------

def test_takeover_reasons():
    ini = initiative(place=HERICOURT, needs=("premises", "funding"), themes=("food",))
    candidate = takeover(place=BELFORT, radius_km=12, themes=("food", "solidarity"), deadline=date(2027, 3, 31))
    reasons, missing = describe(ini, candidate, {})
    assert reasons == [
        "à 10 km (Belfort, rayon 12 km)",
        "répond au besoin « Locaux, terrain, lieu »",
        "thématique commune : Alimentation et agriculture de demain",
        "ouvert jusqu'au 31/03/2027",
    ]
    assert missing == []


def test_takeover_same_commune_and_no_need_answered():
    ini = initiative(needs=("premises", "funding"))
    carrier = takeover(direction="carrier", place=BELFORT, deadline=None)
    reasons, missing = describe(ini, carrier, {})
    assert reasons[0] == "dans la même commune (Belfort)"
    assert not any(r.startswith("répond au besoin") for r in reasons)
    assert missing == ["ne répond à aucun besoin déclaré (elle apporte : le portage de l'activité)"]
    handover = takeover(direction="handover")
    _, missing = describe(initiative(needs=("takeover",)), handover, {})
    assert missing == []


# --- volunteer offer --------------------------------------------------------------------------

PERCENT = re.compile(r"\(\d{1,3} %\)")


def test_volunteer_reason_names_the_skill_the_taxonomy_label_and_a_percentage():
    ini = initiative(place=HERICOURT, skills_needed=("compta", "CM"))
    offer = volunteer(place=BELFORT, radius_km=20, skills=("comptable", "budget prévisionnel"), hours=15,
                      remote_ok=True)
    reasons, missing = describe(ini, offer, {})
    skill_reason = reasons[0]
    assert "« compta »" in skill_reason
    assert "≈ comptabilité" in skill_reason
    assert not PERCENT.search(skill_reason)  # a constant confidence is no percentage
    assert skill_reason == "compétence « compta » ≈ comptabilité : « comptable »"
    assert reasons[1:] == ["à 10 km (Belfort, rayon 20 km)", "possible à distance", "15 h proposées"]
    assert missing == ["compétence non couverte : « CM »"]


def test_words_in_common_are_no_skill_reason():
    # "moniteur vélo-école" teaches riding, it is not bicycle mechanics; compost is not agronomy
    for needed, offered in (("mécanique vélo", "moniteur vélo-école"), ("agronomie", "compostage"),
                            ("gestion des stocks", "gestion de la paie")):
        reasons, missing = describe(initiative(skills_needed=(needed,)), volunteer(skills=(offered,)), {})
        assert not any(r.startswith("compétence") for r in reasons), (needed, offered)
        assert missing == [f"compétence non couverte : « {needed} »"]


def test_a_trade_phrase_written_in_the_offer_is_a_checkable_reason_without_a_label():
    # two words in a row of the needed skill, in the offer's text: the taxonomy has no
    # label for either, the reason quotes the phrase and claims no taxonomy skill
    for needed, description, skills, phrase in (
            ("droit des écoles hors contrat", "Le cabinet a déjà accompagné des écoles associatives hors contrat.",
             ("statuts",), "hors contrat"),
            ("tournage de bols en bois", "Atelier de bois.", ("tournage de bols",), "tournage de bols")):
        ini = initiative(skills_needed=(needed,))
        offer = volunteer(description=description, skills=skills)
        reasons, missing = describe(ini, offer, {})
        assert reasons[0] == f"compétence « {needed} » : l'offre mentionne « {phrase} »"
        assert missing == []
        assert explain(ini, offer, today=TODAY).components["skills"] == 0.8


def test_a_skill_of_the_same_family_is_said_close_not_equal():
    ini = initiative(skills_needed=("tenue de la comptabilité",))
    reasons, _ = describe(ini, volunteer(skills=("plans de trésorerie",)), {})
    assert reasons[0] == ("compétence « tenue de la comptabilité » proche de « plans de trésorerie » "
                          "(comptabilité / gestion financière)")


def test_remote_volunteer_far_away_says_so_without_a_distance():
    ini = initiative(place=BELFORT, skills_needed=("RP",), themes=("food",))
    offer = volunteer(place=PARIS_18, radius_km=10, remote_ok=True, skills=("relations presse",),
                      themes=("food", "culture"))
    reasons, missing = describe(ini, offer, {})
    assert reasons == [
        "compétence « RP » ≈ relations presse : « relations presse »",
        "possible à distance",
        "40 h proposées",
        "thématique commune : Alimentation et agriculture de demain",
    ]
    assert missing == []


def test_volunteer_missing_lists_every_uncovered_skill_in_order():
    ini = initiative(skills_needed=("CM", "tenue de la compta", "photovoltaique", "RP"))
    _, missing = describe(ini, volunteer(skills=("comptabilité",)), {})
    assert missing == ["compétence non couverte : « CM »", "compétence non couverte : « photovoltaique »",
                       "compétence non couverte : « RP »"]


# --- through the engine -----------------------------------------------------------------------

def _pools():
    return {
        "support_provider": build_pool("support_provider", [
            provider(id="S1", area=Area(departments=("90",)), offers=("funding", "premises")),
            provider(id="S2", area=Area(national=True), offers=("networking",), themes=("energy",)),
            provider(id="S3", area=Area(communes=(BELFORT,), radius_km=5), offers=("skills",),
                     maturities=("launch",), org_forms=("association",), themes=("food", "solidarity")),
        ]),
        "takeover": build_pool("takeover", [
            takeover(id="T1", place=BELFORT, radius_km=12),
            takeover(id="T2", place=HERICOURT, radius_km=15, direction="carrier", themes=("food",)),
        ]),
        "volunteer_offer": build_pool("volunteer_offer", [
            volunteer(id="V1", skills=("tenue de la compta",)),
            volunteer(id="V2", place=PARIS_18, remote_ok=True, skills=("CM", "RP"), themes=("solidarity",)),
            volunteer(id="V3", place=HERICOURT, radius_km=15, skills=("mécanique vélo",)),
        ]),
    }


def test_scores_are_ints_0_100_and_components_floats_0_1():
    ini = initiative(skills_needed=("compta asso", "CM"))
    for kind, pool in _pools().items():
        ranking = rank(ini, pool, today=TODAY, floor=0)
        assert len(ranking.matches) == len(pool)
        for match in ranking.matches:
            assert type(match.score) is int
            assert 0 <= match.score <= 100
            assert set(match.components) == set(COMPONENTS[kind]) - {"semantic"}
            for value in match.components.values():
                assert isinstance(value, float)
                assert 0.0 <= value <= 1.0
            assert match.reasons
            assert all(isinstance(r, str) and r for r in match.reasons)
        scores = [m.score for m in ranking.matches]
        assert scores == sorted(scores, reverse=True)


def test_match_reasons_and_missing_come_from_describe():
    ini = initiative(needs=("premises", "funding", "skills"))
    ranking = rank(ini, _pools()["support_provider"], today=TODAY, floor=0)
    s1 = next(m for m in ranking.matches if m.candidate_id == "S1")
    assert s1.reasons[:3] == ["couvre le Territoire de Belfort", "répond au besoin « Locaux, terrain, lieu »",
                              "répond au besoin « Financement »"]
    assert s1.missing == ["ne couvre pas le besoin « Compétences bénévoles »"]


def test_a_provider_that_offers_everything_misses_nothing():
    ini = initiative(needs=("premises", "funding"))
    reasons, missing = describe(ini, provider(offers=("funding", "premises", "training")), {})
    assert missing == []
    assert "répond au besoin « Locaux, terrain, lieu »" in reasons


def test_explain_reasons_do_not_claim_a_form_or_stage_the_provider_refuses():
    ini = initiative(org_form="informal_collective", maturity="idea")
    candidate = provider(org_forms=("association",), maturities=("launch",))
    explanation = explain(ini, candidate, today=TODAY)
    assert not explanation.eligible
    assert "accompagne la forme « Collectif informel / groupe d'habitants »" not in explanation.reasons
    assert "accompagne les projets au stade « Idée / rêve »" not in explanation.reasons
