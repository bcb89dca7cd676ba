from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from sanxing.people.access import viewer_for
from sanxing.web.navigation import nav_for, nav_html

# The language switch's buttons per current language: they depend on nothing else (but the
# LANGUAGES setting, which only tests change).
_language_buttons: dict[str, SafeString] = {}


@receiver(setting_changed)
def _forget_buttons(*, setting: str, **kwargs: Any) -> None:
    if setting in {"LANGUAGES", "LANGUAGE_CODE"}:
        _language_buttons.clear()


def language_buttons(current: str) -> SafeString:
    """The switch's buttons, the current language marked (as base.html's loop printed them)."""
    html = _language_buttons.get(current)
    if html is None:
        parts = []
        for code, _name in settings.LANGUAGES:
            info = translation.get_language_info(code)
            marked = ' aria-current="true"' if code == current else ""
            parts.append(
                f'<button class="link-button" name="language" value="{escape(code)}"'
                f' lang="{escape(code)}"{marked}>{escape(info["name_local"])}</button>'
            )
        html = _language_buttons[current] = mark_safe("".join(parts))  # escaped parts only
    return html


def user_display_name(user: Any) -> str:
    """The header's name: the person's name, else the username. Reads ``user.person`` (one
    query, then cached on the user for whatever else the page shows of the person)."""
    if user is None or not user.is_authenticated:
        return ""
    person = user.person if user.person_id else None
    return str(person.name) if person else str(user.get_username())


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
    sections = SimpleLazyObject(lambda: nav_for(request))
    return {
        "viewer": SimpleLazyObject(lambda: viewer_for(user)),
        "nav_sections": sections,
        "shell_nav": SimpleLazyObject(lambda: nav_html(request, list(sections))),
        "shell_user_name": SimpleLazyObject(lambda: user_display_name(user)),
        "language_buttons": SimpleLazyObject(
            lambda: language_buttons(translation.get_language() or settings.LANGUAGE_CODE)
        ),
        "unread_notices": SimpleLazyObject(lambda: unread_notice_count(user)),
        "app_name": settings.APP_NAME,
    }
