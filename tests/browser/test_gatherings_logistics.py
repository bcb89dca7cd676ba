"""Browser journey for the seat plan on a phone (375 px): the clerk pins the mayor to the
first seat by choosing the person, then the seat; a second person for the same seat is
refused with a clear message; a seat is kept free; the grid fits the screen."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sanxing.gatherings import logistics, services
from sanxing.gatherings.kinds import COMMITTEE_MEETING
from sanxing.gatherings.models import SeatPin
from sanxing.gatherings.tests.conftest import add_government_head, add_members
from tests.browser.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_the_clerk_edits_the_seat_plan_on_a_phone(world, page):
    add_members(world, ["委員甲", "委員乙", "委員丙"])
    head = add_government_head(world)
    start = timezone.now() + dt.timedelta(days=3)
    g = services.gathering_plan(
        congress=world.congress,
        kind=COMMITTEE_MEETING,
        title="第十六屆常委會第三十次會議",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        place="常委會會議室",
        by=world.clerk,
    )
    services.roster_build(gathering=g, by=world.clerk)
    room = logistics.room_add(
        congress=world.congress, name="第一會議室", capacity=8, seats_per_row=4, by=world.clerk
    )
    member = world.member.person
    assert member is not None

    page.set_viewport_size({"width": 375, "height": 800})
    login(page, "clerk")
    page.goto(page.base_url + f"/gatherings/{g.pk}/seats/{room.pk}/")
    page.wait_for_selector("#seat-plan")
    assert page.locator("#seat-plan .seat").count() == 6  # six on the roster, two free seats
    # The grid fits a phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    page.select_option("#pin-person", str(head.pk))
    page.select_option("#pin-seat", "1-1")
    page.click("#seat-pin")
    page.wait_for_load_state()
    first = page.locator('#seat-plan [data-seat="1-1"]')
    assert "市長" in first.inner_text() and "📌" in first.inner_text()  # not colour alone
    assert SeatPin.objects.get().person_id == head.pk

    # Someone else for the same seat: refused, naming who sits there.
    page.select_option("#pin-person", str(member.pk))
    page.select_option("#pin-seat", "1-1")
    page.click("#seat-pin")
    page.wait_for_selector("#seat-error")
    assert "市長" in page.locator("#seat-error").inner_text()
    assert SeatPin.objects.count() == 1

    # Keep the last seat free.
    page.select_option("#clear-seat", "2-4")
    page.click("#seat-reserve")
    page.wait_for_load_state()
    assert "⛔" in page.locator('#seat-plan [data-seat="2-4"]').inner_text()
    assert page.locator("#seat-changes li").count() >= 2
