"""Preparation pages: the attendance list PDF and contingency plans (預案)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from sanxing.core.errors import BusinessError
from sanxing.core.pdf import pdf_response, render_pdf
from sanxing.gatherings import forms, logistics, preparation, selectors
from sanxing.gatherings.models import ContingencyPlan


@login_required
def attendance_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The attendance list (簽到表) as a PDF: who, as what, status, and a column to sign."""
    g = selectors.gathering_managed_by(request.user, pk)
    lines, summary = logistics.attendance_lines(g)
    pdf = render_pdf(
        logistics.ATTENDANCE_PDF_TEMPLATE, logistics.attendance_pdf_context(g, lines, summary)
    )
    return pdf_response(f"{g.title}-attendance.pdf", pdf)


@login_required
def contingency_plans(request: HttpRequest, pk: int) -> HttpResponse:
    g = selectors.gathering_managed_by(request.user, pk)
    form = forms.ContingencyPlanForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            preparation.contingency_plan_add(
                gathering=g,
                title=form.cleaned_data["title"],
                text=form.cleaned_data["text"],
                file_name=upload.name if upload else "",
                file_content=upload.read() if upload else None,
                by=request.user,
            )
        except BusinessError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The contingency plan is attached."))
            return redirect("gatherings:contingency_plans", g.pk)
    plans = list(g.contingency_plans.select_related("attachment"))
    return render(
        request,
        "gatherings/contingency_plans.html",
        {"g": g, "plans": plans, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def contingency_plan_file(request: HttpRequest, pk: int) -> FileResponse:
    try:
        plan = ContingencyPlan.objects.select_related("attachment").get(pk=pk)
    except ContingencyPlan.DoesNotExist:
        raise Http404 from None
    selectors.gathering_managed_by(request.user, plan.gathering_id)
    if plan.attachment is None:
        raise Http404
    response = FileResponse(
        plan.attachment.file.open("rb"),
        as_attachment=True,
        filename=plan.attachment.original_name,
        content_type=plan.attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
