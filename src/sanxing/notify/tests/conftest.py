from __future__ import annotations

import pytest

from sanxing.notify.testing import smtp_server  # noqa: F401  (fixture)


@pytest.fixture
def immediate_tasks(settings):
    """Run enqueued tasks at once, in the test (the database backend needs a worker)."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    }


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """build_world() creates nine accounts; PBKDF2 makes that seconds per test on a busy box."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
