"""Managing an organisation's members from « mon espace », over HTTP as a browser does: only owners
change roles, remove members and withdraw invitations; anyone leaves; the last owner stays (409, said
in French on the page)."""

from __future__ import annotations

from litestar.testing import TestClient

from market.config import Settings
from tests.browser import csrf, login
from tests.helpers import sql
from tests.mailbox import Mailbox
from tests.people import Person, make_person
from tests.test_web_forms import post_form


def _team(settings: Settings) -> tuple[Person, Person]:
    owner = make_person(settings, "project_leader")
    member = make_person(settings, "funder", organisations={"funder": owner.organisation_id})
    return owner, member


def _membership(settings: Settings, organisation_id: int | None, account_id: int | None) -> list[tuple[str, bool]]:
    return [tuple(r) for r in sql(settings.database_url, "SELECT role, owner FROM memberships WHERE "
                                  "organisation_id = :o AND account_id = :a", o=organisation_id, a=account_id)]


def test_an_owner_changes_a_members_role_and_makes_them_owner(web: TestClient, mail_settings: Settings) -> None:
    owner, member = _team(mail_settings)
    org = owner.organisation_id
    assert login(web, owner.email).status_code == 200
    space = web.get("/mon-compte").text
    assert f'action="/organisations/{org}/membres/{member.account_id}/modifier"' in space
    assert f'<label for="role-{org}-{member.account_id}">' in space
    section = space.split(f'id="organisation-{org}"')[1].split("Créer une organisation")[0]
    assert '<option value="business_member"' not in section  # only the roles that fit the organisation's kind
    unfit = post_form(web, f"/organisations/{org}/membres/{member.account_id}/modifier", {"role": "business_member"})
    assert unfit.status_code == 400 and "ce rôle ne convient pas" in unfit.text
    changed = post_form(web, f"/organisations/{org}/membres/{member.account_id}/modifier",
                        {"role": "project_leader", "owner": "oui"})
    assert changed.status_code == 303
    assert changed.headers["location"] == f"/mon-compte?fait=membre-modifie#organisation-{org}"
    assert "Membre modifié." in web.get("/mon-compte?fait=membre-modifie").text
    assert _membership(mail_settings, org, member.account_id) == [("project_leader", True)]


def test_the_last_owner_can_neither_be_demoted_nor_leave(web: TestClient, mail_settings: Settings) -> None:
    owner, _ = _team(mail_settings)
    org = owner.organisation_id
    assert login(web, owner.email).status_code == 200
    demoted = post_form(web, f"/organisations/{org}/membres/{owner.account_id}/modifier", {"role": "project_leader"})
    assert demoted.status_code == 409 and "garder au moins un propri" in demoted.text
    page = web.get(f"/organisations/{org}/membres/{owner.account_id}/retirer")
    assert page.status_code == 200 and "Quitter « " in page.text
    left = post_form(web, f"/organisations/{org}/membres/{owner.account_id}/retirer", {})
    assert left.status_code == 409 and "Impossible" in left.text and "garder au moins un propri" in left.text
    assert _membership(mail_settings, org, owner.account_id) == [("project_leader", True)]


def test_only_owners_manage_members(web: TestClient, mail_settings: Settings) -> None:
    owner, member = _team(mail_settings)
    org = owner.organisation_id
    assert login(web, member.email).status_code == 200
    space = web.get("/mon-compte").text
    assert "/modifier" not in space.split("Mes organisations")[1].split("Créer une organisation")[0]
    assert f"/organisations/{org}/membres/{owner.account_id}/retirer" not in space
    assert post_form(web, f"/organisations/{org}/membres/{owner.account_id}/modifier",
                     {"role": "funder"}).status_code == 403
    assert post_form(web, f"/organisations/{org}/membres/{owner.account_id}/retirer", {}).status_code == 403
    stranger = make_person(mail_settings, "project_leader")
    web.cookies.clear()
    assert login(web, stranger.email).status_code == 200
    assert web.get(f"/organisations/{org}/membres/{member.account_id}/retirer").status_code == 404
    assert _membership(mail_settings, org, owner.account_id) == [("project_leader", True)]


