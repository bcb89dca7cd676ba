"""A clerk plans a committee meeting, builds its roster and agenda; a member checks in with
the code on a phone; the clerk takes the vote, checks before closing and sees the result with
the rule of law behind it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from sanxing.gatherings.models import Attendance, Gathering, Vote
from sanxing.gatherings.tests.conftest import add_government_head, add_members
from sanxing.people.testing import PASSWORD
from tests.browser.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def test_clerk_runs_a_committee_meeting_and_a_member_checks_in_by_phone(world, page, browser):
    a, b, _c = add_members(world, ["委員甲", "委員乙", "委員丙"])
    add_government_head(world)
    now = timezone.now()

    # The clerk plans the meeting.
    login(page, "clerk")
    page.goto(page.base_url + "/gatherings/new/")
    page.select_option("#id_kind", "committee_meeting")
    page.fill("#id_title", "第十六屆常委會第三十次會議")
    page.fill("#id_starts_at", _local(now - dt.timedelta(minutes=10)))
    page.fill("#id_ends_at", _local(now + dt.timedelta(hours=3)))
    page.fill("#id_place", "常委會會議室")
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"/gatherings/\d+/$"))
    g = Gathering.objects.get()
    assert g.sitting == 1

    # …builds the roster from the roles and adds an agenda item.
    page.click("#build-roster")
    page.wait_for_load_state()
    assert page.locator("text=委員丙").count() >= 1
    assert g.roster.count() == 6
    page.click("#add-item-toggle")
    page.fill("#id_title", "審議《示範市物業管理條例（草案）》")
    page.select_option("#id_kind", "draft_regulation")
    page.click("#add-item")
    page.wait_for_load_state()
    item = g.agenda_items.get()

    # Roll call for two members.
    page.goto(page.base_url + f"/gatherings/{g.pk}/roll-call/")
    for person in (world.director.person, a):
        assert person is not None
        page.click(f"#p{person.pk} button[value=present]")
        page.wait_for_selector(f"#p{person.pk} button[value=present][aria-pressed=true]")
    assert g.attendances.filter(status=Attendance.Status.PRESENT).count() == 2

    # The screen in the hall shows the code and the link.
    page.goto(page.base_url + f"/gatherings/{g.pk}/code/")
    code = page.inner_text("#check-in-code").strip()
    link = page.get_attribute("#check-in-link", "href")
    assert re.fullmatch(r"\d{6}", code) and link and link.endswith(f"?code={code}")

    # The member checks in on a phone.
    phone = browser.new_context(
        locale="zh-CN", viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True
    )
    mobile = phone.new_page()
    mobile.base_url = page.base_url
    login(mobile, "member", PASSWORD)
    mobile.goto(link)
    assert mobile.input_value("#id_code") == code
    mobile.click("#check-in-submit")
    mobile.wait_for_selector("#checked-in")
    assert mobile.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    phone.close()
    attendance = g.attendances.get(person=world.member.person)
    assert attendance.method == Attendance.Method.QR

    # The clerk opens the vote, records the ballots, checks, closes.
    page.goto(page.base_url + f"/gatherings/{g.pk}/")
    page.click(f"#vote-toggle-{item.pk}")
    page.click(f"#open-vote-{item.pk}")
    page.wait_for_url(re.compile(r"/gatherings/votes/\d+/$"))
    vote = Vote.objects.get()
    for person, option in (
        (world.director.person, "yes"),
        (a, "yes"),
        (world.member.person, "yes"),
    ):
        assert person is not None
        page.click(f"form:has(input[name=person][value='{person.pk}']) button[value={option}]")
        page.wait_for_load_state()
    assert b.pk not in set(vote.ballots.values_list("person_id", flat=True))
    page.click("#close-vote")
    page.wait_for_selector("#confirm-close")
    page.click("#confirm-close")
    page.wait_for_selector("#vote-result")
    vote.refresh_from_db()
    assert vote.result == "pass" and (vote.yes, vote.present, vote.body_size) == (3, 3, 5)
    rule = page.inner_text("#vote-rule")
    assert "五十一" in rule and "3" in rule
