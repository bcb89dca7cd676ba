"""A clerk works with the registry of people in a real browser."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from sanxing.people.models import Person
from sanxing.people.testing import build_world

from .helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clerk_finds_a_person_edits_the_workplace_and_sees_it_in_the_history(page):
    world = build_world()
    login(page, "clerk")
    page.goto(page.base_url + "/people/")
    page.fill("input[name=q]", "陳代表")
    page.locator("form[role=search] button[type=submit]").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="陳代表").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "陳代表"
    # Personal data is masked until asked for.
    assert "139****2222" in page.locator("#mobile").inner_text()

    page.locator(".page-header a.btn", has_text="编辑").click()
    page.wait_for_load_state()
    page.fill("input[name=workplace]", "市第一中學校長")
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#workplace").inner_text() == "市第一中學校長"
    history = page.locator("section.history")
    assert "市第一中學校長" in history.inner_text()
    assert "王秘書" in history.inner_text()
    assert Person.objects.get(pk=world.deputy.person.pk).workplace == "市第一中學校長"


def test_an_import_with_a_bad_row_shows_the_report_and_imports_nothing(page, tmp_path):
    build_world()
    wb = Workbook()
    ws = wb.worksheets[0]
    ws.append(["姓名", "手機", "機構", "角色"])
    ws.append(["張三", "13800000001", "東城區代表團", "代表"])
    ws.append(["李四", "12345", "不存在的單位", "代表"])
    path = tmp_path / "名單.xlsx"
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(buffer.getvalue())

    login(page, "clerk")
    page.goto(page.base_url + "/people/import/")
    page.set_input_files("input[name=file]", str(path))
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    report = page.locator("#import-errors")
    assert report.is_visible()
    rows = report.locator("tbody tr")
    assert rows.count() == 2  # the mobile and the organisation of row 3
    assert all(cell == "3" for cell in rows.locator("td:first-child").all_inner_texts())
    assert "不存在的單位" in report.inner_text()
    assert "没有导入任何数据" in page.locator("#import-summary").inner_text()
    assert not Person.objects.filter(name__in=["張三", "李四"]).exists()


def test_directory_works_at_phone_width(page):
    build_world()
    login(page, "clerk")
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(page.base_url + "/people/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375 + 1
