"""An implementation item in the browser: the lead unit's handler changes a milestone and
reports progress; the unit portal's bar shows it, as a number too, on a phone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sanxing.casework import services
from sanxing.casework.models import Milestone
from sanxing.casework.tests.factories import assigned_implementation
from sanxing.people.testing import build_world
from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_lead_unit_edits_a_milestone_and_reports_progress(page):
    world = build_world()
    today = timezone.localdate()
    item = assigned_implementation(world, on=today)
    m = services.milestone_add(
        item=item, title="制定實施方案", due_on=today + dt.timedelta(days=30), by=world.clerk
    )
    services.milestone_add(
        item=item, title="全面推開", due_on=today + dt.timedelta(days=90), by=world.clerk
    )

    page.set_viewport_size({"width": 375, "height": 800})
    login(page, "handler")
    page.goto(page.base_url + "/casework/unit/")
    row = page.locator(".work-item", has_text=item.title)
    expect(row.locator(".progress-number")).to_have_text("0%")
    expect(row.locator(".progress-next")).to_contain_text("制定實施方案")
    row.get_by_role("link", name=item.title).click()

    # The handler changes the milestone: a new title and a later date.
    timeline = page.locator("#milestone-timeline")
    expect(timeline).to_contain_text("制定實施方案")
    timeline.locator(f"#milestone-{m.pk} summary").first.click()
    form = page.locator(f"#milestone-edit-{m.pk}")
    form.locator("input[name$='-title']").fill("制定並印發實施方案")
    form.locator("input[name$='-due_on']").fill((today + dt.timedelta(days=45)).isoformat())
    form.locator("button[type=submit]").click()
    expect(page.locator(".banner-success")).to_be_visible()
    expect(page.locator("#milestone-timeline")).to_contain_text("制定並印發實施方案")
    assert Milestone.objects.get(pk=m.pk).due_on == today + dt.timedelta(days=45)

    # … and reports progress.
    progress = page.locator("#progress-form")
    progress.locator("[name=percent]").fill("40")
    progress.locator("[name=text]").fill("實施方案已印發，各區縣正在部署。")
    progress.locator("button[type=submit]").click()
    expect(page.locator(".banner-success")).to_be_visible()
    expect(page.locator("#progress-percent")).to_have_text("40%")

    # The unit portal's bar shows it, with the number as text.
    page.goto(page.base_url + "/casework/unit/")
    row = page.locator(".work-item", has_text=item.title)
    expect(row.locator(".progress-number")).to_have_text("40%")
    expect(row.locator("progress.progress-meter")).to_have_attribute("value", "40")
    expect(row.locator(".progress-next")).to_contain_text("制定並印發實施方案")
    # nothing overflows a 375 px screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "casework-implementation-unit.png"), full_page=True)
