"""The demo congress: it builds with believable numbers, every persona can log in, the
build is repeatable, `--reset` rebuilds, and the benchmark harness runs."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.test import Client

from sanxing.demo import fake
from sanxing.demo.people_demo import PERSONAS
from sanxing.demo.registry import DemoContext, build_demo, builders, register
from sanxing.people.models import Congress, Organisation, Person, Role, User

TODAY = dt.date(2026, 11, 28)
K = Organisation.Kind


@pytest.fixture(autouse=True)
def _fresh_content_types():
    # `flush` recreates content types with new ids inside the test's transaction.
    yield
    ContentType.objects.clear_cache()


def people_only(monkeypatch) -> None:
    """Let build_demo run only the people builder (the demo's first; the others need it)."""
    from sanxing.demo import registry

    every = registry.builders
    monkeypatch.setattr(registry, "builders", lambda: [b for b in every() if b.name == "people"])


def active_persons(**role_filter) -> int:
    roles = Role.objects.filter(starts_on__lte=TODAY, **role_filter).exclude(ends_on__lt=TODAY)
    return roles.values("person").distinct().count()


def test_the_demo_has_a_believable_city_congress(demo):
    ctx = demo  # the shared build (root conftest), today 2026-11-28

    congress = Congress.objects.get(code="shifan")
    assert congress.name == "示範市人民代表大會"
    assert ctx.term.name == "第十六屆"
    assert (ctx.term.starts_on, ctx.term.ends_on) == (dt.date(2022, 1, 10), dt.date(2027, 1, 9))
    committee = active_persons(
        organisation__kind=K.STANDING_COMMITTEE, kind__in=Role.COMMITTEE_KINDS
    )
    assert 35 <= committee <= 45
    assert active_persons(organisation__kind=K.STANDING_COMMITTEE, kind=Role.Kind.DIRECTOR) == 1
    assert (
        active_persons(organisation__kind=K.STANDING_COMMITTEE, kind=Role.Kind.DEPUTY_DIRECTOR) == 6
    )
    assert 430 <= active_persons(organisation__kind=K.DELEGATION, kind=Role.Kind.DEPUTY) <= 470
    assert 55 <= active_persons(organisation__kind=K.OFFICE_BODY) <= 65
    assert 35 <= Organisation.objects.filter(kind=K.HANDLING_UNIT).count() <= 45
    assert Organisation.objects.filter(kind=K.SPECIAL_COMMITTEE).count() == 8
    assert Organisation.objects.get(code="learning").name == "機關學習領導小組辦公室"
    assert Organisation.objects.filter(name="解放軍代表團", kind=K.DELEGATION).exists()
    education = Organisation.objects.get(name="市教育局")
    assert education.parent is not None and education.parent.name == "示範市人民政府"

    # Personal data looks real and is fictional: unique names, valid ID numbers.
    persons = list(Person.objects.values_list("name", "id_number", "mobile", "birth_date"))
    assert len({name for name, *_ in persons}) == len(persons)
    for _name, id_number, mobile, born in persons:
        assert fake.is_valid_id_number(id_number), id_number
        assert id_number[6:14] == f"{born:%Y%m%d}"
        assert len(mobile) == 11 and mobile.startswith("1")
    # Bulk-created rows still have their "created" history.
    assert Person.history.count() == len(persons)


def test_every_persona_logs_in_with_the_demo_password(demo):
    for username in PERSONAS:
        user = User.objects.get(username=username)
        assert user.congress is not None and user.congress.code == "shifan"
        assert user.person is not None
        assert Client().login(username=username, password=settings.DEMO_PASSWORD), username
    assert User.objects.get(username="admin").is_superuser
    today = {"starts_on__lte": TODAY}
    assert Role.objects.filter(
        person__user__username="clerk", organisation__name="秘書科", **today
    ).exists()
    assert Role.objects.filter(
        person__user__username="learning", organisation__code="learning"
    ).exists()
    assert Role.objects.filter(person__user__username="director", kind=Role.Kind.DIRECTOR).exists()
    assert Role.objects.filter(
        person__user__username="member", kind=Role.Kind.COMMITTEE_MEMBER
    ).exists()
    assert Role.objects.filter(
        person__user__username="deputy",
        kind=Role.Kind.DEPUTY,
        organisation__name="示範市東城區代表團",
    ).exists()
    assert Role.objects.filter(
        person__user__username="handler", kind=Role.Kind.HANDLER, organisation__name="市教育局"
    ).exists()


def test_a_test_of_the_shared_demo_writes_in_its_own_savepoint(demo):
    assert Organisation.objects.filter(code="learning").update(name="寫過") == 1


def test_so_the_next_one_does_not_see_it(demo):
    assert Organisation.objects.get(code="learning").name == "機關學習領導小組辦公室"


def test_and_no_other_test_sees_the_shared_demo(db):
    # The tests of the shared demo run first; its build is rolled back after the last one.
    assert not Congress.objects.filter(code="shifan").exists()
    assert not Person.objects.exists()


# Outside a test transaction, as in real use: PostgreSQL cannot TRUNCATE (flush) tables with
# pending deferred constraint checks from rows inserted in the same transaction.
@pytest.mark.django_db(transaction=True)
def test_the_command_builds_once_prints_the_accounts_and_reset_rebuilds_the_same(monkeypatch):
    # The people are enough for the claim (what every builder makes is checked on the shared
    # build above); the command still runs build_demo, twice.
    people_only(monkeypatch)
    out = io.StringIO()
    call_command("demo", "--no-serve", stdout=out)
    text = out.getvalue()
    for username in PERSONAS:
        assert f"\n{username} " in text
    assert settings.DEMO_PASSWORD in text
    assert "http://127.0.0.1:" in text
    names = sorted(Person.objects.values_list("name", flat=True))

    again = io.StringIO()
    call_command("demo", stdout=again)
    assert "already built" in again.getvalue()
    assert Congress.objects.count() == 1

    call_command("demo", "--reset", stdout=io.StringIO())
    assert Congress.objects.count() == 1
    # The same seed makes the same people.
    assert sorted(Person.objects.values_list("name", flat=True)) == names


def test_other_apps_register_builders_that_run_in_order(db):
    seen: list[str] = []

    def build(ctx: DemoContext) -> None:
        seen.append(ctx.accounts["clerk"].username)
        assert ctx.shared["units"]
        assert ctx.scale == 2

    register("zz-test", 999, build)
    try:
        assert next(b.name for b in builders()) == "people"
        # people (which the test builder reads) and the test builder: the order is the claim
        build_demo(today=TODAY, scale=2, log=lambda _line: None, only=["people", "zz-test"])
    finally:
        from sanxing.demo import registry

        registry._builders.pop("zz-test")
    assert seen == ["clerk"]


def test_seed_makes_years_of_people_and_refuses_a_full_database(db, monkeypatch):
    # Eleven years of people (three terms); the other builders' years are not the claim.
    people_only(monkeypatch)
    call_command("seed", "--scale", "11", stdout=io.StringIO())
    assert Congress.objects.get().term_set.count() == 3  # the 16th, 15th and 14th terms
    assert Person.objects.count() > 1000
    with pytest.raises(CommandError, match="already holds data"):
        call_command("seed", "--scale", "1", stdout=io.StringIO())


def test_the_benchmark_harness_measures_the_home_page_and_its_floor(demo):
    # The harness's own code on the shared demo; `python -m bench` adds only the dataset
    # (`sanxing seed`, tested above) and a subprocess per database.
    from django.db import connection

    from bench.cli import dataset_key, table
    from bench.run import GOALS, measure_all

    if connection.vendor == "postgresql":
        # As `sanxing seed` does: without statistics on the fresh rows PostgreSQL plans some
        # pages' queries as nested loops over every item (minutes instead of milliseconds).
        # ANALYZE samples the rows of this open transaction too.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    report = measure_all(1)
    # Every scenario's page answers and its floor runs on this database (SQLite, and
    # PostgreSQL in CI: a floor written for one must not break on the other).
    for name, row in report["scenarios"].items():
        assert row["status"] == 200, name
        assert row["floor_median_ms"] > 0, name
        # The page's statements: the shell's (same SQL text as /about/'s) and the view's own,
        # the view's replayed and fetched in full; a GET writes nothing.
        assert 0 <= row["view_queries"] <= row["queries"], name
        assert row["not_replayed"] == 0, name
        assert row["page_sql_ms"] > 0 and row["view_sql_ms"] >= 0, name
        if row["view_queries"]:
            assert row["view_sql_ms"] > 0, name
        ratio = row["view_sql_ms"] / row["floor_median_ms"]
        assert abs(row["sql_ratio"] - ratio) <= 0.01 * (1 + ratio), name
        assert row["goal"] in GOALS, name
        if row["median_ms"] >= 100 or row["sql_ratio"] > 2.0:
            assert row["goal"] != "met", name
    shell = report["shell"]
    assert shell["status"] == 200 and shell["path"] == "/about/"
    assert shell["queries"] >= 1 and shell["median_ms"] > 0 and shell["page_sql_ms"] > 0
    home = report["scenarios"]["home"]
    assert home["status"] == 200
    assert home["queries"] >= 1
    # Home shows the work list: queries of its own beside the shell's.
    assert shell["queries"] <= home["queries"]
    assert home["view_queries"] >= max(1, home["queries"] - shell["queries"])
    assert home["median_ms"] > 0 and home["floor_median_ms"] > 0
    assert home["ratio"] > 0
    printed = table([report])
    assert "home" in printed and "floor ms" in printed
    assert "shell" in printed and "view sql ms" in printed and "goal" in printed
    assert dataset_key(1) == dataset_key(1) != dataset_key(10)


def test_fictional_id_numbers_have_the_national_check_digit():
    # The example in GB 11643-1999.
    assert fake.id_check_digit("11010519491231002") == "X"
    assert fake.is_valid_id_number("11010519491231002X")
    assert not fake.is_valid_id_number("110105194912310021")
    assert not fake.is_valid_id_number("11010519491331002X")  # no 13th month
