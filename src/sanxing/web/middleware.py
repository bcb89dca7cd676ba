"""Remember each user's language on their account (issue: language switch per user)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

SESSION_KEY = "sanxing_language"


def stored_language(request: HttpRequest) -> str | None:
    """The language the person chose: on their account if signed in, else in the session."""
    user: Any = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.language:
        language = str(user.language)
    elif hasattr(request, "session"):
        language = request.session.get(SESSION_KEY) or ""
    else:
        language = ""
    if language and translation.check_for_language(language):
        return language
    return None


class UserLanguageMiddleware:
    """A signed-in user's stored language wins over a stale cookie and the browser's.

    Works on either side of LocaleMiddleware: before it, it overwrites the language cookie
    LocaleMiddleware reads (a stale cookie from another user on the same browser must not
    win, so the value is replaced, not defaulted); after it, it re-activates the language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = stored_language(request)
        if language:
            request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = language
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
