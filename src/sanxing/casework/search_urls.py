"""The casework search page, /casework/search/?q= (mounted by sanxing.urls).

Importing this module (through the URLconf) also imports ``sanxing.casework.search``, which
connects the ``post_migrate`` handler that creates the full-text index."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import dateformat
from django.utils.formats import get_format

from sanxing.casework import search
from sanxing.casework.models import Item

PAGE_SIZE = 20


@login_required
def search_page(request: HttpRequest) -> HttpResponse:
    """Everyone who may see casework (office, unit handlers, deputies) searches what they
    may see; anyone else gets 404."""
    if not search.may_search(request.user):
        raise Http404
    q = (request.GET.get("q") or "").strip()[: search.MAX_QUERY]
    page = None
    results = []
    if search.terms_of(q):
        page = search.search_page(request.user, q, request.GET.get("page"), PAGE_SIZE)
        results = result_rows(page.object_list, q)
    return render(
        request,
        "casework/search.html",
        {"q": q, "page_obj": page, "results": results, "max_query": search.MAX_QUERY},
    )


def result_rows(items: Any, q: str) -> list[dict[str, Any]]:
    """What each result shows, prepared once here (URL pattern reversed once, labels and the
    date format looked up once per page) instead of per row in the template."""
    url = reverse("casework:item", args=[987654321])
    date_format = get_format("DATE_FORMAT")
    kind_labels: dict[str, str] = {}
    state_labels: dict[tuple[str, str], str] = {}
    rows = []
    for item in items:
        assert isinstance(item, Item)
        if item.kind not in kind_labels:
            kind_labels[item.kind] = str(item.get_kind_display())
        if (item.kind, item.state) not in state_labels:
            state_labels[item.kind, item.state] = item.state_label
        rows.append(
            {
                "url": url.replace("987654321", str(item.pk)),
                "reference": item.reference,
                "kind": kind_labels[item.kind],
                "state": state_labels[item.kind, item.state],
                "submitted_on": dateformat.format(item.submitted_on, date_format),
                "snip": search.snippets_for(item, q),
            }
        )
    return rows


app_name = "casework_search"
urlpatterns = [path("", search_page, name="search")]
