"""The review findings: private leave reasons, leave by strangers, check-in code guessing,
double clicks on a checklist task, hashed calendar-feed secrets."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from sanxing.gatherings import services
from sanxing.gatherings.tests.conftest import Meeting, P

pytestmark = pytest.mark.django_db

REASON = "住院治療-PRIVATE"


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_a_leave_reason_shows_to_the_office_and_the_person_only(meeting: Meeting):
    w, g = meeting.world, meeting.gathering
    services.leave_request(
        gathering=g,
        person=P(w.member),
        reason=REASON,
        by=w.clerk,
        at=g.starts_at - dt.timedelta(days=1),
    )
    url = reverse("gatherings:detail", args=[g.pk])
    assert REASON in client_for(w.clerk).get(url).content.decode()
    assert REASON in client_for(w.member).get(url).content.decode()
    other = client_for(w.director).get(url)  # on the roster, not the one who asked
    assert other.status_code == 200
    body = other.content.decode()
    assert REASON not in body and P(w.member).name in body
    services.gathering_publish_results(gathering=g, by=w.clerk)
    public = client_for(w.outsider).get(url)
    assert public.status_code == 200 and REASON not in public.content.decode()


def test_leave_by_someone_neither_on_the_roster_nor_the_office_is_404(meeting: Meeting):
    w, g = meeting.world, meeting.gathering
    services.gathering_publish_results(gathering=g, by=w.clerk)
    with time_machine.travel(g.starts_at - dt.timedelta(days=2), tick=False):
        response = client_for(w.outsider).post(
            reverse("gatherings:leave", args=[g.pk]), {"reason": "x"}
        )
        assert response.status_code == 404
        # the member on the roster still can
        ok = client_for(w.member).post(reverse("gatherings:leave", args=[g.pk]), {"reason": "出差"})
        assert ok.status_code == 302
    assert list(g.leave_requests.values_list("person_id", flat=True)) == [P(w.member).pk]
    # GET-only meeting page: a POST to it is refused
    assert client_for(w.clerk).post(reverse("gatherings:detail", args=[g.pk])).status_code == 405
