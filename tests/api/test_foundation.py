"""The API's common ground: the session with CSRF, the error shape, languages, /me, OpenAPI."""

from __future__ import annotations

from unittest import mock

from django.test import Client

from sanxing.people.models import Person

from .conftest import ApiClient, session_client, token_client

# --- session and CSRF ------------------------------------------------------------------------


def _browser(user) -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/api/v1/me")  # any page sets the csrftoken cookie in the real app
    from django.middleware.csrf import _get_new_csrf_string

    token = _get_new_csrf_string()
    client.cookies["csrftoken"] = token
    return client, token


def test_the_browser_session_reads_without_csrf(world):
    client, _ = _browser(world.clerk)
    response = client.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["username"] == "clerk"


def test_an_unsafe_request_from_the_session_needs_the_csrf_token(world):
    client, token = _browser(world.clerk)
    api = ApiClient(client)
    refused = api.post("people/persons", {"name": "新人"})
    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf_failed"
    assert not Person.objects.filter(name="新人").exists()
    accepted = api.post("people/persons", {"name": "新人"}, headers={"X-CSRFToken": token})
    assert accepted.status_code == 201


def test_a_bearer_token_needs_no_csrf(world):
    response = token_client(world.clerk).post("people/persons", {"name": "新人"})
    assert response.status_code == 201


def test_an_anonymous_post_is_401_not_a_csrf_error(world):
    response = ApiClient(Client(enforce_csrf_checks=True)).post("people/persons", {"name": "x"})
    assert response.status_code == 401


# --- the error shape -------------------------------------------------------------------------


def _shape(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    assert "field" in body
    assert "Traceback" not in response.content.decode()
    return body


def test_every_error_has_the_same_shape(world):
    clerk = session_client(world.clerk)
    deputy_id = world.deputy.person_id
    _shape(ApiClient().get("me"), 401, "not_authenticated")
    _shape(session_client(world.deputy).post("people/persons", {"name": "x"}), 403, "forbidden")
    _shape(clerk.get("people/persons/999999"), 404, "not_found")
    _shape(clerk.get("no/such/endpoint"), 404, "not_found")
    _shape(clerk.put(f"people/persons/{deputy_id}", {}), 405, "method_not_allowed")
    body = _shape(clerk.post("people/persons", {"gender": "Q"}), 422, "invalid_input")
    assert {e["field"] for e in body["errors"]} == {"name", "gender"}
    clerk.patch(f"people/persons/{deputy_id}", {"version": 1, "party": "甲"})
    _shape(clerk.patch(f"people/persons/{deputy_id}", {"version": 1}), 409, "stale")


def test_a_business_error_is_400_with_its_field(world):
    from datetime import timedelta

    from django.utils import timezone

    from sanxing.people.testing import PASSWORD

    past = (timezone.now() - timedelta(days=1)).isoformat()
    response = ApiClient().post(
        "auth/token", {"username": "clerk", "password": PASSWORD, "expires_at": past}
    )
    body = _shape(response, 400, "invalid")
    assert body["field"] == "expires_at"


def test_too_many_attempts_is_429(world):
    for _ in range(11):
        response = ApiClient().post("auth/token", {"username": "clerk", "password": "no"})
    _shape(response, 429, "too_many_requests")


def test_an_unexpected_failure_is_500_without_a_traceback(world, caplog):
    with mock.patch("sanxing.api.routes.viewer_for", side_effect=RuntimeError("secret detail")):
        response = session_client(world.clerk).get("me")
    body = _shape(response, 500, "server_error")
    assert "secret detail" not in response.content.decode()
    assert body["field"] is None
    assert "secret detail" in caplog.text  # the operators still see it


# --- languages -------------------------------------------------------------------------------


def test_messages_follow_accept_language(world):
    english = ApiClient(headers={"Accept-Language": "en"}).get("me").json()["message"]
    simplified = ApiClient(headers={"Accept-Language": "zh-hans"}).get("me").json()["message"]
    traditional = ApiClient(headers={"Accept-Language": "zh-hant"}).get("me").json()["message"]
    assert english.startswith("Sign in")
    assert simplified != english and traditional != english and simplified != traditional


def test_messages_follow_the_users_stored_language(world):
    world.clerk.language = "en"
    world.clerk.save(update_fields=["language"])
    client = token_client(world.clerk)
    body = client.get("people/persons/999999", headers={"Accept-Language": "zh-hans"}).json()
    assert body["message"] == "Not found."
    session = session_client(world.clerk)
    body = session.get("people/persons/999999", headers={"Accept-Language": "zh-hans"}).json()
    assert body["message"] == "Not found."


# --- me --------------------------------------------------------------------------------------


def test_me_tells_a_handler_what_they_may_do(world):
    body = token_client(world.handler).get("me").json()
    assert body["person"]["name"] == "劉經辦"
    assert body["congress"]["code"] == "shifan"
    assert [r["kind"] for r in body["roles"]] == ["handler"]
    assert body["roles"][0]["organisation_id"] == world.unit.pk
    caps = body["capabilities"]
    assert caps["is_handler"] is True
    assert caps["unit_ids"] == [world.unit.pk]
    assert caps["is_office"] is False
    assert caps["can_manage_people"] is False


def test_me_tells_a_clerk_they_work_in_the_office(world):
    caps = session_client(world.clerk).get("me").json()["capabilities"]
    assert caps["is_office"] is True
    assert caps["office_body_ids"] == [world.general_office.pk]
    assert caps["can_manage_people"] is True


def test_me_for_the_outsider_has_no_roles(world):
    body = session_client(world.outsider).get("me").json()
    assert body["roles"] == []
    assert not any(v for k, v in body["capabilities"].items() if k.startswith(("is_", "can_")))


# --- OpenAPI ---------------------------------------------------------------------------------


def test_the_openapi_document_lists_paths_errors_and_the_bearer_scheme(world):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["openapi"].startswith("3.")
    paths = doc["paths"]
    for path in (
        "/api/v1/auth/token",
        "/api/v1/auth/tokens",
        "/api/v1/auth/tokens/{token_id}",
        "/api/v1/me",
        "/api/v1/people/persons",
        "/api/v1/people/persons/{person_id}",
        "/api/v1/people/organisations",
        "/api/v1/people/congresses",
        "/api/v1/people/terms",
    ):
        assert path in paths, path
    schemes = doc["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"} in schemes.values()
    patch = paths["/api/v1/people/persons/{person_id}"]["patch"]["responses"]
    assert {"200", "404", "409", "422"} <= set(patch)
    assert patch["409"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")
    assert paths["/api/v1/auth/token"]["post"].get("security") in (None, [])
    listed = paths["/api/v1/people/persons"]["get"]
    assert {p["name"] for p in listed["parameters"]} >= {"page", "page_size", "q", "role"}


def test_the_docs_page_loads_without_any_cdn(world):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html.lower()
    assert "/api/v1/docs/assets/swagger-ui-bundle.js" in html
    asset = Client().get("/api/v1/docs/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200
    assert Client().get("/api/v1/docs/assets/..%2Fsettings.py").status_code == 404
