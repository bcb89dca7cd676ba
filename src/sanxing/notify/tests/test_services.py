"""Notices are created once, e-mailed over real SMTP in the recipient's language, claimed so
they are never sent twice, retried when SMTP fails, and texted when urgent."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy

from sanxing.notify import services
from sanxing.notify.models import Notice, SmsMessage
from sanxing.notify.testing import free_port

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC)


def send(recipients, **kwargs):
    defaults = {"kind": "test.hello", "title": "建议交办", "body": "请在三个月内答复。"}
    return services.notice_send(recipients=recipients, **{**defaults, **kwargs})


def test_a_notice_is_created_once_per_recipient_and_key(world, immediate_tasks):
    first = send([world.deputy, world.handler], dedupe_key="reminder:item42:due-3d")
    again = send([world.deputy, world.handler, world.clerk], dedupe_key="reminder:item42:due-3d")

    assert {n.recipient for n in first} == {world.deputy, world.handler}
    assert [n.recipient for n in again] == [world.clerk]
    assert Notice.objects.filter(dedupe_key="reminder:item42:due-3d").count() == 3


def test_without_a_key_every_call_is_a_new_notice(world, immediate_tasks):
    send([world.deputy])
    send([world.deputy])
    assert Notice.objects.filter(recipient=world.deputy).count() == 2


def test_an_instant_user_gets_an_email_over_smtp_in_their_language(
    world, smtp_server, immediate_tasks, django_capture_on_commit_callbacks
):
    world.handler.language = "en"
    world.handler.save()
    with django_capture_on_commit_callbacks(execute=True):
        notices = send(
            [world.deputy, world.handler], title=gettext_lazy("Notices"), url="/casework/42/"
        )

    messages = smtp_server.wait_for(2)
    by_to = {m["To"]: m for m in messages}
    zh = by_to["deputy@example.test"]
    en = by_to["handler@example.test"]
    assert zh["Subject"] == "【三型机关】通知"
    assert en["Subject"] == "[Sanxing] Notices"
    assert "http://127.0.0.1:8000/casework/42/" in smtp_server.text_of(zh)
    assert "在平台中打开：http://127.0.0.1:8000/casework/42/" in smtp_server.text_of(zh)
    assert "Open it in the platform: http://127.0.0.1:8000/casework/42/" in smtp_server.text_of(en)
    assert 'href="http://127.0.0.1:8000/casework/42/"' in smtp_server.text_of(en, "html")
    assert {n.pk for n in notices} == set(
        Notice.objects.filter(email_state=Notice.EmailState.SENT).values_list("pk", flat=True)
    )


def test_an_urgent_email_says_so_in_the_subject(world, smtp_server):
    (notice,) = send([world.deputy], urgent=True)
    services.notice_email_deliver(notice=notice)
    assert smtp_server.wait_for(1)[0]["Subject"] == "【三型机关】【紧急】建议交办"


def test_delivery_is_claimed_so_a_notice_is_never_sent_twice(world, smtp_server):
    (notice,) = send([world.deputy])  # no on_commit here: nothing was enqueued

    assert services.notice_email_deliver(notice=notice) is True
    assert services.notice_email_deliver(notice=notice) is False
    assert len(smtp_server.wait_for(1)) == 1
    notice.refresh_from_db()
    assert notice.email_state == Notice.EmailState.SENT
    assert notice.emailed_at is not None


def test_a_user_without_an_email_address_is_skipped(world):
    world.outsider.email = ""
    world.outsider.save()
    (notice,) = send([world.outsider])
    assert notice.email_state == Notice.EmailState.SKIPPED


def test_smtp_failure_gives_the_claim_back_then_gives_up(world, settings, caplog):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    (notice,) = send([world.deputy])

    assert services.notice_email_deliver(notice=notice) is False
    notice.refresh_from_db()
    assert notice.email_state == Notice.EmailState.PENDING
    assert notice.email_attempts == 1
    assert notice.email_error
    assert "failed" in caplog.text

    for _ in range(services.MAX_EMAIL_ATTEMPTS - 1):
        services.notice_email_deliver(notice=notice)
    notice.refresh_from_db()
    assert notice.email_state == Notice.EmailState.FAILED
    assert notice.email_attempts == services.MAX_EMAIL_ATTEMPTS


def test_the_retry_job_sends_what_is_still_pending(world, smtp_server):
    with time_machine.travel(NOW, tick=False):
        send([world.deputy])
    assert services.notices_email_retry(now=NOW + dt.timedelta(minutes=1)) == 0
    assert services.notices_email_retry(now=NOW + dt.timedelta(minutes=10)) == 1
    assert smtp_server.wait_for(1)[0]["To"] == "deputy@example.test"


def test_digest_users_get_one_email_a_day(world, smtp_server, django_capture_on_commit_callbacks):
    world.deputy.notice_mode = "digest"
    world.deputy.language = "zh-hant"
    world.deputy.save()
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        send([world.deputy], title="第一件")
        send([world.deputy], title="第二件", urgent=True)
    assert smtp_server.messages == []  # nothing at once for a digest user

    report = services.notices_digest_send(now=NOW + dt.timedelta(hours=1))
    again = services.notices_digest_send(now=NOW + dt.timedelta(hours=2))

    assert (report.users, report.notices) == (1, 2)
    assert (again.users, again.notices) == (0, 0)
    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "deputy@example.test"
    # A long encoded subject is folded onto the next line; the parser keeps the fold space.
    assert message["Subject"].strip() == "【三型機關】過去一天的 2 條通知"
    text = smtp_server.text_of(message)
    assert "第一件" in text and "第二件" in text
    assert "2026年11月27日" in text
    assert set(Notice.objects.values_list("email_state", flat=True)) == {"digested"}


def test_an_urgent_notice_is_texted_to_users_who_want_sms(world, immediate_tasks, caplog):
    world.deputy.sms_enabled = True
    world.deputy.save()
    world.handler.sms_enabled = True  # but the office has no mobile for the handler
    world.handler.save()
    caplog.set_level("INFO", logger="sanxing.notify.sms")

    from django.db import transaction

    with transaction.atomic():
        notices = send([world.deputy, world.handler, world.clerk], urgent=True)
    for notice in notices:
        services.notice_sms_deliver(notice=notice)
        services.notice_sms_deliver(notice=notice)  # claimed: never twice

    (sms,) = SmsMessage.objects.all()
    assert sms.phone == "13900002222"
    assert sms.text.startswith("【三型机关】【紧急】建议交办 http://127.0.0.1:8000/notices/")
    assert sms.status == SmsMessage.Status.SENT
    assert "139****2222" in caplog.text
    states = dict(Notice.objects.values_list("recipient__username", "sms_state"))
    assert states == {"deputy": "sent", "handler": "failed", "clerk": ""}


def test_a_lazy_title_is_rendered_per_recipient(world):
    world.handler.language = "en"
    world.handler.save()
    title = lazy(lambda: str(gettext_lazy("Urgent")), str)()
    notices = {n.recipient.username: n for n in send([world.deputy, world.handler], title=title)}
    assert notices["deputy"].title == "紧急"
    assert notices["handler"].title == "Urgent"


def test_retries_back_off(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    with time_machine.travel(NOW, tick=False):
        (notice,) = send([world.deputy])
    services.notices_email_retry(now=NOW + dt.timedelta(minutes=6))  # attempt 1 fails
    # the second try waits until 10 minutes after creation
    assert services.notices_email_retry(now=NOW + dt.timedelta(minutes=9)) == 0
    notice.refresh_from_db()
    assert notice.email_attempts == 1
    services.notices_email_retry(now=NOW + dt.timedelta(minutes=11))
    notice.refresh_from_db()
    assert notice.email_attempts == 2


def test_a_notice_links_only_to_a_path_or_a_web_address(world):
    with pytest.raises(ValueError):
        send([world.deputy], url="javascript:alert(1)")
    assert Notice.objects.count() == 0


def run_at_once(fn, times: int = 4) -> list:
    """Run ``fn`` in ``times`` threads released together; returns what they raised."""
    import threading

    from django.db import connection

    barrier = threading.Barrier(times)
    errors: list[BaseException] = []

    def worker():
        try:
            barrier.wait()
            fn()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def skip_on_in_memory_sqlite():
    from django.db import connection

    if connection.vendor == "sqlite" and connection.is_in_memory_db():  # type: ignore[attr-defined]
        # Threads on a shared-cache in-memory SQLite get "table is locked" at once instead of
        # waiting; run with SANXING_TEST_SQLITE=/tmp/x.sqlite3 or on PostgreSQL.
        pytest.skip("needs a file-based SQLite or PostgreSQL test database")


@pytest.mark.django_db(transaction=True)
def test_concurrent_sends_with_one_key_create_one_notice():
    from sanxing.people.testing import build_world

    skip_on_in_memory_sqlite()
    world = build_world()
    created: list[int] = []

    def call():
        notices = services.notice_send(
            recipients=[world.deputy], kind="t", title="t", dedupe_key="once"
        )
        created.extend(n.pk for n in notices)

    assert run_at_once(call) == []
    assert len(created) == 1
    assert Notice.objects.filter(dedupe_key="once").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_digest_runs_send_one_email(smtp_server):
    from sanxing.people.testing import build_world

    skip_on_in_memory_sqlite()
    world = build_world()
    world.deputy.notice_mode = "digest"
    world.deputy.save()
    for n in range(3):
        send([world.deputy], title=f"通知{n}")

    assert run_at_once(services.notices_digest_send) == []
    assert len(smtp_server.wait_for(2, timeout=1)) == 1
    assert Notice.objects.filter(email_state="digested").count() == 3
