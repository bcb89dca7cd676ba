"""Pages of casework: the office desk, the item page with its actions, the assign form with
its check-your-answers step, the unit portal, the deputy's view, the rates, letters and the
petitioner's tracking page. Views are thin: lookups through ``access``, reads through
``selectors``, every change through ``services``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms as djforms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanxing.casework import forms, kinds, privacy, selectors, services
from sanxing.casework.access import (
    assignment_for_user,
    can_use_deputy_view,
    can_use_desk,
    can_use_unit_portal,
    is_office_for,
    item_for_tracking_code,
    item_for_user,
    items_visible_to,
    milestone_for_user,
    replies_shown_to,
    reply_for_user,
)
from sanxing.casework.kinds import Kind, Purpose
from sanxing.casework.models import Assignment, Item, ItemAttachment, Reply
from sanxing.core.errors import BusinessError
from sanxing.core.net import client_ip
from sanxing.people.access import viewer_for
from sanxing.people.models import Congress, Person

PAGE_SIZE = 25


def _page(request: HttpRequest, qs: Any, param: str = "page") -> Any:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get(param))


def _error_to_form(form: djforms.Form, error: BusinessError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def _day(value: dt.date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def _congress(request: HttpRequest) -> Congress:
    congress = Congress.objects.filter(pk=viewer_for(request.user).congress_id).first()
    if congress is None:
        raise Http404
    return congress


# --- office desk ---------------------------------------------------------------------------------


@login_required
def desk(request: HttpRequest) -> HttpResponse:
    if not can_use_desk(request.user):
        raise Http404
    today = timezone.localdate()
    items = items_visible_to(request.user)
    kind = request.GET.get("kind", "")
    if kind in kinds.SPECS:
        items = items.filter(kind=kind)
    q = request.GET.get("q", "").strip()
    found = (
        _page(request, selectors.search(items, q).order_by("-submitted_on", "-pk"), "fpage")
        if q
        else None
    )
    queue = _page(request, selectors.desk_queue(items), "page")
    deadlines = _page(request, selectors.open_clocks(items, today=today, within_days=7), "dpage")
    return render(
        request,
        "casework/desk.html",
        {
            "queue": queue,
            "deadlines": deadlines,
            "today": today,
            "kind": kind,
            "q": q,
            "found": found,
            "kinds": [(k.value, k.label) for k in Kind],
        },
    )


@login_required
def item_new(request: HttpRequest) -> HttpResponse:
    """A suggestion arrives: entered by the office (and registered at once if it says so),
    or submitted online by a deputy, who leads it."""
    office = can_use_desk(request.user)
    viewer = viewer_for(request.user)
    if not office and not (can_use_deputy_view(request.user) and viewer.person_id):
        raise Http404
    congress = _congress(request)
    kind = request.GET.get("kind", Kind.SUGGESTION) if office else Kind.SUGGESTION
    if kind not in (Kind.SUGGESTION, Kind.MOTION, Kind.REVIEW_OPINION):
        raise Http404
    form = forms.SuggestionForm(
        request.POST or None, congress_id=congress.pk, office=office, kind=kind
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        lead = data["lead"] if office else Person.objects.get(pk=viewer.person_id)
        deputies = [p for p in [lead, *[p for p in data["co_signers"] if p != lead]] if p]
        try:
            item = services.item_enter(
                register=bool(office and data.get("register_now")),
                registered_on=data["submitted_on"] if office else None,
                congress=congress,
                kind=kind,
                title=data["title"],
                content=data["content"],
                topic=data["topic"],
                channel=data["channel"] if office else kinds.Channel.ONLINE,
                submitted_on=data["submitted_on"] if office else None,
                deputies=deputies,
                lead=lead,
                public_disclosure_agreed=data.get("public_disclosure_agreed", False),
                by=request.user,
            )
        except BusinessError as error:
            _error_to_form(form, error)
        else:
            if office:
                message = _("%(ref)s is saved. Next: assign it to a handling unit.") % {
                    "ref": item.reference
                }
            else:
                message = _(
                    "Your suggestion is submitted. The office will review and register it, "
                    "and you will see here what happens next."
                )
            messages.success(request, message)
            return redirect("casework:item", item.pk)
    return render(
        request,
        "casework/item_form.html",
        {
            "form": form,
            "title": _("New suggestion"),
            "back": "casework:desk" if office else "casework:mine",
        },
        status=400 if form.errors else 200,
    )


@login_required
def letter_new(request: HttpRequest) -> HttpResponse:
    if not can_use_desk(request.user):
        raise Http404
    congress = _congress(request)
    form = forms.LetterForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            data = dict(form.cleaned_data)
            files = data.pop("attachments", [])
            item = services.letter_receive(congress=congress, by=request.user, files=files, **data)
        except BusinessError as error:
            _error_to_form(form, error)
        else:
            messages.success(
                request,
                _(
                    "The letter is registered as %(ref)s. Give the writer the tracking code "
                    "%(code)s."
                )
                % {"ref": item.reference, "code": item.tracking_code},
            )
            return redirect("casework:item", item.pk)
    return render(
        request,
        "casework/item_form.html",
        {"form": form, "title": _("New letter or visit")},
        status=400 if form.errors else 200,
    )


# --- the item page -----------------------------------------------------------------------------


def _item_context(
    request: HttpRequest, item: Item, bound: dict[str, djforms.Form] | None = None
) -> dict[str, Any]:
    bound = bound or {}
    viewer = viewer_for(request.user)
    detail = selectors.item_detail(item)
    office = is_office_for(request.user, item.congress_id)
    actions = services.allowed_actions(item)
    today = timezone.localdate()
    ctx: dict[str, Any] = {
        "item": item,
        "today": today,
        "office": office,
        "actions": actions,
        **detail,
    }
    f: dict[str, djforms.Form] = {}
    if office:
        if "register" in actions:
            f["register"] = forms.RegisterForm(
                initial={"topic": item.topic, "on": today, "version": item.version}
            )
        if "return" in actions:
            f["return"] = forms.ReturnForm(initial={"version": item.version})
        if item.is_open:
            f["supervise"] = forms.SupervisionForm()
            if not item.is_key_supervised:
                f["key"] = forms.KeySupervisionForm(congress_id=item.congress_id)
        if item.kind == Kind.LETTER and "answer" in actions:
            f["answer"] = forms.LetterAnswerForm(initial={"sent_on": today})
        if item.kind == Kind.MOTION and "decide" in actions:
            f["decide"] = forms.MotionDecisionForm(initial={"on": today})
        if item.kind == Kind.LETTER and "redirect" in actions:
            f["redirect"] = forms.ReasonForm()
        if item.kind == Kind.LETTER and "answer" in actions:
            f["extend"] = forms.ExtendForm(congress_id=item.congress_id)
        if item.kind == Kind.LETTER and "request_review" in actions:
            f["request_review"] = forms.ReviewRequestForm(initial={"on": today})
        if item.kind == Kind.LETTER and "decide_review" in actions:
            f["decide_review"] = forms.LetterAnswerForm(initial={"sent_on": today})
        if item.kind == Kind.LETTER and "request_re_review" in actions:
            f["request_re_review"] = forms.ReviewRequestForm(initial={"on": today})
        if item.kind == Kind.LETTER and "decide_re_review" in actions:
            f["hearing"] = forms.HearingForm()
            f["decide_re_review"] = forms.LetterAnswerForm(initial={"sent_on": today})
    if "evaluate" in actions and viewer.person_id in {o.person_id for o in detail["originators"]}:
        f["evaluate"] = forms.EvaluationForm()
    f.update({k: v for k, v in bound.items() if "-" not in k})
    ctx["forms"] = f
    replied = {(r.assignment_id, r.round) for r in detail["replies"]}
    mine = []
    for a in detail["assignments"]:
        if a.unit_id not in viewer.unit_ids or a.withdrawn_on is not None:
            continue
        is_lead = a.role == Assignment.Role.LEAD
        entry: dict[str, Any] = {"assignment": a}
        pending = a.return_decision == Assignment.ReturnDecision.PENDING
        if a.accepted_on is None and not pending:
            entry["accept"] = True
            entry["return_form"] = bound.get(f"return-{a.pk}") or forms.ReasonForm()
        if not is_lead:
            waiting = item.is_open
        elif item.kind == Kind.LETTER:
            waiting = item.state == kinds.ACCEPTED
        else:
            waiting = item.state in (kinds.ASSIGNED, kinds.REHANDLING)
        if waiting and not pending and (a.pk, item.round) not in replied:
            entry["reply_form"] = bound.get(f"reply-{a.pk}") or forms.ReplyForm(
                kind=item.kind, is_lead=is_lead
            )
            entry["contact_form"] = bound.get(f"contact-{a.pk}") or forms.ContactForm(
                initial={"contacted_on": today}
            )
        if any(
            c.assignment_id == a.pk and c.purpose == Purpose.COMMITMENT and c.stopped_on is None
            for c in detail["clocks"]
        ):
            entry["commitment_form"] = (
                bound.get(f"commitment-{a.pk}") or forms.SupervisionNoteForm()
            )
        mine.append(entry)
    ctx["my_assignments"] = mine
    ctx["pending_returns"] = [
        a
        for a in detail["assignments"]
        if a.return_decision == Assignment.ReturnDecision.PENDING and office
    ]
    ctx["show_petitioner"] = office
    ctx["replies"] = replies_shown_to(request.user, detail["replies"])
    heads = {
        r.assignment.unit_id
        for r in detail["replies"]
        if r.approval == Reply.Approval.PENDING
        and r.assignment
        and services.is_unit_head(request.user, r.assignment.unit_id)
    }
    ctx["approvable"] = {
        r.pk: bound.get(f"send_back-{r.pk}") or forms.ReasonForm()
        for r in detail["replies"]
        if r.approval == Reply.Approval.PENDING and r.assignment and r.assignment.unit_id in heads
    }
    if office and item.petitioner_name:
        ctx["petitioner"] = privacy.masked(item)
    # Items made from this one (a motion's suggestion, a writer's later letters), as far as
    # the viewer may see them.
    ctx["derived_items"] = list(
        items_visible_to(request.user)
        .filter(related_item=item)
        .only("pk", "kind", "year", "number", "title")
        .order_by("pk")
    )
    if item.kind == Kind.IMPLEMENTATION:
        _implementation_context(ctx, item, office, viewer, detail["assignments"], bound)
    return _with_timeline(request, item, ctx, bound)


def _implementation_context(
    ctx: dict[str, Any],
    item: Item,
    office: bool,
    viewer: Any,
    assignments: Any,
    bound: dict[str, djforms.Form],
) -> None:
    """Milestones, the progress bar and the reports of a resolution or instruction to
    implement, with the forms for the office and the assigned units."""
    from sanxing.casework.models import ProgressReport, progress_status

    milestones = list(selectors.item_milestones(item))
    reports = list(selectors.item_progress_reports(item))
    percent = reports[0].percent if reports else 0
    active = [a for a in assignments if a.withdrawn_on is None and a.unit_id in viewer.unit_ids]
    lead = any(a.role == Assignment.Role.LEAD for a in active)
    ctx["implementation"] = {
        "milestones": milestones,
        "reports": reports,
        "percent": percent,
        "status": progress_status(percent),
        "status_label": ProgressReport.Status(progress_status(percent)).label,
        "can_plan": item.is_open and (office or lead),
        "can_report": item.is_open and (office or bool(active)),
        "milestone_form": bound.get("milestone") or forms.MilestoneForm(),
        "progress_form": bound.get("progress") or forms.ProgressForm(initial={"percent": percent}),
    }


@login_required
def item_page(request: HttpRequest, pk: int) -> HttpResponse:
    item = item_for_user(request.user, pk)
    return render(request, "casework/item.html", _item_context(request, item))


def _with_timeline(
    request: HttpRequest, item: Item, ctx: dict[str, Any], bound: dict[str, djforms.Form]
) -> dict[str, Any]:
    """An implementation item's milestones as a timeline on the working calendar, with the
    forms to change, withdraw or reopen each (views_implementation)."""
    if item.kind == Kind.IMPLEMENTATION:
        from sanxing.casework.views_implementation import _timeline

        ctx["imp_timeline"] = _timeline(request, item, bound)
    return ctx


@login_required
@require_POST
def item_personal_data(request: HttpRequest, pk: int) -> HttpResponse:
    """The letters office sees the writer's ID number and phone unmasked; each view is logged."""
    item = item_for_user(request.user, pk)
    if not privacy.can_unmask(request.user, item):
        raise Http404
    ctx = _item_context(request, item)
    ctx["petitioner"] = privacy.unmasked(request.user, item, "web")
    ctx["unmasked"] = True
    return render(request, "casework/item.html", ctx)


