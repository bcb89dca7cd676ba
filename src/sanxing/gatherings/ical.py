"""iCalendar (RFC 5545) output: a person's feed and a congress's year of meetings.

Written by hand (no ``icalendar`` dependency): CRLF line ends, lines folded at 75 octets
without splitting a UTF-8 character, TEXT values escaped, times in UTC."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from sanxing.gatherings.kinds import get_kind
from sanxing.gatherings.models import CalendarFeed, ChecklistTask, Gathering
from sanxing.people.models import Congress

PRODID = "-//sanxing//gatherings//ZH"
STATUS: dict[str, str] = {
    Gathering.Status.PLANNED: "CONFIRMED",
    Gathering.Status.HELD: "CONFIRMED",
    Gathering.Status.DRAFT: "TENTATIVE",
    Gathering.Status.CANCELLED: "CANCELLED",
}


def escape(text: str) -> str:
    return (
        str(text)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line into pieces of at most 75 octets (RFC 5545 §3.1)."""
    if len(line) <= 18 or len(line.encode("utf-8")) <= 75:  # most lines: nothing to fold
        return line
    out: list[str] = []
    current, size, limit = "", 0, 75
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += ch
        size += width
    out.append(current)
    return "\r\n".join(out)


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _date(value: dt.date) -> str:
    return value.strftime("%Y%m%d")


def _host() -> str:
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "sanxing"


def _event_lines(
    g: Gathering | EventRow, stamp: str, host: str | None = None, detail: Any = None
) -> list[str]:
    host = host or _host()
    url = detail(g.pk) if detail else reverse("gatherings:detail", args=[g.pk])
    lines = [
        "BEGIN:VEVENT",
        f"UID:gathering-{g.pk}@{host}",
        f"DTSTAMP:{stamp}",
        f"DTSTART:{_utc(g.starts_at)}",
        f"DTEND:{_utc(g.ends_at)}",
        f"SUMMARY:{escape(g.title)}",
        f"STATUS:{STATUS.get(g.status, 'CONFIRMED')}",
        f"SEQUENCE:{g.version}",
        f"LAST-MODIFIED:{_utc(g.updated_at)}",
        f"URL:{settings.SITE_URL}{url}",
        f"CATEGORIES:{escape(str(g.kind_label))}",
    ]
    if g.place:
        lines.append(f"LOCATION:{escape(g.place)}")
    lines.append("END:VEVENT")
    return lines


def _url_for(name: str) -> Any:
    """``pk → path`` for a route with one pk, reversed once per calendar, not per event."""
    sentinel = 987654321
    head, tail = reverse(name, args=[sentinel]).split(str(sentinel))
    return lambda pk: f"{head}{pk}{tail}"


def _task_lines(task: ChecklistTask, stamp: str) -> list[str]:
    # An all-day event rather than a VTODO: phone calendars show events from a subscription
    # and mostly ignore to-dos.
    return [
        "BEGIN:VEVENT",
        f"UID:gathering-task-{task.pk}@{_host()}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{_date(task.due_on)}",
        f"DTEND;VALUE=DATE:{_date(task.due_on + dt.timedelta(days=1))}",
        f"SUMMARY:{escape(task.title)}",
        f"DESCRIPTION:{escape(task.gathering.title + ' · ' + task.rule)}",
        f"URL:{settings.SITE_URL}{reverse('gatherings:checklist', args=[task.gathering_id])}",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]


def render(
    name: str, gatherings: Iterable[Gathering | EventRow], tasks: Iterable[ChecklistTask] = ()
) -> str:
    stamp = _utc(timezone.now())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
        f"X-WR-TIMEZONE:{settings.TIME_ZONE}",
    ]
    host, detail = _host(), _url_for("gatherings:detail")
    for g in gatherings:
        lines.extend(_event_lines(g, stamp, host, detail))
    for task in tasks:
        lines.extend(_task_lines(task, stamp))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


EVENT_FIELDS = (
    "pk",
    "kind",
    "title",
    "place",
    "status",
    "version",
    "starts_at",
    "ends_at",
    "updated_at",
)


