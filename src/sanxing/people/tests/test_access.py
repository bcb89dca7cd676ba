import pytest
from django.http import Http404

from sanxing.people.access import person_for_user, persons_visible_to, viewer_for


def test_office_clerk_sees_everyone_in_the_congress(world):
    assert persons_visible_to(world.clerk).count() == persons_visible_to(world.admin).count()
    assert viewer_for(world.clerk).is_office


def test_unit_handler_sees_own_unit_and_public_people_only(world):
    visible = set(persons_visible_to(world.handler))
    assert world.handler.person in visible
    assert world.deputy.person in visible  # deputies are listed publicly
    assert world.clerk.person not in visible
    assert world.other_handler.person not in visible


def test_outsider_is_refused_a_private_record(world):
    with pytest.raises(Http404):
        person_for_user(world.outsider, world.clerk.person.pk)


def test_anonymous_sees_only_public_people(world):
    from django.contrib.auth.models import AnonymousUser

    assert set(persons_visible_to(AnonymousUser())) == {
        world.director.person,
        world.member.person,
        world.deputy.person,
    }
