"""An office clerk uses the deadline calculator on the working calendar page."""

from __future__ import annotations

import pytest

from sanxing.workcal.testing import ensure_official_calendar
from tests.browser.helpers import login

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_a_clerk_computes_a_month_from_31_january(page, world):
    ensure_official_calendar()  # another transactional test may have flushed the seed
    login(page, "clerk")
    page.goto(page.base_url + "/calendar/2026/")
    assert page.locator(".wc-month").count() == 12
    page.fill("#id_start", "2026-01-31")
    page.fill("#id_period", "1m")
    page.click("#deadline-calculator button[type=submit]")
    due = page.locator("#deadline-due")
    due.wait_for()
    assert due.get_attribute("datetime") == "2026-02-28"
    assert "2026年2月28日" in due.inner_text()
    explanation = page.locator("#deadline-explanation").inner_text()
    assert "2026年2月28日" in explanation
    assert "第二百零二条" in explanation  # the article behind the month end

    # The same page on a phone: nothing wider than the screen.
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(page.base_url + "/calendar/2026/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
