"""Reading API tokens."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from sanxing.api.models import ApiToken

TOKEN_PREFIX = "sx_"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def tokens_of(user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user_id=user.pk).order_by("-created_at", "-pk")


def token_for_user(user: Any, pk: int) -> ApiToken:
    """The user's own token; anyone else's is 404, as if it did not exist."""
    try:
        return tokens_of(user).get(pk=pk)
    except (ApiToken.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def token_by_raw(raw: str) -> ApiToken | None:
    """The token a client presented, with its user, or None if there is no such token."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    return ApiToken.objects.select_related("user").filter(key_hash=hash_token(raw)).first()
