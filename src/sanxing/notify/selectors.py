"""Reading notices: always the signed-in user's own."""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet
from django.http import Http404

from sanxing.notify.models import Notice


def notices_visible_to(user: Any) -> QuerySet[Notice]:
    """A notice is only ever its recipient's (administrators included)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Notice.objects.none()
    return Notice.objects.filter(recipient_id=user.pk)


def notice_for_user(user: Any, pk: Any) -> Notice:
    try:
        return notices_visible_to(user).get(pk=pk)
    except (Notice.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def inbox_for_user(user: Any) -> QuerySet[Notice]:
    """Unread first, then newest first."""
    return notices_visible_to(user).order_by(
        F("read_at").asc(nulls_first=True), "-created_at", "-pk"
    )


def unread_count(user: Any) -> int:
    """For the header badge: how many notices ``user`` has not read (0 for anonymous)."""
    return notices_visible_to(user).filter(read_at__isnull=True).count()
