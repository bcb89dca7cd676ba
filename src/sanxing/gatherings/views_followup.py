"""Follow-up pages (跟蹤服務): minutes, decisions, remarks and review opinions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanxing.core.errors import BusinessError
from sanxing.gatherings import followup, forms, handoff, selectors
from sanxing.gatherings.models import (
    AgendaItem,
    Decision,
    Gathering,
    Minutes,
    Remark,
    ReviewOpinionRecord,
)
from sanxing.people.access import viewer_for
from sanxing.people.models import Organisation, Person


def _fail(form: Any, exc: BusinessError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def _gathering(request: HttpRequest, pk: int) -> tuple[Gathering, bool]:
    """The gathering for its follow-up: the office, or someone on its roster."""
    g = selectors.gathering_for_user(request.user, pk)
    manage = selectors.can_manage(request.user, g)
    if not manage and selectors.roster_entry_of(request.user, g) is None:
        raise Http404
    return g, manage


def _item(request: HttpRequest, pk: int) -> tuple[AgendaItem, bool]:
    item = selectors.agenda_item_for_user(request.user, pk)
    _g, manage = _gathering(request, item.gathering_id)
    return item, manage


def _choices(g: Gathering, manage: bool) -> dict[str, Any]:
    """The choices every per-item form shares, read once."""
    persons = (
        list(
            Person.objects.filter(pk__in=g.roster.values("person_id"))
            .order_by("name")
            .values_list("pk", "name")
        )
        if manage
        else None
    )
    units = (
        list(
            Organisation.objects.filter(
                congress_id=g.congress_id, kind=Organisation.Kind.HANDLING_UNIT
            )
            .order_by("name")
            .values_list("pk", "name")
        )
        if manage
        else []
    )
    return {"persons": persons, "units": units}


def _remark_choices(item: AgendaItem) -> list[tuple[int, str]]:
    return [(r.pk, f"{r.person.name}：{r.text[:60]}") for r in item.remarks.all()]


def _page(request: HttpRequest, g: Gathering, manage: bool, **forms_: Any) -> HttpResponse:
    items = list(
        g.agenda_items.filter(withdrawn_at__isnull=True)
        .prefetch_related(
            Prefetch("remarks", queryset=Remark.objects.select_related("person")),
            Prefetch(
                "review_opinions",
                queryset=ReviewOpinionRecord.objects.prefetch_related("units"),
            ),
        )
        .order_by("order", "pk")
    )
    choices = _choices(g, manage)
    for item in items:
        remark_form = forms_.get(f"remark_{item.pk}") or forms.RemarkForm(
            person_choices=choices["persons"], auto_id=f"r{item.pk}_%s"
        )
        setattr(item, "remark_form", remark_form)  # noqa: B010
        if manage:
            opinion_form = forms_.get(f"opinion_{item.pk}") or forms.OpinionForm(
                remark_choices=_remark_choices(item),
                unit_choices=choices["units"],
                auto_id=f"o{item.pk}_%s",
                initial={"title": (_("Review opinions on: %(item)s") % {"item": item.title})[:200]},
            )
            setattr(item, "opinion_form", opinion_form)  # noqa: B010
    minutes = Minutes.objects.filter(gathering=g).first()
    context = {
        "g": g,
        "can_manage": manage,
        "items": items,
        "minutes": minutes,
        "decisions": list(g.decisions.select_related("agenda_item").prefetch_related("units")),
        "decision_sink": handoff.has_decision_sink(),
    }
    if manage:
        context["minutes_form"] = forms_.get("minutes") or forms.MinutesForm(
            initial={"text": minutes.text if minutes else ""}
        )
        context["decision_form"] = forms_.get("decision") or forms.DecisionForm(gathering=g)
    status = 400 if forms_ else 200
    return render(request, "gatherings/follow_up.html", context, status=status)


@login_required
def follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    g, manage = _gathering(request, pk)
    return _page(request, g, manage)


def _back(g_pk: int, anchor: str = "") -> HttpResponse:
    return redirect(reverse("gatherings:follow_up", args=[g_pk]) + anchor)


@login_required
@require_POST
def minutes_save(request: HttpRequest, pk: int) -> HttpResponse:
    g = selectors.gathering_managed_by(request.user, pk)
    if request.POST.get("approve"):
        minutes = Minutes.objects.filter(gathering=g).first()
        if minutes is None:
            raise Http404
        followup.minutes_approve(minutes=minutes, by=request.user)
        messages.success(request, _("The minutes are approved."))
        return _back(g.pk, "#minutes")
    form = forms.MinutesForm(request.POST)
    if form.is_valid():
        try:
            followup.minutes_save(gathering=g, text=form.cleaned_data["text"], by=request.user)
        except BusinessError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("The minutes are saved."))
            return _back(g.pk, "#minutes")
    return _page(request, g, True, minutes=form)


@login_required
@require_POST
def decision_add(request: HttpRequest, pk: int) -> HttpResponse:
    g = selectors.gathering_managed_by(request.user, pk)
    form = forms.DecisionForm(request.POST, gathering=g)
    if form.is_valid():
        try:
            decision = followup.decision_record(gathering=g, by=request.user, **form.cleaned_data)
        except BusinessError as exc:
            _fail(form, exc)
        else:
            if decision.handed_off_at:
                messages.success(
                    request, _("The decision is recorded and handed off for implementation.")
                )
            else:
                messages.success(request, _("The decision is recorded."))
            return _back(g.pk, "#decisions")
    return _page(request, g, True, decision=form)


@login_required
@require_POST
def decision_hand_off(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        decision = Decision.objects.select_related("gathering").get(pk=pk)
    except Decision.DoesNotExist:
        raise Http404 from None
    selectors.gathering_managed_by(request.user, decision.gathering_id)
    try:
        followup.decision_hand_off(decision=decision, by=request.user)
    except BusinessError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The decision is handed off for implementation."))
    return _back(decision.gathering_id, "#decisions")


@login_required
@require_POST
def remark_add(request: HttpRequest, pk: int) -> HttpResponse:
    item, manage = _item(request, pk)
    g = item.gathering
    form = forms.RemarkForm(
        request.POST, person_choices=_choices(g, manage)["persons"], auto_id=f"r{item.pk}_%s"
    )
    if form.is_valid():
        if manage:
            person = Person.objects.get(pk=form.cleaned_data["person"])
        else:
            person = Person.objects.get(pk=viewer_for(request.user).person_id)
        try:
            followup.remark_add(
                item=item, person=person, text=form.cleaned_data["text"], by=request.user
            )
        except BusinessError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("The remark is recorded."))
            return _back(g.pk, f"#item-{item.pk}")
    return _page(request, g, manage, **{f"remark_{item.pk}": form})


@login_required
@require_POST
def opinion_compile(request: HttpRequest, pk: int) -> HttpResponse:
    item, manage = _item(request, pk)
    if not manage:
        raise Http404
    form = forms.OpinionForm(
        request.POST,
        remark_choices=[
            (r.pk, r.text) for r in item.remarks.select_related("person").order_by("pk")
        ],
        unit_choices=_choices(item.gathering, True)["units"],
        auto_id=f"o{item.pk}_%s",
    )
    if form.is_valid():
        data = form.cleaned_data
        units = {u.pk: u for u in Organisation.objects.filter(pk__in=data["units"])}
        remarks = list(item.remarks.select_related("person").filter(pk__in=data["remarks"]))
        try:
            record = followup.review_opinion_compile(
                item=item,
                title=data["title"],
                units=[units[pk] for pk in data["units"]],
                remarks=remarks or None,
                preface=data["preface"],
                by=request.user,
            )
        except BusinessError as exc:
            _fail(form, exc)
        else:
            messages.success(
                request,
                _("The review opinion is handed to casework: %(refs)s")
                % {"refs": record.handed_off_refs},
            )
            return _back(item.gathering_id, f"#item-{item.pk}")
    return _page(request, item.gathering, manage, **{f"opinion_{item.pk}": form})
