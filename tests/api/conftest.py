"""Helpers for API tests: a signed-in browser client, a bearer-token client."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from sanxing.api.services import token_issue


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # build_world hashes nine passwords; the tests need none of PBKDF2's slowness.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Failed-attempt counters live in the cache; each story starts with none.
    cache.clear()
    yield
    cache.clear()


class ApiClient:
    """A django.test.Client that speaks JSON to /api/v1/."""

    def __init__(self, client: Client | None = None, headers: dict[str, str] | None = None):
        self.client = client or Client()
        self.headers = headers or {}

    def _call(self, method: str, path: str, data: Any = None, **extra: Any):
        url = path if path.startswith("/") else f"/api/v1/{path}"
        kwargs: dict[str, Any] = {"headers": {**self.headers, **extra.pop("headers", {})}}
        if data is not None:
            kwargs["data"] = json.dumps(data, default=str)
            kwargs["content_type"] = "application/json"
        return getattr(self.client, method)(url, **kwargs, **extra)

    def get(self, path: str, data: dict | None = None, **extra: Any):
        url = path if path.startswith("/") else f"/api/v1/{path}"
        return self.client.get(url, data=data, headers={**self.headers, **extra.pop("headers", {})})

    def post(self, path: str, data: Any = None, **extra: Any):
        return self._call("post", path, data, **extra)

    def patch(self, path: str, data: Any = None, **extra: Any):
        return self._call("patch", path, data, **extra)

    def delete(self, path: str, **extra: Any):
        return self._call("delete", path, **extra)

    def put(self, path: str, data: Any = None, **extra: Any):
        return self._call("put", path, data, **extra)


def session_client(user) -> ApiClient:
    client = Client()
    client.force_login(user)
    return ApiClient(client)


def bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


def token_client(user) -> ApiClient:
    _, raw = token_issue(user=user, name="tests")
    return ApiClient(Client(), bearer(raw))


@pytest.fixture
def as_user():
    """``as_user(world.clerk)`` → a JSON client signed in with the session."""
    return session_client


@pytest.fixture
def anonymous() -> ApiClient:
    return ApiClient()
