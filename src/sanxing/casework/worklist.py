"""The home page's work list: the user's open casework clocks (a fixed number of queries)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models import Q
from django.urls import reverse

from sanxing.casework.kinds import Purpose
from sanxing.casework.models import Clock
from sanxing.people.access import viewer_for

LIMIT = 20
HORIZON_DAYS = 14


def casework_work(user: Any, today: dt.date) -> Iterator[Any]:
    from sanxing.web.worklist import WorkItem

    v = viewer_for(user)
    if not v.is_authenticated or v.congress_id is None:
        return
    mine = Q(pk__in=[])
    if v.is_office:
        mine |= Q(purpose__in=[Purpose.REGISTER, Purpose.HANDLE, Purpose.REVIEW])
        mine |= Q(purpose__in=[Purpose.REPLY, Purpose.REHANDLE], due_on__lt=today)
    if v.unit_ids:
        mine |= Q(
            assignment__unit_id__in=v.unit_ids,
            assignment__withdrawn_on__isnull=True,
            purpose__in=[
                Purpose.REPLY,
                Purpose.REHANDLE,
                Purpose.CO_OPINION,
                Purpose.RETURN_WINDOW,
                Purpose.COMMITMENT,
            ],
        )
    if v.person_id:
        mine |= Q(purpose=Purpose.EVALUATION_FORM, item__originators__person_id=v.person_id)
    clocks = (
        Clock.objects.filter(
            mine,
            congress_id=v.congress_id,
            stopped_on__isnull=True,
            due_on__lte=today + dt.timedelta(days=HORIZON_DAYS),
            item__deleted_at__isnull=True,
        )
        .select_related("item", "assignment__unit")
        .order_by("due_on", "pk")[:LIMIT]
    )
    for clock in clocks:
        # One item has a clock per assigned unit: name the unit so the rows tell apart.
        unit = f" · {clock.assignment.unit}" if clock.assignment_id else ""
        yield WorkItem(
            title=f"{clock.item.reference} {clock.item.title} · {clock.get_purpose_display()}{unit}",
            url=reverse("casework:item", args=[clock.item_id]),
            due_on=clock.due_on,
            rule=clock.article_display,
            kind=clock.item.get_kind_display(),
        )
