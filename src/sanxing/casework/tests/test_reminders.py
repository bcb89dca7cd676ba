"""Reminders before a due date and after it, each sent once however often the job runs."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from sanxing.casework import reminders
from sanxing.casework.tests.factories import assigned_suggestion
from sanxing.notify.models import Notice

pytestmark = pytest.mark.django_db


def run(day: dt.date) -> int:
    with time_machine.travel(dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC), tick=False):
        return reminders.send_reminders(today=day)


def test_reminders_seven_and_one_day_before_then_overdue_each_once(world):
    with time_machine.travel(dt.datetime(2026, 1, 15, 9, tzinfo=dt.UTC), tick=False):
        item, _lead = assigned_suggestion(world, on=dt.date(2026, 1, 15))  # due 15 April
    assert run(dt.date(2026, 4, 1)) == 0
    assert run(dt.date(2026, 4, 8)) >= 1
    assert run(dt.date(2026, 4, 8)) == 0  # the same day again: nothing new
    handler_notices = Notice.objects.filter(recipient=world.handler)
    assert handler_notices.count() == 1
    assert "2026-04-15" in handler_notices.get().title
    run(dt.date(2026, 4, 14))
    assert handler_notices.count() == 2
    run(dt.date(2026, 4, 16))
    run(dt.date(2026, 4, 17))
    overdue = Notice.objects.filter(dedupe_key__endswith=":overdue")
    assert overdue.filter(recipient=world.handler).count() == 1
    assert overdue.filter(recipient=world.clerk).count() == 1  # the office hears of it
    assert not Notice.objects.filter(recipient=world.other_handler).exists()
    assert Notice.objects.filter(url=f"/casework/items/{item.pk}/").exists()


def test_the_periodic_job_is_registered():
    from sanxing.notify.periodic import registered_jobs

    assert "casework.reminders" in registered_jobs()


def escalate(day: dt.date) -> int:
    with time_machine.travel(dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC), tick=False):
        return reminders.send_escalations(today=day)


def test_escalation_after_n_days_overdue_to_office_and_leader_never_twice(world, settings):
    from sanxing.casework import services

    settings.CASEWORK_ESCALATE_AFTER_DAYS = 5
    with time_machine.travel(dt.datetime(2026, 1, 15, 9, tzinfo=dt.UTC), tick=False):
        item, _lead = assigned_suggestion(world, on=dt.date(2026, 1, 15))  # due 15 April
        services.item_mark_key_supervised(
            item=item, leader=world.director.person, by=world.clerk, note="重點督辦"
        )
    assert escalate(dt.date(2026, 4, 19)) == 0  # 4 days overdue
    assert escalate(dt.date(2026, 4, 20)) >= 2
    assert escalate(dt.date(2026, 4, 21)) == 0  # never twice
    escalated = Notice.objects.filter(kind="casework.escalation")
    assert {n.recipient for n in escalated} >= {world.clerk, world.director}
    assert not escalated.filter(recipient__in=[world.handler, world.outsider]).exists()
    assert "5" in escalated.filter(recipient=world.clerk).get().title


def test_the_escalation_job_is_registered():
    from sanxing.notify.periodic import registered_jobs

    assert "casework.escalations" in registered_jobs()
