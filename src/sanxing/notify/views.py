"""The signed-in user's notices and how they want to receive them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanxing.notify import selectors, services
from sanxing.notify.forms import NoticeSettingsForm

PAGE_SIZE = 20


def _inbox_context(request: HttpRequest) -> dict:
    page_obj = Paginator(selectors.inbox_for_user(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return {
        "page_obj": page_obj,
        "notices": list(page_obj.object_list),
        "unread": selectors.unread_count(request.user),
    }


@login_required
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "notify/index.html", _inbox_context(request))


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_for_user(request.user, pk)
    # Opening a notice is reading it (the link in an e-mail lands here when it has no url).
    services.notice_mark_read(notice=notice, by=request.user)
    return render(request, "notify/detail.html", {"notice": notice})


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_for_user(request.user, pk)
    services.notice_mark_read(notice=notice, by=request.user)
    if request.htmx:  # type: ignore[attr-defined]
        return render(
            request,
            "notify/_row_read.html",
            {"notice": notice, "unread": selectors.unread_count(request.user)},
        )
    return redirect("notify:index")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.notice_mark_all_read(user=request.user)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "notify/_inbox.html", _inbox_context(request))
    if count:
        messages.success(request, _("All your notices are marked read."))
    return redirect("notify:index")


@login_required
def notice_settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = NoticeSettingsForm(
        request.POST or None,
        initial={"notice_mode": user.notice_mode, "sms_enabled": user.sms_enabled},  # type: ignore[union-attr]
    )
    if request.method == "POST" and form.is_valid():
        services.notice_settings_update(
            user=user,
            notice_mode=form.cleaned_data["notice_mode"],
            sms_enabled=form.cleaned_data["sms_enabled"],
        )
        if form.cleaned_data["notice_mode"] == "digest":
            text = _("Saved. You will get one e-mail a day with the day's notices.")
        else:
            text = _("Saved. You will get an e-mail for each notice as it comes.")
        messages.success(request, text)
        if form.cleaned_data["sms_enabled"] and not _has_mobile(user):
            messages.warning(
                request,
                _(
                    "The office has no mobile number for you, so no text messages can be sent. "
                    "Ask the office to add it."
                ),
            )
        return redirect("notify:settings")
    return render(request, "notify/settings.html", {"form": form})


def _has_mobile(user) -> bool:
    person = getattr(user, "person", None)
    return bool(person is not None and person.mobile)
