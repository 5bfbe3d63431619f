"""The matching settings of the back office: who may see and change them, the bounds (refused in
French naming the field, nothing stored), the preview of nDCG@10 on a judged file, a saved change
that changes the ranking, and the history with its reverts."""

from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from api.app import create_app
from market.config import Settings
from matching.engine import WEIGHTS
from matching.evaluate import engine_figures, prepare
from tests.admin_helpers import post_form, signed_in_as
from tests.conftest import _wipe, suite_settings
from tests.factories import initiative, support_provider
from tests.helpers import assert_problem, run, sql
from tests.judged_file import write_judged_file
from tests.people import Person, anonymously, make_person

PAGE = "/admin/reglages-matching"
API = "/api/admin/matching-settings"


def form_of(weights: dict[str, float], floor: int) -> dict[str, str]:
    return {**{f"weights.{n}": str(w) for n, w in weights.items()}, "floor": str(floor)}


def only(signal: str) -> dict[str, float]:
    return {name: 1.0 if name == signal else 0.0 for name in WEIGHTS}


def stored(settings: Settings) -> list[Any]:
    return sql(settings.database_url, "SELECT id, floor, restored_from FROM matching_settings ORDER BY id")


def put(client: TestClient, person: Person, weights: dict[str, Any], floor: Any, based_on: int = 0) -> Any:
    return client.put(API, json={"weights": weights, "floor": floor, "based_on": based_on}, headers=person.headers)


# --- access ---------------------------------------------------------------------------------


def test_who_sees_and_who_changes(client: TestClient, settings: Settings, admin: Person) -> None:
    moderator = make_person(settings, "moderator")
    leader = make_person(settings, "project_leader")
    with anonymously(client):
        assert client.get(PAGE, follow_redirects=False).headers["location"].startswith("/connexion")
        assert_problem(client.get(API), 401, None)
        assert_problem(put(client, Person("anonymous"), dict(WEIGHTS), 46), 401, None)
    with signed_in_as(client, leader) as web:
        assert web.get(PAGE).status_code == 403
    assert client.get(API, headers=leader.headers).status_code == 403
    with signed_in_as(client, moderator) as web:
        page = web.get(PAGE)
        assert page.status_code == 200 and "Seuls les administrateurs changent ces réglages." in page.text
        assert 'name="weights.needs"' not in page.text
        refused = post_form(web, PAGE, action="save", based_on="0", **form_of(dict(WEIGHTS), 40))
        assert refused.status_code == 403 and "réservé aux administrateurs" in refused.text
        assert post_form(web, PAGE, action="preview", **form_of(dict(WEIGHTS), 40)).status_code == 403
    assert client.get(API, headers=moderator.headers).json()["weights"] == WEIGHTS
    assert_problem(put(client, moderator, dict(WEIGHTS), 40), 403, None)
    assert stored(settings) == []
    with signed_in_as(client, admin) as web:
        page = web.get(PAGE).text
        assert 'name="weights.needs"' in page and "chaque poids de 0 à 3" in page and "le seuil de 0 à 100" in page
        assert "valeurs par défaut du code" in page


# --- bounds ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"needs": 3.5}, "weights.needs", "hors des bornes (0 à 3)"),
    ({"themes": -0.1}, "weights.themes", "hors des bornes"),
    ({"floor": 101}, "floor", "entier de 0 à 100"),
    ({"floor": -1}, "floor", "entier de 0 à 100"),
    ({"colour": 1.0}, "weights.colour", "signal inconnu"),
    ({"zero": True}, "weights", "au moins un poids"),
])
def test_out_of_bounds_is_refused_in_french_naming_the_field(client: TestClient, settings: Settings,
                                                             admin: Person, change: dict[str, Any], field: str,
                                                             words: str) -> None:
    weights: dict[str, Any] = dict(WEIGHTS)
    floor: Any = 46
    if "floor" in change:
        floor = change["floor"]
    elif "zero" in change:
        weights = dict.fromkeys(WEIGHTS, 0.0)
    else:
        weights.update(change)
    body = assert_problem(put(client, admin, weights, floor), 400, field)
    assert words in body["detail"]
    with signed_in_as(client, admin) as web:
        values = form_of(weights, floor)
        for action in ("preview", "save") if field != "weights.colour" else ():  # a form has only known fields
            page = post_form(web, PAGE, action=action, based_on="0", **values)
            assert page.status_code == 400 and words in page.text
    assert stored(settings) == []


