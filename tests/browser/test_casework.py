"""A suggestion's whole journey in the browser: the clerk registers and assigns it, checking
the deadlines first; the unit's handler replies; the deputy evaluates it on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from sanxing.casework import services
from sanxing.casework.models import Item
from sanxing.people.testing import build_world
from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clerk_assigns_handler_replies_deputy_evaluates(page):
    world = build_world()
    item = services.item_submit(
        congress=world.congress,
        kind="suggestion",
        title="關於增設社區老年食堂的建議",
        content="建議在各街道增設老年食堂。",
        deputies=[world.deputy.person],
        by=world.deputy,
    )

    # The clerk registers it from the desk …
    ARTIFACTS.mkdir(exist_ok=True)
    login(page, "clerk")
    page.goto(page.base_url + "/casework/")
    page.get_by_role("link", name="關於增設社區老年食堂的建議").click()
    page.select_option("#id_topic", "elderly")
    page.locator("form[action$='/register/'] button[type=submit]").click()
    expect(page.locator(".banner-success")).to_be_visible()
    # … and assigns it, seeing the deadlines before confirming.
    page.locator("#assign-link").click()
    page.select_option("#id_lead_unit", str(world.unit.pk))
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator(".summary-list").first).to_contain_text("市教育局")
    expect(page.locator("main")).to_contain_text("代表法")  # the law behind the reply deadline
    page.screenshot(path=str(ARTIFACTS / "casework-assign-confirm.png"), full_page=True)
    page.locator("#confirm-assign").click()
    expect(page.locator(".banner-success")).to_contain_text("市教育局")
    page.context.clear_cookies()

    # The unit's handler finds it in the portal and replies.
    login(page, "handler")
    page.goto(page.base_url + "/casework/unit/")
    page.get_by_role("link", name="關於增設社區老年食堂的建議").click()
    page.select_option("#id_reply_class", "A")
    page.fill("#id_text", "已在全市新增老年食堂二十處。")
    page.fill("#id_signed_by", "李局長")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "casework-handler-item.png"), full_page=True)
    page.locator("#reply-form button[type=submit]").click()
    expect(page.locator(".banner-success")).to_be_visible()
    expect(page.locator(".reply")).to_contain_text("已在全市新增老年食堂二十處")
    page.context.clear_cookies()

    # The deputy evaluates on a phone.
    page.set_viewport_size({"width": 375, "height": 800})
    login(page, "deputy")
    page.goto(page.base_url + "/casework/mine/")
    page.locator(f"a[href='/casework/items/{item.pk}/#evaluate-title']").click()
    page.check("#evaluate-form input[value=satisfied]")
    page.locator("#evaluate-form button[type=submit]").click()
    expect(page.locator(".banner-success")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375 + 1, f"the page scrolls sideways at 375px ({width}px)"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "casework-deputy-375.png"), full_page=True)

    item.refresh_from_db()
    assert item.state == "closed"
    assert item.replies.get().reply_class == "A"
    assert item.evaluations.get().value == "satisfied"


def test_outsider_is_refused_the_item_page(page):
    world = build_world()
    item = services.item_submit(
        congress=world.congress,
        kind="suggestion",
        title="不公開的建議",
        content="",
        deputies=[world.deputy.person],
        by=world.deputy,
    )
    login(page, "outsider")
    response = page.goto(page.base_url + f"/casework/items/{item.pk}/")
    assert response is not None and response.status == 404
    assert Item.objects.count() == 1


def test_the_office_reads_the_rates_and_opens_the_items_behind_a_number(page):
    import datetime as dt

    from sanxing.casework.tests.factories import assigned_suggestion

    world = build_world()
    assigned_suggestion(world, on=dt.date(2025, 3, 3), title="去年逾期未答復的建議")
    login(page, "clerk")
    page.goto(
        page.base_url + "/casework/rates/?kind=suggestion&date_from=2025-01-01&date_to=2025-12-31"
    )
    table = page.locator("#rates-table")
    expect(table).to_contain_text("市教育局")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "casework-rates.png"), full_page=True)
    table.locator("a[href*='measure=open_overdue']").first.click()
    expect(page.locator("main")).to_contain_text("去年逾期未答復的建議")
