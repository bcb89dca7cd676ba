"""Fixtures shared by every app's tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from sanxing.notify.testing import smtp_server  # noqa: F401  (a real SMTP server on loopback)
from sanxing.people.testing import World, build_world
from sanxing.workcal.testing import official_calendar_fixture

_FAST_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 at production strength costs seconds per world; tests need no such strength.
    settings.PASSWORD_HASHERS = [_FAST_HASHER]
    # Each test its own in-memory cache (production shares one in the database).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # gatherings.selectors.compiled_rows recompiles and compares: a key missing an input fails.
    settings.SANXING_CHECK_COMPILED_SQL = True


@pytest.fixture(autouse=True)
def official_calendar(request):
    # Transactional tests flush every table, the seeded holiday schedules included.
    official_calendar_fixture(request)


@pytest.fixture
def world(db) -> World:
    return build_world()


# --- the demo congress, built once for the tests that only read it ------------------------------
#
# Building the whole demo (people, ≈5,000 casework items, meetings, deputies) takes a minute on
# SQLite and longer on PostgreSQL, so the tests that only read it share one build: the `demo`
# fixture builds it inside a transaction held open while those tests run, each test in its own
# savepoint that is rolled back as usual, and the whole build is rolled back once the last of
# them is done — no other test ever sees it. The tests that use `demo` are run first and
# together (pytest_collection_modifyitems below), so it is built once per database per run; if
# they were ever split up, the next one would simply build it again.
#
# A test that uses `demo` must not carry `@pytest.mark.django_db` (or ask for `db` itself): the
# fixture opens the test's own transaction inside the shared one.

DEMO_TODAY = dt.date(2026, 11, 28)


class SharedDemo:
    def __init__(self) -> None:
        self.atomic: Any = None
        self.ctx: Any = None
        self.blocker: Any = None

    def open(self, blocker: Any) -> Any:
        if self.ctx is not None:
            return self.ctx
        import time_machine
        from django.contrib.contenttypes.models import ContentType
        from django.db import connection, transaction
        from django.test import override_settings

        from sanxing.demo.registry import build_demo
        from sanxing.workcal.testing import ensure_official_calendar

        self.blocker = blocker
        with blocker.unblock():
            ContentType.objects.clear_cache()  # a transactional test's flush makes new ids
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            try:
                ensure_official_calendar()
                beijing = dt.timezone(dt.timedelta(hours=8))
                with (
                    time_machine.travel(dt.datetime(2026, 11, 28, 10, tzinfo=beijing), tick=False),
                    override_settings(PASSWORD_HASHERS=[_FAST_HASHER]),
                ):
                    self.ctx = build_demo(today=DEMO_TODAY, log=lambda _line: None)
                # Check the deferred constraints once, here: otherwise every test's teardown
                # checks the whole build again (on PostgreSQL a rolled-back savepoint puts
                # them back in the queue), 1.4 s a test.
                connection.check_constraints()
            except BaseException:
                self.close()
                raise
        return self.ctx

    def close(self) -> None:
        if self.atomic is None:
            return
        from django.contrib.contenttypes.models import ContentType
        from django.db import transaction

        with self.blocker.unblock():
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)
        self.atomic = self.ctx = None
        ContentType.objects.clear_cache()


_shared_demo = SharedDemo()


@pytest.fixture(scope="session")
def _shared_demo_session(django_db_setup, django_db_blocker) -> Iterator[SharedDemo]:
    # Session-scoped so that it is torn down (the build rolled back) before the test database.
    yield _shared_demo
    _shared_demo.close()


@pytest.fixture
def demo(request, _shared_demo_session, django_db_blocker):
    """The demo congress's DemoContext (today 2026-11-28); read it, don't keep what you write."""
    if request.node.get_closest_marker("django_db") is not None:
        pytest.fail("a test using `demo` must not be marked django_db: `demo` opens the database")
    ctx = _shared_demo_session.open(django_db_blocker)
    request.getfixturevalue("db")  # this test's savepoint, inside the shared build
    return ctx


def _uses_demo(item: pytest.Item) -> bool:
    return "demo" in getattr(item, "fixturenames", ())


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # After pytest-django's own ordering: the tests of the shared demo first, together.
    items[:] = [i for i in items if _uses_demo(i)] + [i for i in items if not _uses_demo(i)]
    for item in items:
        # pytest-django creates the test database only if some selected test names `db` (or a
        # django_db mark): list it last for the tests of the shared demo, which may be all that
        # is selected. `demo` asks for `db` itself once the shared build is open, so its
        # savepoint still nests inside the build.
        names = getattr(item, "fixturenames", None)
        if _uses_demo(item) and names is not None and "db" not in names:
            names.append("db")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    # Once the test's own fixtures are gone: roll the shared demo back before any other test.
    result = yield
    if nextitem is None or not _uses_demo(nextitem):
        _shared_demo.close()
    return result