def test_missing_or_unreadable_values_are_refused(client: TestClient, settings: Settings, admin: Person) -> None:
    with signed_in_as(client, admin) as web:
        values = form_of(dict(WEIGHTS), 46) | {"weights.words": "beaucoup"}
        page = post_form(web, PAGE, action="save", based_on="0", **values)
        assert page.status_code == 400 and "« beaucoup » n'est pas un nombre" in html.unescape(page.text)
        values.pop("weights.words")
        assert "manquant" in post_form(web, PAGE, action="save", based_on="0", **values).text
    assert_problem(put(client, admin, dict(WEIGHTS), 12.5), 400, "floor")
    assert stored(settings) == []


# --- preview --------------------------------------------------------------------------------


@pytest.fixture()
def judged_client(database_url: str, tmp_path: Path, admin: Person) -> Iterator[tuple[TestClient, Path]]:
    """The app with a judged file configured (and no language model: quick and deterministic)."""
    path = write_judged_file(tmp_path)
    settings = suite_settings(database_url, auto_publish=True, embedding_model="", matching_eval_file=str(path))
    with TestClient(create_app(settings)) as test_client:
        test_client.headers.update(admin.headers)
        yield test_client, path
    run(_wipe(database_url))


def test_the_preview_shows_ndcg_of_the_proposed_settings(judged_client: tuple[TestClient, Path],
                                                         admin: Person, database_url: str) -> None:
    client, path = judged_client
    prep = prepare(path, path.with_name("territories.json"), None, progress=False)
    now = engine_figures(prep, progress=False)
    then = engine_figures(prep, weights=only("proximity"), floor=30, progress=False)
    assert now["ndcg10"] != then["ndcg10"]  # the file tells these settings apart
    with signed_in_as(client, admin) as web:
        page = post_form(web, PAGE, action="preview", based_on="0", **form_of(only("proximity"), 30))
        assert page.status_code == 200, page.text
        text = page.text
        assert "Aperçu sur les données d'évaluation" in text and str(path) in text
        for figures in (now, then):
            row = "".join(f"<td>{figures['ndcg10'][k]:.3f}</td>" for k in
                          ("support_provider", "takeover", "volunteer_offer", "overall"))
            assert row in text
        assert f"<td>{100 * then['calibration']['floor']['recall_2']:.0f} %</td>" in text
        assert 'value="preview">Prévisualiser</button>' in text and 'value="save">Enregistrer ces réglages' in text
        assert 'name="weights.proximity" value="1.0"' in text.replace('id="weights-proximity" ', "").replace(
            "\n             ", " ")
    assert sql(database_url, "SELECT count(*) FROM matching_settings")[0][0] == 0  # a preview stores nothing


def test_the_page_says_plainly_when_there_is_no_judged_file(client: TestClient, admin: Person,
                                                            database_url: str, tmp_path: Path) -> None:
    with signed_in_as(client, admin) as web:
        page = post_form(web, PAGE, action="preview", based_on="0", **form_of(dict(WEIGHTS), 46))
        assert page.status_code == 200
        assert "aucun fichier d'évaluation n'est configuré (variable MATCHING_EVAL_FILE)" in html.unescape(page.text)
    settings = suite_settings(database_url, embedding_model="", matching_eval_file=str(tmp_path / "absent.json"))
    with TestClient(create_app(settings)) as other, signed_in_as(other, admin) as web:
        page = post_form(web, PAGE, action="preview", based_on="0", **form_of(dict(WEIGHTS), 46))
        assert "fichier d'évaluation introuvable" in html.unescape(page.text) and "absent.json" in page.text


