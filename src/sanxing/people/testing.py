"""A small world for tests: one congress with the office, a unit, and one person per persona.

Tests read like the user's story (shared/STYLE.md §11): ``world.clerk`` is an office clerk,
``world.handler`` a unit handler, ``world.outsider`` a signed-in user with no role at all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sanxing.people.models import Congress, Organisation, Person, Role, Term, User

PASSWORD = "correct-horse-battery"


@dataclass
class World:
    congress: Congress
    term: Term
    committee: Organisation
    general_office: Organisation
    learning_office: Organisation
    delegation: Organisation
    government: Organisation
    unit: Organisation
    other_unit: Organisation
    admin: User
    clerk: User
    learning: User
    director: User
    member: User
    deputy: User
    handler: User
    other_handler: User
    outsider: User


def make_user(
    congress: Congress, username: str, name: str, *, superuser: bool = False, **person_fields
) -> User:
    person = Person.objects.create(congress=congress, name=name, **person_fields)
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        person=person,
        congress=congress,
        email=f"{username}@example.test",
        is_superuser=superuser,
        is_staff=superuser,
    )
    return user


def give_role(user: User, organisation: Organisation, kind: str, term: Term | None = None) -> Role:
    assert user.person is not None
    return Role.objects.create(
        person=user.person,
        organisation=organisation,
        kind=kind,
        term=term,
        starts_on=dt.date(2020, 1, 1),
    )


def build_world(code: str = "shifan") -> World:
    congress = Congress.objects.create(
        code=code, name="示範市人民代表大會", short_name="示範市人大"
    )
    term = Term.objects.create(
        congress=congress, number=16, name="第十六屆", starts_on=dt.date(2022, 1, 10)
    )
    org = Organisation.objects.create
    K = Organisation.Kind
    committee = org(congress=congress, kind=K.STANDING_COMMITTEE, name="示範市人大常委會")
    general_office = org(congress=congress, kind=K.OFFICE_BODY, name="辦公室", code="office")
    learning_office = org(
        congress=congress, kind=K.OFFICE_BODY, name="機關學習領導小組辦公室", code="learning"
    )
    delegation = org(congress=congress, kind=K.DELEGATION, name="東城區代表團")
    government = org(congress=congress, kind=K.HANDLING_UNIT, name="示範市人民政府")
    unit = org(congress=congress, kind=K.HANDLING_UNIT, name="市教育局", parent=government)
    other_unit = org(
        congress=congress, kind=K.HANDLING_UNIT, name="市交通運輸局", parent=government
    )

    admin = make_user(congress, "admin", "系統管理員", superuser=True)
    clerk = make_user(
        congress, "clerk", "王秘書", mobile="13800001111", id_number="110101199001011234"
    )
    give_role(clerk, general_office, Role.Kind.STAFF)
    learning = make_user(congress, "learning", "李學習")
    give_role(learning, learning_office, Role.Kind.STAFF)
    director = make_user(congress, "director", "張主任", is_public=True)
    give_role(director, committee, Role.Kind.DIRECTOR, term)
    member = make_user(congress, "member", "趙委員", is_public=True)
    give_role(member, committee, Role.Kind.COMMITTEE_MEMBER, term)
    deputy = make_user(
        congress,
        "deputy",
        "陳代表",
        is_public=True,
        mobile="13900002222",
        id_number="11010119850505123X",
    )
    give_role(deputy, delegation, Role.Kind.DEPUTY, term)
    handler = make_user(congress, "handler", "劉經辦")
    give_role(handler, unit, Role.Kind.HANDLER)
    other_handler = make_user(congress, "other_handler", "孫經辦")
    give_role(other_handler, other_unit, Role.Kind.HANDLER)
    outsider = make_user(congress, "outsider", "路人甲")
    return World(
        congress=congress,
        term=term,
        committee=committee,
        general_office=general_office,
        learning_office=learning_office,
        delegation=delegation,
        government=government,
        unit=unit,
        other_unit=other_unit,
        admin=admin,
        clerk=clerk,
        learning=learning,
        director=director,
        member=member,
        deputy=deputy,
        handler=handler,
        other_handler=other_handler,
        outsider=outsider,
    )
