"""One error body for the whole API, whatever went wrong:

    {"code": "not_found", "message": "…in the request's language…", "field": null,
     "errors": [{"field": "name", "message": "…", "code": "…", "location": "body"}]}

Routers declare the errors they can answer with ``error_responses(400, 404)`` so they show
in the OpenAPI document; the handlers below are installed on the ``api`` once.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from sanxing.core.errors import BusinessError

if TYPE_CHECKING:
    from ninja import NinjaAPI

logger = logging.getLogger("django.request")


class FieldErrorOut(Schema):
    field: str | None = None
    message: str
    code: str = "invalid"
    location: str | None = None


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None
    errors: list[FieldErrorOut] | None = None


def error_responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    """``response={200: PersonOut, **error_responses(400, 404)}``."""
    return dict.fromkeys(statuses, ErrorOut)


# What every authenticated endpoint can answer besides its own errors.
AUTH_ERRORS = (401, 403)


class CsrfFailed(HttpError):
    def __init__(self) -> None:
        super().__init__(403, "CSRF check failed")


class TooManyAttempts(HttpError):
    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(429, "Too many attempts")


def error_body(
    code: str,
    message: str,
    *,
    field: str | None = None,
    errors: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message, "field": field}
    if errors is not None:
        body["errors"] = errors
    return body


def _respond(api: NinjaAPI, request: HttpRequest, status: int, body: dict) -> HttpResponse:
    return api.create_response(request, body, status=status)


def _field_name(loc: tuple | list) -> str | None:
    # ("body", "payload", "name") → "name"; ("query", "page_size") → "page_size"
    parts = [str(p) for p in loc[1:] if p not in ("payload", "data")]
    return ".".join(parts) or None


def install_exception_handlers(api: NinjaAPI) -> None:
    """Every error the API can raise, answered in the one shape."""

    @api.exception_handler(BusinessError)
    def business_error(request: HttpRequest, exc: BusinessError) -> HttpResponse:
        return _respond(
            api, request, exc.status, error_body(exc.code, exc.message, field=exc.field)
        )

    @api.exception_handler(DjangoValidationError)
    def model_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        errors: list[dict[str, Any]] = []
        if hasattr(exc, "error_dict"):
            for name, items in exc.error_dict.items():
                for item in items:
                    message = " ".join(item.messages)
                    field = None if name == "__all__" else name
                    errors.append(
                        {
                            "field": field,
                            "message": message,
                            "code": item.code or "invalid",
                            "location": "body",
                        }
                    )
        else:
            errors = [
                {"field": None, "message": m, "code": "invalid", "location": "body"}
                for m in exc.messages
            ]
        message = str(errors[0]["message"]) if errors else _("The request is not valid.")
        field = errors[0]["field"] if errors else None
        return _respond(
            api, request, 400, error_body("invalid", message, field=field, errors=errors)
        )

    @api.exception_handler(ValidationError)
    def input_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [
            {
                "field": _field_name(tuple(item.get("loc", ()))),
                "message": str(item.get("msg", "")),
                "code": str(item.get("type", "invalid")),
                "location": str(item["loc"][0]) if item.get("loc") else None,
            }
            for item in exc.errors
        ]
        field = errors[0]["field"] if len(errors) == 1 else None
        message = _("The request is not valid: check the fields listed.")
        return _respond(
            api, request, 422, error_body("invalid_input", message, field=field, errors=errors)
        )

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return _respond(api, request, 404, error_body("not_found", _("Not found.")))

    @api.exception_handler(PermissionDenied)
    def permission_denied(request: HttpRequest, exc: Exception) -> HttpResponse:
        return _respond(api, request, 403, error_body("forbidden", _("You may not do this.")))

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        status = exc.status_code
        if isinstance(exc, CsrfFailed):
            body = error_body(
                "csrf_failed",
                _("The CSRF check failed: send the X-CSRFToken header with the csrftoken cookie."),
            )
        elif isinstance(exc, AuthenticationError) or status == 401:
            body = error_body(
                "not_authenticated",
                _("Sign in, or send a valid API token in the Authorization header."),
            )
        elif isinstance(exc, TooManyAttempts | Throttled) or status == 429:
            body = error_body("too_many_requests", _("Too many attempts. Try again later."))
        elif status == 403:
            body = error_body("forbidden", _("You may not do this."))
        elif status == 404:
            body = error_body("not_found", _("Not found."))
        elif status == 405:
            body = error_body("method_not_allowed", _("This method is not allowed here."))
        else:
            body = error_body("error", str(exc))
        response = _respond(api, request, status, body)
        if status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="api"'
        retry_after = getattr(exc, "retry_after", None) or getattr(exc, "wait", None)
        if status == 429 and retry_after:
            response["Retry-After"] = str(int(retry_after))
        return response

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Logged with the traceback for the operators; the client only learns that it failed.
        logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exc,
            extra={"status_code": 500, "request": request},
        )
        return _respond(
            api,
            request,
            500,
            error_body("server_error", _("Something went wrong on our side. Try again later.")),
        )


def method_not_allowed_body() -> dict[str, Any]:
    return error_body("method_not_allowed", _("This method is not allowed here."))
