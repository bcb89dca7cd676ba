"""Letters after the answer: review (複查, Art. 35), re-review (複核, Art. 36: 30 + 30 days,
hearing time not counted) and the periodic job that closes a letter whose window passed."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from sanxing.casework import kinds, services
from sanxing.casework.kinds import Purpose
from sanxing.casework.models import Clock, TimelineEvent
from sanxing.core.errors import BusinessError

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 9, 1, 10, tzinfo=dt.UTC), tick=False):
        yield


def _answered(world, answered_on=dt.date(2026, 5, 20)):
    letter = services.letter_receive(
        congress=world.congress,
        channel="letter",
        petitioner_name="張三",
        title="小區漏水",
        content="",
        received_on=dt.date(2026, 4, 28),
        by=world.clerk,
    )
    services.letter_accept(item=letter, by=world.clerk, on=dt.date(2026, 4, 30))
    services.letter_answer(
        item=letter,
        outcome="explain",
        text="已說明",
        signed_by="信訪室",
        by=world.clerk,
        sent_on=answered_on,
    )
    letter.refresh_from_db()
    return letter


def _reviewed(world):
    letter = _answered(world)
    services.letter_request_review(
        item=letter, reason="不服", by=world.clerk, on=dt.date(2026, 5, 25)
    )
    services.letter_review_decide(
        item=letter,
        outcome="explain",
        text="維持",
        signed_by="信訪室",
        by=world.clerk,
        sent_on=dt.date(2026, 6, 10),
    )
    letter.refresh_from_db()
    return letter


def test_re_review_clock_30_plus_30_with_hearing_not_counted(world):
    letter = _reviewed(world)
    assert letter.state == kinds.REVIEWED
    window = Clock.objects.get(item=letter, purpose=Purpose.RE_REVIEW_REQUEST)
    assert (window.started_on, window.due_on) == (dt.date(2026, 6, 10), dt.date(2026, 7, 10))
    assert window.rule_code == "letter.re_review_request"
    assert any(art in window.article for art in ("Art. 36", "第三十六条", "第三十六條"))
    services.letter_request_re_review(
        item=letter, reason="仍不服", by=world.clerk, on=dt.date(2026, 7, 1)
    )
    window.refresh_from_db()
    assert window.stopped_on == dt.date(2026, 7, 1)
    clock = Clock.objects.get(item=letter, purpose=Purpose.RE_REVIEW)
    assert clock.due_on == dt.date(2026, 7, 31)
    services.letter_hearing(item=letter, days=7, note="聽證會", by=world.clerk)
    clock.refresh_from_db()
    assert (clock.paused_days, clock.due_on) == (7, dt.date(2026, 8, 7))
    services.letter_re_review_decide(
        item=letter,
        outcome="reject",
        text="不予支持",
        signed_by="主任",
        by=world.clerk,
        sent_on=dt.date(2026, 8, 5),
    )
    letter.refresh_from_db()
    clock.refresh_from_db()
    assert letter.state == kinds.CLOSED and letter.closed_on == dt.date(2026, 8, 5)
    assert clock.stopped_on == dt.date(2026, 8, 5) and not clock.is_overdue()


def test_re_review_refusals(world):
    letter = _reviewed(world)
    with pytest.raises(BusinessError):
        services.letter_request_re_review(
            item=letter, reason="晚了", by=world.clerk, on=dt.date(2026, 7, 11)
        )
    with pytest.raises(BusinessError):
        services.letter_hearing(item=letter, days=3, note="", by=world.clerk)
    with pytest.raises(BusinessError):
        services.letter_request_re_review(
            item=letter, reason="x", by=world.handler, on=dt.date(2026, 7, 1)
        )
    letter.refresh_from_db()
    assert letter.state == kinds.REVIEWED


def test_the_periodic_job_closes_lapsed_letters_once(world):
    # 30 days from 20 May end on 19 June, the Dragon Boat Festival: due Monday 22 June.
    lapsed = _answered(world, answered_on=dt.date(2026, 5, 20))
    reviewed = _reviewed(world)  # re-review window to 10 July
    open_one = _answered(world, answered_on=dt.date(2026, 8, 20))  # window still open
    assert services.letters_close_lapsed(today=dt.date(2026, 6, 22)) == 0  # last day: still open
    assert services.letters_close_lapsed(today=dt.date(2026, 6, 23)) == 1
    assert services.letters_close_lapsed(today=dt.date(2026, 9, 1)) == 1
    assert services.letters_close_lapsed(today=dt.date(2026, 9, 1)) == 0  # idempotent
    for letter, closed_on in ((lapsed, dt.date(2026, 6, 22)), (reviewed, dt.date(2026, 7, 10))):
        letter.refresh_from_db()
        assert (letter.state, letter.closed_on) == (kinds.CLOSED, closed_on)
        events = TimelineEvent.objects.filter(item=letter, action="close")
        assert events.count() == 1 and events.get().actor is None
    open_one.refresh_from_db()
    assert open_one.state == kinds.ANSWERED


def test_the_job_is_registered():
    from sanxing.notify.periodic import registered_jobs

    assert "casework.letters_lapsed" in registered_jobs()


def test_api_review_and_re_review(client, world):
    letter = _answered(world)
    client.force_login(world.clerk)
    base = f"/api/v1/casework/letters/{letter.pk}"
    answer = {"outcome": "explain", "text": "維持", "signed_by": "信訪室", "sent_on": "2026-06-10"}
    r = client.post(
        f"{base}/request-review", {"reason": "不服", "on": "2026-05-25"}, "application/json"
    )
    assert r.status_code == 200, r.content
    assert (
        client.post(f"{base}/decide-review", answer, "application/json").json()["state"]
        == "reviewed"
    )
    r = client.post(
        f"{base}/request-re-review", {"reason": "仍不服", "on": "2026-07-01"}, "application/json"
    )
    assert r.json()["state"] == "under_re_review"
    r = client.post(f"{base}/hearing", {"days": 0}, "application/json")
    assert r.status_code == 400 and r.json()["field"] == "days"
    r = client.post(f"{base}/hearing", {"days": 7}, "application/json")
    [clock] = [c for c in r.json()["clocks"] if c["purpose"] == "re_review"]
    assert clock["due_on"] == "2026-08-07"
    r = client.post(
        f"{base}/decide-re-review", {**answer, "sent_on": "2026-08-05"}, "application/json"
    )
    assert r.json()["state"] == "closed"
    for user in (world.outsider, world.handler):
        client.force_login(user)
        assert client.post(f"{base}/hearing", {"days": 1}, "application/json").status_code == 404
