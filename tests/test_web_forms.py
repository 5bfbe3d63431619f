"""The listing forms of the web client over HTTP, as a browser posts them (session cookie, CSRF token
in the form): every kind is created and edited through one form machinery, errors come back at the
field with what was typed, and only a listing's own organisation (or a moderator) may edit it."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from market.config import Settings
from tests.browser import login
from tests.factories import CONTACT, initiative, support_provider, takeover, volunteer_offer
from tests.people import make_person

PROVIDER_FORM = {
    "name": "Boutique de gestion du Doubs", "description": "Accompagnement à la création d'activités "
    "d'utilité sociale : modèle économique, statuts.", "offers": ["business_model", "legal_structuring"],
    "capacity": "6", "free_of_charge": "oui", "area.departments": "25, 70", "themes": ["food"],
    "contact.name": "Alix", "contact.email": "alix@example.org",
}


def post_form(web: TestClient, path: str, fields: dict[str, Any]) -> Any:
    web.get("/")  # the CSRF cookie
    return web.post(path, data={**fields, "_csrf_token": web.cookies["csrftoken"]}, follow_redirects=False)


def signed_in(web: TestClient, settings: Settings, role: str) -> Any:
    person = make_person(settings, role)
    assert login(web, person.email).status_code == 200
    return person


def test_a_support_provider_form_keeps_what_was_typed_and_names_the_field(web: TestClient,
                                                                        mail_settings: Settings) -> None:
    signed_in(web, mail_settings, "support_member")
    assert web.get("/accompagnement/nouvelle").status_code == 200
    refused = post_form(web, "/accompagnement/nouvelle", {**PROVIDER_FORM, "area.departments": "25, 999"})
    assert refused.status_code == 400
    assert 'id="area-departments-erreur"' in refused.text and "999" in refused.text
    assert 'value="Boutique de gestion du Doubs"' in refused.text and 'value="25, 999"' in refused.text
    assert 'value="business_model" checked' in refused.text
    created = post_form(web, "/accompagnement/nouvelle", PROVIDER_FORM)
    assert created.status_code == 303, created.text
    provider_id = int(created.headers["location"].split("/")[2].split("?")[0])
    shown = web.get(f"/api/support-providers/{provider_id}").json()
    assert shown["area"]["departments"] == ["25", "70"] and shown["offers"] == ["business_model", "legal_structuring"]
    assert shown["free_of_charge"] is True and shown["capacity"] == 6


def test_a_support_provider_without_an_area_is_told_where(web: TestClient, mail_settings: Settings) -> None:
    signed_in(web, mail_settings, "support_member")
    refused = post_form(web, "/accompagnement/nouvelle", {**PROVIDER_FORM, "area.departments": ""})
    assert refused.status_code == 400 and 'id="area-departments-erreur"' in refused.text
    assert "indiquez une zone" in refused.text


def test_a_takeover_form_creates_the_listing_and_says_it_waits(web: TestClient, mail_settings: Settings) -> None:
    signed_in(web, mail_settings, "business_member")
    body = {"direction": "handover", "actor_name": "Boulangerie Marchal", "actor_org_form": "commercial_company",
            "title": "Boulangerie de village à reprendre", "description": "Le boulanger part à la retraite et "
            "cède son fonds avec le four et la clientèle.", "commune": "25388", "radius_km": "20",
            "min_maturity": "launch", "deadline": "", "contact.name": "Alix", "contact.email": "alix@example.org"}
    missing = post_form(web, "/reprises/nouvelle", {**body, "radius_km": ""})
    assert missing.status_code == 400 and 'id="radius_km-erreur"' in missing.text
    assert 'value="Boulangerie Marchal"' in missing.text
    created = post_form(web, "/reprises/nouvelle", body)
    assert created.status_code == 303, created.text
    page = web.get(created.headers["location"])
    assert "Votre annonce est enregistrée" in page.text and "Boulangerie de village à reprendre" in page.text


def test_every_kind_is_edited_by_its_owner_from_its_values(web: TestClient, mail_settings: Settings) -> None:
    for role, resource, path, body, field, changed in (
        ("project_leader", "initiatives", "initiatives", initiative(), "title", "Épicerie solidaire des Glacis"),
        ("support_member", "support-providers", "accompagnement", support_provider(), "name", "Incubateur du Nord"),
        ("business_member", "takeover-opportunities", "reprises", takeover(), "title", "Épicerie de quartier à céder"),
        ("business_member", "volunteer-offers", "mecenat", volunteer_offer(), "title", "Comptabilité bénévole"),
    ):
        web.cookies.clear()
        owner = signed_in(web, mail_settings, role)
        created = web.post(f"/api/{resource}", json=body, headers=owner.headers)
        assert created.status_code == 201, created.text
        listing_id = created.json()["id"]
        form = web.get(f"/{path}/{listing_id}/modifier")
        assert form.status_code == 200 and CONTACT["email"] in form.text  # the hidden contact, for its owner
        fields = _fields(form.text)
        assert fields[field] == body[field]
        edited = post_form(web, f"/{path}/{listing_id}/modifier", {**fields, field: changed})
        assert edited.status_code == 303, (path, edited.text)
        after = web.get(f"/api/{resource}/{listing_id}").json()
        assert after[field] == changed
        unchanged = {k: v for k, v in body.items() if k not in (field, "contact", "area")}
        assert {k: after[k] for k in unchanged} == unchanged, path  # the rest survives the round trip


def test_only_the_owner_may_edit(web: TestClient, mail_settings: Settings) -> None:
    owner = make_person(mail_settings, "project_leader")
    created = web.post("/api/initiatives", json=initiative(), headers=owner.headers)
    listing_id = created.json()["id"]
    assert web.get(f"/initiatives/{listing_id}/modifier", follow_redirects=False).status_code == 303  # log in
    signed_in(web, mail_settings, "project_leader")
    assert web.get(f"/initiatives/{listing_id}/modifier").status_code == 403  # published: someone else's
    refused = post_form(web, f"/initiatives/{listing_id}/modifier", {"title": "Pris"})
    assert refused.status_code == 403 and "seuls les membres" in refused.text
    assert web.get(f"/api/initiatives/{listing_id}").json()["title"] == initiative()["title"]
    assert "Modifier cette annonce" not in web.get(f"/initiatives/{listing_id}").text


def _fields(html: str) -> dict[str, Any]:
    """The form's values as a browser would post them (inputs, checked boxes, selected options,
    textareas)."""
    from html.parser import HTMLParser

    found: dict[str, Any] = {}

    class Reader(HTMLParser):
        select: str | None = None
        textarea: str | None = None

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = dict(attrs)
            name = a.get("name") or ""
            if tag == "input" and name and name != "_csrf_token":
                if a.get("type") == "checkbox":
                    if "checked" in a:
                        if a.get("value") == "oui":
                            found[name] = "oui"
                        else:
                            found.setdefault(name, []).append(a.get("value"))
                else:
                    found[name] = a.get("value") or ""
            elif tag == "select":
                self.select = name
                found[name] = ""
            elif tag == "option" and self.select and "selected" in a:
                found[self.select] = a.get("value")
            elif tag == "textarea":
                self.textarea = name
                found[name] = ""

        def handle_endtag(self, tag: str) -> None:
            if tag == "select":
                self.select = None
            if tag == "textarea":
                self.textarea = None

        def handle_data(self, data: str) -> None:
            if self.textarea:
                found[self.textarea] += data

    Reader().feed(html)
    return found


def test_acting_for_several_organisations_the_form_asks_which(web: TestClient, mail_settings: Settings) -> None:
    leader = signed_in(web, mail_settings, "project_leader")
    made = post_form(web, "/organisations/nouvelle", {"name": "Collectif des Glacis", "kind": "initiative_group",
                                                      "role": "project_leader"})
    assert made.status_code == 303
    second = next(m["organisation"]["id"] for m in web.get("/api/me").json()["organisations"]
                  if m["organisation"]["id"] != leader.organisation_id)
    form = web.get("/initiatives/nouvelle").text
    assert "Pour l&#39;organisation" in form and "Collectif des Glacis" in form
    fields = {"title": "Jardin des Glacis", "description": "Un jardin partagé au pied des immeubles du quartier.",
              "commune": "90010", "maturity": "idea", "economic_purpose": "non_profit", "org_form": "association",
              "stance": "alternative", "needs": ["premises"], "contact.name": "Camille",
              "contact.email": "camille@example.org"}
    unnamed = post_form(web, "/initiatives/nouvelle", fields)
    assert unnamed.status_code == 400 and 'id="organisation_id-erreur"' in unnamed.text
    company = post_form(web, "/initiatives/nouvelle", {**fields, "organisation_id": str(second),
                                                       "org_form": "commercial_company", "tax_receipt_eligible": "oui"})
    assert company.status_code == 400 and 'id="tax_receipt_eligible-erreur"' in company.text  # the service's rule
    created = post_form(web, "/initiatives/nouvelle", {**fields, "organisation_id": str(second)})
    assert created.status_code == 303, created.text
    listing_id = created.headers["location"].split("/")[2].split("?")[0]
    assert web.get(f"/api/initiatives/{listing_id}").json()["organisation"]["id"] == second
