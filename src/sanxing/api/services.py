"""Issuing, using and revoking API tokens."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxing.api.models import ApiToken
from sanxing.api.selectors import TOKEN_PREFIX, hash_token
from sanxing.core.errors import BusinessError

# last_used_at is refreshed at most this often, so a busy client does not write on every call.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def token_issue(
    *, user: Any, name: str = "", expires_at: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns the row and the raw token, which is never stored."""
    now = timezone.now()
    if expires_at is not None and expires_at <= now:
        raise BusinessError(_("The expiry must be in the future."), field="expires_at")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken(
            user=user,
            name=name.strip(),
            key_hash=hash_token(raw),
            prefix=raw[:10],
            created_at=now,
            expires_at=expires_at,
        )
        token._history_user = user  # type: ignore[attr-defined]
        token.save()
    return token, raw


def token_revoke(*, token: ApiToken, by: Any) -> ApiToken:
    """Revoke a token; revoking it again changes nothing."""
    with transaction.atomic():
        current = ApiToken.objects.select_for_update().get(pk=token.pk)
        if current.revoked_at is None:
            current.revoked_at = timezone.now()
            current._history_user = by  # type: ignore[attr-defined]
            current.save(update_fields=["revoked_at"])
        return current


def token_mark_used(*, token: ApiToken) -> None:
    """Stamp last_used_at, at most once a minute (a conditional UPDATE, no history row)."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    ApiToken.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION),
        pk=token.pk,
    ).update(last_used_at=now)
    token.last_used_at = now
