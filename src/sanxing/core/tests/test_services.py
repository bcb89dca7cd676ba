import pytest

from sanxing.core.errors import BusinessError, StaleEdit
from sanxing.core.services import record_restore, record_soft_delete, record_update
from sanxing.people.models import Person


def test_soft_delete_and_restore_keep_the_row_and_record_who(world):
    person = world.deputy.person
    deleted = record_soft_delete(obj=person, by=world.clerk)
    assert deleted.deleted_by == world.clerk
    assert not Person.objects.filter(pk=person.pk).exists()
    assert Person.all_objects.filter(pk=person.pk).exists()
    with pytest.raises(BusinessError):
        record_soft_delete(obj=deleted, by=world.clerk)
    restored = record_restore(obj=deleted, by=world.admin)
    assert restored.deleted_at is None
    assert restored.version == person.version + 2
    last = restored.history.first()
    assert last.history_user == world.admin


def test_a_stale_edit_is_refused_and_changes_nothing(world):
    person = world.deputy.person
    record_update(obj=person, version=person.version, changes={"workplace": "甲"}, by=world.clerk)
    with pytest.raises(StaleEdit):
        record_update(
            obj=person, version=person.version, changes={"workplace": "乙"}, by=world.clerk
        )
    person.refresh_from_db()
    assert person.workplace == "甲"