# --- saving changes the ranking -------------------------------------------------------------


def test_a_saved_weight_changes_scores_and_the_floor_hides_matches(client: TestClient, settings: Settings,
                                                                   admin: Person) -> None:
    leader = make_person(settings, "project_leader")
    member = make_person(settings, "support_member")
    ini = client.post("/api/initiatives", json=initiative(), headers=leader.headers).json()["id"]
    provider = client.post("/api/support-providers", json=support_provider(), headers=member.headers).json()["id"]

    def item() -> dict[str, Any] | None:
        page = client.get(f"/api/initiatives/{ini}/matches", params={"kind": "support_provider"}).json()
        return next((i for i in page["items"] if i["candidate"]["id"] == provider), None)

    before = item()
    assert before is not None
    saved = put(client, admin, only("proximity"), 0)
    assert saved.status_code == 200, saved.text
    assert saved.json()["weights"] == only("proximity") and saved.json()["version"] > 0
    after = item()
    assert after is not None
    assert after["score"] == round(100 * after["components"]["proximity"])
    assert after["score"] != before["score"]
    explain = client.get(f"/api/initiatives/{ini}/matches/explain",
                         params={"candidate_kind": "support_provider", "candidate_id": provider}).json()
    assert explain["score"] == after["score"]
    version = saved.json()["version"]
    assert put(client, admin, only("proximity"), 100, based_on=version).status_code == 200
    assert after["score"] < 100
    assert item() is None  # below the stored floor: not shown


# --- history and revert ---------------------------------------------------------------------


def test_every_change_is_recorded_and_can_be_reverted(client: TestClient, settings: Settings, admin: Person) -> None:
    first = dict(WEIGHTS) | {"themes": 0.0}
    second = dict(WEIGHTS) | {"needs": 2.0}
    with signed_in_as(client, admin) as web:
        assert post_form(web, PAGE, action="save", based_on="0", **form_of(first, 40)).headers["location"] \
            == f"{PAGE}?fait=save"
        one = stored(settings)[0][0]
        assert post_form(web, PAGE, action="save", based_on=str(one), **form_of(second, 50)).status_code == 303
        two = stored(settings)[1][0]
        stale = post_form(web, PAGE, action="save", based_on=str(one), **form_of(second, 60))
        assert stale.status_code == 409 and "relisez-les" in stale.text
        page = web.get(PAGE).text
        assert f"réglage n° {two}" in page and f"Rétablir le n° {one}</button>" in page
        assert "themes 0.3 ; seuil 46" in page and "themes 0.0 ; seuil 40" in page  # old and new of the first
        who = sql(settings.database_url, "SELECT changed_by, changed_by_name FROM matching_settings WHERE id = :id",
                  id=one)[0]
        assert who[0] == admin.account_id and f"<td>{who[1]}</td>" in page
        assert post_form(web, PAGE, action="revert", based_on=str(two), row=str(one)).status_code == 303
        assert "Réglages rétablis." in web.get(f"{PAGE}?fait=revert").text
    rows = stored(settings)
    assert [(floor, restored) for _, floor, restored in rows] == [(40, None), (50, None), (40, one)]
    current = client.get(API).json()
    assert current["weights"] == first and current["floor"] == 40 and current["version"] == rows[-1][0]
    assert [c["id"] for c in current["history"]] == [rows[2][0], two, one]
    assert current["history"][0]["old"] == {"weights": second, "floor": 50}
    assert current["history"][0]["restored_from"] == one
    with signed_in_as(client, admin) as web:
        assert post_form(web, PAGE, action="revert", based_on=str(rows[-1][0]), row="0").status_code == 303
        missing = post_form(web, PAGE, action="revert", based_on=str(stored(settings)[-1][0]), row="99999")
        assert missing.status_code == 404
    assert client.get(API).json()["weights"] == WEIGHTS
    assert client.get(API).json()["floor"] == settings.match_floor
