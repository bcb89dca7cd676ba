"""A member makes their calendar-feed link: shown once, stored only as a hash; a new link
stops the old one."""

from __future__ import annotations

import hashlib

import pytest
from django.test import Client

from sanxing.gatherings.models import CalendarFeed
from tests.browser.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_member_makes_the_feed_link_once_and_renews_it(world, page):
    login(page, "member")
    page.goto(page.base_url + "/gatherings/my-calendar/")
    assert page.locator("#feed-url").count() == 0
    assert not CalendarFeed.objects.exists()  # opening the page made nothing
    page.click("#feed-create")
    first = page.input_value("#feed-url")
    raw = first.rsplit("/", 1)[-1].removesuffix(".ics")
    feed = CalendarFeed.objects.get(user=world.member)
    assert feed.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    page.goto(page.base_url + "/gatherings/my-calendar/")
    assert page.locator("#feed-url").count() == 0  # shown once
    page.click("#feed-reset")
    second = page.input_value("#feed-url")
    assert second != first
    path = "/" + first.split("://", 1)[-1].split("/", 1)[-1]
    assert Client().get(path).status_code == 404
    assert Client().get("/" + second.split("://", 1)[-1].split("/", 1)[-1]).status_code == 200
