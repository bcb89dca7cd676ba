"""The commands the timers and the service manager run: periodic, notices digest, worker."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django_tasks import TaskResultStatus, task_backends

from sanxing.notify import periodic, services
from sanxing.notify.models import Notice
from sanxing.notify.testing import free_port
from sanxing.notify.worklist import unread_for_home

pytestmark = pytest.mark.django_db

MORNING = dt.datetime(2026, 11, 27, 0, 30, tzinfo=dt.UTC)  # 08:30 in Shanghai


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_notices_digest_command_is_idempotent(world, smtp_server):
    world.clerk.notice_mode = "digest"
    world.clerk.save()
    services.notice_send(recipients=[world.clerk], kind="test.hello", title="今日会议")

    first = run("notices", "digest")
    second = run("notices", "digest")

    assert "1 e-mails, 1 notices" in first
    assert "0 e-mails, 0 notices" in second
    assert len(smtp_server.wait_for(1)) == 1
    assert smtp_server.messages[0]["To"] == "clerk@example.test"


def test_periodic_runs_every_job_and_reports(world, smtp_server):
    calls = []

    def scan(now):
        calls.append(now)
        return "3 reminders"

    periodic.register_periodic("test.scan", scan)
    periodic.register_periodic("test.broken", lambda now: 1 / 0)
    world.clerk.notice_mode = "digest"
    world.clerk.save()
    try:
        with time_machine.travel(MORNING, tick=False):
            services.notice_send(recipients=[world.clerk], kind="test.hello", title="今日会议")
        with time_machine.travel(MORNING + dt.timedelta(minutes=10), tick=False):
            out = StringIO()
            with pytest.raises(CommandError):
                call_command("periodic", stdout=out)
            again = StringIO()
            with pytest.raises(CommandError):
                call_command("periodic", stdout=again)
    finally:
        periodic._registry.pop("test.scan")
        periodic._registry.pop("test.broken")

    report = out.getvalue()
    assert "notify.digest: ok 1 digests, 1 notices" in report
    assert "notify.email_retry: ok 0 delayed e-mails sent" in report
    assert "test.scan: ok 3 reminders" in report
    assert "test.broken: FAILED ZeroDivisionError" in report
    assert "notify.digest: ok 0 digests, 0 notices" in again.getvalue()
    assert len(calls) == 2
    assert len(smtp_server.wait_for(1)) == 1


def test_the_digest_waits_for_the_morning(world):
    night = dt.datetime(2026, 11, 26, 20, 0, tzinfo=dt.UTC)  # 04:00 in Shanghai
    assert periodic.digest_job(night) == "not before 07:00"


def test_periodic_lists_its_jobs(world):
    jobs = run("periodic", "--list").split()
    assert {"notify.digest", "notify.email_retry"} <= set(jobs)


def test_periodic_refuses_an_unknown_job(world):
    with pytest.raises(CommandError, match="no such periodic job"):
        call_command("periodic", "--only", "nope")


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_a_queued_email_task(smtp_server):
    from sanxing.people.testing import build_world

    world = build_world()
    assert type(task_backends["default"]).__name__ == "DatabaseBackend"
    (notice,) = services.notice_send(recipients=[world.deputy], kind="test.hello", title="新建议")
    from django_tasks_db.models import DBTaskResult

    (queued,) = DBTaskResult.objects.all()
    assert queued.status == TaskResultStatus.READY

    run("worker", "--batch", "--no-reload", "--no-startup-delay", "--verbosity", "0")

    queued.refresh_from_db()
    assert queued.status == TaskResultStatus.SUCCESSFUL
    (message,) = smtp_server.wait_for(1)
    assert message["Subject"] == "【三型机关】新建议"
    notice.refresh_from_db()
    assert notice.email_state == Notice.EmailState.SENT


def test_worker_help_documents_the_options():
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("worker", "--help", stdout=out)


def test_home_gets_recent_unread_notices(world):
    for n in range(7):
        services.notice_send(recipients=[world.deputy], kind="casework.due", title=f"通知{n}")
    items = unread_for_home(world.deputy, dt.date(2026, 11, 27))
    assert len(items) == 5
    assert items[0]["title"] == "通知6"
    assert set(items[0]) == {"title", "url", "due_on", "rule", "kind"}
    assert items[0]["kind"] == "notice:casework.due"
    assert unread_for_home(world.outsider, dt.date(2026, 11, 27)) == []


def test_test_email_checks_the_mail_settings(smtp_server, settings):
    assert "sent to ops@example.test" in run("notices", "test-email", "--to", "ops@example.test")
    assert smtp_server.wait_for(1)[0]["To"] == "ops@example.test"

    settings.EMAIL_PORT = free_port()
    with pytest.raises(CommandError, match="could not send"):
        call_command("notices", "test-email", "--to", "ops@example.test")
