"""What a takeover opportunity offers, and the reasons and scores that follow from it."""

from __future__ import annotations

from matching.engine import explain
from matching.opportunity import answers, takeover_offers
from matching.reasons import describe
from matching.scoring import DEFAULT_FLOOR
from tests.unit.profiles import TODAY, initiative, takeover

HOSTING = ("Notre centre social héberge juridiquement des collectifs d'habitants le temps de leur "
           "structuration : convention de portage, compte bancaire et assurance, salle de réunion.")
GARDEN = initiative(title="Les Jardins de la Savoureuse, maraîchage d'insertion",
                    description="Chantier d'insertion en maraîchage bio : huit salariés en parcours d'insertion.",
                    themes=("food", "employment"), needs=("premises", "funding"), org_form="association")


def test_a_handover_brings_an_activity_and_the_place_it_hands_over():
    assert takeover_offers(takeover()) == ("takeover", "premises")


def test_a_handover_without_a_place_brings_no_premises():
    taxi = takeover(title="Entreprise de taxi à céder",
                    description="Je vends mon autorisation de stationnement, mon véhicule et la clientèle.")
    trade = takeover(title="Entreprise de chauffage à transmettre",
                     description="Reprise par les salariés ou par une entreprise de l'ESS du bâtiment.")
    assert takeover_offers(taxi) == ("takeover",)
    assert takeover_offers(trade) == ("takeover",)


def test_a_carrier_brings_a_legal_host_and_the_room_it_lends():
    carrier = takeover(direction="carrier", title="Portage de collectifs", description=HOSTING)
    assert set(takeover_offers(carrier)) == {"takeover", "legal_structuring", "premises"}
    local = takeover(direction="carrier", title="Intégrer un projet d'habitants",
                     description="Mise à disposition d'un local en pied d'immeuble et gestion administrative.")
    assert set(takeover_offers(local)) == {"takeover", "premises"}
    # "comité local" names no place
    scic = takeover(direction="carrier", title="Porter votre projet dans notre SCIC",
                    description="Nous apportons le statut et l'assurance ; le collectif garde un comité local.")
    assert "premises" not in takeover_offers(scic)


def test_a_carrier_that_hosts_a_collective_answers_its_legal_need_not_no_need():
    collective = initiative(org_form="informal_collective", maturity="idea",
                            needs=("legal_structuring", "networking"))
    carrier = takeover(direction="carrier", title="Portage de collectifs", description=HOSTING)
    reasons, missing = describe(collective, carrier, {})
    assert "répond au besoin « Structuration juridique »" in reasons
    assert not any("aucun besoin" in m for m in missing)
    assert explain(collective, carrier, today=TODAY).components["needs"] == 1.0


def test_a_legal_host_does_not_structure_an_organisation_that_has_its_own_status():
    association = initiative(org_form="association", needs=("legal_structuring",))
    carrier = takeover(direction="carrier", title="Portage de collectifs", description=HOSTING)
    assert "legal_structuring" not in answers(carrier, association)
    _, missing = describe(association, carrier, {})
    assert missing == ["ne répond à aucun besoin déclaré (elle apporte : le portage de l'activité, des locaux)"]


def test_a_shared_theme_alone_does_not_make_a_takeover_worth_showing():
    # "Accueillir votre activité vélo" shares the employment theme with an insertion market
    # garden, and answers none of its needs
    bikes = takeover(direction="carrier", title="Accueillir votre activité vélo",
                     description="Notre atelier vélo d'insertion accueille des activités de réparation de cycles.",
                     themes=("employment", "mobility"))
    shop = takeover(title="Local de 120 m² à reprendre", themes=("culture",),
                    description="Boutique en rez-de-chaussée avec réserve, bail cédé, loyer modéré.")
    near_theme = explain(GARDEN, bikes, today=TODAY)
    premises = explain(GARDEN, shop, today=TODAY)
    assert near_theme.score < DEFAULT_FLOOR
    assert premises.score > near_theme.score
    assert "répond au besoin « Locaux, terrain, lieu »" in premises.reasons
