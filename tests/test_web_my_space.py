"""« Mon espace » over HTTP, as a browser uses it: my listings of every kind with their links, my
pledges with their receipts, my organisations' members, and inviting someone who then accepts."""

from __future__ import annotations

from litestar.testing import TestClient

from market.config import Settings
from tests.browser import login
from tests.factories import initiative, volunteer_offer
from tests.mailbox import Mailbox
from tests.people import make_person
from tests.test_personal_data import add_pledge
from tests.test_web_forms import post_form


def test_my_listings_show_every_kind_of_my_organisations_with_their_links(web: TestClient,
                                                                          mail_settings: Settings) -> None:
    leader = make_person(mail_settings, "project_leader")
    business = make_person(mail_settings, "business_member")
    mine = web.post("/api/initiatives", json=initiative(title="Jardin des Glacis"), headers=leader.headers).json()
    web.post("/api/initiatives", json=initiative(title="Pas la mienne"), headers=make_person(
        mail_settings, "project_leader").headers)
    offer = web.post("/api/volunteer-offers", json=volunteer_offer(title="Comptes pour associations"),
                     headers=business.headers).json()
    assert web.get("/mes-annonces", follow_redirects=False).headers["location"] == "/connexion?suite=/mes-annonces"
    assert login(web, leader.email).status_code == 200
    page = web.get("/mes-annonces").text
    assert "Jardin des Glacis" in page and "Pas la mienne" not in page and "Comptes pour associations" not in page
    assert f'/initiatives/{mine["id"]}/rapprochements' in page and f'/initiatives/{mine["id"]}/modifier' in page
    web.cookies.clear()
    assert login(web, business.email).status_code == 200
    page = web.get("/mes-annonces").text
    assert "Comptes pour associations" in page and f'/mecenat/{offer["id"]}/initiatives' in page
    assert "Jardin des Glacis" not in page


def test_my_pledges_are_those_made_with_my_confirmed_address(web: TestClient, mail_settings: Settings) -> None:
    funder = make_person(mail_settings, "funder", email="dominique@example.org")
    target = web.post("/api/initiatives", json=initiative(title="Épicerie des Prés"),
                      headers=make_person(mail_settings, "project_leader").headers).json()
    mine = add_pledge(mail_settings, target["id"], "Dominique@example.org", "w1")
    add_pledge(mail_settings, target["id"], "quelqu.un@example.org", "w2")
    assert login(web, funder.email).status_code == 200
    page = web.get("/mes-dons").text
    assert page.count("Épicerie des Prés</a>") == 1 and "25,00 €" in page
    assert f"/pledges/{mine}/receipt?token=token-w1-0123456789" in page
    assert web.get(f"/pledges/{mine}/receipt?token=token-w1-0123456789").status_code == 200


def test_an_owner_invites_a_member_who_accepts(web: TestClient, mail_settings: Settings, mailbox: Mailbox) -> None:
    owner = make_person(mail_settings, "project_leader")
    invitee = make_person(mail_settings, "funder", email="recrue@example.org")
    assert login(web, owner.email).status_code == 200
    space = web.get("/mon-compte").text
    assert "Inviter quelqu" in space and owner.email in space  # the members, and the invitation form
    refused = post_form(web, f"/organisations/{owner.organisation_id}/invitations",
                        {"email": "pas-une-adresse", "role": "project_leader"})
    assert refused.status_code == 400 and 'value="pas-une-adresse"' in refused.text
    sent = post_form(web, f"/organisations/{owner.organisation_id}/invitations",
                     {"email": "recrue@example.org", "role": "project_leader"})
    assert sent.status_code == 303
    assert "recrue@example.org" in web.get("/mon-compte").text  # pending, for the owner
    assert mailbox.to("recrue@example.org")  # the invitation email
    web.cookies.clear()
    assert login(web, invitee.email).status_code == 200
    space = web.get("/mon-compte").text
    assert "vous invite comme" in space
    invitation_id = space.split('action="/invitations/')[1].split("/")[0]
    assert post_form(web, f"/invitations/{invitation_id}/accepter", {}).status_code == 303
    members = web.get(f"/api/organisations/{owner.organisation_id}").json()["members"]
    assert invitee.account_id in [m["account_id"] for m in members]
