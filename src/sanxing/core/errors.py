"""Errors a service raises for the user: a translated message, optionally tied to a field.

Views show them in the error summary, the API returns them as ``{"code", "message",
"field"}`` with status 400 (409 for a stale edit)."""

from __future__ import annotations


class BusinessError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class StaleEdit(BusinessError):
    """Someone saved the record after this user opened it: tell them, never overwrite."""

    status = 409
    code = "stale"


class NotPermitted(BusinessError):
    status = 403
    code = "forbidden"
