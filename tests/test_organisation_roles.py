"""Organisations (issue 11): invitations by email over a real SMTP server, accepted by the person
who confirmed the address; the same answer for any address; staff never enrolled; owners and
members; the last owner kept; roles fitting the organisation's kind; a default organisation."""

from __future__ import annotations

from litestar.testing import TestClient

from market.config import Settings
from tests.browser import csrf, login, register
from tests.factories import initiative
from tests.helpers import sql
from tests.mailbox import Mailbox
from tests.people import make_person

INVITEE = "nouvelle.recrue@example.org"





def invite(web: TestClient, owner, email: str, role: str = "project_leader", **extra: object):
    return web.post(f"/api/organisations/{owner.organisation_id}/members", headers=owner.headers,
                    json={"email": email, "role": role, **extra})


def test_invitation_end_to_end_with_real_smtp(web: TestClient, mail_settings: Settings, mailbox: Mailbox) -> None:
    owner = make_person(mail_settings, "project_leader")
    member = make_person(mail_settings, "project_leader", organisations={"project_leader": owner.organisation_id})
    moderator = make_person(mail_settings, "moderator")
    stranger = make_person(mail_settings, "funder")
    answers = [invite(web, owner, email) for email in (INVITEE, stranger.email, moderator.email, member.email)]
    assert {a.status_code for a in answers} == {202} and len({a.content for a in answers}) == 1  # no enumeration
    assert str(stranger.account_id) not in answers[1].text
    mailbox.wait(2)
    assert sorted(m["To"] for m in mailbox.messages) == sorted([INVITEE, stranger.email])  # not staff, not members
    [message] = mailbox.to(INVITEE)
    assert "Organisation project_leader" in message.get_content() and "/compte/invitations" in message.get_content()
    members = {m["account_id"] for m in web.get(f"/api/organisations/{owner.organisation_id}",
                                                headers=owner.headers).json()["members"]}
    assert members == {owner.account_id, member.account_id}  # nobody enrolled yet

    # the invitee signs up with the address, confirms it, and accepts
    assert register(web, INVITEE).status_code == 202
    login(web, INVITEE)
    assert web.get("/api/me/invitations").status_code == 403  # not before confirming the address
    token = mailbox.token(INVITEE, "confirmer")
    assert web.post("/api/auth/confirm", json={"token": token}, headers=csrf(web)).status_code == 200
    [pending] = web.get("/api/me/invitations").json()
    assert pending["organisation"]["id"] == owner.organisation_id and pending["role"] == "project_leader"
    assert web.post(f"/api/me/invitations/{pending['id']}/accept", headers=stranger.headers).status_code == 404
    accepted = web.post(f"/api/me/invitations/{pending['id']}/accept", headers=csrf(web))
    assert accepted.status_code == 200, accepted.text
    again = web.post(f"/api/me/invitations/{pending['id']}/accept", headers=csrf(web))
    assert again.status_code == 409
    me = web.get("/api/me").json()
    assert [(o["organisation"]["id"], o["role"], o["owner"]) for o in me["organisations"]] == [
        (owner.organisation_id, "project_leader", False)]

    # the stranger declines; a moderator could not accept even an invitation sent before the role
    [theirs] = web.get("/api/me/invitations", headers=stranger.headers).json()
    declined = web.post(f"/api/me/invitations/{theirs['id']}/decline", headers=stranger.headers)
    assert declined.status_code == 200 and declined.json()["accepted"] is False
    exported = web.get("/api/me/export", headers=stranger.headers).json()["invitations"]
    assert [(i["id"], i["accepted"]) for i in exported] == [(theirs["id"], False)]  # personal data too
    assert web.delete("/api/me", headers=stranger.headers).status_code == 204
    assert sql(mail_settings.database_url, "SELECT count(*) FROM invitations WHERE email = :e",
               e=stranger.email)[0][0] == 0  # erased with the account
    invited_before = make_person(mail_settings, "funder")
    invite(web, owner, invited_before.email, "funder")
    sql(mail_settings.database_url, "UPDATE accounts SET platform_role = 'moderator' WHERE id = :a",
        a=invited_before.account_id)
    [late] = web.get("/api/me/invitations", headers=invited_before.headers).json()
    assert web.post(f"/api/me/invitations/{late['id']}/accept", headers=invited_before.headers).status_code == 403


def test_owners_roles_and_the_last_owner(web: TestClient, mail_settings: Settings) -> None:
    owner = make_person(mail_settings, "business_member")
    colleague = make_person(mail_settings, "business_member", organisations={"business_member": owner.organisation_id})
    url = f"/api/organisations/{owner.organisation_id}/members"
    assert web.delete(f"{url}/{owner.account_id}", headers=owner.headers).status_code == 409  # the last owner
    demote = web.put(f"{url}/{owner.account_id}", json={"owner": False}, headers=owner.headers)
    assert demote.status_code == 409 and demote.json()["field"] == "owner"
    unfit = web.put(f"{url}/{colleague.account_id}", json={"role": "project_leader"}, headers=owner.headers)
    assert unfit.status_code == 400 and unfit.json()["field"] == "role"  # a business has no project leader
    assert invite(web, owner, INVITEE, "project_leader").status_code == 400
    promoted = web.put(f"{url}/{colleague.account_id}", json={"owner": True, "role": "funder"}, headers=owner.headers)
    assert promoted.status_code == 200 and promoted.json()["owner"] is True and promoted.json()["role"] == "funder"
    assert web.delete(f"{url}/{owner.account_id}", headers=owner.headers).status_code == 204  # another owner stays
    assert sql(mail_settings.database_url, "SELECT account_id, owner FROM memberships WHERE organisation_id = :o",
               o=owner.organisation_id) == [(colleague.account_id, True)]


def test_someone_acting_for_several_organisations_chooses_a_default(web: TestClient, mail_settings: Settings) -> None:
    person = make_person(mail_settings, "project_leader")
    other = make_person(mail_settings, "project_leader")
    both = make_person(mail_settings, "project_leader", organisations={"project_leader": person.organisation_id})
    sql(mail_settings.database_url, "INSERT INTO memberships (account_id, organisation_id, role, owner, created_at) "
        "VALUES (:a, :o, 'project_leader', false, CURRENT_TIMESTAMP)", a=both.account_id, o=other.organisation_id)
    ambiguous = web.post("/api/initiatives", json=initiative(), headers=both.headers)
    assert ambiguous.status_code == 400 and ambiguous.json()["field"] == "organisation_id"
    refused = web.put("/api/me/default-organisation", json={"organisation_id": 999999}, headers=both.headers)
    assert refused.status_code == 400 and refused.json()["field"] == "organisation_id"
    chosen = web.put("/api/me/default-organisation", json={"organisation_id": other.organisation_id},
                     headers=both.headers)
    assert chosen.status_code == 200
    assert [o["default"] for o in chosen.json()["organisations"]] == [False, True]
    made = web.post("/api/initiatives", json=initiative(), headers=both.headers)
    assert made.status_code == 201 and made.json()["organisation"]["id"] == other.organisation_id
