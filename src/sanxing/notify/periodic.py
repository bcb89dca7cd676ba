"""Periodic jobs: what the timer runs through ``sanxing periodic``.

An app registers a job in its ``AppConfig.ready()``::

    from sanxing.notify.periodic import register_periodic
    register_periodic("casework.deadline_scan", deadline_scan)

A job is a callable taking the current time (aware) and returning a short report (a string,
or anything printable). Every job must be idempotent: the timer may run it every few minutes,
twice at once, or late. A failing job is logged and does not stop the others.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)

PeriodicJob = Callable[[dt.datetime], Any]

_registry: dict[str, PeriodicJob] = {}


def register_periodic(name: str, fn: PeriodicJob) -> None:
    """Register (or replace) the job called ``name``."""
    _registry[name] = fn


def registered_jobs() -> dict[str, PeriodicJob]:
    return dict(_registry)


@dataclass
class JobOutcome:
    name: str
    ok: bool
    report: str


def run_periodic(
    *, now: dt.datetime | None = None, only: list[str] | None = None
) -> list[JobOutcome]:
    now = now or timezone.now()
    outcomes = []
    for name, fn in sorted(_registry.items()):
        if only and name not in only:
            continue
        try:
            result = fn(now)
        except Exception as exc:  # one broken job must not stop the others
            logger.exception("Periodic job %s failed", name)
            outcomes.append(JobOutcome(name, False, f"{type(exc).__name__}: {exc}"))
            continue
        outcomes.append(JobOutcome(name, True, "" if result is None else str(result)))
    return outcomes


# --- notify's own jobs ------------------------------------------------------------------------


def digest_job(now: dt.datetime) -> str:
    """The daily digest, sent once the local time is past NOTICE_DIGEST_HOUR (default 7)."""
    from sanxing.notify.services import notices_digest_send

    hour = getattr(settings, "NOTICE_DIGEST_HOUR", 7)
    if timezone.localtime(now).hour < hour:
        return f"not before {hour:02d}:00"
    report = notices_digest_send(now=now)
    text = f"{report.users} digests, {report.notices} notices"
    if report.failed_users:
        text += f", {report.failed_users} failed (retried next run)"
    return text


def email_retry_job(now: dt.datetime) -> str:
    from sanxing.notify.services import notices_email_retry

    return f"{notices_email_retry(now=now)} delayed e-mails sent"


def register_notify_jobs() -> None:
    register_periodic("notify.digest", digest_job)
    register_periodic("notify.email_retry", email_retry_job)
