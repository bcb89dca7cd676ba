"""The casework search page, /casework/search/?q= (mounted by sanxing.urls).

Importing this module (through the URLconf) also imports ``sanxing.casework.search``, which
connects the ``post_migrate`` handler that creates the full-text index."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from sanxing.casework import search

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
        page = Paginator(search.search_items(request.user, q), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        results = [(item, search.snippets_for(item, q)) for item in page.object_list]
    return render(
        request,
        "casework/search.html",
        {"q": q, "page_obj": page, "results": results, "max_query": search.MAX_QUERY},
    )


app_name = "casework_search"
urlpatterns = [path("", search_page, name="search")]
