"""The clerk proposes the deputies for a committee meeting, swaps one and confirms; the
deputy opens the invitation on a phone and accepts."""

from __future__ import annotations

import pytest

from sanxing.deputies.models import Invitation
from sanxing.deputies.testing import P, build_setup
from sanxing.people.testing import build_world

from .helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}


def test_the_clerk_swaps_and_confirms_and_the_deputy_accepts_on_a_phone(page, browser):
    setup = build_setup(build_world())
    deputy = P(setup.world.deputy)
    login(page, "clerk")
    page.goto(f"{page.base_url}/deputies/meetings/{setup.meeting.pk}/rotation/?seats=4")
    rows = page.locator("#proposal tbody tr")
    assert rows.count() == 4
    proposed = [int(rows.nth(i).get_attribute("data-person")) for i in range(4)]
    # make sure the world's deputy is invited: swap them in for the first proposed
    if deputy.pk not in proposed:
        page.select_option("#swap-out", str(proposed[0]))
        page.select_option("#swap-in", str(deputy.pk))
        page.locator("#swap-form button[type=submit]").click()
        page.wait_for_load_state()
    else:
        other = proposed[1] if proposed[0] == deputy.pk else proposed[0]
        page.select_option("#swap-out", str(other))
        page.locator("#swap-form button[type=submit]").click()
        page.wait_for_load_state()
    shown = page.locator("#proposal tbody tr")
    now = [int(shown.nth(i).get_attribute("data-person")) for i in range(shown.count())]
    assert len(now) == 4 and deputy.pk in now and set(now) != set(proposed)
    page.locator("#confirm-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#invitations tbody tr").count() == 4
    assert set(Invitation.objects.values_list("person_id", flat=True)) == set(now)

    phone = browser.new_context(locale="zh-CN", viewport=PHONE)
    phone.set_default_timeout(15_000)
    dpage = phone.new_page()
    dpage.base_url = page.base_url
    login(dpage, "deputy")
    dpage.goto(dpage.base_url + "/deputies/mine/")
    dpage.locator("main table a").first.click()
    dpage.wait_for_load_state()
    # nothing wider than the phone's screen
    assert dpage.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    dpage.locator("button[value=accept]").click()
    dpage.wait_for_load_state()
    assert Invitation.objects.get(person=deputy).status == "accepted"
    assert "已接受" in dpage.locator("#answer").inner_text()
    phone.close()
