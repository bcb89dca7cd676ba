"""The e-mails: one notice, or a day's digest, in the recipient's language and time zone."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sanxing.notify.models import Notice


def language_for(user: Any) -> str:
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


def time_zone_for(user: Any) -> str:
    congress = getattr(user, "congress", None)
    return getattr(congress, "time_zone", "") or settings.TIME_ZONE


def subject_line(title: str, *, urgent: bool = False) -> str:
    """【三型机关】title — the app's short name in the active language, then the title."""
    # Subjects must be one line (headers): collapse any newline a title might carry.
    title = " ".join(title.split())
    if urgent:
        title = _("[Urgent] %(title)s") % {"title": title}
    return _("[%(app)s] %(title)s") % {"app": _("Sanxing"), "title": title}


def _message(user: Any, subject: str, template: str, context: dict[str, Any]) -> Any:
    context = {**context, "user": user, "site_url": settings.SITE_URL}
    text = render_to_string(f"notify/email/{template}.txt", context)
    html = render_to_string(f"notify/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    return message


def notice_email(notice: Notice) -> Any:
    user = notice.recipient
    with translation.override(language_for(user)), timezone.override(time_zone_for(user)):
        return _message(
            user,
            subject_line(notice.title, urgent=notice.urgent),
            "notice",
            {"notice": notice, "link": notice.absolute_url},
        )


def digest_email(user: Any, notices: Sequence[Notice]) -> Any:
    with translation.override(language_for(user)), timezone.override(time_zone_for(user)):
        subject = subject_line(
            translation.ngettext(
                "%(count)d notice of the past day",
                "%(count)d notices of the past day",
                len(notices),
            )
            % {"count": len(notices)}
        )
        return _message(
            user,
            subject,
            "digest",
            {
                "notices": [(n, n.absolute_url) for n in notices],
                "inbox_url": settings.SITE_URL + reverse("notify:index"),
            },
        )
