"""For tests: a committee meeting ahead, with twelve deputies in three delegations (the world's 陳代表
among them), a committee member who is also a deputy, and an earlier meeting of the term
that two deputies attended."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sanxing.gatherings import services as gs
from sanxing.gatherings.kinds import COMMITTEE_MEETING
from sanxing.gatherings.models import Attendance, Gathering, RosterEntry
from sanxing.people.models import Organisation, Person, Role
from sanxing.people.testing import World

TZ = dt.timezone(dt.timedelta(hours=8))
STARTS = dt.datetime(2026, 12, 18, 9, 0, tzinfo=TZ)
EARLIER = dt.datetime(2026, 10, 23, 9, 0, tzinfo=TZ)
PARTIES = ("中共黨員", "民盟盟員", "群眾")


@dataclass
class Setup:
    world: World
    meeting: Gathering
    earlier: Gathering
    deputies: list[Person]  # every deputy who may be invited, the world's deputy first
    attended: list[Person]  # attended the earlier meeting
    member_deputy: Person
    delegations: list[Organisation]


def P(user) -> Person:
    return user.person


def plan(world: World, starts: dt.datetime, sitting: int) -> Gathering:
    return gs.gathering_plan(
        congress=world.congress,
        kind=COMMITTEE_MEETING,
        title=f"第十六屆常委會第{sitting}次會議",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=3),
        place="常委會會議室",
        sitting=sitting,
        by=world.clerk,
    )


def build_setup(world: World) -> Setup:
    K = Organisation.Kind
    west = Organisation.objects.create(
        congress=world.congress, kind=K.DELEGATION, name="西城區代表團", sort_order=2
    )
    north = Organisation.objects.create(
        congress=world.congress, kind=K.DELEGATION, name="北山區代表團", sort_order=3
    )
    delegations = [world.delegation, west, north]
    deputies = [P(world.deputy)]
    for i in range(11):
        person = Person.objects.create(
            congress=world.congress, name=f"代表{i:02d}", party=PARTIES[i % 3]
        )
        Role.objects.create(
            person=person,
            organisation=delegations[i % 3],
            kind=Role.Kind.DEPUTY,
            term=world.term,
            starts_on=dt.date(2022, 1, 10),
        )
        deputies.append(person)
    Role.objects.create(
        person=P(world.member),
        organisation=world.delegation,
        kind=Role.Kind.DEPUTY,
        term=world.term,
        starts_on=dt.date(2022, 1, 10),
    )
    earlier = plan(world, EARLIER, 1)
    meeting = plan(world, STARTS, 2)
    attended = deputies[1:3]
    for person in attended:
        gs.roster_add(
            gathering=earlier,
            person=person,
            capacity=RosterEntry.Capacity.INVITED_DEPUTY,
            by=world.clerk,
        )
        gs.check_in(
            gathering=earlier,
            person=person,
            status=Attendance.Status.PRESENT,
            by=world.clerk,
            at=EARLIER,
        )
    return Setup(
        world=world,
        meeting=meeting,
        earlier=earlier,
        deputies=deputies,
        attended=attended,
        member_deputy=P(world.member),
        delegations=delegations,
    )
