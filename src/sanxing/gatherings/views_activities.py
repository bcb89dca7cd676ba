"""The activity page: participants, itinerary, findings and report, review opinions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanxing.core.errors import BusinessError
from sanxing.gatherings import activities, forms, selectors
from sanxing.gatherings.models import ActivityReport, Gathering, ReviewOpinionRecord, RosterEntry


def _activity(request: HttpRequest, pk: int) -> tuple[Gathering, bool]:
    g = selectors.gathering_for_user(request.user, pk)
    if not activities.is_activity(g):
        raise Http404
    manage = selectors.can_manage(request.user, g)
    if not manage and selectors.roster_entry_of(request.user, g) is None:
        raise Http404
    return g, manage


def _render(request: HttpRequest, g: Gathering, manage: bool, **bound: Any) -> HttpResponse:
    report = ActivityReport.objects.filter(gathering=g).first()
    context: dict[str, Any] = {
        "g": g,
        "can_manage": manage,
        "participants": list(
            g.roster.filter(capacity__in=activities.PARTICIPANT_CAPACITIES)
            .select_related("person")
            .order_by("capacity", "person__name")
        ),
        "stops": list(g.itinerary.order_by("day", "pk")),
        "report": report,
        "opinions": list(
            ReviewOpinionRecord.objects.filter(agenda_item_id=report.agenda_item_id)
            .prefetch_related("units")
            .order_by("pk")
        )
        if report
        else [],
    }
    if manage:
        context["participant_form"] = bound.get("participant") or forms.ParticipantForm(activity=g)
        context["stop_form"] = bound.get("stop") or forms.StopForm()
        context["report_form"] = bound.get("report") or forms.ReportForm(
            initial={"findings": report.findings, "report": report.report} if report else None
        )
        context["opinion_form"] = bound.get("opinion") or forms.ActivityOpinionForm(
            activity=g,
            initial={
                "title": _("Review opinions on the %(kind)s: %(title)s")
                % {"kind": g.kind_label, "title": g.title},
                "content": report.findings if report else "",
            },
        )
    return render(request, "gatherings/activity.html", context, status=400 if bound else 200)


@login_required
def activity_page(request: HttpRequest, pk: int) -> HttpResponse:
    g, manage = _activity(request, pk)
    return _render(request, g, manage)


@login_required
@require_POST
def activity_post(request: HttpRequest, pk: int, part: str) -> HttpResponse:
    g, manage = _activity(request, pk)
    if not manage:
        raise Http404
    form: Any
    run: Callable[[dict[str, Any]], Any]
    if part == "participant":
        form = forms.ParticipantForm(request.POST, activity=g)
        run = lambda d: activities.participant_add(activity=g, by=request.user, **d)  # noqa: E731
        done = _("The participant is added.")
    elif part == "stop":
        form = forms.StopForm(request.POST)
        run = lambda d: activities.itinerary_stop_add(activity=g, by=request.user, **d)  # noqa: E731
        done = _("The stop is on the itinerary.")
    elif part == "report":
        form = forms.ReportForm(request.POST)
        run = lambda d: activities.report_save(activity=g, by=request.user, **d)  # noqa: E731
        done = _("The report is saved.")
    elif part == "opinion":
        form = forms.ActivityOpinionForm(request.POST, activity=g)
        run = lambda d: activities.review_opinion_hand_off(  # noqa: E731
            activity=g,
            title=d["title"],
            content=d["content"],
            units=list(d["units"]),
            by=request.user,
        )
        done = _("The review opinion is handed to casework.")
    else:
        raise Http404
    if form.is_valid():
        try:
            run(form.cleaned_data)
        except BusinessError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, done)
            return redirect(reverse("gatherings:activity", args=[g.pk]) + f"#{part}")
    return _render(request, g, manage, **{part: form})


__all__ = ["RosterEntry", "activity_page", "activity_post"]