def test_a_member_leaves_and_an_owner_removes_one(web: TestClient, mail_settings: Settings) -> None:
    owner, member = _team(mail_settings)
    org = owner.organisation_id
    other = make_person(mail_settings, "funder", organisations={"funder": org})
    assert login(web, member.email).status_code == 200
    assert f'href="/organisations/{org}/membres/{member.account_id}/retirer"' in web.get("/mon-compte").text
    left = post_form(web, f"/organisations/{org}/membres/{member.account_id}/retirer", {})
    assert left.status_code == 303 and left.headers["location"] == "/mon-compte?fait=organisation-quittee"
    assert _membership(mail_settings, org, member.account_id) == []
    web.cookies.clear()
    assert login(web, owner.email).status_code == 200
    confirm = web.get(f"/organisations/{org}/membres/{other.account_id}/retirer")
    assert confirm.status_code == 200 and "Retirer ce membre" in confirm.text
    assert _membership(mail_settings, org, other.account_id)  # the confirmation page changed nothing
    removed = post_form(web, f"/organisations/{org}/membres/{other.account_id}/retirer", {})
    assert removed.status_code == 303 and "fait=membre-retire" in removed.headers["location"]
    assert _membership(mail_settings, org, other.account_id) == []
    assert post_form(web, f"/organisations/{org}/membres/{other.account_id}/retirer", {}).status_code == 404


def test_an_owner_withdraws_a_pending_invitation(web: TestClient, mail_settings: Settings, mailbox: Mailbox) -> None:
    owner, member = _team(mail_settings)
    org = owner.organisation_id
    invitee = make_person(mail_settings, "funder", email="invitee@example.org")
    assert login(web, owner.email).status_code == 200
    for address in ("invitee@example.org", "autre@example.org"):
        sent = post_form(web, f"/organisations/{org}/invitations", {"email": address, "role": "funder"})
        assert sent.status_code == 303
    first, second = [r[0] for r in sql(mail_settings.database_url,
                                       "SELECT id FROM invitations WHERE organisation_id = :o ORDER BY id", o=org)]
    assert f'action="/organisations/{org}/invitations/{first}/annuler"' in web.get("/mon-compte").text
    cancelled = post_form(web, f"/organisations/{org}/invitations/{first}/annuler", {})
    assert cancelled.status_code == 303 and "fait=invitation-annulee" in cancelled.headers["location"]
    assert post_form(web, f"/organisations/{org}/invitations/{first}/annuler", {}).status_code == 404
    # the API's route does the same
    assert web.delete(f"/api/organisations/{org}/invitations/{first}", headers=csrf(web)).status_code == 404
    web.cookies.clear()
    assert login(web, invitee.email).status_code == 200
    assert web.get("/api/me/invitations").json() == []
    assert post_form(web, f"/invitations/{first}/accepter", {}).status_code == 404
    web.cookies.clear()
    assert login(web, member.email).status_code == 200  # a member, not an owner
    assert post_form(web, f"/organisations/{org}/invitations/{second}/annuler", {}).status_code == 403
    assert web.delete(f"/api/organisations/{org}/invitations/{second}", headers=member.headers).status_code == 403
    assert web.delete(f"/api/organisations/{org}/invitations/{second}", headers=owner.headers).status_code == 204


def test_an_answered_invitation_cannot_be_withdrawn(web: TestClient, mail_settings: Settings) -> None:
    owner, _ = _team(mail_settings)
    org = owner.organisation_id
    invitee = make_person(mail_settings, "funder", email="repond@example.org")
    assert login(web, owner.email).status_code == 200
    post_form(web, f"/organisations/{org}/invitations", {"email": "repond@example.org", "role": "funder"})
    [[number]] = sql(mail_settings.database_url, "SELECT id FROM invitations WHERE organisation_id = :o", o=org)
    assert web.post(f"/api/me/invitations/{number}/decline", headers=invitee.headers).status_code == 200
    refused = post_form(web, f"/organisations/{org}/invitations/{number}/annuler", {})
    assert refused.status_code == 409 and "déjà reçu une réponse" in refused.text
