"""A motion in the browser (RULES.md §4): the clerk enters it with ten co-signing deputies;
the presidium's decision "handle as a suggestion" makes the linked suggestion; a motion with
too few co-signers is refused with the law's message."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from sanxing.casework.kinds import Kind
from sanxing.casework.models import Item
from sanxing.people.models import Person, Role
from sanxing.people.testing import build_world
from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SURNAMES = "王李張劉楊趙黃周吳徐孫"


def _deputies(world, n):
    people = []
    for i in range(n):
        person = Person.objects.create(congress=world.congress, name=f"{SURNAMES[i]}代表{i}")
        Role.objects.create(
            person=person,
            organisation=world.delegation,
            kind=Role.Kind.DEPUTY,
            term=world.term,
            starts_on=world.term.starts_on,
        )
        people.append(person)
    return people


def _enter(page, title, lead, co_signers):
    page.goto(page.base_url + "/casework/new/?kind=motion")
    page.fill("#id_title", title)
    page.fill("#id_content", "案由：……依據：……方案：……")
    page.select_option("#id_topic", "elderly")
    page.select_option("#id_lead", str(lead.pk))
    page.select_option("#id_co_signers", [str(p.pk) for p in co_signers])
    page.locator("main form button[type=submit]").click()


def test_clerk_enters_a_motion_and_the_presidium_makes_it_a_suggestion(page):
    world = build_world()
    deputies = _deputies(world, 11)
    login(page, "clerk")

    # Too few co-signers: refused, with the rule and the article.
    _enter(page, "關於制定《示範市河道管理條例》的議案", deputies[0], deputies[1:5])
    expect(page.locator(".error-summary")).to_contain_text(re.compile("10"))
    expect(page.locator(".error-summary")).to_contain_text(re.compile("[议議]案"))
    assert not Item.objects.filter(kind=Kind.MOTION).exists()

    # Ten or more: saved.
    _enter(page, "關於制定《示範市養老服務條例》的議案", deputies[0], deputies[1:11])
    expect(page.locator(".banner-success")).to_be_visible()
    motion = Item.objects.get(kind=Kind.MOTION)
    assert motion.originators.count() == 11

    # The presidium decides to handle it as a suggestion.
    page.locator("input[name=decision][value=convert]").check()
    page.locator("form[action$='/decide/'] button[type=submit]").click()
    expect(page.locator(".banner-success")).to_be_visible()
    suggestion = Item.objects.get(kind=Kind.SUGGESTION, related_item=motion)
    assert suggestion.originators.count() == 11
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "casework-motion-decided.png"), full_page=True)

    # The suggestion is on the desk and leads back to its motion.
    page.goto(page.base_url + f"/casework/items/{suggestion.pk}/")
    expect(page.locator("h1")).to_contain_text("關於制定《示範市養老服務條例》的議案")
    page.locator(f"a[href='/casework/items/{motion.pk}/']").first.click()
    expect(page).to_have_url(re.compile(rf"/casework/items/{motion.pk}/$"))

    # From the motion, the suggestion made from it.
    link = page.locator(f"a[href='/casework/items/{suggestion.pk}/']")
    expect(link).to_have_count(1)
    link.first.click()
    expect(page).to_have_url(re.compile(rf"/casework/items/{suggestion.pk}/$"))
