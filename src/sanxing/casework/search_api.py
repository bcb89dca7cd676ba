"""GET /api/v1/casework/search?q= — the same search as /casework/search/, paginated.

No ``from __future__ import annotations`` here: ninja resolves the parameter types at import.
"""

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from sanxing.api.errors import AUTH_ERRORS, error_responses
from sanxing.api.pagination import PagePagination
from sanxing.casework import search

router = Router(tags=["casework"])


class SearchQuery(Schema):
    q: str = Field(
        ...,
        min_length=1,
        max_length=search.MAX_QUERY,
        description="Words (separated by spaces) that must all occur in the title, the "
        "content or a reply; one- and two-character words are allowed.",
    )


class SearchHitOut(Schema):
    id: int
    reference: str
    kind: str
    title: str
    state: str
    state_label: str
    submitted_on: dt.date
    title_html: str = Field(..., description="The title, HTML-escaped, words in <mark>.")
    snippet_field: str | None = Field(None, description="content or reply")
    snippet_html: str | None = Field(
        None, description="The passage around the first word, HTML-escaped, words in <mark>."
    )

    @staticmethod
    def _snip(obj: Any, context: Any) -> dict[str, Any]:
        cached = getattr(obj, "_search_snippets", None)
        if cached is None:
            q = context["request"].GET.get("q", "") if context else ""
            cached = search.snippets_for(obj, q)
            obj._search_snippets = cached
        return cached

    @staticmethod
    def resolve_title_html(obj: Any, context: Any) -> str:
        return str(SearchHitOut._snip(obj, context)["title"])

    @staticmethod
    def resolve_snippet_field(obj: Any, context: Any) -> str | None:
        passage = SearchHitOut._snip(obj, context)["passage"]
        return passage.field if passage else None

    @staticmethod
    def resolve_snippet_html(obj: Any, context: Any) -> str | None:
        passage = SearchHitOut._snip(obj, context)["passage"]
        return str(passage.html) if passage else None


@router.get(
    "",
    response={200: list[SearchHitOut], **error_responses(*AUTH_ERRORS, 404, 422)},
    summary="Search the items I may see (titles, contents, replies), newest first",
)
@paginate(PagePagination)
def search_list(request: HttpRequest, params: Query[SearchQuery]):
    if not search.may_search(request.user):
        raise Http404
    return search.search_items(request.user, params.q)