def _done(request: HttpRequest, item: Item, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("casework:item", item.pk)


def _action_register(request: HttpRequest, item: Item, form: Any) -> str:
    d = form.cleaned_data
    item = services.item_register(
        item=item, by=request.user, on=d["on"], topic=d["topic"], version=d["version"]
    )
    return _("Registered as %(ref)s. Next: assign it to a handling unit.") % {"ref": item.reference}


def _action_return(request: HttpRequest, item: Item, form: Any) -> str:
    d = form.cleaned_data
    services.item_return_to_originator(
        item=item, reason=d["reason"], by=request.user, version=d["version"]
    )
    return _("The item is returned to the deputy with your reason.")


def _action_evaluate(request: HttpRequest, item: Item, form: Any) -> str:
    d = form.cleaned_data
    evaluation = services.evaluation_submit(
        item=item, value=d["value"], comment=d["comment"], by=request.user
    )
    if evaluation.value == kinds.EvaluationValue.UNSATISFIED and evaluation.round == 1:
        return _("Thank you. The unit will handle your suggestion again and reply within a month.")
    return _("Thank you. Your evaluation is recorded and the item is closed.")


def _action_supervise(request: HttpRequest, item: Item, form: Any) -> str:
    d = form.cleaned_data
    services.supervision_log_add(item=item, method=d["method"], note=d["note"], by=request.user)
    return _("The chase is recorded in the supervision log.")


def _action_key(request: HttpRequest, item: Item, form: Any) -> str:
    services.item_mark_key_supervised(
        item=item, leader=form.cleaned_data["leader"], by=request.user
    )
    return _("The item is now a key supervised item.")


def _action_close(request: HttpRequest, item: Item, form: Any) -> str:
    services.item_close(item=item, by=request.user)
    return _("The item is closed.")


def _action_accept_letter(request: HttpRequest, item: Item, form: Any) -> str:
    services.letter_accept(item=item, by=request.user)
    return _("The letter is accepted; the 60-day handling period has started.")


def _action_redirect(request: HttpRequest, item: Item, form: Any) -> str:
    services.letter_redirect(item=item, note=form.cleaned_data["reason"], by=request.user)
    return _("Recorded: the writer is told where to go.")


def _action_answer(request: HttpRequest, item: Item, form: Any) -> str:
    d = form.cleaned_data
    services.letter_answer(
        item=item,
        outcome=d["outcome"],
        text=d["text"],
        signed_by=d["signed_by"],
        sent_on=d["sent_on"],
        by=request.user,
    )
    return _("The answer is recorded; the writer has 30 days to ask for a review.")


def _action_extend(request: HttpRequest, item: Item, form: Any) -> str:
    d = form.cleaned_data
    clock = services.letter_extend(
        item=item, days=d["days"], reason=d["reason"], approved_by=d["approved_by"], by=request.user
    )
    return _("The handling period is extended to %(day)s. Tell the writer why.") % {
        "day": _day(clock.due_on)
    }


def _action_request_review(request: HttpRequest, item: Item, form: Any) -> str:
    d = form.cleaned_data
    services.letter_request_review(item=item, reason=d["reason"], on=d["on"], by=request.user)
    return _("The request for review is recorded; decide within 30 days.")


def _action_decide_review(request: HttpRequest, item: Item, form: Any) -> str:
    d = form.cleaned_data
    services.letter_review_decide(
        item=item,
        outcome=d["outcome"],
        text=d["text"],
        signed_by=d["signed_by"],
        sent_on=d["sent_on"],
        by=request.user,
    )
    return _(
        "The review is decided. The writer may ask for a re-review within 30 days; "
        "otherwise the letter closes by itself."
    )


def _action_request_re_review(request: HttpRequest, item: Item, form: Any) -> str:
    d = form.cleaned_data
    services.letter_request_re_review(item=item, reason=d["reason"], on=d["on"], by=request.user)
    return _("The request for re-review is recorded; decide within 30 days.")


def _action_hearing(request: HttpRequest, item: Item, form: Any) -> str:
    d = form.cleaned_data
    clock = services.letter_hearing(item=item, days=d["days"], note=d["note"], by=request.user)
    return _("The hearing is recorded; the re-review is now due on %(due)s.") % {
        "due": _day(clock.due_on)
    }


def _action_decide_re_review(request: HttpRequest, item: Item, form: Any) -> str:
    d = form.cleaned_data
    services.letter_re_review_decide(
        item=item,
        outcome=d["outcome"],
        text=d["text"],
        signed_by=d["signed_by"],
        sent_on=d["sent_on"],
        by=request.user,
    )
    return _("The re-review is decided and the letter is closed.")


def _action_milestone(request: HttpRequest, item: Item, form: Any) -> str:
    d = form.cleaned_data
    services.milestone_add(item=item, title=d["title"], due_on=d["due_on"], by=request.user)
    return _("The milestone is planned.")


def _action_milestone_done(request: HttpRequest, item: Item, form: Any) -> str:
    milestone = milestone_for_user(request.user, item.pk, form.cleaned_data["milestone"])
    services.milestone_complete(milestone=milestone, by=request.user)
    return _("The milestone is marked done.")


def _action_progress(request: HttpRequest, item: Item, form: Any) -> str:
    d = form.cleaned_data
    report = services.progress_report(
        item=item, percent=d["percent"], text=d["text"], reason=d["reason"], by=request.user
    )
    return _("Progress reported: %(percent)s%%.") % {"percent": report.percent}


def _action_decide(request: HttpRequest, item: Item, form: Any) -> str:
    d = form.cleaned_data
    services.motion_decide(
        motion=item, decision=d["decision"], note=d["note"], on=d["on"], by=request.user
    )
    if d["decision"] == "convert":
        return _("Recorded. The linked suggestion is registered: assign it from the desk.")
    return _("The presidium's decision is recorded.")


ITEM_ACTIONS: dict[str, tuple[Callable[..., djforms.Form], Callable[..., str]]] = {
    "register": (lambda item, data: forms.RegisterForm(data), _action_register),
    "return": (lambda item, data: forms.ReturnForm(data), _action_return),
    "evaluate": (lambda item, data: forms.EvaluationForm(data), _action_evaluate),
    "supervise": (lambda item, data: forms.SupervisionForm(data), _action_supervise),
    "key": (
        lambda item, data: forms.KeySupervisionForm(data, congress_id=item.congress_id),
        _action_key,
    ),
    "close": (lambda item, data: djforms.Form(data), _action_close),
    "accept": (lambda item, data: djforms.Form(data), _action_accept_letter),
    "redirect": (lambda item, data: forms.ReasonForm(data), _action_redirect),
    "answer": (lambda item, data: forms.LetterAnswerForm(data), _action_answer),
    "decide": (lambda item, data: forms.MotionDecisionForm(data), _action_decide),
    "extend": (
        lambda item, data: forms.ExtendForm(data, congress_id=item.congress_id),
        _action_extend,
    ),
    "request_review": (
        lambda item, data: forms.ReviewRequestForm(data),
        _action_request_review,
    ),
    "decide_review": (lambda item, data: forms.LetterAnswerForm(data), _action_decide_review),
    "request_re_review": (
        lambda item, data: forms.ReviewRequestForm(data),
        _action_request_re_review,
    ),
    "hearing": (lambda item, data: forms.HearingForm(data), _action_hearing),
    "milestone": (lambda item, data: forms.MilestoneForm(data), _action_milestone),
    "milestone_done": (lambda item, data: forms.MilestoneDoneForm(data), _action_milestone_done),
    "progress": (lambda item, data: forms.ProgressForm(data), _action_progress),
    "decide_re_review": (
        lambda item, data: forms.LetterAnswerForm(data),
        _action_decide_re_review,
    ),
}


@login_required
@require_POST
def item_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    item = item_for_user(request.user, pk)
    if action not in ITEM_ACTIONS:
        raise Http404
    make_form, run = ITEM_ACTIONS[action]
    form = make_form(item, request.POST)
    if form.is_valid():
        try:
            message = run(request, item, form)
        except BusinessError as error:
            _error_to_form(form, error)
        else:
            return _done(request, item, message)
    item.refresh_from_db()
    ctx = _item_context(request, item, bound={action: form})
    ctx["failed_form"] = form
    return render(request, "casework/item.html", ctx, status=400)


@login_required
@require_POST
def assignment_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """A unit's step on its assignment: accept, ask to return, record a contact, reply; and
    the office's decision on a return."""
    assignment = assignment_for_user(request.user, pk)
    item = assignment.item
    form: djforms.Form
    if action == "reply":
        form = forms.ReplyForm(
            request.POST,
            request.FILES,
            kind=item.kind,
            is_lead=assignment.role == Assignment.Role.LEAD,
        )
    elif action == "contact":
        form = forms.ContactForm(request.POST)
    elif action == "return":
        form = forms.ReasonForm(request.POST)
    elif action == "commitment":
        form = forms.SupervisionNoteForm(request.POST)
    elif action in ("accept", "approve_return", "refuse_return"):
        form = djforms.Form(request.POST)
    else:
        raise Http404
    if form.is_valid():
        d = form.cleaned_data
        try:
            if action == "reply":
                services.reply_submit(
                    assignment=assignment,
                    text=d["text"],
                    reply_class=d.get("reply_class", ""),
                    committed_on=d.get("committed_on"),
                    signed_by=d["signed_by"],
                    sent_on=d["sent_on"],
                    files=d.get("attachments") or [],
                    by=request.user,
                )
                message = _("Your reply is sent. The deputy will be asked to evaluate it.")
                if assignment.role != Assignment.Role.LEAD:
                    message = _("Your opinion is sent to the lead unit.")
                if services.reply_needs_approval(assignment.unit_id):
                    message = _("Your reply awaits the approval of the head of your unit.")
            elif action == "contact":
                services.contact_record(assignment=assignment, by=request.user, **d)
                message = _("The contact with the deputy is recorded.")
            elif action == "return":
                services.assignment_request_return(
                    assignment=assignment, reason=d["reason"], by=request.user
                )
                message = _("Your request to return the item is sent to the office.")
            elif action == "commitment":
                services.commitment_report(assignment=assignment, note=d["note"], by=request.user)
                message = _("Recorded: the promised work is carried out.")
            elif action == "accept":
                services.assignment_accept(assignment=assignment, by=request.user)
                message = _("Accepted. The reply deadline is shown below.")
            else:
                approve = action == "approve_return"
                services.assignment_decide_return(
                    assignment=assignment, approve=approve, by=request.user
                )
                message = (
                    _("The return is approved. Assign the item to another unit.")
                    if approve
                    else _("The return is refused; the unit keeps the item.")
                )
        except BusinessError as error:
            _error_to_form(form, error)
        else:
            return _done(request, item, message)
    item = item_for_user(request.user, item.pk)
    ctx = _item_context(request, item, bound={f"{action}-{assignment.pk}": form})
    ctx["failed_form"] = form
    return render(request, "casework/item.html", ctx, status=400)


@login_required
@require_POST
def reply_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """The unit's head approves a reply (it is sent) or sends it back to the handler."""
    reply = reply_for_user(request.user, pk)
    item = reply.item
    form: djforms.Form = (
        forms.ReasonForm(request.POST) if action == "send_back" else djforms.Form(request.POST)
    )
    if action not in ("approve", "send_back"):
        raise Http404
    if form.is_valid():
        try:
            if action == "approve":
                services.reply_approve(reply=reply, by=request.user)
                message = _("The reply is approved and sent.")
            else:
                services.reply_send_back(
                    reply=reply, reason=form.cleaned_data["reason"], by=request.user
                )
                message = _("The reply is sent back to the handler.")
        except BusinessError as error:
            _error_to_form(form, error)
        else:
            return _done(request, item, message)
    item = item_for_user(request.user, item.pk)
    ctx = _item_context(request, item, bound={f"{action}-{reply.pk}": form})
    ctx["failed_form"] = form
    return render(request, "casework/item.html", ctx, status=400)


@login_required
def assignment_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """The assignment notice (交辦通知) as a PDF in the official letter layout."""
    from sanxing.core.pdf import pdf_response, render_pdf

    assignment = assignment_for_user(request.user, pk)
    item = assignment.item
    clocks = {c.purpose: c for c in assignment.clocks.filter(round=1)}
    pdf = render_pdf(
        "casework/assignment_notice.html",
        {
            "assignment": assignment,
            "item": item,
            "reply_clock": clocks.get(Purpose.REPLY) or clocks.get(Purpose.CO_OPINION),
            "window_clock": clocks.get(Purpose.RETURN_WINDOW),
            "originators": list(item.originators.select_related("person")),
        },
    )
    return pdf_response(f"{item.reference}-{assignment.unit.name}.pdf", pdf)


@login_required
def attachment_download(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    """A file of an item or of one of its replies, for whoever may see the item."""
    item = item_for_user(request.user, pk)
    link = (
        ItemAttachment.objects.select_related("attachment", "reply__assignment")
        .filter(item=item, pk=file_pk)
        .first()
    )
    if link is None or (
        link.reply is not None and not replies_shown_to(request.user, [link.reply])
    ):
        raise Http404  # a reply awaiting its unit's head is not shown, nor are its files
    attachment = link.attachment
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def reply_letter_pdf(request: HttpRequest, pk: int, reply_pk: int) -> HttpResponse:
    """The reply letter (答復函) of a sent reply, for whoever may see the item and the reply."""
    from sanxing.casework import pdfs
    from sanxing.core.pdf import pdf_response

    item = item_for_user(request.user, pk)
    shown = replies_shown_to(
        request.user, item.replies.select_related("assignment__unit").filter(pk=reply_pk)
    )
    if not shown:
        raise Http404
    reply = shown[0]
    reply.item = item
    pdf = pdfs.render("casework/reply_letter.html", pdfs.reply_letter_context(reply))
    return pdf_response(f"{item.reference}-reply.pdf", pdf)


@login_required
def satisfaction_form_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The deputy's satisfaction form (代表意見表), blank or with the evaluation given."""
    from sanxing.casework import pdfs
    from sanxing.core.pdf import pdf_response

    item = item_for_user(request.user, pk)
    if item.kind == Kind.LETTER:
        raise Http404
    pdf = pdfs.render("casework/satisfaction_form.html", pdfs.satisfaction_form_context(item))
    return pdf_response(f"{item.reference}-satisfaction-form.pdf", pdf)


# --- assign, with check your answers -----------------------------------------------------------


@login_required
def item_assign(request: HttpRequest, pk: int) -> HttpResponse:
    item = item_for_user(request.user, pk)
    if not is_office_for(request.user, item.congress_id):
        raise Http404
    if "assign" not in services.allowed_actions(item):
        messages.error(request, _("This item cannot be assigned now."))
        return redirect("casework:item", item.pk)
    initial = {"version": item.version, "is_hard": item.is_hard}
    form = forms.AssignForm(request.POST or None, initial=initial, congress_id=item.congress_id)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if request.POST.get("confirm") == "yes":
            try:
                created = services.item_assign(
                    item=item,
                    lead_unit=d["lead_unit"],
                    co_units=list(d["co_units"]),
                    on=d["on"],
                    is_hard=d["is_hard"],
                    version=d["version"],
                    by=request.user,
                )
            except BusinessError as error:
                _error_to_form(form, error)
            else:
                lead = next((a for a in created if a.role == Assignment.Role.LEAD), None)
                due = (
                    lead.clocks.filter(purpose=Purpose.REPLY)
                    .values_list("due_on", flat=True)
                    .first()
                    if lead
                    else None
                )
                message = _("Assigned to %(units)s.") % {
                    "units": "、".join(a.unit.name for a in created)
                }
                if due:
                    message += " " + _("The lead unit must reply by %(day)s.") % {"day": _day(due)}
                return _done(request, item, message)
        else:
            try:
                services.check_assignment(
                    item=item,
                    lead_unit=d["lead_unit"],
                    co_units=list(d["co_units"]),
                    on=d["on"],
                    is_hard=d["is_hard"],
                )
            except BusinessError as error:
                _error_to_form(form, error)
            else:
                preview = services.preview_deadlines(
                    item=item,
                    on=d["on"],
                    is_hard=d["is_hard"],
                    with_co_units=bool(d["co_units"]),
                )
                return render(
                    request,
                    "casework/assign_confirm.html",
                    {"item": item, "form": form, "data": d, "preview": preview},
                )
    return render(
        request,
        "casework/assign.html",
        {"item": item, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def bulk_assign(request: HttpRequest) -> HttpResponse:
    """The desk's bulk assignment: the registered items ticked on the desk, one set of units,
    a check-your-answers page with each item's deadlines, then all assigned or none."""
    if not can_use_desk(request.user):
        raise Http404
    viewer = viewer_for(request.user)
    # Any item the user may see can be posted; the service says for each one that is not
    # waiting to be assigned (a letter not yet accepted, an item already assigned…) why.
    candidates = items_visible_to(request.user).order_by("submitted_on", "pk")
    problems: dict[int, str] = {}
    data = request.POST if request.method == "POST" else None
    initial = {"items": request.GET.getlist("items")}
    form = forms.BulkAssignForm(
        data, initial=initial, items=candidates, congress_id=viewer.congress_id
    )
    chosen = (
        list(candidates.filter(pk__in=[i for i in initial["items"] if str(i).isdigit()]))
        if data is None
        else []
    )
    if data is not None and form.is_valid():
        d = form.cleaned_data
        chosen = list(d["items"])
        args = {
            "items": chosen,
            "lead_unit": d["lead_unit"],
            "co_units": list(d["co_units"]),
            "on": d["on"],
            "is_hard": d["is_hard"],
        }
        try:
            if request.POST.get("confirm") == "yes":
                created = services.items_assign(by=request.user, **args)
            else:
                services.check_bulk_assignment(**args)
        except services.BulkAssignmentError as error:
            for item, message in error.problems:
                problems[item.pk] = message
                form.add_error(None, message)
        except BusinessError as error:
            _error_to_form(form, error)
        else:
            if request.POST.get("confirm") == "yes":
                messages.success(
                    request,
                    _("%(count)d items assigned to %(units)s.")
                    % {
                        "count": len(chosen),
                        "units": "、".join(
                            dict.fromkeys(a.unit.name for a in created)  # keeps the order
                        ),
                    },
                )
                return redirect("casework:desk")
            preview = [
                (
                    item,
                    services.preview_deadlines(
                        item=item,
                        on=d["on"],
                        is_hard=d["is_hard"],
                        with_co_units=bool(d["co_units"]),
                    ),
                )
                for item in chosen
            ]
            return render(
                request,
                "casework/bulk_assign_confirm.html",
                {"form": form, "data": d, "preview": preview},
            )
    elif data is not None:
        chosen = list(candidates.filter(pk__in=[i for i in data.getlist("items") if i.isdigit()]))
    return render(
        request,
        "casework/bulk_assign.html",
        {
            "form": form,
            "chosen": [(item, problems.get(item.pk, "")) for item in chosen],
            "has_letters": any(item.kind == Kind.LETTER for item in chosen),
        },
        status=400 if form.errors else 200,
    )


_SENTINEL = 987654321


def url_for(name: str) -> Callable[[int], str]:
    """``pk → url`` for a route with one pk, reversed once (not once a row)."""
    head, tail = reverse(name, args=[_SENTINEL]).split(str(_SENTINEL))
    return lambda pk: f"{head}{pk}{tail}"


def _item_rows(values: Any) -> list[dict[str, Any]]:
    """Rows of items read as values (pk, kind, year, number, title, state) with their
    reference, URL and state label; each URL reversed and each label translated once."""
    item_url = url_for("casework:item")
    state_labels: dict[tuple[str, str], str] = {}
    rows = []
    for row in values:
        key = (row["kind"], row["state"])
        if key not in state_labels:
            state_labels[key] = kinds.spec_for(row["kind"]).state_label(row["state"])
        rows.append(
            {
                "reference": selectors.reference_of(
                    row["kind"], row["year"], row["number"], row["pk"]
                ),
                "url": item_url(row["pk"]),
                "title": row["title"],
                "state_label": state_labels[key],
            }
        )
    return rows


# --- the unit portal and the deputy's view ----------------------------------------------------------


@login_required
def unit_portal(request: HttpRequest) -> HttpResponse:
    if not can_use_unit_portal(request.user):
        raise Http404
    viewer = viewer_for(request.user)
    page = selectors.unit_assignment_page(viewer.unit_ids, request.GET.get("page"), PAGE_SIZE)
    today = timezone.localdate()
    rows_html = _unit_rows_html(list(page.object_list), today)
    return render(
        request, "casework/unit.html", {"page": page, "today": today, "rows_html": rows_html}
    )


def _progress_by_item(rows: list[dict[str, Any]], today: dt.date) -> dict[int, Any]:
    """Implementation items show their progress and next milestone (the page's rows carry
    what ``implementation.with_progress`` gives; the calendar's stamp is read when there is
    one)."""
    from types import SimpleNamespace

    from sanxing.casework.implementation import progress_from
    from sanxing.workcal.calendar import current_calendar

    mine = [row for row in rows if row["item__kind"] == Kind.IMPLEMENTATION]
    if not mine:
        return {}
    calendar = current_calendar()
    return {
        row["item_id"]: progress_from(SimpleNamespace(**row), today=today, calendar=calendar)
        for row in mine
    }


def _unit_rows_html(rows: list[dict[str, Any]], today: dt.date) -> SafeString:
    """The unit portal's rows (``selectors.unit_assignment_page`` values), joined here rather
    than in a template loop: the URL reversed once, each label translated once, the days-left
    tag and the due date's text once per date. Every value is escaped."""
    from django.template.loader import get_template

    from sanxing.web.templatetags.sanxing import days_left, due_tag

    item_url = url_for("casework:item")
    progress = _progress_by_item(rows, today)
    progress_template = get_template("casework/implementation_progress.html") if progress else None
    due_on_text = escape(_("Due on"))
    no_deadline = escape(_("No deadline is running."))
    assigned_on_text = escape(_("Assigned on"))
    asks_to_return = f' <span class="tag tag-amber">{escape(_("asks to return it"))}</span>'
    roles = {value: escape(label) for value, label in Assignment.Role.choices}
    days: dict[dt.date, str] = {}
    states: dict[tuple[str, str], str] = {}

    def day(value: dt.date) -> str:
        if value not in days:
            days[value] = escape(_day(value))
        return days[value]

    out = []
    for row in rows:
        kind, state = row["item__kind"], row["item__state"]
        if (kind, state) not in states:
            states[kind, state] = escape(kinds.spec_for(kind).state_label(state))
        reference = selectors.reference_of(
            kind, row["item__year"], row["item__number"], row["item_id"]
        )
        due = row["reply_due"]
        if due:
            when = f'<span class="tag {due_tag(due, today)}">{escape(days_left(due, today))}</span>'
            meta = f"{due_on_text} {day(due)}"
            if row["reply_article"]:
                meta += f" · {escape(row['reply_article'])}"
        else:
            when, meta = "", no_deadline
        returning = asks_to_return if row["return_decision"] == "pending" else ""
        line = (
            f'  <li class="work-item">\n'
            f'    <a class="work-item-title" href="{item_url(row["item_id"])}">'
            f"{escape(reference)} {escape(row['item__title'])}</a>\n"
            f'    <span class="work-item-when">{when}</span>\n'
            f'    <span class="work-item-meta">{meta}</span>\n'
            f'    <span class="work-item-meta">{escape(row["unit__name"])} · '
            f"{roles.get(row['role'], escape(row['role']))} · {assigned_on_text} "
            f"{day(row['assigned_on'])}\n"
            f'      · <span class="tag tag-grey">{states[kind, state]}</span>{returning}</span>\n'
        )
        p = progress.get(row["item_id"])
        if p is not None and progress_template is not None:
            line += (
                '    <span class="work-item-meta work-item-progress">'
                f"{progress_template.render({'p': p})}</span>\n"
            )
        else:
            line += "    \n"
        out.append(line + "  </li>")
    return mark_safe("\n".join(out))  # every value above is escaped


@login_required
def my_items(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    if not can_use_deputy_view(request.user) or not viewer.person_id:
        raise Http404
    page = _page(request, selectors.deputy_items(viewer.person_id))
    return render(request, "casework/mine.html", {"page": page, "today": timezone.localdate()})


# --- rates -----------------------------------------------------------------------------------------


def _rate_query(request: HttpRequest) -> tuple[forms.RatesForm, selectors.RateQuery | None]:
    today = timezone.localdate()
    data = {**forms.RatesForm.defaults(today), **request.GET.dict()}
    form = forms.RatesForm(data)
    if not form.is_valid():
        return form, None
    d = form.cleaned_data
    unit = request.GET.get("unit")
    return form, selectors.RateQuery(
        congress_id=viewer_for(request.user).congress_id or 0,
        kind=d["kind"],
        date_from=d["date_from"],
        date_to=d["date_to"],
        as_of=d["as_of"],
        topic=d["topic"] or "",
        unit_id=int(unit) if unit and unit.isdigit() else None,
    )


RATE_COLUMNS = (
    ("assigned", "assigned"),
    ("replied", "replied"),
    ("closed_on_time", "closed_on_time"),
    ("open_overdue", "open_overdue"),
    ("class_a", "class_a"),
    ("class_b", "class_b"),
    ("class_c", "class_c"),
    ("class_d", "class_d"),
    ("evaluated", "evaluated"),
    ("satisfied", "satisfied"),
    ("basically_satisfied", "basically_satisfied"),
    ("unsatisfied", "unsatisfied"),
    ("forms_not_returned", "forms_not_returned"),
)


def _column_labels() -> dict[str, str]:
    return {
        "assigned": _("Assigned"),
        "replied": _("Replied"),
        "closed_on_time": _("On time"),
        "closed_late": _("Late"),
        "open_overdue": _("Open, overdue"),
        "class_a": "A",
        "class_b": "B",
        "class_c": "C",
        "class_d": "D",
        "evaluated": _("Evaluated"),
        "satisfied": _("Satisfied"),
        "basically_satisfied": _("Basically satisfied"),
        "unsatisfied": _("Unsatisfied"),
        "forms_not_returned": _("Forms not returned"),
        "completion_rate": _("Completion rate"),
        "on_time_rate": _("On-time rate"),
        "resolution_rate": _("Resolution rate"),
        "resolved_or_planned_rate": _("Solved or planned rate"),
        "satisfaction_rate": _("Satisfaction rate"),
        "basic_satisfaction_rate": _("Basic satisfaction rate"),
        "average_days_to_reply": _("Average days to reply"),
    }


@login_required
def rates(request: HttpRequest) -> HttpResponse:
    if not can_use_desk(request.user):
        raise Http404
    form, query = _rate_query(request)
    rows = selectors.rates(query) if query else []
    labels = _column_labels()
    if query and request.GET.get("format") == "xlsx":
        from sanxing.core.excel import excel_response

        names = [name for name, _m in RATE_COLUMNS]
        columns = [_("Unit"), *[labels[n] for n in names]]
        columns += [labels[n] for n in (*selectors.UnitRates.RATES, "average_days_to_reply")]
        data = []
        for row in rows:
            line: list[Any] = [row.unit_name, *[row.counts[n] for n in names]]
            line += [getattr(row, n) for n in selectors.UnitRates.RATES]
            line.append(row.average_days_to_reply)
            data.append(line)
        return excel_response(
            f"rates-{query.kind}-{query.date_from}-{query.date_to}.xlsx",
            columns,
            data,
            sheet_title=_("Rates"),
        )
    if query and request.GET.get("format") == "pdf":
        return _rates_report(request, query, rows, labels)
    # Everything per cell is prepared here once (labels, definitions, the drill-down link,
    # the percentages), so the template only prints: no {% url %} or translation per cell.
    count_columns = [
        {"name": n, "label": str(labels[n]), "definition": str(selectors.DEFINITIONS[n])}
        for n, _m in RATE_COLUMNS
    ]
    rate_columns = [
        {"name": n, "label": str(labels[n]), "definition": str(selectors.DEFINITIONS[n])}
        for n in (*selectors.UnitRates.RATES, "average_days_to_reply")
    ]
    query_string = request.GET.urlencode()
    # The cells of a row are joined here: with ~45 units × 20 columns, template nodes per
    # cell cost more than the query. Only integers, fixed names and the escaped link go in.
    drill = escape(f"{reverse('casework:rate_items')}?{query_string}&measure=")
    # The table's rows and the chart's bars are joined here too (one string each), so the
    # template has no node per unit.
    table, chart = [], []
    for row in rows:
        unit = f"&amp;unit={int(row.unit_id)}" if row.unit_id else ""
        cells = [
            f'<td><a href="{drill}{name}{unit}">{int(value)}</a></td>' if value else "<td>0</td>"
            for name, value in ((c["name"], row.counts[c["name"]]) for c in count_columns)
        ]
        cells += [
            f"<td>{escape(_rate_text(c['name'], getattr(row, c['name'])))}</td>"
            for c in rate_columns
        ]
        name = escape(row.unit_name)
        table.append(f'\n      <tr><th scope="row">{name}</th>{"".join(cells)}</tr>')
        if row.unit_id:
            bars = "".join(
                f'<span class="bar {css}" style="width: {p or "0"}%">'
                f"{'—' if p is None else f'{p}%'}</span>"
                for css, p in (
                    ("on-time", _percent(row.on_time_rate)),
                    ("satisfaction", _percent(row.satisfaction_rate)),
                )
            )
            chart.append(
                f'\n  <div class="bar-row"><span>{name}</span>'
                f'<span class="bars">{bars}</span></div>'
            )
    return render(
        request,
        "casework/rates.html",
        {
            "form": form,
            "table": mark_safe("".join(table)),  # built from escaped parts only
            "chart": mark_safe("".join(chart)),
            "count_columns": count_columns,
            "rate_columns": rate_columns,
            "query_string": query_string,
        },
        status=400 if form.errors else 200,
    )


def _percent(rate: float | None) -> str | None:
    """A rate as a whole percentage ("87"), or None."""
    return None if rate is None else str(round(rate * 100))


def _rate_text(name: str, value: Any) -> str:
    if value is None:
        return "—"
    return (
        str(formats.localize(value)) if name == "average_days_to_reply" else f"{_percent(value)}%"
    )


REPORT_COLUMNS = (
    "assigned",
    "replied",
    "open_overdue",
    "completion_rate",
    "on_time_rate",
    "resolution_rate",
    "satisfaction_rate",
    "basic_satisfaction_rate",
    "average_days_to_reply",
)


def _rates_report(
    request: HttpRequest, query: selectors.RateQuery, rows: list[Any], labels: dict[str, str]
) -> HttpResponse:
    """The handling report (辦理情況報告) for a kind and period as a PDF."""
    from sanxing.core.pdf import pdf_response, render_pdf

    def value(row: Any, name: str) -> Any:
        return row.counts[name] if name in row.counts else getattr(row, name)

    kind_label = str(dict(Kind.choices)[query.kind])
    title = _("Report on the handling of %(kind)s items, %(start)s to %(end)s") % {
        "kind": kind_label,
        "start": _day(query.date_from),
        "end": _day(query.date_to),
    }
    pdf = render_pdf(
        "casework/rates_report.html",
        {
            "title": title,
            "kind_label": kind_label,
            "query": query,
            "congress": _congress(request),
            "total": rows[-1],
            "columns": [
                {"label": labels[n], "definition": selectors.DEFINITIONS[n]} for n in REPORT_COLUMNS
            ],
            "percent": set(selectors.UnitRates.RATES),
            "table": [
                {"row": row, "values": [(n, value(row, n)) for n in REPORT_COLUMNS]} for row in rows
            ],
        },
    )
    return pdf_response(f"report-{query.kind}-{query.date_from}-{query.date_to}.pdf", pdf)


@login_required
def rate_items(request: HttpRequest) -> HttpResponse:
    if not can_use_desk(request.user):
        raise Http404
    _form, query = _rate_query(request)
    measure = request.GET.get("measure", "")
    if query is None or measure not in selectors.COUNTS:
        raise Http404
    page = selectors.rate_items_page(query, measure, request.GET.get("page"), PAGE_SIZE)
    page.object_list = _item_rows(page.object_list)
    labels = _column_labels()
    return render(
        request,
        "casework/rate_items.html",
        {
            "page": page,
            "measure_label": labels[measure],
            "definition": selectors.DEFINITIONS[measure],
            "back": reverse("casework:rates") + "?" + request.GET.urlencode(),
        },
    )


# --- the petitioner's tracking page ----------------------------------------------------------------


TRACK_MAX_FAILURES = 10
TRACK_WINDOW_SECONDS = 15 * 60


def _client_ip(request: HttpRequest) -> str:
    # The real client behind the trusted proxies, so one guesser can't lock out everyone.
    return client_ip(request)


def track(request: HttpRequest) -> HttpResponse:
    """A letter's writer follows it with the tracking code: state, dates, outcome; nothing
    else. A wrong code answers the same way whatever exists, and an address that keeps
    guessing is held off for a while (codes are random: about 59 bits)."""
    from django.core.cache import cache

    form = forms.TrackForm(request.POST or None)
    letter = None
    key = f"casework:track-failures:{_client_ip(request)}"
    if request.method == "POST":
        if (cache.get(key) or 0) >= TRACK_MAX_FAILURES:
            form.is_valid()
            form.add_error(
                None, _("Too many codes were tried from here. Wait 15 minutes and try again.")
            )
            return render(request, "casework/track.html", {"form": form}, status=429)
        if form.is_valid():
            try:
                letter = item_for_tracking_code(form.cleaned_data["code"])
            except Http404:
                cache.add(key, 0, TRACK_WINDOW_SECONDS)
                try:
                    cache.incr(key)
                except ValueError:
                    cache.set(key, 1, TRACK_WINDOW_SECONDS)
                form.add_error(
                    "code", _("No letter has this tracking code. Check it and try again.")
                )
    # The writer sees the office's answers only, never a unit's report to the office.
    answers = (
        list(letter.replies.filter(assignment__isnull=True).order_by("round", "sent_on"))
        if letter
        else []
    )
    return render(
        request,
        "casework/track.html",
        {"form": form, "letter": letter, "answers": answers},
        status=404 if form.errors else 200,
    )


# --- public disclosure of replies (建議答復公開) ----------------------------------------------------


def public_replies(request: HttpRequest) -> HttpResponse:
    """Anyone, signed in or not: the replies the deputies agreed to publish, with only the
    published fields (reference, title, topic, unit, class, text, date)."""
    page = _page(request, selectors.public_replies())
    rows = selectors.public_rows(page.object_list)
    return render(request, "casework/public.html", {"page": page, "rows": rows})


def public_reply(request: HttpRequest, pk: int) -> HttpResponse:
    rows = selectors.public_rows(selectors.public_replies(item_id=pk))
    if not rows:
        raise Http404
    return render(request, "casework/public_item.html", {"rows": rows, "first": rows[0]})
