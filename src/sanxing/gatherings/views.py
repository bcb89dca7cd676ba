"""Pages of the gatherings engine: thin views over services and selectors."""

from __future__ import annotations

import datetime as dt
import html
from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from sanxing.core.errors import BusinessError
from sanxing.gatherings import forms, ical, selectors, services
from sanxing.gatherings.activities import ACTIVITY_KINDS
from sanxing.gatherings.kinds import THRESHOLDS
from sanxing.gatherings.links import links_for as gathering_links
from sanxing.gatherings.models import (
    AgendaItem,
    Attendance,
    Gathering,
    LeaveRequest,
    RosterEntry,
    Vote,
)
from sanxing.gatherings.qr import qr_svg
from sanxing.people.access import viewer_for
from sanxing.people.models import Organisation, Person
from sanxing.web.templatetags.sanxing import form_field


def _fail(request: HttpRequest, form: Any, exc: BusinessError) -> None:
    if form is not None:
        field = exc.field if exc.field in getattr(form, "fields", {}) else None
        form.add_error(field, exc.message)
    else:
        messages.error(request, exc.message)


def _person(request: HttpRequest) -> Person:
    v = viewer_for(request.user)
    if v.person_id is None:
        raise Http404
    return Person.objects.get(pk=v.person_id)


# --- list and calendar ----------------------------------------------------------------------


@login_required
def gathering_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    gatherings = list(selectors.gathering_list(request.user, year=year))
    months: dict[int, list[Gathering]] = defaultdict(list)
    for g in gatherings:
        months[timezone.localtime(g.starts_at).month].append(g)
    calendar = [
        {"month": dt.date(year, m, 1), "gatherings": months.get(m, [])} for m in range(1, 13)
    ]
    return render(
        request,
        "gatherings/list.html",
        {
            "gatherings": gatherings,
            "calendar": calendar,
            "year": year,
            "can_manage": selectors.can_manage(request.user),
        },
    )


