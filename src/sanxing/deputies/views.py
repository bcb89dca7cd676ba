"""Pages: the committee meetings and their rotation, a deputy's invitation (phone-sized),
the deputy's own record, and the coverage over the term with its Excel export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from sanxing.core.errors import BusinessError
from sanxing.core.excel import excel_response
from sanxing.deputies import selectors, services
from sanxing.deputies.models import Invitation, Rotation
from sanxing.gatherings.kinds import COMMITTEE_MEETING
from sanxing.gatherings.models import Gathering
from sanxing.people.access import person_for_user, viewer_for


def _ids(raw: str | list[str]) -> list[int]:
    values = raw if isinstance(raw, list) else raw.split(",")
    out: list[int] = []
    for value in values:
        for part in str(value).split(","):
            part = part.strip()
            if part.isdigit():
                out.append(int(part))
    return list(dict.fromkeys(out))


def _seats(raw: Any) -> int:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return selectors.default_seats()
    return max(1, min(selectors.MAX_SEATS, value))


@login_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    if not selectors.can_run_rotation(request.user):
        raise Http404
    v = viewer_for(request.user)
    congress_id = v.congress_id
    term = selectors.current_term(congress_id) if congress_id else None
    meetings = Gathering.objects.filter(congress_id=congress_id, kind=COMMITTEE_MEETING)
    if term is not None:
        meetings = meetings.filter(term=term)
    meetings = meetings.order_by("-starts_at")
    rotations = {
        r.gathering_id: r
        for r in Rotation.objects.filter(gathering__in=meetings).select_related("confirmed_by")
    }
    rows = [(g, rotations.get(g.pk)) for g in meetings]
    return render(
        request,
        "deputies/index.html",
        {"rows": rows, "term": term, "now": timezone.now()},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def rotation(request: HttpRequest, gathering_id: int) -> HttpResponse:
    g = selectors.meeting_for_rotation(request.user, gathering_id)
    confirmed = selectors.rotation_of(g)
    if request.method == "POST" and confirmed is None:
        seats = _seats(request.POST.get("seats"))
        base = selectors.proposal(g, seats=seats)
        try:
            services.rotation_confirm(
                gathering=g,
                person_ids=_ids(request.POST.getlist("person")),
                seats=seats,
                proposed_ids=[c.person_id for c in base.chosen],
                by=request.user,
            )
        except BusinessError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("The deputies are invited; each has been sent an invitation.")
            )
        return redirect("deputies:rotation", g.pk)
    if confirmed is not None:
        if request.method == "POST":
            messages.error(request, services.already_confirmed(confirmed).message)
            return redirect("deputies:rotation", g.pk)
        invitations = list(
            confirmed.invitations.select_related("person", "replaces__person").order_by("pk")
        )
        live = sum(1 for i in invitations if i.status != Invitation.Status.DECLINED)
        return render(
            request,
            "deputies/rotation_confirmed.html",
            {
                "g": g,
                "rotation": confirmed,
                "invitations": invitations,
                "open_places": max(0, confirmed.seats - live),
                "started": timezone.now() >= g.starts_at,
            },
        )
    seats = _seats(request.GET.get("seats"))
    include = _ids(request.GET.get("include", ""))
    exclude = _ids(request.GET.get("exclude", ""))
    out_id = _ids(request.GET.get("out", ""))
    in_id = _ids(request.GET.get("in", ""))
    if out_id and in_id:
        current = selectors.proposal(g, seats=seats, include=include, exclude=exclude)
        include = [c.person_id for c in current.chosen if c.person_id != out_id[0]] + in_id
        exclude = [*exclude, out_id[0]]
        query = urlencode(
            {
                "seats": str(seats),
                "include": ",".join(map(str, include)),
                "exclude": ",".join(map(str, exclude)),
            }
        )
        return redirect(f"{request.path}?{query}")
    prop = selectors.proposal(g, seats=seats, include=include, exclude=exclude)
    return render(
        request,
        "deputies/rotation.html",
        {
            "g": g,
            "prop": prop,
            "alternatives": prop.alternatives[:15],
            "include": ",".join(map(str, include)),
            "exclude": ",".join(map(str, exclude)),
            "started": timezone.now() >= g.starts_at,
        },
    )


@login_required
@require_POST
def invite_next(request: HttpRequest, gathering_id: int) -> HttpResponse:
    g = selectors.meeting_for_rotation(request.user, gathering_id)
    confirmed = selectors.rotation_of(g)
    if confirmed is None:
        raise Http404
    try:
        invitation = services.rotation_invite_next(rotation=confirmed, by=request.user)
    except BusinessError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(name)s is invited and has been sent an invitation.")
            % {"name": invitation.person.name},
        )
    return redirect("deputies:rotation", g.pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def invitation(request: HttpRequest, pk: int) -> HttpResponse:
    inv = selectors.invitation_for_user(request.user, pk)
    if request.method == "POST":
        inv = selectors.invitation_answerable_by(request.user, pk)
        answer = request.POST.get("answer")
        if answer not in ("accept", "decline"):
            messages.error(request, _("Choose to accept or to decline."))
            return redirect("deputies:invitation", inv.pk)
        try:
            services.invitation_respond(
                invitation=inv,
                accept=answer == "accept",
                reason=request.POST.get("reason", ""),
                by=request.user,
            )
        except BusinessError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Thank you: you accepted the invitation.")
                if answer == "accept"
                else _("Your answer is recorded: you declined the invitation."),
            )
        return redirect("deputies:invitation", inv.pk)
    v = viewer_for(request.user)
    return render(
        request,
        "deputies/invitation.html",
        {
            "inv": inv,
            "g": inv.gathering,
            "may_answer": inv.person_id == v.person_id or selectors.can_run_rotation(request.user),
            "office": selectors.can_run_rotation(request.user),
            "open": inv.status == Invitation.Status.INVITED
            and timezone.now() < inv.gathering.starts_at,
        },
    )


@login_required
@require_safe
def mine(request: HttpRequest) -> HttpResponse:
    v = viewer_for(request.user)
    if v.person_id is None or not v.is_deputy:
        raise Http404
    person = person_for_user(request.user, v.person_id)
    term = selectors.current_term(person.congress_id)
    row = None
    if term is not None:
        rows = selectors.coverage(term, person_id=person.pk).rows
        row = rows[0] if rows else None
    return render(
        request,
        "deputies/mine.html",
        {
            "person": person,
            "term": term,
            "row": row,
            "invitations": selectors.my_invitations(person.pk),
        },
    )


def _coverage_for(request: HttpRequest) -> tuple[selectors.Coverage, int | None]:
    if not selectors.can_run_rotation(request.user):
        raise Http404
    v = viewer_for(request.user)
    term = selectors.current_term(v.congress_id) if v.congress_id else None
    if term is None:
        raise Http404
    delegation = _ids(request.GET.get("delegation", ""))
    delegation_id = delegation[0] if delegation else None
    return selectors.coverage(term, delegation_id=delegation_id), delegation_id


@login_required
@require_safe
def coverage(request: HttpRequest) -> HttpResponse:
    v = viewer_for(request.user)
    if not selectors.can_run_rotation(request.user) and v.is_deputy:
        return redirect("deputies:mine")
    cov, delegation_id = _coverage_for(request)
    missing = request.GET.get("missing") == "1"
    return render(
        request,
        "deputies/coverage.html",
        {
            "cov": cov,
            "rows": cov.not_attended if missing else cov.rows,
            "missing": missing,
            "bars": selectors.delegation_bars(cov),
            "delegation_id": delegation_id,
            "query": request.GET.urlencode(),
        },
    )


@login_required
@require_safe
def coverage_export(request: HttpRequest) -> HttpResponse:
    cov, _delegation = _coverage_for(request)
    columns = [
        _("Deputy"),
        _("Delegation"),
        _("Invitations"),
        _("Accepted"),
        _("Declined"),
        _("Attendances"),
        _("Last attended"),
    ]
    rows = [
        [
            r.name,
            r.delegation,
            r.invitations,
            r.accepted,
            r.declined,
            r.attendances,
            timezone.localtime(r.last_attended).date() if r.last_attended else None,
        ]
        for r in cov.rows
    ]
    return excel_response(
        f"coverage-{cov.term.number}.xlsx", columns, rows, sheet_title=_("Coverage")
    )
