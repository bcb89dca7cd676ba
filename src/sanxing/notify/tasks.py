"""Background tasks (django-tasks): thin, they load and call a service."""

from __future__ import annotations

from django_tasks import task

from sanxing.notify import services
from sanxing.notify.models import Notice


@task()
def send_notice_email(notice_id: int) -> bool:
    notice = Notice.objects.filter(pk=notice_id).first()
    return notice is not None and services.notice_email_deliver(notice=notice)


@task()
def send_notice_sms(notice_id: int) -> bool:
    notice = Notice.objects.filter(pk=notice_id).first()
    return notice is not None and services.notice_sms_deliver(notice=notice)
