"""Self check-in blocked by the attempt limit: 429 Too Many Requests with Retry-After and
the translated message, on the page and at the API — not 400 (issue 4)."""

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from sanxing.core.errors import BusinessError
from sanxing.gatherings import services
from sanxing.gatherings.tests.conftest import Meeting, P, during

pytestmark = pytest.mark.django_db
MESSAGE_EN = "Too many wrong codes. Wait ten minutes, or ask the office to record you."


def _block(meeting: Meeting) -> str:
    """Ten wrong codes by the member; the good code of the minute."""
    w, g = meeting.world, meeting.gathering
    at = during(meeting)
    good = services.check_in_code(g, at)
    wrong = "000000" if good != "000000" else "111111"
    for _ in range(10):
        with pytest.raises(BusinessError):
            services.check_in_self(gathering=g, person=P(w.member), code=wrong, by=w.member, at=at)
    return good


def test_the_page_answers_429_with_retry_after(meeting: Meeting):
    w, g = meeting.world, meeting.gathering
    with time_machine.travel(during(meeting), tick=False):
        good = _block(meeting)
        url = reverse("gatherings:self_check_in", args=[g.pk])
        for language, text in (("en", MESSAGE_EN), ("zh-hant", None)):
            c = Client(HTTP_ACCEPT_LANGUAGE=language)
            c.force_login(w.member)
            page = c.post(url, {"code": good})
            assert page.status_code == 429 and page["Retry-After"] == "600"
            body = page.content.decode()
            if text:
                assert text in body
            else:
                assert MESSAGE_EN not in body and page.context["form"].errors["code"]
        assert not g.attendances.filter(person=P(w.member)).exists()
        # A wrong code that is not blocked is still a 200 page with the error (not 429).
        other = Client()
        other.force_login(w.director)
        assert other.post(url, {"code": "12"}).status_code == 200


def test_the_api_answers_429_with_retry_after_and_the_message(meeting: Meeting):
    w, g = meeting.world, meeting.gathering
    with time_machine.travel(during(meeting), tick=False):
        good = _block(meeting)
        url = f"/api/v1/gatherings/{g.pk}/check-in"
        c = Client(HTTP_ACCEPT_LANGUAGE="en")
        c.force_login(w.member)
        r = c.post(url, {"code": good}, content_type="application/json")
        assert r.status_code == 429 and r["Retry-After"] == "600"
        body = r.json()
        assert (body["code"], body["message"], body["field"]) == (
            "too_many_attempts",
            MESSAGE_EN,
            "code",
        )
        zh = Client(HTTP_ACCEPT_LANGUAGE="zh-hant")
        zh.force_login(w.member)
        r = zh.post(url, {"code": good}, content_type="application/json")
        assert r.status_code == 429 and r.json()["message"] != MESSAGE_EN
        # Someone else is not blocked.
        d = Client()
        d.force_login(w.director)
        assert d.post(url, {"code": good}, content_type="application/json").status_code == 200
    assert not g.attendances.filter(person=P(w.member)).exists()


def test_the_429_is_in_the_openapi_document():
    from sanxing.api.api import api

    op = api.get_openapi_schema()["paths"]["/api/v1/gatherings/{gathering_id}/check-in"]["post"]
    assert "429" in op["responses"] or 429 in op["responses"]
