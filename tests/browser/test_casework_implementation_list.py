"""The office's implementation items by progress (/casework/implementation/) in the browser:
the clerk reads each item's progress and next milestone (an overdue one in red, with its
label), shows only those in progress, turns the order round, opens an item and comes back to
the same list; on a phone the list fits the screen. A handler and the outsider are refused.

The page offers no Excel download (the API's /api/v1/casework/implementation is the list as
data), so none is tested here."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sanxing.casework import services
from sanxing.casework.models import Item
from sanxing.casework.tests.factories import assigned_implementation
from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _item(world, title: str, milestones: list[tuple[int, bool]], *, percent: int | None = None):
    """An implementation item registered a month ago with milestones due ``days`` from today
    (done or not), and optionally a progress report."""
    today = timezone.localdate()
    item = assigned_implementation(world, on=today - dt.timedelta(days=30))
    Item.objects.filter(pk=item.pk).update(title=title)
    for n, (days, done) in enumerate(milestones, 1):
        m = services.milestone_add(
            item=item,
            title=f"{title}節點{n}",
            due_on=today + dt.timedelta(days=days),
            by=world.clerk,
        )
        if done:
            services.milestone_complete(milestone=m, by=world.clerk, on=today)
    if percent is not None:
        services.progress_report(item=item, percent=percent, text="已全部完成", by=world.handler)
    item.refresh_from_db()
    return item


def _titles(page) -> list[str]:
    return page.locator(".progress-items .work-item-title").all_inner_texts()


def test_the_clerk_reads_filters_and_sorts_the_list_by_progress(world, page):
    slow = _item(world, "進展慢的決議", [(-5, False), (40, False)])
    half = _item(world, "過半的決議", [(-10, True), (20, False)])
    done = _item(world, "已完成的決議", [], percent=100)

    login(page, "clerk")
    page.goto(page.base_url + "/casework/implementation/")
    rows = page.locator(".progress-items .work-item")
    expect(rows).to_have_count(3)
    titles = _titles(page)
    assert [t for t in titles if "決議" in t] == [
        f"{slow.reference} 進展慢的決議",
        f"{half.reference} 過半的決議",
        f"{done.reference} 已完成的決議",
    ]  # least advanced first
    slow_row = rows.filter(has_text="進展慢的決議")
    expect(slow_row.locator(".progress-number")).to_have_text("0%")
    expect(slow_row.locator(".progress-next")).to_contain_text("進展慢的決議節點1")
    expect(slow_row.locator(".progress-next .tag-red")).to_be_visible()  # overdue, named
    half_row = rows.filter(has_text="過半的決議")
    expect(half_row.locator(".progress-number")).to_have_text("50%")
    expect(half_row.locator("progress.progress-meter")).to_have_attribute("value", "50")
    expect(rows.filter(has_text="已完成的決議").locator(".progress-number")).to_have_text("100%")

    # Only those in progress.
    page.select_option("#id_status", "in_progress")
    page.locator("#progress-filter button[type=submit]").click()
    page.wait_for_url("**status=in_progress**")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("過半的決議")

    # All again, most advanced first.
    page.select_option("#id_status", "")
    page.select_option("#id_order", "desc")
    page.locator("#progress-filter button[type=submit]").click()
    page.wait_for_url("**order=desc**")
    expect(rows).to_have_count(3)
    assert "已完成的決議" in _titles(page)[0] and "進展慢的決議" in _titles(page)[-1]

    # Open an item and come back to the same list.
    list_url = page.url
    rows.filter(has_text="過半的決議").get_by_role("link").first.click()
    page.wait_for_url(f"**/casework/items/{half.pk}/")
    expect(page.locator("#milestone-timeline")).to_contain_text("過半的決議節點2")
    page.go_back()
    page.wait_for_url(list_url)
    expect(page.locator("#id_order")).to_have_value("desc")
    assert "已完成的決議" in _titles(page)[0]

    # On a phone: the list is usable, nothing scrolls sideways.
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(page.base_url + "/casework/implementation/")
    expect(rows).to_have_count(3)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    expect(rows.first.get_by_role("link").first).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "casework-implementation-list.png"), full_page=True)


@pytest.mark.parametrize("who", ["handler", "other_handler", "outsider"])
def test_a_handler_and_the_outsider_are_refused(world, page, who):
    _item(world, "進展慢的決議", [(10, False)])
    login(page, who)
    response = page.goto(page.base_url + "/casework/implementation/")
    assert response is not None and response.status == 404
    assert "進展慢的決議" not in page.content()
