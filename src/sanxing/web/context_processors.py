from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from sanxing.people.access import viewer_for
from sanxing.web.navigation import nav_for


def unread_notice_count(user: Any) -> int | None:
    """The signed-in user's unread notices, or None while the notify app has no selector."""
    if user is None or not user.is_authenticated:
        return None
    try:
        from sanxing.notify.selectors import unread_count  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    return int(unread_count(user))


def shell(request: HttpRequest) -> dict[str, Any]:
    """What base.html needs. Lazy, so a page that never renders the shell pays nothing."""
    user = getattr(request, "user", None)
    return {
        "viewer": SimpleLazyObject(lambda: viewer_for(user)),
        "nav_sections": SimpleLazyObject(lambda: nav_for(request)),
        "unread_notices": SimpleLazyObject(lambda: unread_notice_count(user)),
        "app_name": settings.APP_NAME,
    }