@dataclass(slots=True)
class EventRow:
    """What a year's VEVENT reads of a gathering, without a model instance."""

    pk: int
    kind: str
    title: str
    place: str
    status: str
    version: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    updated_at: dt.datetime

    @property
    def kind_label(self) -> Any:
        return get_kind(self.kind).label


def year_calendar(congress: Congress | int, year: int) -> str:
    """Every gathering of the congress in ``year`` (drafts left out) with only the fields an
    event shows, and the congress's name beside each row: one query (two for an empty year),
    compiled once per congress, year and time zone (``selectors.compiled_rows``)."""
    from sanxing.gatherings.selectors import as_aware, compiled_rows

    congress_id = congress if isinstance(congress, int) else congress.pk
    rows = compiled_rows(
        ("year_ics", congress_id, year, timezone.get_current_timezone_name()),
        lambda: (
            Gathering.objects.filter(congress_id=congress_id, starts_at__year=year)
            .exclude(status=Gathering.Status.DRAFT)
            .order_by("starts_at", "pk")
            .values_list(*EVENT_FIELDS, "congress__name")
        ),
    )
    events = [
        EventRow(pk, kind, title, place, status, version, *map(as_aware, times))
        for pk, kind, title, place, status, version, *times, _name in rows
    ]
    if rows:
        name = rows[0][-1]
    elif isinstance(congress, Congress):
        name = congress.name
    else:
        name = Congress.objects.filter(pk=congress_id).values_list("name", flat=True).first()
    return render(f"{name or ''} {year}", events)


def personal_calendar(user: Any) -> str:
    """The gatherings whose roster the user is on, and their open checklist tasks."""
    person_id = getattr(user, "person_id", None)
    since = timezone.now() - dt.timedelta(days=366)
    mine = Q(checklist__owner=user, checklist__deleted_at__isnull=True)
    if person_id:
        mine |= Q(roster__person_id=person_id, roster__deleted_at__isnull=True)
    gatherings = (
        Gathering.objects.filter(mine, ends_at__gte=since)
        .exclude(status=Gathering.Status.DRAFT)
        .distinct()
        .order_by("starts_at", "pk")
    )
    tasks = (
        ChecklistTask.objects.filter(owner=user, done_at__isnull=True)
        .select_related("gathering")
        .order_by("due_on", "pk")
    )
    return render(str(getattr(user, "person", None) or user), gatherings, tasks)


def hash_secret(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def feed_of(user: Any) -> CalendarFeed | None:
    """The user's feed, if they made one (a read never makes one)."""
    return CalendarFeed.objects.filter(user=user).first()


def feed_issue(*, user: Any) -> tuple[CalendarFeed, str]:
    """Make the user's feed, or give it a new secret (the old address stops working at
    once). Returns the feed and the raw secret, which is not kept: show it now."""
    raw = secrets.token_urlsafe(32)
    with transaction.atomic():
        feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
        if feed is None:
            feed = CalendarFeed(user=user, congress_id=user.congress_id)
        feed.token_hash = hash_secret(raw)
        feed._history_user = user  # type: ignore[attr-defined]
        feed.save()
    return feed, raw


def feed_revoke(*, user: Any) -> tuple[CalendarFeed, str]:
    """A new secret: the old address stops working at once."""
    return feed_issue(user=user)


def feed_for(user: Any) -> CalendarFeed:
    """For tests and scripts: the user's feed with a fresh secret, the raw secret on
    ``feed.token`` (not stored; the previous secret stops working)."""
    feed, raw = feed_issue(user=user)
    feed.token = raw  # type: ignore[attr-defined]
    return feed


def feed_by_secret(raw: str) -> CalendarFeed | None:
    """The active user's feed whose secret is ``raw``; None for a wrong one."""
    row = CalendarFeed.objects.select_related("user").filter(token_hash=hash_secret(raw)).first()
    if row is None or not row.user.is_active:
        return None
    return row
