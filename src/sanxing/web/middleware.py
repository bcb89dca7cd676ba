"""Remember each user's language on their account (issue: language switch per user)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation


class UserLanguageMiddleware:
    """Before LocaleMiddleware: a signed-in user's stored language wins over the browser's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        # AuthenticationMiddleware runs later; read the session lazily via the cookie instead.
        language = request.session.get("sanxing_language") if hasattr(request, "session") else None
        if user is not None and getattr(user, "is_authenticated", False) and user.language:
            language = user.language
        if language:
            request.COOKIES.setdefault("django_language", language)
            translation.activate(language)
        return self.get_response(request)
