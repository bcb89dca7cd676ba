"""Browser journeys for the gatherings' follow-up and logistics: a clerk books a room and is
told clearly when a second booking clashes; minutes and remarks become a review opinion that
appears in casework; the hall screen shows the check-in link as a QR code."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from sanxing.gatherings import services
from sanxing.gatherings.kinds import COMMITTEE_MEETING, DIRECTORS_MEETING
from sanxing.gatherings.models import RoomBooking
from sanxing.gatherings.tests.conftest import add_government_head, add_members
from tests.browser.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _meeting(world, kind=COMMITTEE_MEETING, title="第十六屆常委會第三十次會議", start=None):
    start = start or timezone.now() - dt.timedelta(minutes=10)
    g = services.gathering_plan(
        congress=world.congress,
        kind=kind,
        title=title,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        place="常委會會議室",
        by=world.clerk,
    )
    services.roster_build(gathering=g, by=world.clerk)
    return g


def test_clerk_books_a_room_and_a_clashing_booking_is_refused(world, page):
    add_members(world, ["委員甲", "委員乙", "委員丙"])
    g = _meeting(world)
    other = _meeting(
        world, DIRECTORS_MEETING, "主任會議", start=g.starts_at + dt.timedelta(hours=1)
    )
    login(page, "clerk")
    page.goto(page.base_url + "/gatherings/rooms/")
    page.click("#room-toggle")
    page.fill("#id_name", "第一會議室")
    page.fill("#id_capacity", "6")
    page.fill("#id_seats_per_row", "3")
    page.click("#room-submit")
    page.wait_for_load_state()
    assert page.locator("td", has_text="第一會議室").count() == 1

    page.goto(page.base_url + f"/gatherings/{g.pk}/")
    page.click("#logistics")
    page.wait_for_url(re.compile(rf"/gatherings/{g.pk}/logistics/$"))
    page.click("#booking-toggle")
    page.select_option("#booking_room", label="第一會議室")
    page.click("#booking-submit")
    page.wait_for_load_state()
    assert RoomBooking.objects.filter(gathering=g).count() == 1
    booking = RoomBooking.objects.get(gathering=g)
    # the booking's own link (the downloads box names the seat plan too)
    page.click(f"a[href='/gatherings/{g.pk}/seats/{booking.room_id}/']")
    page.wait_for_selector("#seat-plan")
    assert page.locator(".seat").count() == 5

    page.goto(page.base_url + f"/gatherings/{other.pk}/logistics/")
    page.click("#booking-toggle")
    page.select_option("#booking_room", label="第一會議室")
    page.click("#booking-submit")
    page.wait_for_selector(".error-summary")
    message = page.inner_text(".error-summary")
    assert "第一會議室" in message and g.title in message
    assert RoomBooking.objects.filter(gathering=other).count() == 0


def test_minutes_and_remarks_become_a_review_opinion_in_casework(world, page):
    from sanxing.casework.models import Item

    add_members(world, ["委員甲", "委員乙", "委員丙"])
    add_government_head(world)
    g = _meeting(world)
    item = services.agenda_item_add(
        gathering=g, title="聽取和審議市政府關於義務教育工作情況的報告", by=world.clerk
    )
    login(page, "clerk")

    # the hall screen shows the current link as a QR code
    page.goto(page.base_url + f"/gatherings/{g.pk}/code/")
    link = page.get_attribute("#check-in-link", "href")
    assert page.locator("#check-in-qr svg").count() == 1
    assert page.get_attribute("#check-in-qr", "data-link") == link

    page.goto(page.base_url + f"/gatherings/{g.pk}/")
    page.click("#follow-up")
    page.wait_for_url(re.compile(rf"/gatherings/{g.pk}/follow-up/$"))
    page.fill("#id_text", "會議由主任主持，審議了義務教育工作情況的報告。")
    page.click("#save-minutes")
    page.wait_for_load_state()
    page.click(f"#remark-toggle-{item.pk}")
    page.select_option(f"#r{item.pk}_person", label=world.member.person.name)
    page.fill(f"#r{item.pk}_text", "建議加大對農村學校的投入。")
    page.click(f"#add-remark-{item.pk}")
    page.wait_for_load_state()
    assert page.locator(".remarks li", has_text="建議加大對農村學校的投入。").count() == 1

    page.click(f"#opinion-toggle-{item.pk}")
    page.fill(f"#o{item.pk}_title", "關於義務教育工作情況報告的審議意見")
    page.check(f"input[name=units][value='{world.unit.pk}']")
    page.click(f"#hand-off-{item.pk}")
    page.wait_for_load_state()
    case = Item.objects.get(origin_ref=f"gatherings.agenda_item:{item.pk}")
    assert page.locator(f"text={case.reference}").count() >= 1

    page.goto(page.base_url + f"/casework/items/{case.pk}/")
    assert page.locator("text=關於義務教育工作情況報告的審議意見").count() >= 1
    assert page.locator("text=建議加大對農村學校的投入").count() >= 1
