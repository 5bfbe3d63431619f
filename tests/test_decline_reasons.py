"""Declining a match says why, optionally (pas pertinent, déjà en contact, plus tard): over the JSON
API and from the web client's form; an unknown reason is a French 400 naming the field and stores
nothing; the figures of declined matches per kind come out of the database, through
`python -m market.cli feedback` and `python -m matching.evaluate --database`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from market.config import ROOT, Settings
from market.db import session_scope
from market.matches import feedback
from matching import evaluate
from tests.admin_helpers import post_form, signed_in_as
from tests.factories import initiative, support_provider, takeover, volunteer_offer
from tests.helpers import assert_problem, run, sql
from tests.judged_file import write_judged_file
from tests.people import Person, make_person


@pytest.fixture()
def sides(settings: Settings) -> dict[str, Person]:
    leader = make_person(settings, "project_leader")
    partner = make_person(settings, "support_member", organisations={"support_member": None, "business_member": None})
    return {"initiative": leader, "candidate": partner}


def _create(client: TestClient, person: Person, resource: str, body: dict[str, Any]) -> int:
    response = client.post(f"/api/{resource}", json=body, headers=person.headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


@pytest.fixture()
def pairs(client: TestClient, sides: dict[str, Person]) -> dict[str, Any]:
    """An initiative in Belfort and one candidate of each kind that fits it."""
    partner = sides["candidate"]
    return {"initiative": _create(client, sides["initiative"], "initiatives", initiative()),
            "support_provider": _create(client, partner, "support-providers", support_provider()),
            "takeover": _create(client, partner, "takeover-opportunities", takeover()),
            "volunteer_offer": _create(client, partner, "volunteer-offers", volunteer_offer())}


def _pair(pairs: dict[str, Any], kind: str = "support_provider", **fields: Any) -> dict[str, Any]:
    return {"initiative_id": pairs["initiative"], "candidate_kind": kind, "candidate_id": pairs[kind], **fields}


def _stored(settings: Settings) -> list[Any]:
    return sql(settings.database_url, "SELECT m.status, m.decline_reason, e.reason FROM matches m "
                                      "LEFT JOIN match_events e ON e.match_id = m.id ORDER BY e.id")


@pytest.mark.parametrize("reason", ["not_relevant", "already_in_touch", "later"])
def test_a_refusal_keeps_its_reason(client: TestClient, settings: Settings, sides: dict[str, Person],
                                    pairs: dict[str, Any], reason: str) -> None:
    response = client.post("/api/matches", json=_pair(pairs, status="declined", reason=reason),
                           headers=sides["initiative"].headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "declined" and body["decline_reason"] == reason
    assert body["history"][-1]["reason"] == reason
    assert _stored(settings) == [("declined", reason, reason)]
    again = client.get(f"/api/matches/{body['id']}", headers=sides["candidate"].headers).json()
    assert again["decline_reason"] == reason


def test_a_refusal_after_interest_keeps_its_reason_and_a_refusal_needs_none(
        client: TestClient, settings: Settings, sides: dict[str, Person], pairs: dict[str, Any]) -> None:
    created = client.post("/api/matches", json=_pair(pairs, status="contacted"), headers=sides["initiative"].headers)
    match_id = created.json()["id"]
    declined = client.patch(f"/api/matches/{match_id}", json={"status": "declined", "reason": "later"},
                            headers=sides["candidate"].headers)
    assert declined.status_code == 200, declined.text
    assert [e["reason"] for e in declined.json()["history"]] == [None, "later"]
    plain = client.post("/api/matches", json=_pair(pairs, "takeover", status="declined"),
                        headers=sides["initiative"].headers)
    assert plain.status_code == 201 and plain.json()["decline_reason"] is None


@pytest.mark.parametrize(("fields", "words"), [
    ({"status": "declined", "reason": "bof"}, "code inconnu"),
    ({"status": "declined", "reason": 3}, None),
    ({"status": "contacted", "reason": "later"}, "qu'en déclinant"),
])
def test_a_bad_reason_is_400_naming_the_field_and_stores_nothing(
        client: TestClient, settings: Settings, sides: dict[str, Person], pairs: dict[str, Any],
        fields: dict[str, Any], words: str | None) -> None:
    leader = sides["initiative"].headers
    body = assert_problem(client.post("/api/matches", json=_pair(pairs, **fields), headers=leader), 400, "reason")
    assert words is None or words in body["detail"]
    assert _stored(settings) == []
    match_id = client.post("/api/matches", json=_pair(pairs, status="contacted"), headers=leader).json()["id"]
    assert_problem(client.patch(f"/api/matches/{match_id}", json=fields, headers=sides["candidate"].headers),
                   400, "reason")
    assert _stored(settings) == [("contacted", None, None)]


def test_the_vocabulary_lists_the_reasons_in_french(client: TestClient) -> None:
    listed = client.get("/api/vocabulary").json()["decline_reason"]
    assert listed == [{"code": "not_relevant", "label": "pas pertinent"},
                      {"code": "already_in_touch", "label": "déjà en contact"},
                      {"code": "later", "label": "plus tard"}]


def test_the_web_client_declines_with_a_reason(client: TestClient, settings: Settings, sides: dict[str, Person],
                                               pairs: dict[str, Any]) -> None:
    page_path = f"/initiatives/{pairs['initiative']}/rapprochements"
    with signed_in_as(client, sides["initiative"]) as web:
        page = web.get(page_path).text
        assert 'name="reason"' in page and '<option value="not_relevant">Pas pertinent</option>' in page
        assert "Motif, si vous déclinez (facultatif)</label>" in page
        bad = post_form(web, "/rapprochements", retour=page_path, status="declined", reason="bof",
                        **{k: str(v) for k, v in _pair(pairs).items()})
        assert bad.status_code == 303 and "erreur=" in bad.headers["location"]
        assert "motif de refus inconnu" in web.get(bad.headers["location"]).text
        assert _stored(settings) == []
        # a reason chosen while another action is picked is not read
        done = post_form(web, "/rapprochements", retour=page_path, status="contacted", reason="later",
                         **{k: str(v) for k, v in _pair(pairs, "takeover").items()})
        assert done.status_code == 303 and "erreur" not in done.headers["location"]
        done = post_form(web, "/rapprochements", retour=page_path, status="declined", reason="not_relevant",
                         **{k: str(v) for k, v in _pair(pairs).items()})
        assert done.status_code == 303 and "erreur" not in done.headers["location"]
    assert sorted(_stored(settings), key=str) == [("contacted", None, None), ("declined", "not_relevant",
                                                                                "not_relevant")]


def _decline_some(client: TestClient, sides: dict[str, Person], pairs: dict[str, Any]) -> None:
    """Support provider: declined as not relevant; takeover: declined, no reason; volunteer offer:
    contacted (not declined)."""
    leader = sides["initiative"].headers
    for kind, fields in (("support_provider", {"status": "declined", "reason": "not_relevant"}),
                         ("takeover", {"status": "declined"}), ("volunteer_offer", {"status": "contacted"})):
        assert client.post("/api/matches", json=_pair(pairs, kind, **fields), headers=leader).status_code == 201


def test_the_feedback_figures_come_from_the_database(client: TestClient, settings: Settings,
                                                     sides: dict[str, Person], pairs: dict[str, Any],
                                                     tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    _decline_some(client, sides, pairs)

    async def read() -> dict:
        async with session_scope(settings) as session:
            return await feedback.declined(session)

    figures = run(read())
    assert figures["support_provider"] | {"reasons": None} == {
        "matches": 1, "declined": 1, "not_relevant": 1, "declined_share": 1.0, "not_relevant_share": 1.0,
        "reasons": None}
    assert figures["takeover"]["declined"] == 1 and figures["takeover"]["not_relevant"] == 0
    assert figures["takeover"]["reasons"]["none"] == 1
    assert figures["volunteer_offer"]["matches"] == 1 and figures["volunteer_offer"]["declined"] == 0
    assert figures["overall"] | {"reasons": None} == {
        "matches": 3, "declined": 2, "not_relevant": 1, "declined_share": 0.6667, "not_relevant_share": 0.5,
        "reasons": None}

    command = subprocess.run([sys.executable, "-m", "market.cli", "feedback", "--database", settings.database_url,
                              "--json"], capture_output=True, text=True, cwd=ROOT, check=True)
    assert json.loads(command.stdout) == figures

    data = write_judged_file(tmp_path)
    territories = str(tmp_path / "territories.json")
    result = evaluate.run(str(data), territories, "", database=settings.database_url)
    assert result["feedback"] == figures
    assert {"ndcg10", "baselines", "calibration", "eligibility_mismatches"} <= set(result)
    text = evaluate.table(result)
    assert "not relevant" in text and "support_provider" in text.split("feedback")[-1]
    without = evaluate.run(str(data), territories, "")
    assert "feedback" not in without and without["ndcg10"] == result["ndcg10"]

    monkeypatch.setenv("DATABASE_URL", settings.database_url)  # `--database` alone reads it
    capsys.readouterr()
    assert evaluate.main(["--data", str(data), "--territories", territories, "--model", "", "--database",
                          "--json"]) == 0
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["feedback"] == figures
