from __future__ import annotations

import pytest

from sanxing.notify.testing import smtp_server  # noqa: F401  (fixture)


@pytest.fixture
def immediate_tasks(settings):
    """Run enqueued tasks at once, in the test (the database backend needs a worker)."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    }
