"""The shell in a real browser: every persona's home, the language switch that stays with the
account, the phone menu, and screenshots of the home page for a designer's eye."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from sanxing.web import worklist
from sanxing.web.worklist import WorkItem
from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import login

PERSONAS = ["admin", "clerk", "learning", "director", "member", "deputy", "handler"]


@pytest.fixture
def sample_work():
    """A few items for the clerk, so the screenshots show a real work list."""

    def source(user, today):
        if user.username != "clerk":
            return []
        return [
            WorkItem(
                "关于加快老旧小区改造的建议（第12号）",
                "/about/",
                today - dt.timedelta(days=2),
                "答复期限：交办之日起3个月（代表法第51条）",
                "代表建议",
            ),
            WorkItem(
                "第十六届常委会第二十三次会议会前准备",
                "/about/",
                today + dt.timedelta(days=3),
                "会前7日印发会议材料",
                "会议",
            ),
            WorkItem(
                "关于市教育局专项工作报告的审议意见",
                "/about/",
                today + dt.timedelta(days=40),
                "审议意见办理报告：3个月（监督法第17条）",
                "审议意见",
            ),
            WorkItem("2027年度机关学习计划", "/about/", None, "", "学习计划"),
        ]

    original = worklist._sources[:]
    worklist._sources[:] = [source]
    yield
    worklist._sources[:] = original


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_sees_a_home_page_in_simplified_chinese(page, world, persona):
    login(page, persona)
    expect(page.locator("h1")).to_have_text("我的工作")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("#welcome")).to_be_visible()
    expect(page.locator("#sign-out")).to_have_text("退出")


@pytest.mark.django_db(transaction=True)
def test_wrong_password_is_explained(page, world):
    login(page, "clerk", "wrong-password")
    expect(page.locator(".error-summary")).to_contain_text("用户名或密码不正确")


@pytest.mark.django_db(transaction=True)
def test_language_switch_is_remembered_across_sign_in(page, world):
    login(page, "deputy")
    page.get_by_role("button", name="繁體中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hant")
    expect(page.locator("#sign-out")).to_have_text("登出")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Your work")

    page.locator("#sign-out").click()
    expect(page).to_have_url(page.base_url + "/accounts/login/")
    # A fresh browser: nothing but the account remembers the choice.
    page.context.clear_cookies()
    login(page, "deputy")
    expect(page.locator("h1")).to_have_text("Your work")
    expect(page.locator("#sign-out")).to_have_text("Sign out")


@pytest.mark.django_db(transaction=True)
def test_phone_menu_button_opens_the_navigation(page, world):
    page.set_viewport_size({"width": 375, "height": 800})
    login(page, "clerk")
    nav = page.locator("#site-nav")
    button = page.locator("#menu-toggle")
    expect(button).to_be_visible()
    expect(nav).to_be_hidden()
    button.click()
    expect(nav).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="人员名录")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_keyboard_users_can_skip_to_the_content(page, world):
    login(page, "clerk")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_home_screenshots(page, world, sample_work):
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(page.base_url + "/accounts/login/")
    page.screenshot(path=str(ARTIFACTS / "login-375.png"), full_page=True)
    login(page, "clerk")
    expect(page.locator("#work-overdue")).to_contain_text("逾期2天")
    expect(page.locator("#work-soon")).to_contain_text("还有3天")
    page.screenshot(path=str(ARTIFACTS / "home-375.png"), full_page=True)
    page.locator("#menu-toggle").click()
    page.screenshot(path=str(ARTIFACTS / "home-375-menu.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    page.screenshot(path=str(ARTIFACTS / "home-1280.png"), full_page=True)
