"""Bearer tokens: issued for a username and password, used, listed, revoked, expired."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.test import Client
from django.utils import timezone

from sanxing.api.models import ApiToken
from sanxing.api.selectors import hash_token
from sanxing.people.testing import PASSWORD

from .conftest import ApiClient, bearer, session_client


def issue(username: str, password: str = PASSWORD, **extra):
    return ApiClient().post("auth/token", {"username": username, "password": password, **extra})


def test_a_clerk_gets_a_token_and_uses_it(world):
    response = issue("clerk", name="mobile app")
    assert response.status_code == 201
    body = response.json()
    raw = body["token"]
    assert raw.startswith("sx_")
    assert body["expires_at"] is None
    token = ApiToken.objects.get(pk=body["id"])
    # only the hash is kept; the prefix lets the clerk tell tokens apart
    assert token.key_hash == hash_token(raw)
    assert raw not in (token.key_hash, token.prefix)
    assert raw.startswith(token.prefix)
    assert token.name == "mobile app"

    me = ApiClient(headers=bearer(raw)).get("me")
    assert me.status_code == 200
    assert me.json()["username"] == "clerk"
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_last_used_is_stamped_at_most_once_a_minute(world):
    raw = issue("clerk").json()["token"]
    client = ApiClient(headers=bearer(raw))
    with time_machine.travel(dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC), tick=False):
        client.get("me")
        first = ApiToken.objects.get().last_used_at
    with time_machine.travel(dt.datetime(2026, 11, 28, 9, 0, 30, tzinfo=dt.UTC), tick=False):
        client.get("me")
        assert ApiToken.objects.get().last_used_at == first
    with time_machine.travel(dt.datetime(2026, 11, 28, 9, 2, tzinfo=dt.UTC), tick=False):
        client.get("me")
        assert ApiToken.objects.get().last_used_at > first


def test_a_wrong_password_is_401_in_the_standard_shape(world):
    response = issue("clerk", "not-the-password")
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "bad_credentials"
    assert body["message"]
    assert body["field"] is None
    assert "token" not in body
    assert ApiToken.objects.count() == 0


def test_an_unknown_user_is_refused_like_a_wrong_password(world):
    response = issue("nobody", "whatever")
    assert response.status_code == 401
    assert response.json()["code"] == "bad_credentials"


def test_an_inactive_user_gets_no_token_and_their_tokens_stop_working(world):
    raw = issue("handler").json()["token"]
    world.handler.is_active = False
    world.handler.save(update_fields=["is_active"])
    assert issue("handler").status_code == 401
    assert ApiClient(headers=bearer(raw)).get("me").status_code == 401


def test_failed_attempts_are_rate_limited_per_username_and_address(world):
    for _ in range(10):
        assert issue("clerk", "guess").status_code == 401
    blocked = issue("clerk", "guess")
    assert blocked.status_code == 429
    assert blocked.json()["code"] == "too_many_requests"
    assert int(blocked["Retry-After"]) > 0
    # even the right password waits for the window to pass
    assert issue("clerk").status_code == 429
    # another username from the same address is not blocked
    assert issue("handler").status_code == 201
    # and the window ends after 15 minutes
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16)):
        assert issue("clerk").status_code == 201


def test_the_rate_limit_counts_per_address(world):
    for _ in range(10):
        ApiClient(Client(REMOTE_ADDR="10.0.0.1")).post(
            "auth/token", {"username": "clerk", "password": "guess"}
        )
    elsewhere = ApiClient(Client(REMOTE_ADDR="10.0.0.2")).post(
        "auth/token", {"username": "clerk", "password": PASSWORD}
    )
    assert elsewhere.status_code == 201


def test_tokens_are_listed_without_secrets(world):
    raw = issue("clerk", name="script").json()["token"]
    issue("handler", name="theirs")
    response = ApiClient(headers=bearer(raw)).get("auth/tokens")
    assert response.status_code == 200
    rows = response.json()
    assert [row["name"] for row in rows] == ["script"]
    assert "token" not in rows[0] and "key_hash" not in rows[0]
    assert raw not in response.content.decode()


def test_a_revoked_token_is_401(world):
    body = issue("clerk").json()
    client = ApiClient(headers=bearer(body["token"]))
    assert client.delete(f"auth/tokens/{body['id']}").status_code == 204
    assert ApiToken.objects.get(pk=body["id"]).revoked_at is not None
    response = client.get("me")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_nobody_revokes_another_users_token(world):
    theirs = issue("clerk").json()
    mine = issue("outsider").json()
    response = ApiClient(headers=bearer(mine["token"])).delete(f"auth/tokens/{theirs['id']}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert ApiToken.objects.get(pk=theirs["id"]).revoked_at is None


def test_an_expired_token_is_401(world):
    expires = timezone.now() + dt.timedelta(days=1)
    body = issue("clerk", expires_at=expires.isoformat()).json()
    client = ApiClient(headers=bearer(body["token"]))
    assert client.get("me").status_code == 200
    with time_machine.travel(expires + dt.timedelta(seconds=1)):
        assert client.get("me").status_code == 401


def test_an_expiry_in_the_past_is_refused(world):
    response = issue("clerk", expires_at=(timezone.now() - dt.timedelta(days=1)).isoformat())
    assert response.status_code == 400
    assert response.json()["field"] == "expires_at"


def test_a_made_up_token_is_401(world):
    assert ApiClient(headers=bearer("sx_made-up")).get("me").status_code == 401
    assert ApiClient(headers=bearer("garbage")).get("me").status_code == 401


def test_the_browser_session_manages_tokens_too(world):
    issue("clerk", name="a")
    response = session_client(world.clerk).get("auth/tokens")
    assert response.status_code == 200
    assert len(response.json()) == 1


def test_an_administrator_revokes_tokens_in_the_admin(world):
    body = issue("clerk").json()
    client = Client()
    client.force_login(world.admin)
    response = client.post(
        "/admin/api/apitoken/",
        {"action": "revoke", "_selected_action": [body["id"]]},
        follow=True,
    )
    assert response.status_code == 200
    assert ApiToken.objects.get(pk=body["id"]).revoked_at is not None
    # the admin never shows the hash
    page = client.get(f"/admin/api/apitoken/{body['id']}/change/").content.decode()
    assert ApiToken.objects.get(pk=body["id"]).key_hash not in page
