"""The JSON API at /api/v1/: one NinjaAPI, the routers of every app, one way to authenticate
(session with CSRF, or a bearer token), one error shape (sanxing.api.errors) and one
paginator (sanxing.api.pagination.PagePagination)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from inspect import iscoroutinefunction
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI, Router

from sanxing.api.auth import DEFAULT_AUTH
from sanxing.api.docs import OfflineSwagger
from sanxing.api.errors import install_exception_handlers, method_not_allowed_body


def _json_405(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """ninja answers an unknown method with a plain-text 405; give it the error shape."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and "json" not in response.get("Content-Type", ""):
            allow = response.get("Allow", "")
            response = JsonResponse(method_not_allowed_body(), status=405)
            if allow:
                response["Allow"] = allow
        return response

    return wrapper


class SanxingAPI(NinjaAPI):
    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls = super()._get_urls()
        for pattern in urls:
            # async views (none yet) keep ninja's plain 405
            if isinstance(pattern, URLPattern) and not iscoroutinefunction(pattern.callback):
                pattern.callback = _json_405(pattern.callback)
        return urls


api = SanxingAPI(
    title="sanxing API",
    version="1",
    description=(
        "The platform's JSON API. Authenticate with the browser session (send X-CSRFToken on "
        "POST/PATCH/DELETE) or with `Authorization: Bearer <token>` from POST /auth/token. "
        "Errors are always {code, message, field, errors?}; lists are paged with page and "
        "page_size (at most 200). Messages follow Accept-Language or the user's language."
    ),
    urls_namespace="api",
    auth=DEFAULT_AUTH,
    docs=OfflineSwagger(),
)
install_exception_handlers(api)

api.add_router("", "sanxing.api.routes.router")
api.add_router("", "sanxing.api.docs.router")
api.add_router("/people", "sanxing.people.api.router")
api.add_router("/calendar", "sanxing.workcal.api.router")
api.add_router("/notices", "sanxing.notify.api.router")
api.add_router("/casework/search", "sanxing.casework.search_api.router")
api.add_router("/casework", "sanxing.casework.api.router")
api.add_router("/", "sanxing.gatherings.api.router")
api.add_router("/deputies", "sanxing.deputies.api.router")

# Last: anything else under /api/v1/ is a JSON 404, not Django's HTML page.
fallback = Router()


@fallback.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:path}", auth=None, include_in_schema=False
)
def unknown_path(request: HttpRequest, path: str):
    from django.http import Http404

    raise Http404


api.add_router("", fallback)
