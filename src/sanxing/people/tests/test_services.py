import datetime as dt

import pytest

from sanxing.core.errors import BusinessError, NotPermitted, StaleEdit
from sanxing.people import selectors
from sanxing.people.models import Person
from sanxing.people.services import (
    organisation_update,
    person_create,
    person_restore,
    person_soft_delete,
    person_update,
    role_end,
    role_grant,
)


def test_person_update_refuses_a_stale_version(world):
    deputy = world.deputy.person
    person_update(person=deputy, version=1, changes={"workplace": "甲"}, by=world.clerk)
    with pytest.raises(StaleEdit):
        person_update(person=deputy, version=1, changes={"workplace": "乙"}, by=world.clerk)
    deputy.refresh_from_db()
    assert deputy.workplace == "甲"
    assert deputy.history.first().history_user == world.clerk


def test_only_office_staff_change_people(world):
    with pytest.raises(NotPermitted):
        person_create(congress=world.congress, name="某人", by=world.handler)
    with pytest.raises(NotPermitted):
        person_update(
            person=world.deputy.person, version=None, changes={"name": "x"}, by=world.deputy
        )


def test_soft_delete_and_restore_keep_history(world):
    person = person_create(congress=world.congress, name="臨時人員", by=world.clerk)
    person_soft_delete(person=person, by=world.clerk)
    assert not Person.objects.filter(pk=person.pk).exists()
    with pytest.raises(NotPermitted):
        person_restore(person=person, by=world.clerk)
    restored = person_restore(person=person, by=world.admin)
    assert restored.deleted_at is None and restored.version == 3
    assert restored.history.count() == 3


def test_roles_are_ended_on_a_date(world):
    role = role_grant(
        person=world.outsider.person,
        organisation=world.unit,
        kind="handler",
        starts_on=dt.date(2024, 1, 1),
        by=world.clerk,
    )
    with pytest.raises(BusinessError):
        role_end(role=role, ends_on=dt.date(2023, 1, 1), by=world.clerk)
    role = role_end(role=role, ends_on=dt.date(2024, 12, 31), by=world.clerk)
    assert role.ends_on == dt.date(2024, 12, 31)


def test_an_organisation_cannot_be_placed_under_its_own_child(world):
    with pytest.raises(BusinessError):
        organisation_update(
            organisation=world.government,
            version=None,
            changes={"parent": world.unit},
            by=world.clerk,
        )


def test_organisation_tree_nests_departments_under_the_government(world):
    groups = {g.kind: g for g in selectors.organisation_tree(world.clerk)}
    units = groups["handling_unit"].flat()
    assert units[0].organisation.name == "示範市人民政府"
    assert {n.organisation.name for n in units if n.depth == 1} == {"市教育局", "市交通運輸局"}
    education = next(n for n in units if n.organisation == world.unit)
    assert education.member_count == 1