@login_required
def gathering_plan(request: HttpRequest) -> HttpResponse:
    if not selectors.can_manage(request.user):
        raise Http404
    v = viewer_for(request.user)
    form = forms.GatheringForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            congress = request.user.congress  # type: ignore[union-attr]
            if congress is None or not v.sees_congress(congress.pk):
                raise Http404
            g = services.gathering_plan(
                congress=congress,
                kind=data["kind"],
                title=data["title"],
                sitting=data["sitting"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                place=data["place"],
                by=request.user,
            )
        except BusinessError as exc:
            _fail(request, form, exc)
        else:
            messages.success(
                request,
                _("The meeting is planned. Next: build the roster and the agenda."),
            )
            return redirect("gatherings:detail", g.pk)
    return render(request, "gatherings/plan.html", {"form": form})


# --- the meeting page -----------------------------------------------------------------------


def _detail_context(request: HttpRequest, g: Gathering) -> dict[str, Any]:
    """What the meeting page shows, read as light rows whose SQL is compiled once per meeting
    (``selectors.compiled_rows``): no model instances, no queryset built per request."""
    manage = selectors.can_manage(request.user, g)
    roster = selectors.roster_rows(g)
    me = viewer_for(request.user).person_id
    my_entry = next((r for r in roster if r.person_id == me), None)
    agenda = selectors.agenda_rows(g)
    leaves = selectors.leave_rows(g, manage=manage, person_id=me)
    return {
        "g": g,
        "can_manage": manage,
        "extra_links": gathering_links(g) if manage else [],
        "agenda": agenda,
        "agenda_html": _agenda_html(request, agenda, manage),
        "roster": roster,
        "roster_html": _roster_html(roster),
        "summary": selectors.attendance_summary(roster),
        "my_entry": my_entry,
        "leaves_html": _leave_html(request, leaves, manage),
        "leaves": leaves,
        "votes": selectors.vote_rows(g, closed_only=not manage),
        "quorum": services.quorum(g) if g.kind_spec.quorum else None,
        "agenda_form": _agenda_form(g) if manage else None,
        "leave_form": _leave_form(request, g, manage, roster, None),
        "checklist_count": selectors.checklist_size(g) if manage else 0,
        "is_activity": g.kind in ACTIVITY_KINDS,
        "now": timezone.now(),
    }


def _agenda_form(g: Gathering) -> forms.AgendaItemForm:
    """The add-an-item form for the page, its two lists of bodies read in one query, in the
    form's own order (the form's querysets still validate what agenda_add receives)."""
    form = forms.AgendaItemForm(congress_id=g.congress_id)
    presenting: Any = form.fields["presenting_body"]
    committee: Any = form.fields["responsible_committee"]
    special = Organisation.Kind.SPECIAL_COMMITTEE
    rows = selectors.compiled_rows(
        ("agenda_bodies", g.congress_id),
        lambda: (
            Organisation.objects.filter(congress_id=g.congress_id)
            .filter(Q(parent__isnull=True) | Q(kind=special))
            .values_list("pk", "name", "parent_id", "kind")
        ),
    )
    blank = [("", presenting.empty_label)]
    presenting.choices = blank + [(pk, name) for pk, name, parent, _kind in rows if parent is None]
    committee.choices = blank + [(pk, name) for pk, name, _parent, kind in rows if kind == special]
    # The unbound form's fields as HTML depend only on the language and these rows: made once
    # per (language, rows), not on every request (~1 ms); the template prints the fields
    # itself for a form without ``fields_html`` (one sent back with its errors).
    key = (get_language(), tuple(rows))
    fields_html = _AGENDA_FIELDS.get(key)
    if fields_html is None:
        fields_html = "\n    ".join(form_field(form[name]) for name in form.fields)
        if len(_AGENDA_FIELDS) >= 64:
            _AGENDA_FIELDS.clear()
        _AGENDA_FIELDS[key] = fields_html
    form.fields_html = mark_safe(fields_html)  # type: ignore[attr-defined]  # escaped by form_field
    return form


_AGENDA_FIELDS: dict[tuple[Any, ...], str] = {}


_SENTINEL = 987654321


def _url_for(name: str) -> Any:
    """``pk → url`` for a route with one pk, reversed once (not once a row)."""
    head, tail = reverse(name, args=[_SENTINEL]).split(str(_SENTINEL))
    return lambda pk: f"{head}{pk}{tail}"


def _agenda_html(
    request: HttpRequest, items: list[selectors.AgendaRow], manage: bool
) -> SafeString:
    """The agenda table's rows (30 at a session, a vote form each for the office), built here:
    each label is translated and each choice's display looked up once, not once a row."""

    def label(text: str) -> str:  # escaped, and safe inside the str.format template below
        return escape(text).replace("{", "{{").replace("}", "}}")

    kinds = {str(k): escape(str(v)) for k, v in AgendaItem.Kind.choices}
    states = {str(k): escape(str(v)) for k, v in AgendaItem.State.choices}
    withdrawn = escape(_("withdrawn"))
    manage_cell = ""
    if manage:
        vote_open = _url_for("gatherings:vote_open")
        withdraw = _url_for("gatherings:agenda_withdraw")
        delete = _url_for("gatherings:agenda_delete")
        token = escape(get_token(request))
        csrf = f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
        t_put, t_motion, t_how = (
            label(_("Put to the vote")),
            label(_("Motion put to the vote")),
            label(_("How the vote is recorded")),
        )
        t_named, t_counts, t_open = (
            label(_("named (per member)")),
            label(_("counts only")),
            label(_("Open the vote")),
        )
        t_withdraw, t_delete = label(_("Withdraw")), label(_("Delete"))
        manage_cell = (
            '\n      <td>\n        <details><summary id="vote-toggle-{pk}">'
            + t_put
            + '</summary>\n          <form method="post" action="{vote_open}">'
            + csrf
            + '\n            <label class="form-label" for="motion-{pk}">'
            + t_motion
            + '</label>\n            <input class="form-control" id="motion-{pk}" name="motion"'
            ' value="{title}" maxlength="300">\n            <fieldset><legend class="form-label">'
            + t_how
            + '</legend>\n              <label><input type="radio" name="mode" value="named"'
            " checked> "
            + t_named
            + '</label>\n              <label><input type="radio" name="mode" value="counts"> '
            + t_counts
            + '</label>\n            </fieldset>\n            <button class="btn" type="submit"'
            ' id="open-vote-{pk}">'
            + t_open
            + '</button>\n          </form>\n        </details>\n        <a href="{withdraw}">'
            + t_withdraw
            + '</a>\n        <form method="post" action="{delete}" class="inline">'
            + csrf
            + '<button class="link-button">'
            + t_delete
            + "</button></form>\n      </td>"
        )
    out = []
    for item in items:
        title = escape(item.title)
        if item.is_withdrawn:
            what = (
                f'<s>{title}</s> <span class="tag tag-grey">{withdrawn}</span> '
                f'<span class="muted">{escape(item.withdrawn_reason)}</span>'
            )
        else:
            what = title
        if item.responsible_committee_id:
            what += f'<br><span class="muted">{escape(item.responsible_committee)}</span>'
        # The outside subject (a review opinion's satisfaction vote): a link to it.
        link = item.subject_link if item.subject_ref else None
        if link is not None:
            what += (
                f'<br><a href="{escape(link[0])}" id="subject-link-{item.pk}">{escape(link[1])}</a>'
            )
        body = escape(item.presenting_body) if item.presenting_body_id else "—"
        row = (
            f"    <tr>\n      <td>{item.order}</td>\n      <td>{what}</td>\n"
            f"      <td>{kinds.get(item.kind, escape(item.kind))}</td>\n      <td>{body}</td>\n"
            f"      <td>{states.get(item.state, escape(item.state))}</td>"
        )
        if manage:
            if item.is_withdrawn:
                row += "\n      <td></td>"
            else:
                row += manage_cell.format(
                    pk=item.pk,
                    title=title,
                    vote_open=escape(vote_open(item.pk)),
                    withdraw=escape(withdraw(item.pk)),
                    delete=escape(delete(item.pk)),
                )
        out.append(row + "\n    </tr>")
    return mark_safe("\n".join(out))  # every value above is escaped


def _roster_html(roster: list[selectors.RosterRow]) -> SafeString:
    """The roster table's rows, built here rather than in a 450-row template loop: the cells
    that repeat (capacity, attendance) are escaped and translated once per value."""
    not_recorded = format_html('<span class="muted">{}</span>', _("not yet recorded"))
    status_cell: dict[tuple[str, str], str] = {}
    capacity_cell: dict[str, str] = {}
    out = []
    for r in roster:
        status = status_cell.get((r.status, r.status_label))
        if status is None:
            status = status_cell[(r.status, r.status_label)] = (
                format_html('<span class="tag {}">{}</span>', r.tag, r.status_label)
                if r.status
                else not_recorded
            )
        capacity = capacity_cell.get(r.capacity_label)
        if capacity is None:
            capacity = capacity_cell[r.capacity_label] = escape(r.capacity_label)
        # html.escape: what Django's escape does, without its lazy-string wrapper (460 rows)
        out.append(f"<tr><td>{html.escape(r.name)}</td><td>{capacity}</td><td>{status}</td></tr>")
    return mark_safe("\n".join(out))  # every value above is escaped


def _leave_html(request: HttpRequest, leaves: list[selectors.LeaveRow], manage: bool) -> SafeString:
    """The leave requests' rows, built here: the labels, the csrf field and the decision
    URL are made once, not once a row; a reason shows only where ``show_reason`` says."""
    on_leave = format_html('<span class="muted">{}</span>', _("on leave"))
    decide = _url_for("gatherings:leave_decide")
    buttons = ""
    if manage:
        token = escape(get_token(request))
        buttons = (
            '\n      <form method="post" action="{action}" class="inline">'
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
            '<button class="btn btn-secondary" name="decision" value="approve">'
            + escape(_("Approve")).replace("{", "{{").replace("}", "}}")
            + '</button> <button class="btn btn-secondary" name="decision" value="refuse">'
            + escape(_("Refuse")).replace("{", "{{").replace("}", "}}")
            + "</button></form>"
        )
    out = []
    for leave in leaves:
        reason = escape(leave.reason) if leave.show_reason else on_leave
        day = escape(date_filter(timezone.localtime(leave.requested_at)))
        row = (
            f"    <tr><td>{escape(leave.person_name)}</td><td>{reason}</td><td>{day}</td>\n"
            f"    <td>{escape(leave.status_label)}"
        )
        if manage and leave.status == LeaveRequest.Status.REQUESTED:
            row += buttons.format(action=escape(decide(leave.pk)))
        out.append(row + "</td></tr>")
    return mark_safe("\n".join(out))  # every value above is escaped


def _roll_call_html(request: HttpRequest, g: Gathering, rows: list[selectors.RosterRow]) -> str:
    """The roll-call rows (450 at a session, four buttons each), built here: what repeats
    (the form's opening, each button's label) is made once, only names and ids per row."""
    action = escape(reverse("gatherings:roll_call", args=[g.pk]))
    token = escape(get_token(request))
    not_recorded = format_html('<span class="muted">{}</span>', _("not yet recorded"))
    statuses = [(escape(value), escape(str(label))) for value, label in Attendance.Status.choices]
    opening = (
        f'<form method="post" action="{action}" hx-post="{action}" hx-target="closest tr" '
        f'hx-swap="outerHTML"><input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
    )
    out = []
    for r in rows:
        name = escape(r.name)
        buttons = " ".join(
            f'<button class="btn btn-secondary" name="status" value="{value}" '
            f'aria-label="{name}: {label}"'
            + (' aria-pressed="true"' if r.status == value else "")
            + f">{label}</button>"
            for value, label in statuses
        )
        status = escape(r.status_label) if r.status else not_recorded
        out.append(
            f'<tr id="p{r.person_id}">\n  <td>{name}</td><td>{escape(r.capacity_label)}</td>\n'
            f"  <td>{status}</td>\n  <td>{opening}"
            f'<input type="hidden" name="person" value="{r.person_id}">\n    {buttons}\n'
            "  </form></td>\n</tr>"
        )
    return mark_safe("\n".join(out))  # every value above is escaped


def _leave_form(
    request: HttpRequest, g: Gathering, manage: bool, roster: list[selectors.RosterRow], data: Any
) -> forms.LeaveForm | None:
    if g.starts_at <= timezone.now():
        return None
    if manage:
        people = [(r.person_id, r.name) for r in roster]
        return forms.LeaveForm(data, people=people)
    if any(e.person_id == viewer_for(request.user).person_id for e in roster):
        return forms.LeaveForm(data)
    return None


@login_required
@require_safe
def gathering_detail(request: HttpRequest, pk: int) -> HttpResponse:
    g = selectors.gathering_for_user(request.user, pk)
    return render(request, "gatherings/detail.html", _detail_context(request, g))


@login_required
def quorum_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The live quorum (htmx polls it every few seconds)."""
    g = selectors.gathering_for_quorum_panel(request.user, pk)
    return render(
        request,
        "gatherings/_quorum.html",
        {"g": g, "quorum": services.quorum(g) if g.kind_spec.quorum else None},
    )


@login_required
@require_POST
def gathering_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    g = selectors.gathering_managed_by(request.user, pk)
    try:
        if action == "roster":
            built = services.roster_build(gathering=g, by=request.user)
            messages.success(
                request,
                _(
                    "Roster built: %(voting)d voting members, %(non_voting)d attending "
                    "without a vote; %(added)d added."
                )
                % {"voting": built.voting, "non_voting": built.non_voting, "added": built.added},
            )
        elif action == "checklist":
            tasks = services.checklist_generate(gathering=g, by=request.user)
            messages.success(request, _("%(n)d preparation tasks created.") % {"n": len(tasks)})
            return redirect("gatherings:checklist", g.pk)
        elif action == "notify":
            n = services.gathering_notify_roster(
                gathering=g,
                url=request.build_absolute_uri(reverse("gatherings:detail", args=[g.pk])),
                by=request.user,
            )
            messages.success(request, _("Notice sent to %(n)d people.") % {"n": n})
        elif action == "publish":
            services.gathering_publish_results(gathering=g, by=request.user)
            messages.success(request, _("The results are published."))
        elif action in ("held", "cancelled", "planned"):
            services.gathering_set_status(gathering=g, status=action, by=request.user)
            messages.success(request, _("The status is changed."))
        else:
            raise Http404
    except BusinessError as exc:
        messages.error(request, exc.message)
    return redirect("gatherings:detail", g.pk)


@login_required
def gathering_clone(request: HttpRequest, pk: int) -> HttpResponse:
    g = selectors.gathering_managed_by(request.user, pk)
    initial = {
        "title": g.title,
        "starts_at": forms.local_input(timezone.localtime(g.starts_at) + dt.timedelta(days=61)),
        "ends_at": forms.local_input(timezone.localtime(g.ends_at) + dt.timedelta(days=61)),
    }
    form = forms.CloneForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            clone = services.gathering_clone(source=g, by=request.user, **form.cleaned_data)
        except BusinessError as exc:
            _fail(request, form, exc)
        else:
            messages.success(request, _("A copy is made as a draft: check its agenda and date."))
            return redirect("gatherings:detail", clone.pk)
    return render(request, "gatherings/clone.html", {"g": g, "form": form})


# --- agenda ---------------------------------------------------------------------------------


@login_required
@require_POST
def agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    g = selectors.gathering_managed_by(request.user, pk)
    form = forms.AgendaItemForm(request.POST, congress_id=g.congress_id)
    if form.is_valid():
        try:
            services.agenda_item_add(gathering=g, by=request.user, **form.cleaned_data)
        except BusinessError as exc:
            _fail(request, form, exc)
        else:
            messages.success(request, _("The item is on the agenda."))
            return redirect(reverse("gatherings:detail", args=[g.pk]) + "#agenda")
    context = _detail_context(request, g)
    context["agenda_form"] = form
    return render(request, "gatherings/detail.html", context, status=400)


@login_required
def agenda_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.agenda_item_for_user(request.user, pk)
    if not selectors.can_manage(request.user, item.gathering):
        raise Http404
    form = forms.WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.agenda_item_withdraw(
                item=item, reason=form.cleaned_data["reason"], by=request.user
            )
        except BusinessError as exc:
            _fail(request, form, exc)
        else:
            messages.success(request, _("The item is withdrawn; its record stays."))
            return redirect("gatherings:detail", item.gathering_id)
    return render(request, "gatherings/withdraw.html", {"item": item, "form": form})


@login_required
@require_POST
def agenda_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.agenda_item_for_user(request.user, pk)
    if not selectors.can_manage(request.user, item.gathering):
        raise Http404
    try:
        services.agenda_item_delete(item=item, by=request.user)
    except BusinessError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The item is deleted."))
    return redirect("gatherings:detail", item.gathering_id)


# --- leave ----------------------------------------------------------------------------------


@login_required
@require_POST
def leave_create(request: HttpRequest, pk: int) -> HttpResponse:
    g = selectors.gathering_for_user(request.user, pk)
    manage = selectors.can_manage(request.user, g)
    if not manage and selectors.roster_entry_of(request.user, g) is None:
        raise Http404  # neither on the roster nor the office: before any other check
    roster = selectors.roster_rows(g)
    form = _leave_form(request, g, manage, roster, request.POST)
    if form is None:
        messages.error(request, _("Leave must be requested before the meeting starts."))
        return redirect("gatherings:detail", g.pk)
    if form.is_valid():
        try:
            if manage:
                person = Person.objects.get(pk=form.cleaned_data["person"], congress=g.congress)
            else:
                person = _person(request)
            services.leave_request(
                gathering=g, person=person, reason=form.cleaned_data["reason"], by=request.user
            )
        except BusinessError as exc:
            _fail(request, form, exc)
        else:
            messages.success(request, _("The leave request is recorded."))
            return redirect(reverse("gatherings:detail", args=[g.pk]) + "#leave")
    context = _detail_context(request, g)
    context["leave_form"] = form
    return render(request, "gatherings/detail.html", context, status=400)


@login_required
@require_POST
def leave_decide(request: HttpRequest, pk: int) -> HttpResponse:
    leave = selectors.leave_request_for_user(request.user, pk)
    if not selectors.can_manage(request.user, leave.gathering):
        raise Http404
    try:
        services.leave_decide(
            leave=leave, approve=request.POST.get("decision") == "approve", by=request.user
        )
    except BusinessError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The leave request is decided."))
    return redirect(reverse("gatherings:detail", args=[leave.gathering_id]) + "#leave")


# --- check-in -------------------------------------------------------------------------------


@login_required
def roll_call(request: HttpRequest, pk: int) -> HttpResponse:
    g = selectors.gathering_managed_by(request.user, pk)
    if request.method == "POST":
        try:
            person = Person.objects.get(pk=request.POST.get("person"), congress=g.congress)
            services.check_in(
                gathering=g, person=person, status=request.POST.get("status", ""), by=request.user
            )
        except (Person.DoesNotExist, ValueError):
            messages.error(request, _("Choose a person on the roster."))
        except BusinessError as exc:
            messages.error(request, exc.message)
        if request.htmx:  # type: ignore[attr-defined]
            try:
                rows = selectors.roster_rows(g, person_id=int(request.POST.get("person", "")))
            except ValueError:
                raise Http404 from None
            return render(
                request,
                "gatherings/_roll_call_rows.html",
                {"g": g, "rows_html": _roll_call_html(request, g, rows)},
            )
        return redirect(
            reverse("gatherings:roll_call", args=[g.pk]) + f"#p{request.POST.get('person')}"
        )
    roster = selectors.roster_rows(g)
    return render(
        request,
        "gatherings/roll_call.html",
        {
            "g": g,
            "rows": roster,
            "rows_html": _roll_call_html(request, g, roster),
            "summary": selectors.attendance_summary(roster),
            "statuses": Attendance.Status.choices,
            "quorum": services.quorum(g) if g.kind_spec.quorum else None,
        },
    )


@login_required
def check_in_code_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The screen in the hall: the code that changes every minute, the link a phone opens and
    the same link as a QR code. htmx reloads the panel when the window turns (and every ten
    seconds, so a sleeping screen catches up)."""
    g = selectors.gathering_managed_by(request.user, pk)
    now = timezone.now()
    code = services.check_in_code(g, now)
    link = request.build_absolute_uri(reverse("gatherings:self_check_in", args=[g.pk]))
    link = f"{link}?code={code}"
    context = {
        "g": g,
        "code": code,
        "link": link,
        "qr": qr_svg(link),
        "seconds_left": services.code_seconds_left(now),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "gatherings/_code.html", context)
    return render(request, "gatherings/code.html", context)


@login_required
def self_check_in(request: HttpRequest, pk: int) -> HttpResponse:
    g = selectors.gathering_for_user(request.user, pk)
    person = _person(request)
    entry = g.roster.filter(person=person).first()
    if entry is None:
        raise Http404
    attendance = g.attendances.filter(person=person).first()
    form = forms.CodeForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    blocked: services.TooManyCodes | None = None
    if request.method == "POST" and form.is_valid():
        try:
            attendance = services.check_in_self(
                gathering=g, person=person, code=form.cleaned_data["code"], by=request.user
            )
        except BusinessError as exc:
            _fail(request, form, exc)
            blocked = exc if isinstance(exc, services.TooManyCodes) else None
        else:
            messages.success(request, _("You are checked in. Thank you."))
            return redirect("gatherings:self_check_in", g.pk)
    response = render(
        request,
        "gatherings/self_check_in.html",
        {"g": g, "form": form, "attendance": attendance, "entry": entry},
    )
    if blocked is not None:  # the attempt limit: 429 with when to try again
        response.status_code = 429
        response["Retry-After"] = str(blocked.retry_after)
    return response


# --- votes ----------------------------------------------------------------------------------


@login_required
@require_POST
def vote_open(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.agenda_item_for_user(request.user, pk)
    if not selectors.can_manage(request.user, item.gathering):
        raise Http404
    form = forms.VoteOpenForm(request.POST)
    if form.is_valid():
        try:
            vote = services.vote_open(item=item, by=request.user, **form.cleaned_data)
        except BusinessError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The vote is open."))
            return redirect("gatherings:vote", vote.pk)
    else:
        messages.error(request, _("Enter the motion put to the vote."))
    return redirect(reverse("gatherings:detail", args=[item.gathering_id]) + "#agenda")


def _vote_context(request: HttpRequest, vote: Vote) -> dict[str, Any]:
    g = vote.gathering
    manage = selectors.can_manage(request.user, g)
    ballots = {b.person_id: b for b in vote.ballots.select_related("person")}
    present = services._in_room_ids(g)
    voters = [
        {"entry": e, "ballot": ballots.get(e.person_id), "present": e.person_id in present}
        for e in g.roster.filter(capacity=RosterEntry.Capacity.VOTING_MEMBER).select_related(
            "person"
        )
    ]
    me = viewer_for(request.user).person_id
    return {
        "vote": vote,
        "g": g,
        "can_manage": manage,
        "voters": voters,
        "cast": sum(1 for b in ballots.values() if b.option in services.CASTABLE),
        "rule": THRESHOLDS.get(vote.threshold_rule),
        "quorum": services.quorum(g),
        "counts_form": forms.CountsForm() if vote.mode == Vote.Mode.COUNTS else None,
        "my_voter": next((x for x in voters if x["entry"].person_id == me), None),  # type: ignore[union-attr]
        "options": [
            ("yes", pgettext("vote option", "Yes")),
            ("no", pgettext("vote option", "No")),
            ("abstain", pgettext("vote option", "Abstain")),
        ],
    }


def _vote_for_page(request: HttpRequest, pk: int) -> Vote:
    """Office staff see open votes; the voting members of the meeting too (to cast)."""
    try:
        vote = Vote.objects.select_related("gathering", "agenda_item").get(
            pk=pk, gathering__in=selectors.gatherings_visible_to(request.user)
        )
    except (Vote.DoesNotExist, ValueError):
        raise Http404 from None
    if vote.closed_at is None and not (
        selectors.can_manage(request.user, vote.gathering)
        or selectors.roster_entry_of(request.user, vote.gathering)
    ):
        raise Http404
    return vote


@login_required
def vote_page(request: HttpRequest, pk: int) -> HttpResponse:
    vote = _vote_for_page(request, pk)
    if request.method == "POST" and vote.closed_at is None:
        manage = selectors.can_manage(request.user, vote.gathering)
        try:
            if manage and request.POST.get("person"):
                person = Person.objects.get(pk=request.POST["person"], congress_id=vote.congress_id)
            else:
                person = _person(request)
            services.ballot_cast(
                vote=vote, person=person, option=request.POST.get("option", ""), by=request.user
            )
        except (Person.DoesNotExist, ValueError):
            messages.error(request, _("Choose a person on the roster."))
        except BusinessError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Ballot recorded for %(name)s.") % {"name": person.name})
        return redirect("gatherings:vote", vote.pk)
    return render(request, "gatherings/vote.html", _vote_context(request, vote))


@login_required
def vote_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Check your answers, then close: closing is irreversible."""
    vote = _vote_for_page(request, pk)
    if not selectors.can_manage(request.user, vote.gathering) or vote.closed_at is not None:
        raise Http404
    counts_form = forms.CountsForm(request.POST or None) if vote.mode == Vote.Mode.COUNTS else None
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        counts = None
        if counts_form is not None:
            if not counts_form.is_valid():
                context = _vote_context(request, vote)
                context["counts_form"] = counts_form
                return render(request, "gatherings/vote_close.html", context, status=400)
            counts = services.Counts(**counts_form.cleaned_data)
        try:
            vote = services.vote_close(vote=vote, counts=counts, by=request.user)
        except BusinessError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The vote is closed and the result recorded."))
        return redirect("gatherings:vote", vote.pk)
    context = _vote_context(request, vote)
    if counts_form is not None:
        context["counts_form"] = counts_form
        if counts_form.is_bound and counts_form.is_valid():
            context["confirm_counts"] = counts_form.cleaned_data
    return render(request, "gatherings/vote_close.html", context)


# --- checklist ------------------------------------------------------------------------------


@login_required
def checklist(request: HttpRequest, pk: int) -> HttpResponse:
    g = selectors.gathering_for_user(request.user, pk)
    manage = selectors.can_manage(request.user, g)
    tasks = list(g.checklist.select_related("owner__person").order_by("due_on", "pk"))
    uid = request.user.pk
    if not manage:
        tasks = [t for t in tasks if t.owner_id == uid]
        if not tasks:
            raise Http404
    form = forms.ChecklistTaskForm(request.POST or None) if manage else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.checklist_task_add(
                gathering=g, by=request.user, owner=request.user, **form.cleaned_data
            )
        except BusinessError as exc:
            _fail(request, form, exc)
        else:
            messages.success(request, _("The task is added."))
            return redirect("gatherings:checklist", g.pk)
    done = sum(1 for t in tasks if t.done_at)
    return render(
        request,
        "gatherings/checklist.html",
        {
            "g": g,
            "tasks": tasks,
            "done": done,
            "form": form,
            "can_manage": manage,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def checklist_task_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.checklist_task_for_user(request.user, pk)
    # The form says which state it wants ("1" done, "0" not done), so a double click repeats
    # the same wish instead of undoing it; without it the locked row decides (a toggle).
    wanted = {"1": True, "0": False}.get(request.POST.get("done", ""))
    services.checklist_task_done(task=task, done=wanted, by=request.user)
    return redirect("gatherings:checklist", task.gathering_id)


# --- calendar feeds -------------------------------------------------------------------------


@login_required
def my_calendar(request: HttpRequest) -> HttpResponse:
    """Meetings and tasks ahead, and the personal feed. A GET writes nothing; a POST makes the
    feed (or a new address for it) and shows the secret address this once."""
    feed_url = ""
    if request.method == "POST":
        had_one = ical.feed_of(request.user) is not None
        _feed, raw = ical.feed_issue(user=request.user)
        feed_url = request.build_absolute_uri(reverse("gatherings:feed", args=[raw]))
        messages.success(
            request,
            _("A new address is made. The old one no longer works: subscribe again with this one.")
            if had_one
            else _("Your calendar address is made. Copy it now: it is shown only once."),
        )
    response = render(
        request,
        "gatherings/my_calendar.html",
        {
            "has_feed": ical.feed_of(request.user) is not None,
            "feed_url": feed_url,
            "webcal_url": "webcal://" + feed_url.split("://", 1)[-1] if feed_url else "",
            "gatherings": selectors.my_gatherings_ahead(
                request.user, timezone.localdate(), days=366
            ).order_by("starts_at")[:50],
            "tasks": selectors.my_open_tasks(request.user).order_by("due_on")[:50],
        },
    )
    if feed_url:
        response["Cache-Control"] = "no-store"
    return response


def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The personal feed: the secret in the URL is the only credential (phone calendars
    cannot sign in); only its hash is stored."""
    row = ical.feed_by_secret(token)
    if row is None:
        raise Http404
    response = HttpResponse(
        ical.personal_calendar(row.user), content_type="text/calendar; charset=utf-8"
    )
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
def year_ics(request: HttpRequest, year: int) -> HttpResponse:
    congress_id = getattr(request.user, "congress_id", None)
    if not selectors.can_manage(request.user) or congress_id is None:
        raise Http404
    body = ical.year_calendar(congress_id, year)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="gatherings-{year}.ics"'
    return response


__all__ = ["AgendaItem", "LeaveRequest"]
