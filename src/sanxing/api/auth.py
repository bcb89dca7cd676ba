"""How a request proves who it is: the browser's session (with the CSRF check on unsafe
methods) or a bearer token for other clients. Both are the API's default, so every router
inherits them; a public endpoint says ``auth=None``.

Failed password attempts for tokens are counted in the cache per username and IP address:
10 failures within 15 minutes and the next attempts are refused with 429 until the window
ends.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone, translation
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie
from ninja.utils import check_csrf

from sanxing.api.errors import CsrfFailed, TooManyAttempts
from sanxing.api.selectors import token_by_raw
from sanxing.api.services import token_mark_used
from sanxing.core.net import client_ip as _client_ip

MAX_FAILED_ATTEMPTS = 10
FAILED_ATTEMPTS_WINDOW = 15 * 60  # seconds


def _use_language_of(user: Any) -> None:
    # The web middleware does this for sessions; a token's user is only known here.
    if getattr(user, "language", ""):
        translation.activate(user.language)


class TokenAuth(HttpBearer):
    """``Authorization: Bearer sx_…``; a revoked or expired token, or an inactive user, fails."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        row = token_by_raw(token.strip())
        if row is None or not row.is_usable(timezone.now()) or not row.user.is_active:
            return None
        token_mark_used(token=row)
        request.user = row.user
        request.api_token = row  # type: ignore[attr-defined]
        _use_language_of(row.user)
        return row.user


class SessionCsrfAuth(APIKeyCookie):
    """The browser's Django session. Unsafe methods must pass Django's CSRF check, which is
    only made for a signed-in session (an anonymous call gets 401, not a CSRF error)."""

    param_name: str = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if (
            self.csrf
            and not getattr(request, "_ninja_csrf_exempt", False)
            and check_csrf(request) is not None
        ):
            raise CsrfFailed()
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:  # pragma: no cover
        return None  # __call__ does the work


DEFAULT_AUTH = [TokenAuth(), SessionCsrfAuth(csrf=True)]


# --- failed attempts ------------------------------------------------------------------------


def client_ip(request: HttpRequest) -> str:
    return _client_ip(request)


def _attempts_key(username: str, ip: str) -> str:
    digest = hashlib.sha256(f"{username.strip().lower()}|{ip}".encode()).hexdigest()
    return f"sanxing:api:token-failures:{digest}"


def check_attempts(username: str, ip: str) -> None:
    """Refuse with 429 while the username+IP has used up its failed attempts."""
    if (cache.get(_attempts_key(username, ip)) or 0) >= MAX_FAILED_ATTEMPTS:
        raise TooManyAttempts(retry_after=FAILED_ATTEMPTS_WINDOW)


def record_failed_attempt(username: str, ip: str) -> None:
    key = _attempts_key(username, ip)
    # add() starts the window; incr() counts within it without extending it.
    cache.add(key, 0, timeout=FAILED_ATTEMPTS_WINDOW)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=FAILED_ATTEMPTS_WINDOW)


def clear_failed_attempts(username: str, ip: str) -> None:
    cache.delete(_attempts_key(username, ip))
