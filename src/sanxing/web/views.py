from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanxing.people.access import viewer_for
from sanxing.people.models import Organisation
from sanxing.web import worklist
from sanxing.web.forms import LanguageForm, LoginForm
from sanxing.web.middleware import SESSION_KEY
from sanxing.web.navigation import nav_for
from sanxing.web.templatetags.sanxing import days_left, due_tag

LEARNING_OFFICE_CODE = "learning"


def persona_of(user: Any) -> str:
    """Which welcome a user gets: admin, learning, clerk, director, member, deputy, handler."""
    v = viewer_for(user)
    if v.is_admin:
        return "admin"
    if v.office_body_ids:
        learning = Organisation.objects.filter(
            pk__in=v.office_body_ids, code=LEARNING_OFFICE_CODE
        ).exists()
        return "learning" if learning else "clerk"
    if v.is_leader:
        return "director"
    if v.is_committee_member:
        return "member"
    if v.is_deputy:
        return "deputy"
    if v.is_handler:
        return "handler"
    return "other"


def work_rows_html(items: list[worklist.WorkItem], today: dt.date) -> SafeString:
    """The work list's rows, built here rather than in a template loop: the "N days left"
    text, the tag and the "due <date>" text are made once per distinct date, not once a row."""
    by_date: dict[dt.date, tuple[str, str, str]] = {}
    due_template = _("due %(date)s")
    out = []
    for item in items:
        when = meta_due = ""
        if item.due_on:
            cached = by_date.get(item.due_on)
            if cached is None:
                cached = by_date[item.due_on] = (
                    due_tag(item.due_on, today),
                    escape(days_left(item.due_on, today)),
                    escape(due_template % {"date": date_format(item.due_on, "DATE_FORMAT")}),
                )
            tag, left, meta_due = cached
            when = f'<span class="tag {tag}">{left}</span>'
        kind = escape(item.kind) if item.kind else ""
        meta = kind
        if meta_due:
            meta += (" · " if kind else "") + meta_due
        if item.rule:
            meta += f" · {escape(item.rule)}"
        out.append(
            f'<li class="work-item">\n  <a class="work-item-title" href="{escape(item.url)}">'
            f"{escape(item.title)}</a>\n"
            f'  <span class="work-item-when">{when}</span>\n'
            f'  <span class="work-item-meta">{meta}</span>\n</li>'
        )
    return mark_safe("\n".join(out))  # every value above is escaped


@login_required
def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    items = worklist.collect(request.user, today)
    groups = worklist.group(items, today)
    for work_group in groups:
        work_group.html = work_rows_html(work_group.items, today)
    shortcuts = [link for section in nav_for(request) for link in section.links]
    return render(
        request,
        "web/home.html",
        {
            "today": today,
            "groups": groups,
            "item_count": len(items),
            "persona": persona_of(request.user),
            "shortcuts": shortcuts,
        },
    )


def about(request: HttpRequest) -> HttpResponse:
    return render(request, "web/about.html", {})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language and remember it: on the account, else in the session."""
    form = LanguageForm(request.POST)
    next_url = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("home") if request.user.is_authenticated else reverse("login")
    response = HttpResponseRedirect(next_url)
    if not form.is_valid():
        return response
    language = form.cleaned_data["language"]
    user: Any = request.user
    if user.is_authenticated and user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    request.session[SESSION_KEY] = language
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE or "Lax",
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
    )
    translation.activate(language)
    return response


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        chosen = self.request.session.get(SESSION_KEY)
        response = super().form_valid(form)
        user: Any = form.get_user()
        # A language picked on the sign-in page becomes the account's, if it has none yet.
        if chosen and not user.language:
            user.language = chosen
            user.save(update_fields=["language"])
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been changed."))
        return response
