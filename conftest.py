"""Fixtures shared by every app's tests."""

from __future__ import annotations

import pytest

from sanxing.notify.testing import smtp_server  # noqa: F401  (a real SMTP server on loopback)
from sanxing.people.testing import World, build_world
from sanxing.workcal.testing import official_calendar_fixture


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 at production strength costs seconds per world; tests need no such strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Each test its own in-memory cache (production shares one in the database).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture(autouse=True)
def official_calendar(request):
    # Transactional tests flush every table, the seeded holiday schedules included.
    official_calendar_fixture(request)


@pytest.fixture
def world(db) -> World:
    return build_world()
