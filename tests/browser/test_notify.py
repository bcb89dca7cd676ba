"""A deputy reads a notice in the browser: the unread count drops without a page reload."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from sanxing.notify import services
from sanxing.people.testing import build_world
from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_deputy_marks_a_notice_read_and_the_count_drops(page):
    world = build_world()
    services.notice_send(
        recipients=[world.deputy], kind="casework.assigned", title="您的建议已交办", urgent=True
    )
    services.notice_send(recipients=[world.deputy], kind="gatherings.invited", title="会议通知")
    services.notice_send(recipients=[world.handler], kind="casework.assigned", title="别人的通知")

    login(page, "deputy")
    page.goto(page.base_url + "/notices/")

    expect(page.locator("#unread-count")).to_have_text("您有 2 条未读通知。")
    expect(page.get_by_text("别人的通知")).to_have_count(0)
    row = page.locator(".notice", has_text="您的建议已交办")
    expect(row.locator(".tag-red")).to_have_text("紧急")

    row.get_by_role("button", name="标为已读").click()

    expect(page.locator("#unread-count")).to_have_text("您有 1 条未读通知。")
    expect(page.locator(".notice-link .count-badge")).to_have_text("1")  # the header's badge
    expect(row.get_by_role("button", name="标为已读")).to_have_count(0)
    assert page.url.endswith("/notices/")  # htmx swapped the row in place
    page.set_viewport_size({"width": 375, "height": 800})
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "notify-inbox-375.png"), full_page=True)

    page.get_by_role("button", name="全部标为已读").click()
    expect(page.locator("#unread-count")).to_have_text("您的通知已全部阅读。")
    expect(page.locator(".notice-link .count-badge")).to_have_text("0")
    page.reload()
    expect(page.locator("#unread-count")).to_have_text("您的通知已全部阅读。")
