"""Page-numbered lists for every API collection: ``?page=2&page_size=50`` →
``{"items": […], "count": 123, "page": 2, "page_size": 50, "pages": 3}``.

ninja reads its default paginator from the NINJA_PAGINATION_CLASS setting; ``ApiConfig.ready``
points it here, but name it explicitly so the list never depends on start-up order::

    @router.get("/things", response={200: list[ThingOut], **error_responses(401)})
    @paginate(PagePagination)
    def thing_list(request): ...
"""

from __future__ import annotations

import math
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class PagePagination(PaginationBase):
    class Input(Schema):
        page: int = Field(1, ge=1, description="Page number, from 1.")
        page_size: int = Field(
            DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Items per page, at most 200."
        )

    class Output(Schema):
        items: list[Any]
        count: int
        page: int
        page_size: int
        pages: int

    def paginate_queryset(
        self,
        queryset: QuerySet | list,
        pagination: Input,
        request: HttpRequest,
        **params: Any,
    ) -> dict[str, Any]:
        size = pagination.page_size
        count = self._items_count(queryset)  # type: ignore[arg-type]
        offset = (pagination.page - 1) * size
        return {
            "items": list(queryset[offset : offset + size]),
            "count": count,
            "page": pagination.page,
            "page_size": size,
            "pages": max(1, math.ceil(count / size)),
        }
