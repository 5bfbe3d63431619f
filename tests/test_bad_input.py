"""Bad input over HTTP: every refusal is a 4xx problem document naming the offending field,
never a 500, and a refused write leaves the stored listings exactly as they were."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from litestar.testing import TestClient

from tests.factories import BODIES, RESOURCES
from tests.helpers import assert_problem

LOCATED = ("initiatives", "takeover-opportunities", "volunteer-offers")
# The title-like field of each kind (support providers have a name).
TITLE_FIELD = {"initiatives": "title", "support-providers": "name",
               "takeover-opportunities": "title", "volunteer-offers": "title"}
# An integer field of each kind, to send as a string.
INTEGER_FIELD = {"initiatives": "team_size", "support-providers": "capacity",
                 "takeover-opportunities": "radius_km", "volunteer-offers": "hours"}


@pytest.fixture(autouse=True)
def no_server_error(client: TestClient) -> Iterator[None]:
    """Every response of every test in this file is checked: no 5xx, whatever the input."""
    statuses: list[tuple[str, str, int]] = []

    def record(response: httpx.Response) -> None:
        statuses.append((response.request.method, str(response.request.url), response.status_code))

    client.event_hooks["response"] = [*client.event_hooks["response"], record]
    yield
    assert statuses, "the hook saw no response"
    assert [s for s in statuses if s[2] >= 500] == []


def create(client: TestClient, resource: str, **overrides: Any) -> dict[str, Any]:
    response = client.post(f"/api/{resource}", json=BODIES[resource](**overrides))
    assert response.status_code == 201, response.text
    return response.json()


def total(client: TestClient, resource: str) -> int:
    response = client.get(f"/api/{resource}")
    assert response.status_code == 200, response.text
    return response.json()["total"]


def assert_post_refused(client: TestClient, resource: str, status: int, field: str, *,
                        with_extra: bool = True, **kwargs: Any) -> dict[str, Any]:
    """POST something bad next to one stored listing; the count of listings must not move."""
    create(client, resource)
    body = assert_problem(client.post(f"/api/{resource}", **kwargs), status, field, with_extra=with_extra)
    assert total(client, resource) == 1
    return body


def assert_patch_refused(client: TestClient, resource: str, patch: Any, status: int, field: str, *,
                         with_extra: bool = True) -> dict[str, Any]:
    """PATCH something bad on a stored listing; reading it again gives the very same JSON."""
    item = create(client, resource)
    kwargs = {"content": patch} if isinstance(patch, bytes) else {"json": patch}
    if isinstance(patch, bytes):
        kwargs["headers"] = {"content-type": "application/json"}
    response = client.patch(f"/api/{resource}/{item['id']}", **kwargs)
    body = assert_problem(response, status, field, with_extra=with_extra)
    assert client.get(f"/api/{resource}/{item['id']}").json() == item
    return body


# --- codes ----------------------------------------------------------------------------------


@pytest.mark.parametrize("resource", RESOURCES)
def test_unknown_code_in_a_body_list(client: TestClient, resource: str) -> None:
    assert_post_refused(client, resource, 400, "themes[0]", json=BODIES[resource](themes=["xx"]))
    assert_patch_refused(client, resource, {"themes": ["energy", "xx"]}, 400, "themes[1]")


@pytest.mark.parametrize("resource", RESOURCES)
def test_unknown_code_in_a_query_filter(client: TestClient, resource: str) -> None:
    body = assert_problem(client.get(f"/api/{resource}", params={"theme": "nope"}), 400, "theme")
    assert body["extra"][0]["source"] == "query"


def test_filter_that_does_not_apply_to_the_kind(client: TestClient) -> None:
    assert_problem(client.get("/api/volunteer-offers", params={"stance": "advocacy"}), 400, "stance")


def test_filter_that_does_not_apply_to_the_kind_is_a_query_error(client: TestClient) -> None:
    body = assert_problem(client.get("/api/volunteer-offers", params={"stance": "advocacy"}), 400, "stance")
    assert body["extra"][0]["source"] == "query"


# --- types and limits -----------------------------------------------------------------------


@pytest.mark.parametrize("resource", RESOURCES)
def test_wrong_type_is_not_coerced(client: TestClient, resource: str) -> None:
    name = INTEGER_FIELD[resource]
    assert_post_refused(client, resource, 400, name, json=BODIES[resource](**{name: "12"}))
    assert_patch_refused(client, resource, {name: "12"}, 400, name)


@pytest.mark.parametrize("resource", RESOURCES)
def test_too_long_title(client: TestClient, resource: str) -> None:
    name = TITLE_FIELD[resource]
    assert_post_refused(client, resource, 400, name, json=BODIES[resource](**{name: "x" * 300}))
    assert_patch_refused(client, resource, {name: "x" * 300}, 400, name)


@pytest.mark.parametrize("resource", RESOURCES)
def test_page_size_over_the_limit(client: TestClient, resource: str) -> None:
    assert_problem(client.get(f"/api/{resource}", params={"page_size": 101}), 400, "page_size")


# --- references -----------------------------------------------------------------------------


@pytest.mark.parametrize("resource", LOCATED)
def test_unknown_commune(client: TestClient, resource: str) -> None:
    assert_post_refused(client, resource, 400, "commune", json=BODIES[resource](commune="99999"))
    patch = {"title": "Un titre tout neuf", "commune": "99999"}
    assert_patch_refused(client, resource, patch, 400, "commune")


def test_unknown_commune_in_a_provider_area(client: TestClient) -> None:
    area = {"communes": ["90010", "99999"]}
    assert_post_refused(client, "support-providers", 400, "area.communes[1]",
                        json=BODIES["support-providers"](area=area))


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("territory", ["99999", "foo:1"])
def test_unknown_territory_filter(client: TestClient, resource: str, territory: str) -> None:
    body = assert_problem(client.get(f"/api/{resource}", params={"territory": territory}), 400, "territory")
    assert body["extra"][0]["source"] == "query"


def test_invalid_siren_checksum(client: TestClient) -> None:
    assert_post_refused(client, "initiatives", 400, "siren", json=BODIES["initiatives"](siren="123456788"))
    # The title is applied before the SIREN is checked: the whole change must be rolled back.
    patch = {"title": "Un titre tout neuf", "siren": "123456788"}
    assert_patch_refused(client, "initiatives", patch, 400, "siren")


def test_empty_area_for_a_support_provider(client: TestClient) -> None:
    assert_post_refused(client, "support-providers", 400, "area", json=BODIES["support-providers"](area={}))
    # The name is applied before the area is checked: the whole change must be rolled back.
    assert_patch_refused(client, "support-providers", {"name": "Un nom tout neuf", "area": {}}, 400, "area")


# --- body shape -----------------------------------------------------------------------------


MALFORMED = b'{"title": '
NOT_UTF8 = b'{"title": "\xff"}'
JSON = {"content-type": "application/json"}


@pytest.mark.parametrize("resource", RESOURCES)
def test_malformed_json_body(client: TestClient, resource: str) -> None:
    assert_post_refused(client, resource, 400, "body", content=MALFORMED, headers=JSON, with_extra=False)
    assert_patch_refused(client, resource, MALFORMED, 400, "body", with_extra=False)


@pytest.mark.parametrize("resource", RESOURCES)
def test_malformed_json_body_lists_the_error_in_extra(client: TestClient, resource: str) -> None:
    assert_problem(client.post(f"/api/{resource}", content=MALFORMED, headers=JSON), 400, "body")


@pytest.mark.parametrize("resource", RESOURCES)
def test_non_utf8_body(client: TestClient, resource: str) -> None:
    assert_post_refused(client, resource, 400, "body", content=NOT_UTF8, headers=JSON)
    assert_patch_refused(client, resource, NOT_UTF8, 400, "body")


@pytest.mark.parametrize("resource", RESOURCES)
def test_unknown_field(client: TestClient, resource: str) -> None:
    assert_post_refused(client, resource, 400, "colour", json=BODIES[resource](colour="red"))
    assert_patch_refused(client, resource, {TITLE_FIELD[resource]: "Un titre tout neuf", "colour": "red"},
                         400, "colour")


@pytest.mark.parametrize("resource", RESOURCES)
def test_unknown_nested_field_is_named_with_its_parent(client: TestClient, resource: str) -> None:
    contact = {"name": "Camille Test", "email": "camille@example.org", "colour": "red"}
    assert_post_refused(client, resource, 400, "contact.colour", json=BODIES[resource](contact=contact))
    assert_patch_refused(client, resource, {"contact": contact}, 400, "contact.colour")


@pytest.mark.parametrize("resource", RESOURCES)
def test_patch_null_on_a_required_field(client: TestClient, resource: str) -> None:
    assert_patch_refused(client, resource, {TITLE_FIELD[resource]: None}, 400, TITLE_FIELD[resource])


# --- path ids -------------------------------------------------------------------------------


@pytest.mark.parametrize("resource", RESOURCES)
def test_non_integer_path_id(client: TestClient, resource: str) -> None:
    item = create(client, resource)
    for response in (
        client.get(f"/api/{resource}/abc"),
        client.patch(f"/api/{resource}/abc", json={"themes": []}),
        client.delete(f"/api/{resource}/abc"),
        client.get(f"/api/{resource}/-1"),
        client.get(f"/api/{resource}/1.5"),
    ):
        body = assert_problem(response, 400, "id")
        assert body["extra"][0]["source"] == "path"
    assert client.get(f"/api/{resource}/{item['id']}").json() == item


@pytest.mark.parametrize("resource", RESOURCES)
def test_huge_id_is_not_found(client: TestClient, resource: str) -> None:
    item = create(client, resource)
    huge = "9" * 30
    for response in (
        client.get(f"/api/{resource}/{huge}"),
        client.get(f"/api/{resource}/{2**31}"),
        client.patch(f"/api/{resource}/{huge}", json={"themes": []}),
        client.delete(f"/api/{resource}/{2**63}"),
    ):
        assert_problem(response, 404, None)
    assert client.get(f"/api/{resource}/{item['id']}").json() == item
    assert total(client, resource) == 1


@pytest.mark.parametrize(("resource", "parameter"), [("initiatives", "themes"), ("initiatives", "needs"),
                                                     ("volunteer-offers", "commune")])
def test_an_unknown_query_parameter_is_refused_naming_it(client: TestClient, resource: str, parameter: str) -> None:
    response = client.get(f"/api/{resource}", params={parameter: "food"})
    assert_problem(response, 400, parameter)
    assert_problem(client.get(f"/api/{resource}/export", params={parameter: "food"}), 400, parameter)
