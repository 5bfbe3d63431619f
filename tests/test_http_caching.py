"""HTTP caching of anonymous listing reads: an ETag on browse and on one listing, a 304 without body
when If-None-Match names it, a fresh 200 as soon as the listing (or the page) changed; the body is the
same bytes a signed-in read gets; signed-in reads carry no validator."""

from __future__ import annotations

from litestar.testing import TestClient

from tests.factories import initiative
from tests.people import anonymously


def create(client: TestClient, **overrides: object) -> int:
    response = client.post("/api/initiatives", json=initiative(**overrides))
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_one_listing_answers_304_until_it_changes(client: TestClient) -> None:
    listing = create(client)
    url = f"/api/initiatives/{listing}"
    signed_in = client.get(url)
    with anonymously(client):
        first = client.get(url)
        assert first.status_code == 200
        etag = first.headers["etag"]
        assert first.content == signed_in.content  # the same bytes as the standard answer
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert client.patch(url, json={"team_size": 13}).status_code == 200
    with anonymously(client):
        changed = client.get(url, headers={"If-None-Match": etag})
        assert changed.status_code == 200 and changed.json()["team_size"] == 13
        assert changed.headers["etag"] != etag


def test_browse_answers_304_until_the_page_changes(client: TestClient) -> None:
    create(client)
    url = "/api/initiatives?maturity=launch&territory=90"
    signed_in = client.get(url)
    with anonymously(client):
        first = client.get(url)
        etag = first.headers["etag"]
        assert first.content == signed_in.content and first.json()["total"] == 1
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b""
        assert again.headers["territory-read-as"] == first.headers["territory-read-as"]
    create(client, title="Recyclerie du Territoire de Belfort")
    with anonymously(client):
        changed = client.get(url, headers={"If-None-Match": etag})
        assert changed.status_code == 200 and changed.json()["total"] == 2


def test_if_none_match_lists_weak_and_any(client: TestClient) -> None:
    url = f"/api/initiatives/{create(client)}"
    with anonymously(client):
        etag = client.get(url).headers["etag"]
        assert client.get(url, headers={"If-None-Match": f'"other", W/{etag}'}).status_code == 304
        assert client.get(url, headers={"If-None-Match": "*"}).status_code == 304
        assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_signed_in_reads_carry_no_validator(client: TestClient) -> None:
    url = f"/api/initiatives/{create(client)}"
    with anonymously(client):
        etag = client.get(url).headers["etag"]
    answer = client.get(url, headers={"If-None-Match": etag})
    assert answer.status_code == 200 and "etag" not in answer.headers
    assert "etag" not in client.get("/api/initiatives").headers


def test_an_unknown_listing_is_still_a_404(client: TestClient) -> None:
    with anonymously(client):
        answer = client.get("/api/initiatives/999999", headers={"If-None-Match": "*"})
    assert answer.status_code == 404 and "etag" not in answer.headers
