import pytest

from sanxing.workcal.testing import official_calendar_fixture


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # build_world() creates nine users; the default PBKDF2 hasher makes that take seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def official_calendar(request):
    """The seeded 2004–2026 schedules, put back if a transactional test flushed them."""
    official_calendar_fixture(request)
