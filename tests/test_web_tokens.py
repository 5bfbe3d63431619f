"""The emailed links' pages without JavaScript: a GET shows a form holding the token and spends
nothing; its POST (CSRF token included) confirms the address or sets the new password; a used or
expired link says why, in French, with the way to ask for a new one."""

from __future__ import annotations

import logging

import pytest
from litestar.testing import TestClient
from sqlalchemy import update

from api.security import MaskTokens
from market.config import Settings
from market.db import session_scope
from market.models import EmailToken, utcnow
from tests.browser import login, register
from tests.helpers import run, sql
from tests.mailbox import Mailbox
from tests.people import PASSWORD, make_person
from tests.test_web_forms import post_form

NEW = "une toute nouvelle phrase de passe"


def _unused(settings: Settings) -> int:
    return sql(settings.database_url, "SELECT count(*) FROM email_tokens WHERE used_at IS NULL")[0][0]


def test_a_confirmation_link_is_spent_by_the_form_only_once(web: TestClient, mailbox: Mailbox,
                                                             mail_settings: Settings) -> None:
    assert register(web, "lien@example.org").status_code == 202
    token = mailbox.token("lien@example.org", "confirmer")
    page = web.get(f"/compte/confirmer?jeton={token}")
    assert page.status_code == 200 and f'name="jeton" value="{token}"' in page.text
    assert 'name="_csrf_token"' in page.text and "Confirmer mon adresse" in page.text
    assert _unused(mail_settings) == 1  # the GET changed nothing
    done = post_form(web, "/compte/confirmer", {"jeton": token})
    assert done.status_code == 200 and "Adresse confirmée" in done.text
    assert sql(mail_settings.database_url, "SELECT email_verified_at IS NOT NULL FROM accounts WHERE email = :e",
               e="lien@example.org")[0][0]
    again = post_form(web, "/compte/confirmer", {"jeton": token})
    assert again.status_code == 400 and "Ce lien ne fonctionne pas" in again.text and "déjà utilisé" in again.text
    assert 'href="/compte/nouveau-lien"' in again.text


def test_a_mangled_or_missing_confirmation_token_is_explained(web: TestClient) -> None:
    assert web.get("/compte/confirmer").status_code == 200
    for token in ("", "x" * 30, "é" * 200):
        refused = post_form(web, "/compte/confirmer", {"jeton": token})
        assert refused.status_code == 400 and "demandez-en un nouveau" in refused.text


def test_a_new_confirmation_link_is_asked_for_when_signed_in(web: TestClient, mailbox: Mailbox,
                                                             mail_settings: Settings) -> None:
    assert web.get("/compte/nouveau-lien", follow_redirects=False).headers["location"] == (
        "/connexion?suite=/compte/nouveau-lien")
    assert register(web, "encore@example.org").status_code == 202
    first = mailbox.token("encore@example.org", "confirmer")
    assert login(web, "encore@example.org").status_code == 200
    assert "Envoyer un nouveau lien" in web.get("/compte/nouveau-lien").text
    sent = post_form(web, "/compte/nouveau-lien", {})
    assert sent.status_code == 200 and "nouveau lien de confirmation vient" in sent.text
    second = mailbox.token("encore@example.org", "confirmer", count=2)
    assert second != first
    assert "Adresse confirmée" in post_form(web, "/compte/confirmer", {"jeton": second}).text
    already = post_form(web, "/compte/nouveau-lien", {})
    assert "déjà confirmée" in already.text and len(mailbox.to("encore@example.org")) == 2


def test_a_password_is_reset_from_the_emailed_link(web: TestClient, mailbox: Mailbox,
                                                   mail_settings: Settings) -> None:
    person = make_person(mail_settings, "funder")
    assert "Envoyer le lien" in web.get("/compte/mot-de-passe-oublie").text
    bad_email = post_form(web, "/compte/mot-de-passe-oublie", {"email": "pas une adresse"})
    assert bad_email.status_code == 400 and 'id="email-erreur"' in bad_email.text
    for address in (person.email, "personne@example.org"):  # the same answer either way
        sent = post_form(web, "/compte/mot-de-passe-oublie", {"email": address})
        assert sent.status_code == 200 and "si un compte utilise cette adresse" in sent.text.lower()
    token = mailbox.token(person.email, "mot-de-passe")
    form = web.get(f"/compte/mot-de-passe?jeton={token}")
    assert form.status_code == 200 and f'value="{token}"' in form.text and 'autocomplete="new-password"' in form.text
    weak = post_form(web, "/compte/mot-de-passe", {"jeton": token, "password": "court", "password_again": "court"})
    assert weak.status_code == 400 and 'id="password-erreur"' in weak.text and f'value="{token}"' in weak.text
    differ = post_form(web, "/compte/mot-de-passe", {"jeton": token, "password": NEW, "password_again": NEW + "!"})
    assert differ.status_code == 400 and 'id="password_again-erreur"' in differ.text
    assert _unused(mail_settings) == 1  # refused passwords do not spend the link
    done = post_form(web, "/compte/mot-de-passe", {"jeton": token, "password": NEW, "password_again": NEW})
    assert done.status_code == 200 and "Mot de passe changé" in done.text
    assert "Votre mot de passe a changé" in [m["Subject"] for m in mailbox.to(person.email, 2)]
    assert login(web, person.email, PASSWORD).status_code == 401
    assert login(web, person.email, NEW).status_code == 200
    used = post_form(web, "/compte/mot-de-passe", {"jeton": token, "password": NEW, "password_again": NEW})
    assert used.status_code == 400 and 'href="/compte/mot-de-passe-oublie"' in used.text


def test_an_expired_reset_link_says_so_and_offers_a_new_one(web: TestClient, mailbox: Mailbox,
                                                            mail_settings: Settings) -> None:
    person = make_person(mail_settings, "funder")
    post_form(web, "/compte/mot-de-passe-oublie", {"email": person.email})
    token = mailbox.token(person.email, "mot-de-passe")

    async def expire() -> None:
        async with session_scope(mail_settings) as session:
            await session.execute(update(EmailToken).values(expires_at=utcnow()))

    run(expire())
    expired = post_form(web, "/compte/mot-de-passe", {"jeton": token, "password": NEW, "password_again": NEW})
    assert expired.status_code == 400 and "expiré" in expired.text and "Demander un nouveau lien" in expired.text
    assert login(web, person.email, PASSWORD).status_code == 200


def test_the_other_emailed_pages_lead_to_the_web_client(web: TestClient, mail_settings: Settings) -> None:
    assert web.get("/compte/connexion", follow_redirects=False).headers["location"] == "/connexion"
    assert web.get("/compte/invitations", follow_redirects=False).headers["location"] == "/connexion?suite=/mon-compte"
    person = make_person(mail_settings, "funder")
    assert login(web, person.email).status_code == 200
    assert web.get("/compte/invitations", follow_redirects=False).headers["location"] == "/mon-compte#invitations"


@pytest.mark.parametrize("line", ['"GET /compte/confirmer?jeton=abcDEF123_- HTTP/1.1" 200',
                                  '"GET /compte/mot-de-passe?x=1&jeton=abcDEF123 HTTP/1.1" 200'])
def test_the_access_log_masks_the_links_token(line: str) -> None:
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, line, None, None)
    MaskTokens().filter(record)
    assert "abcDEF123" not in record.getMessage() and "jeton=***" in record.getMessage()
