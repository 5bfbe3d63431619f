"""French full-text search: accents, case, plurals and stems, ranked by relevance, on both databases."""

from __future__ import annotations

from litestar.testing import TestClient

from tests.factories import initiative, takeover, volunteer_offer


def titles(client: TestClient, resource: str, q: str) -> list[str]:
    response = client.get(f"/api/{resource}", params={"q": q})
    assert response.status_code == 200, response.text
    return [item.get("title") or item.get("name") for item in response.json()["items"]]


def seed(client: TestClient) -> None:
    client.post("/api/initiatives", json=initiative(title="Épicerie solidaire du Vieux Belfort"))
    client.post("/api/initiatives", json=initiative(
        title="Atelier vélo participatif", themes=["mobility"],
        description="Un atelier où les habitants réparent eux-mêmes leur vélo avec des bénévoles."))
    client.post("/api/initiatives", json=initiative(
        title="Ressourcerie de la vallée", themes=["circular_economy"],
        description="Collecte, tri et réemploi d'objets ; une boutique solidaire vend les objets remis en état."))


def test_plural_finds_singular_and_accents_are_ignored(client: TestClient) -> None:
    seed(client)
    for q in ("épiceries", "EPICERIE", "epiceries solidaires"):
        assert titles(client, "initiatives", q) == ["Épicerie solidaire du Vieux Belfort"], q
    assert titles(client, "initiatives", "vélos") == ["Atelier vélo participatif"]
    assert titles(client, "initiatives", "reemploi") == ["Ressourcerie de la vallée"]


def test_all_words_must_match(client: TestClient) -> None:
    seed(client)
    assert titles(client, "initiatives", "ressourcerie vélo") == []
    assert sorted(titles(client, "initiatives", "le la")) == [  # only stop words: no text filter
        "Atelier vélo participatif", "Ressourcerie de la vallée", "Épicerie solidaire du Vieux Belfort"]


def test_ranked_by_relevance(client: TestClient) -> None:
    client.post("/api/initiatives", json=initiative(
        title="Jardin partagé", description="Un jardin où l'on cultive des légumes, près d'une épicerie."))
    client.post("/api/initiatives", json=initiative(title="Épicerie solidaire Épicerie vrac"))
    assert titles(client, "initiatives", "épicerie")[0] == "Épicerie solidaire Épicerie vrac"


def test_search_reaches_every_kind_and_follows_updates(client: TestClient) -> None:
    offer = client.post("/api/volunteer-offers", json=volunteer_offer(skills=["photovoltaïque"])).json()
    client.post("/api/takeover-opportunities", json=takeover())
    assert titles(client, "volunteer-offers", "photovoltaique") == ["Tenue de comptabilité pour associations"]
    assert titles(client, "takeover-opportunities", "chambres froides") == [
        "Épicerie de quartier à reprendre avec chambre froide"]
    client.patch(f"/api/volunteer-offers/{offer['id']}", json={"skills": ["graphisme"]})
    assert titles(client, "volunteer-offers", "photovoltaique") == []
    assert titles(client, "volunteer-offers", "graphisme") == ["Tenue de comptabilité pour associations"]


def test_a_short_stem_is_matched_on_the_word_itself(client: TestClient) -> None:
    """"aide" and "aidants" share the Snowball stem « aid », "café" and "cafard" « caf »: a stem that
    short joins unrelated words, so the word is matched on its own letters."""
    client.post("/api/initiatives", json=initiative(
        title="Répit pour les aidants", description="Un relais pour les aidants familiaux."))
    client.post("/api/initiatives", json=initiative(
        title="Aide aux devoirs", description="Des bénévoles aident les enfants du quartier."))
    client.post("/api/initiatives", json=initiative(
        title="Café associatif", description="Un lieu convivial contre le cafard de l'hiver."))
    assert titles(client, "initiatives", "aide") == ["Aide aux devoirs"]
    assert titles(client, "initiatives", "aides") == ["Aide aux devoirs"]
    assert titles(client, "initiatives", "aidants") == ["Répit pour les aidants"]
    assert titles(client, "initiatives", "cafés") == ["Café associatif"]
    assert titles(client, "initiatives", "associatif café") == ["Café associatif"]  # a stem and a word at once
    assert titles(client, "initiatives", "aide devoir") == ["Aide aux devoirs"]
