"""On a phone (375×740): the deputy and the unit's handler open every page they use; nothing
is wider than the screen and each page's heading is in view. Screenshots of every page are
left in test-artifacts/phone-*.png for a person to look at."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from sanxing.casework import services as casework
from sanxing.casework.kinds import Kind
from sanxing.gatherings import services as gatherings
from sanxing.gatherings.kinds import COMMITTEE_MEETING
from sanxing.gatherings.models import RosterEntry
from sanxing.notify.services import notice_send
from sanxing.people.testing import build_world

from .conftest import ARTIFACTS
from .helpers import login

PHONE = {"width": 375, "height": 740}


def _world_with_work():
    w = build_world()
    on = timezone.localdate() - dt.timedelta(days=7)
    item = casework.item_submit(
        congress=w.congress,
        kind=Kind.SUGGESTION,
        title="關於在東城區新建一所九年一貫制學校以緩解學位緊張問題的建議",
        content="東城區近年新建住宅小區較多，適齡兒童增加，現有學校學位緊張。" * 4,
        topic="education",
        submitted_on=on,
        deputies=[w.deputy.person],
        by=w.clerk,
    )
    item = casework.item_register(item=item, by=w.clerk, on=on)
    casework.item_assign(item=item, lead_unit=w.unit, by=w.clerk, on=on)
    starts = timezone.now().replace(microsecond=0) - dt.timedelta(minutes=10)
    meeting = gatherings.gathering_plan(
        congress=w.congress,
        kind=COMMITTEE_MEETING,
        title="示範市第十六屆人大常委會第三十次會議",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=4),
        place="常委會會議室",
        by=w.clerk,
    )
    for user in (w.deputy, w.handler):
        gatherings.roster_add(
            gathering=meeting,
            person=user.person,
            capacity=RosterEntry.Capacity.NON_VOTING,
            by=w.clerk,
        )
    notice_send(
        recipients=[w.deputy, w.handler],
        kind="phone",
        title="請於二〇二六年十二月十八日前答覆關於新建學校的建議",
        body="交辦通知已發出，請登錄平台查看辦理期限及要求。",
        url=f"/casework/items/{item.pk}/",
    )
    return w, item, meeting


def _pages(persona: str, w, item, meeting) -> list[tuple[str, str]]:
    user = getattr(w, persona)
    own = [
        ("home", "/"),
        ("notices", "/notices/"),
        ("item", f"/casework/items/{item.pk}/"),
        ("check-in", f"/gatherings/{meeting.pk}/check-in/"),
        ("person", f"/people/{user.person.pk}/"),
    ]
    if persona == "deputy":
        own.insert(2, ("mine", "/casework/mine/"))
    else:
        own.insert(2, ("unit", "/casework/unit/"))
    return own


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("persona", ["deputy", "handler"])
def test_every_page_fits_a_phone(persona: str, browser, live_server):
    w, item, meeting = _world_with_work()
    context = browser.new_context(
        locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base_url = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)
    problems = []
    try:
        login(page, persona)
        for name, path in _pages(persona, w, item, meeting):
            response = page.goto(live_server.url + path)
            page.wait_for_load_state("networkidle")
            shot = ARTIFACTS / f"phone-{persona}-{re.sub(r'[^a-z-]', '', name)}.png"
            page.screenshot(path=str(shot), full_page=True)
            assert response is not None
            if response.status != 200:
                problems.append(f"{path}: {response.status}")
                continue
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"] + 1:
                wide = page.evaluate(
                    """() => [...document.querySelectorAll('body *')]
                        .filter(e => e.getBoundingClientRect().right > 376)
                        .slice(0, 5)
                        .map(e => e.tagName + '.' + e.className + ' ' +
                             Math.round(e.getBoundingClientRect().right))"""
                )
                problems.append(f"{path}: {width}px wide ({wide})")
            heading = page.locator("main h1").first
            if not heading.is_visible():
                problems.append(f"{path}: the heading is not visible")
    finally:
        context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.django_db(transaction=True)
def test_each_deadline_shows_its_rule_on_a_phone_without_scrolling_sideways(browser, live_server):
    _w, item, _meeting = _world_with_work()
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True)
    page = context.new_page()
    page.base_url = live_server.url
    try:
        login(page, "handler")
        page.goto(f"{live_server.url}/casework/items/{item.pk}/")
        overflowing = page.evaluate(
            """() => [...document.querySelectorAll('.table-wrap')]
                .filter(e => e.scrollWidth > e.clientWidth + 1)
                .map(e => e.getAttribute('aria-labelledby') || e.className)"""
        )
    finally:
        context.close()
    assert overflowing == []
