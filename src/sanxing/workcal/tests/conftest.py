import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # build_world() creates nine users; the default PBKDF2 hasher makes that take seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def official_calendar(request):
    """The seeded 2004–2026 schedules. A transactional test (here or in another app) flushes
    the tables the data migration filled, so put them back when they are missing."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    transactional = marker.kwargs.get("transaction", False)
    request.getfixturevalue("transactional_db" if transactional else "db")
    from sanxing.workcal.calendar import invalidate
    from sanxing.workcal.models import CalendarDay, CalendarYear
    from sanxing.workcal.seed import seed_years

    seed_years(day_model=CalendarDay, year_model=CalendarYear)
    invalidate()
