"""A resolution to implement in the browser: the lead unit's handler plans a milestone,
marks it done and reports progress; the bar and the status follow the latest report; a
co-handling unit may report but not plan; the outsider gets nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sanxing.casework import services
from sanxing.casework.models import Milestone, ProgressReport
from sanxing.people.testing import build_world
from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _implementation_item(world):
    today = timezone.localdate()
    item = services.item_submit(
        congress=world.congress,
        kind="implementation",
        title="關於落實垃圾分類條例的決議",
        content="責成市政府三個月內報告落實情況。",
        submitted_on=today,
        deputies=[],
        by=world.clerk,
    )
    item = services.item_register(item=item, by=world.clerk, on=today)
    services.item_assign(
        item=item, lead_unit=world.unit, co_units=[world.other_unit], by=world.clerk, on=today
    )
    return item


def test_lead_unit_plans_completes_and_reports_progress(page):
    world = build_world()
    item = _implementation_item(world)
    url = f"{page.base_url}/casework/items/{item.pk}/"
    due = (timezone.localdate() + dt.timedelta(days=30)).isoformat()

    login(page, "handler")
    page.goto(url)
    expect(page.locator("#progress-percent")).to_have_text("0%")
    page.locator("#implementation details summary").first.click()
    page.fill("#milestone-form [name=title]", "制定實施方案")
    page.fill("#milestone-form [name=due_on]", due)
    page.locator("#milestone-form button[type=submit]").click()
    expect(page.locator(".banner-success")).to_be_visible()
    expect(page.locator("#milestones")).to_contain_text("制定實施方案")
    milestone = Milestone.objects.get()
    page.locator(f"#milestone-done-{milestone.pk}").click()
    expect(page.locator(".banner-success")).to_be_visible()
    expect(page.locator(f"#milestone-done-{milestone.pk}")).to_have_count(0)

    page.fill("#progress-form [name=percent]", "40")
    page.fill("#progress-form [name=text]", "實施方案已印發。")
    page.locator("#progress-form button[type=submit]").click()
    expect(page.locator(".banner-success")).to_be_visible()
    expect(page.locator("#progress-percent")).to_have_text("40%")
    expect(page.locator("#progress-bar")).to_have_attribute("value", "40")
    expect(page.locator("#progress-reports")).to_contain_text("實施方案已印發")

    # Going back needs a reason: the form says so and nothing is written.
    page.fill("#progress-form [name=percent]", "20")
    page.fill("#progress-form [name=text]", "返工。")
    page.locator("#progress-form button[type=submit]").click()
    expect(page.locator("#progress-form")).to_contain_text("40%")
    assert ProgressReport.objects.count() == 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "casework-implementation.png"), full_page=True)
    page.context.clear_cookies()

    # The co-handling unit reports, but cannot plan milestones.
    login(page, "other_handler")
    page.goto(url)
    expect(page.locator("#milestone-form")).to_have_count(0)
    page.fill("#progress-form [name=percent]", "100")
    page.fill("#progress-form [name=text]", "全部完成。")
    page.locator("#progress-form button[type=submit]").click()
    expect(page.locator("#progress-percent")).to_have_text("100%")
    page.context.clear_cookies()

    login(page, "outsider")
    response = page.goto(url)
    assert response is not None and response.status == 404
