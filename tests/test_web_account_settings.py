"""Changing my password and deleting my account from the web client (forms, CSRF, session)."""

from __future__ import annotations

from litestar.testing import TestClient

from market.config import Settings
from tests.browser import login
from tests.mailbox import Mailbox
from tests.people import PASSWORD, make_person
from tests.test_web_forms import post_form

NEW = "une toute autre phrase de passe"


def test_a_password_is_changed_with_the_current_one(web: TestClient, mail_settings: Settings,
                                                    mailbox: Mailbox) -> None:
    person = make_person(mail_settings, "funder")
    assert login(web, person.email).status_code == 200
    assert web.get("/mon-compte/mot-de-passe").status_code == 200
    wrong = post_form(web, "/mon-compte/mot-de-passe", {"current_password": "pas le bon", "new_password": NEW,
                                                        "new_password_again": NEW})
    assert wrong.status_code == 400 and 'id="current_password-erreur"' in wrong.text
    weak = post_form(web, "/mon-compte/mot-de-passe", {"current_password": PASSWORD, "new_password": "court",
                                                       "new_password_again": "court"})
    assert weak.status_code == 400 and 'id="new_password-erreur"' in weak.text
    differ = post_form(web, "/mon-compte/mot-de-passe", {"current_password": PASSWORD, "new_password": NEW,
                                                         "new_password_again": NEW + "!"})
    assert differ.status_code == 400 and 'id="new_password_again-erreur"' in differ.text
    changed = post_form(web, "/mon-compte/mot-de-passe", {"current_password": PASSWORD, "new_password": NEW,
                                                          "new_password_again": NEW})
    assert changed.status_code == 303 and changed.headers["location"] == "/mon-compte?mot-de-passe=change"
    assert "Mot de passe changé" in web.get(changed.headers["location"]).text  # this browser stays signed in
    assert mailbox.to(person.email)
    web.cookies.clear()
    assert login(web, person.email).status_code == 401
    assert login(web, person.email, NEW).status_code == 200


def test_an_account_is_deleted_once_confirmed(web: TestClient, mail_settings: Settings) -> None:
    person = make_person(mail_settings, "funder")
    assert login(web, person.email).status_code == 200
    unconfirmed = post_form(web, "/mon-compte/supprimer", {})
    assert unconfirmed.status_code == 400 and 'id="confirm-erreur"' in unconfirmed.text
    assert web.get("/api/me").status_code == 200
    erased = post_form(web, "/mon-compte/supprimer", {"confirm": "oui"})
    assert erased.status_code == 200 and "Compte supprimé" in erased.text
    assert web.get("/api/me").status_code == 401
    web.cookies.clear()
    assert login(web, person.email).status_code == 401
