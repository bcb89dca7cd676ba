"""A committee meeting in the test world, with three more committee members so the body has
five: the director, the member and 委員甲/乙/丙."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from sanxing.gatherings import services
from sanxing.gatherings.kinds import COMMITTEE_MEETING
from sanxing.gatherings.models import Gathering
from sanxing.people.models import Organisation, Person, Role
from sanxing.people.testing import World

TZ = dt.timezone(dt.timedelta(hours=8))
STARTS = dt.datetime(2026, 12, 18, 9, 0, tzinfo=TZ)


@dataclass
class Meeting:
    world: World
    gathering: Gathering
    extra: list[Person]
    head: Person


def add_members(world: World, names: list[str]) -> list[Person]:
    persons = []
    for name in names:
        person = Person.objects.create(congress=world.congress, name=name)
        Role.objects.create(
            person=person,
            organisation=world.committee,
            kind=Role.Kind.COMMITTEE_MEMBER,
            term=world.term,
            starts_on=dt.date(2022, 1, 10),
        )
        persons.append(person)
    return persons


def add_government_head(world: World) -> Person:
    world.government.code = "gov"
    world.government.save(update_fields=["code"])
    head = Person.objects.create(congress=world.congress, name="市長")
    Role.objects.create(
        person=head,
        organisation=world.government,
        kind=Role.Kind.HEAD,
        starts_on=dt.date(2022, 1, 10),
    )
    return head


@pytest.fixture
def meeting(world: World) -> Meeting:
    extra = add_members(world, ["委員甲", "委員乙", "委員丙"])
    head = add_government_head(world)
    gathering = services.gathering_plan(
        congress=world.congress,
        kind=COMMITTEE_MEETING,
        title="第十六屆常委會第三十次會議",
        starts_at=STARTS,
        ends_at=STARTS + dt.timedelta(hours=4),
        place="常委會會議室",
        by=world.clerk,
    )
    services.roster_build(gathering=gathering, by=world.clerk)
    return Meeting(world=world, gathering=gathering, extra=extra, head=head)


def during(meeting: Meeting, minutes: int = 5) -> dt.datetime:
    return meeting.gathering.starts_at + dt.timedelta(minutes=minutes)


__all__ = ["STARTS", "TZ", "Meeting", "Organisation", "during", "timezone"]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # build_world creates nine accounts; the real hasher makes each test take seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def P(user) -> Person:
    """The person behind a persona's account."""
    assert user.person is not None
    return user.person


def PID(user) -> int:
    return P(user).pk


@pytest.fixture
def isolated_sinks():
    """No hand-off sinks registered (casework registers its own at start-up); restored after."""
    from sanxing.gatherings import handoff

    saved = (list(handoff._sinks), list(handoff._decision_sinks))
    handoff._sinks.clear()
    handoff._decision_sinks.clear()
    yield handoff
    handoff._sinks[:] = saved[0]
    handoff._decision_sinks[:] = saved[1]


@pytest.fixture
def no_decision_sink():
    """No decision sink (whatever casework registers), the review-opinion sinks untouched."""
    from sanxing.gatherings import handoff

    saved = list(handoff._decision_sinks)
    handoff._decision_sinks.clear()
    yield handoff
    handoff._decision_sinks[:] = saved


@pytest.fixture(autouse=True)
def fresh_cache():
    """The in-memory caches of one process share their store: counters of wrong check-in
    codes from one test must not block the next one (whose meeting may have the same id)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
