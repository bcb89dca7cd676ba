"""Pages for implementation items (督辦落實事項): changing, withdrawing and reopening a
milestone from the item page, the milestones' timeline with their status on the working
calendar, the unit portal with each item's progress, and the office's list by progress."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms as djforms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sanxing.casework import implementation, selectors
from sanxing.casework.access import (
    can_use_desk,
    is_office_for,
    items_visible_to,
    milestone_for_user,
)
from sanxing.casework.forms import DateInput
from sanxing.casework.models import Assignment, Item, Milestone
from sanxing.core.errors import BusinessError
from sanxing.people.access import viewer_for

PAGE_SIZE = 25


class MilestoneEditForm(djforms.Form):
    title = djforms.CharField(label=gettext_lazy("Milestone"), max_length=200)
    due_on = djforms.DateField(label=gettext_lazy("Due on"), widget=DateInput())
    version = djforms.IntegerField(widget=djforms.HiddenInput())


class MilestoneReasonForm(djforms.Form):
    reason = djforms.CharField(
        label=gettext_lazy("Reason"),
        max_length=implementation.REASON_MAX,
        widget=djforms.Textarea(attrs={"rows": 2}),
    )


def _forms_for(
    m: Milestone, bound: dict[str, djforms.Form], *, can_plan: bool, office: bool
) -> dict[str, djforms.Form]:
    out: dict[str, djforms.Form] = {}
    if m.done_on is None and can_plan:
        out["edit"] = bound.get(f"edit-{m.pk}") or MilestoneEditForm(
            prefix=f"edit-{m.pk}",
            initial={"title": m.title, "due_on": m.due_on, "version": m.version},
        )
        out["withdraw"] = bound.get(f"withdraw-{m.pk}") or MilestoneReasonForm(
            prefix=f"withdraw-{m.pk}"
        )
    if m.done_on is not None and office:
        out["reopen"] = bound.get(f"reopen-{m.pk}") or MilestoneReasonForm(prefix=f"reopen-{m.pk}")
    return out


def _can_plan(request: HttpRequest, item: Item, office: bool) -> bool:
    if not item.is_open:
        return False
    if office:
        return True
    units = viewer_for(request.user).unit_ids
    return Assignment.objects.filter(
        item=item, role=Assignment.Role.LEAD, withdrawn_on__isnull=True, unit_id__in=units
    ).exists()


def _timeline(
    request: HttpRequest, item: Item, bound: dict[str, djforms.Form] | None = None
) -> dict[str, Any]:
    """The milestones with their status on the working calendar and the forms to change them."""
    today = timezone.localdate()
    office = is_office_for(request.user, item.congress_id)
    can_plan = _can_plan(request, item, office)
    rows = implementation.milestone_rows(selectors.item_milestones(item), today=today)
    for row in rows:
        row.forms = _forms_for(row.milestone, bound or {}, can_plan=can_plan, office=office)  # type: ignore[attr-defined]
    done = sum(1 for r in rows if r.status == implementation.DONE)
    return {"rows": rows, "done": done, "total": len(rows), "today": today}


def _item_context(
    request: HttpRequest, item: Item, bound: dict[str, djforms.Form] | None = None
) -> dict[str, Any]:
    from sanxing.casework import views

    return views._item_context(request, item, bound)


# --- milestone steps -------------------------------------------------------------------------


def _edit(request: HttpRequest, m: Milestone, form: Any) -> str:
    d = form.cleaned_data
    implementation.milestone_update(
        milestone=m, title=d["title"], due_on=d["due_on"], version=d["version"], by=request.user
    )
    return _("The milestone is changed.")


def _withdraw(request: HttpRequest, m: Milestone, form: Any) -> str:
    implementation.milestone_withdraw(
        milestone=m, reason=form.cleaned_data["reason"], by=request.user
    )
    return _("The milestone is withdrawn.")


def _reopen(request: HttpRequest, m: Milestone, form: Any) -> str:
    implementation.milestone_reopen(
        milestone=m, reason=form.cleaned_data["reason"], by=request.user
    )
    return _("The milestone is reopened.")


STEPS = {
    "edit": (MilestoneEditForm, _edit),
    "withdraw": (MilestoneReasonForm, _withdraw),
    "reopen": (MilestoneReasonForm, _reopen),
}


@login_required
@require_POST
def milestone_action(request: HttpRequest, pk: int, milestone_pk: int, action: str) -> HttpResponse:
    milestone = milestone_for_user(request.user, pk, milestone_pk)
    item = milestone.item
    if action not in STEPS:
        raise Http404
    form_class, run = STEPS[action]
    form = form_class(request.POST, prefix=f"{action}-{milestone.pk}")
    if form.is_valid():
        try:
            message = run(request, milestone, form)
        except BusinessError as error:
            field = error.field if error.field in form.fields else None
            form.add_error(field, error.message)
        else:
            messages.success(request, message)
            return redirect(reverse("casework:item", args=[item.pk]) + "#milestone-timeline")
    item.refresh_from_db()
    ctx = _item_context(request, item, bound={f"{action}-{milestone.pk}": form})
    ctx["failed_form"] = form
    return render(request, "casework/item.html", ctx, status=400)


# --- the unit portal and the office's list by progress ----------------------------------------


ORDER_CHOICES = [
    ("asc", gettext_lazy("least advanced first")),
    ("desc", gettext_lazy("most advanced first")),
]


@login_required
def progress_desk(request: HttpRequest) -> HttpResponse:
    """The office's open implementation items by progress, with the next milestone due."""
    from django.core.paginator import Paginator

    from sanxing.casework.models import ProgressReport

    if not can_use_desk(request.user):
        raise Http404
    status = request.GET.get("status", "")
    if status not in implementation.PROGRESS_FILTERS:
        status = ""
    order = "desc" if request.GET.get("order") == "desc" else "asc"
    qs = implementation.desk_by_progress(items_visible_to(request.user), status=status, order=order)
    today = timezone.localdate()
    calendar = implementation._calendar()
    if request.GET.get("format") == "xlsx":
        return _progress_workbook(qs, today=today, calendar=calendar)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        (i, implementation.progress_from(i, today=today, calendar=calendar))
        for i in page.object_list
    ]
    return render(
        request,
        "casework/implementation_desk.html",
        {
            "page": page,
            "rows": rows,
            "today": today,
            "status": status,
            "order": order,
            "statuses": [(s.value, s.label) for s in ProgressReport.Status],
            "orders": ORDER_CHOICES,
            "xlsx_query": urlencode({"status": status, "order": order, "format": "xlsx"}),
        },
    )


def _progress_workbook(qs: Any, *, today: Any, calendar: Any) -> HttpResponse:
    """The whole filtered list (every page) as a workbook, one row an item."""
    from sanxing.core.excel import excel_response

    columns = [
        _("Number"),
        _("Title"),
        _("Progress (%)"),
        _("Status"),
        _("Milestones done"),
        _("Milestones planned"),
        _("Next milestone"),
        _("Due on"),
        _("Next milestone status"),
    ]
    rows = []
    for item in qs:
        p = implementation.progress_from(item, today=today, calendar=calendar)
        rows.append(
            [
                item.reference,
                item.title,
                p.percent,
                p.status_label,
                p.done,
                p.total,
                p.next_title or "",
                p.next_due,
                p.next_label,
            ]
        )
    return excel_response(
        f"{_('Implementation items by progress')}-{today.isoformat()}.xlsx",
        columns,
        rows,
        sheet_title=str(_("Progress")),
    )
