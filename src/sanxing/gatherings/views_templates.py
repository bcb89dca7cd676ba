"""Meeting-template pages, for the office staff who plan meetings: the list, a template with
its lines and edit form, "Save as template" from a meeting, and planning from a template."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from sanxing.core.errors import BusinessError
from sanxing.gatherings import meeting_templates, selectors
from sanxing.gatherings.forms_templates import (
    LineFormSet,
    PlanFromTemplateForm,
    SaveAsTemplateForm,
    TemplateForm,
    body_choices,
    line_initial,
    lines_from,
)
from sanxing.gatherings.models import MeetingTemplate
from sanxing.people.access import viewer_for


def _office(request: HttpRequest) -> None:
    if not selectors.can_manage(request.user):
        raise Http404


def _fail(form: Any, exc: BusinessError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


@login_required
@require_safe
def template_list(request: HttpRequest) -> HttpResponse:
    _office(request)
    templates = meeting_templates.template_list(request.user).order_by("kind", "name", "pk")
    deleted = meeting_templates.deleted_templates(request.user)[:20]
    return render(
        request,
        "gatherings/meeting_templates.html",
        {"templates": list(templates), "deleted": list(deleted)},
    )


@login_required
def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    template = meeting_templates.template_for_user(request.user, pk)
    lines = list(meeting_templates.template_lines(template))
    bodies = body_choices(template.congress_id)
    post = request.POST if request.method == "POST" else None
    form = TemplateForm(
        post,
        initial={
            "name": template.name,
            "description": template.description,
            "place": template.place,
            "start_time": template.start_time,
            "duration_minutes": template.duration_minutes,
            "version": template.version,
        },
    )
    formset = LineFormSet(
        post, initial=line_initial(template, lines), form_kwargs={"bodies": bodies}, prefix="line"
    )
    if post is not None and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        try:
            meeting_templates.template_update(
                template=template,
                version=data["version"],
                name=data["name"],
                description=data["description"],
                place=data["place"],
                start_time=data["start_time"],
                duration_minutes=data["duration_minutes"],
                lines=lines_from(formset),
                by=request.user,
            )
        except BusinessError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("The template is saved."))
            return redirect("gatherings:template", template.pk)
    plan_form = PlanFromTemplateForm(templates=[template], initial={"template": template.pk})
    return render(
        request,
        "gatherings/meeting_template.html",
        {
            "template": template,
            "lines": lines,
            "form": form,
            "formset": formset,
            "plan_form": plan_form,
        },
    )


@login_required
@require_POST
def template_delete(request: HttpRequest, pk: int) -> HttpResponse:
    template = meeting_templates.template_for_user(request.user, pk)
    try:
        meeting_templates.template_delete(template=template, by=request.user)
    except BusinessError as exc:
        messages.error(request, exc.message)
        return redirect("gatherings:template", template.pk)
    messages.success(request, _("The template “%(name)s” is deleted.") % {"name": template.name})
    return redirect("gatherings:templates")


@login_required
@require_POST
def template_restore(request: HttpRequest, pk: int) -> HttpResponse:
    template = meeting_templates.deleted_template_for_user(request.user, pk)
    try:
        meeting_templates.template_restore(template=template, by=request.user)
    except BusinessError as exc:
        messages.error(request, exc.message)
        return redirect("gatherings:templates")
    messages.success(request, _("The template “%(name)s” is restored.") % {"name": template.name})
    return redirect("gatherings:template", template.pk)


@login_required
def save_as_template(request: HttpRequest, pk: int) -> HttpResponse:
    g = selectors.gathering_managed_by(request.user, pk)
    form = SaveAsTemplateForm(request.POST or None, initial={"name": g.title})
    if request.method == "POST" and form.is_valid():
        try:
            template = meeting_templates.template_from_gathering(
                gathering=g, name=form.cleaned_data["name"], by=request.user
            )
        except BusinessError as exc:
            _fail(form, exc)
        else:
            messages.success(
                request,
                _("The agenda is saved as a template. Next: adjust its lines if you need to."),
            )
            return redirect("gatherings:template", template.pk)
    return render(request, "gatherings/meeting_template_save.html", {"g": g, "form": form})


def plan_form_for(user: Any, data: Any = None) -> PlanFromTemplateForm | None:
    """The "Plan from a template" form of the plan page (None when there is no template)."""
    templates = list(meeting_templates.templates_visible_to(user).order_by("kind", "name", "pk"))
    if not templates:
        return None
    return PlanFromTemplateForm(data, templates=templates)


@login_required
def template_plan(request: HttpRequest) -> HttpResponse:
    _office(request)
    form = plan_form_for(request.user, request.POST or None)
    if form is None:
        messages.error(request, _("There is no meeting template yet."))
        return redirect("gatherings:plan")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        congress = request.user.congress  # type: ignore[union-attr]
        if congress is None or not viewer_for(request.user).sees_congress(congress.pk):
            raise Http404
        template: MeetingTemplate = meeting_templates.template_for_user(
            request.user, data["template"]
        )
        try:
            starts_at = None
            if data["start_time"] is not None:  # the congress's wall-clock time that day
                starts_at = timezone.make_aware(
                    dt.datetime.combine(data["starts_on"], data["start_time"])
                )
            g = meeting_templates.gathering_plan_from_template(
                template=template,
                congress=congress,
                starts_on=data["starts_on"],
                starts_at=starts_at,
                duration_minutes=data["duration_minutes"],
                place=data["place"] or None,
                title=data["title"],
                by=request.user,
            )
        except BusinessError as exc:
            _fail(form, exc)
        else:
            messages.success(
                request,
                _("The meeting is planned with the template's agenda. Next: build the roster."),
            )
            return redirect("gatherings:detail", g.pk)
    return render(request, "gatherings/meeting_template_plan.html", {"plan_form": form})
