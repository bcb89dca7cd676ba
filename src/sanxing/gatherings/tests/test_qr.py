"""The hall screen shows the current check-in link as an inline SVG QR code (segno cannot
decode, so the test checks the link that was encoded: the SVG is segno's drawing of exactly
the link on the page, and it changes with the window)."""

import datetime as dt
import html
import re
from typing import Any

import pytest
import segno
import time_machine
from django.test import Client
from django.urls import reverse

from sanxing.gatherings import services
from sanxing.gatherings.qr import qr_svg
from sanxing.gatherings.tests.conftest import Meeting, during

pytestmark = pytest.mark.django_db


def _screen(meeting: Meeting, *, htmx: bool = False) -> str:
    c = Client()
    c.force_login(meeting.world.clerk)
    headers: dict[str, Any] = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = c.get(reverse("gatherings:code", args=[meeting.gathering.pk]), **headers)
    assert response.status_code == 200
    return response.content.decode()


def _link(body: str) -> str:
    match = re.search(r'id="check-in-link" href="([^"]+)"', body)
    assert match
    return html.unescape(match.group(1))


def test_qr_encodes_the_current_link_and_turns_with_the_window(meeting: Meeting):
    g = meeting.gathering
    at = during(meeting).replace(second=5)
    with time_machine.travel(at, tick=False):
        body = _screen(meeting)
        code = services.check_in_code(g, at)
    link = _link(body)
    assert link == f"http://testserver/gatherings/{g.pk}/check-in/?code={code}"
    assert "<svg" in body and 'class="check-in-qr"' in body
    assert qr_svg(link) in body
    # the SVG is segno's drawing of that very link, error correction M
    expected = segno.make(link, error="m", micro=False)
    assert expected.designator.endswith("M")
    assert f"<title>{link}</title>" in body.replace("&amp;", "&")
    # htmx reloads the panel when the window turns (55 s left) and every 10 s
    assert 'hx-trigger="load delay:55s, every 10s"' in body

    later = at + dt.timedelta(seconds=services.CODE_WINDOW_SECONDS)
    with time_machine.travel(later, tick=False):
        panel = _screen(meeting, htmx=True)
        next_code = services.check_in_code(g, later)
    assert next_code != code
    assert "<html" not in panel and qr_svg(_link(panel)) in panel
    assert _link(panel).endswith(f"?code={next_code}") and qr_svg(link) not in panel


def test_the_qr_screen_is_for_the_office(meeting: Meeting):
    w = meeting.world
    for user in (w.outsider, w.member):
        c = Client()
        c.force_login(user)
        assert c.get(reverse("gatherings:code", args=[meeting.gathering.pk])).status_code == 404
