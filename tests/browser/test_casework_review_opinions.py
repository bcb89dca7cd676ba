"""A review opinion in the browser: the clerk enters it by hand and assigns it to a
government department, seeing its three-month clock with the article; the department's
handler replies with a handling report; the clerk sees it."""

from __future__ import annotations

import re

import pytest
from django.utils import formats, timezone, translation
from playwright.sync_api import expect

from sanxing.casework.kinds import Kind
from sanxing.casework.models import Clock, Item
from sanxing.people.testing import build_world
from sanxing.workcal.periods import compute_deadline
from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "對市人民政府關於養老服務體系建設情況報告的審議意見"


def test_clerk_assigns_a_review_opinion_and_sees_the_handling_report(page):
    world = build_world()
    today = timezone.localdate()
    due = compute_deadline(start=today, period="3m").due
    shown = set()
    for language in ("zh-hans", "zh-hant", "en"):
        with translation.override(language):
            shown.add(formats.date_format(due, "DATE_FORMAT"))

    # The clerk enters it by hand …
    login(page, "clerk")
    page.goto(page.base_url + "/casework/new/?kind=review_opinion")
    page.fill("#id_title", TITLE)
    page.fill("#id_content", "常委會組成人員審議認為……建議：一、……二、……")
    page.select_option("#id_topic", "elderly")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".banner-success")).to_be_visible()
    item = Item.objects.get(kind=Kind.REVIEW_OPINION)

    # … assigns it to the government department, seeing the 3-month clock and its article …
    page.locator("#assign-link").click()
    page.select_option("#id_lead_unit", str(world.unit.pk))
    page.locator("main form button[type=submit]").first.click()
    main = page.locator("main")
    expect(main).to_contain_text(re.compile("[监監]督法|Supervision Law"))
    expect(main).to_contain_text(re.compile("|".join(re.escape(s) for s in shown)))
    page.locator("#confirm-assign").click()
    expect(page.locator(".banner-success")).to_contain_text(world.unit.name)
    clock = Clock.objects.get(item=item, purpose="reply")
    assert (clock.period, clock.due_on) == ("3m", due)
    page.context.clear_cookies()

    # The department's handler replies with a handling report.
    login(page, "handler")
    page.goto(page.base_url + "/casework/unit/")
    page.get_by_role("link", name=re.compile(re.escape(TITLE))).click()
    form = page.locator("#reply-form")
    if form.locator("[name=reply_class]").count():
        form.locator("[name=reply_class]").select_option(index=1)
    form.locator("[name=text]").fill("關於審議意見研究處理情況的報告：已制定養老服務設施專項規劃。")
    form.locator("[name=signed_by]").fill("李局長")
    form.locator("button[type=submit]").click()
    expect(page.locator(".banner-success")).to_be_visible()
    page.context.clear_cookies()

    # The clerk sees it.
    login(page, "clerk")
    page.goto(page.base_url + f"/casework/items/{item.pk}/")
    expect(page.locator(".reply")).to_contain_text("已制定養老服務設施專項規劃")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "casework-review-opinion-replied.png"), full_page=True)
