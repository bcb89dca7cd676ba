"""Browser journey for the seat plan on a phone (375 px): the clerk pins the mayor to the
first seat by choosing the person, then the seat; a second person for the same seat is
refused with a clear message; a seat is kept free; the grid fits the screen."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from sanxing.gatherings import logistics, services
from sanxing.gatherings.kinds import COMMITTEE_MEETING
from sanxing.gatherings.models import SeatPin
from sanxing.gatherings.tests.conftest import add_government_head, add_members
from tests.browser.conftest import ARTIFACTS
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


def _meeting_with_logistics(world):
    add_members(world, ["委員甲", "委員乙", "委員丙"])
    add_government_head(world)
    start = timezone.now() + dt.timedelta(days=3)
    g = services.gathering_plan(
        congress=world.congress,
        kind=COMMITTEE_MEETING,
        title="第十六屆常委會第三十一次會議",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        place="常委會會議室",
        by=world.clerk,
    )
    services.roster_build(gathering=g, by=world.clerk)
    room = logistics.room_add(
        congress=world.congress, name="第一會議室", capacity=8, seats_per_row=4, by=world.clerk
    )
    logistics.room_book(gathering=g, room=room, by=world.clerk)
    logistics.meal_add(
        gathering=g, day=timezone.localdate(start), kind="lunch", extra=2, by=world.clerk
    )
    logistics.supply_add(gathering=g, title="礦泉水", quantity=50, by=world.clerk)
    return g


def test_the_clerk_downloads_a_list_as_pdf_and_another_as_excel(world, page):
    import io

    import openpyxl

    g = _meeting_with_logistics(world)
    login(page, "clerk")
    page.goto(page.base_url + f"/gatherings/{g.pk}/logistics/")
    downloads = page.locator("#downloads")
    downloads.wait_for()
    # Every list of the page is offered both ways.
    for name in ("rooms", "accommodation", "meals", "pickups", "supplies", "attendance", "roster"):
        row = downloads.locator(f"#download-{name}")
        assert row.locator('a[href$=".xlsx"]').count() == 1, name
        assert row.locator('a[href$=".pdf"]').count() == 1, name

    with page.expect_download() as info:
        downloads.locator('#download-attendance a[href$=".pdf"]').click()
    pdf = Path(info.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    assert info.value.suggested_filename.endswith(".pdf")

    with page.expect_download() as info:
        downloads.locator('#download-supplies a[href$=".xlsx"]').click()
    sheet = openpyxl.load_workbook(io.BytesIO(Path(info.value.path()).read_bytes())).active
    assert sheet is not None
    values = [v for row in sheet.iter_rows(values_only=True) for v in row]
    assert "礦泉水" in values and 50 in values

    # On a phone the downloads box fits: no sideways scrolling of the page.
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    page.locator("#downloads").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#downloads").screenshot(
        path=str(ARTIFACTS / "gatherings-logistics-downloads.png")
    )
