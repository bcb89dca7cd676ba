"""The home page's work list: the user's open casework clocks (a fixed number of queries)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models import Exists, OuterRef, Q

from sanxing.casework.kinds import Kind, Purpose, rule_article
from sanxing.casework.models import Clock, ItemOriginator
from sanxing.casework.selectors import reference_of
from sanxing.people.access import viewer_for

LIMIT = 20
HORIZON_DAYS = 14
FIELDS = (
    "item_id",
    "item__kind",
    "item__year",
    "item__number",
    "item__title",
    "purpose",
    "assignment_id",
    "assignment__unit__name",
    "due_on",
    "rule_code",
    "article",
)


def casework_work(user: Any, today: dt.date) -> Iterator[Any]:
    from sanxing.casework.views import url_for
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
        # EXISTS, not a join on the originators: a join repeats an item's other clocks once
        # per originator (the office saw the same reply clock twice).
        mine |= Q(
            Exists(ItemOriginator.objects.filter(item=OuterRef("item_id"), person_id=v.person_id)),
            purpose=Purpose.EVALUATION_FORM,
        )
    clocks = (
        Clock.objects.filter(
            mine,
            congress_id=v.congress_id,
            stopped_on__isnull=True,
            due_on__lte=today + dt.timedelta(days=HORIZON_DAYS),
            item__deleted_at__isnull=True,
        )
        .order_by("due_on", "pk")
        .values(*FIELDS)[:LIMIT]
    )
    # Plain values with the columns shown, not model instances; the URL is reversed, and
    # each label and legal basis translated, once per call rather than once a row.
    item_url = url_for("casework:item")
    purposes = dict(Purpose.choices)
    kinds = dict(Kind.choices)
    labels: dict[Any, str] = {}

    def label(value: Any) -> str:
        if value not in labels:
            labels[value] = str(value)
        return labels[value]

    registered: dict[str, str | None] = {}  # Clock.article_display: the rule's article
    for row in clocks:
        code = row["rule_code"]
        if code not in registered:
            article = rule_article(code)
            registered[code] = None if article is None else str(article)
        rule = registered[code] or row["article"]
        reference = reference_of(
            row["item__kind"], row["item__year"], row["item__number"], row["item_id"]
        )
        purpose = label(purposes.get(row["purpose"], row["purpose"]))
        # One item has a clock per assigned unit: name the unit so the rows tell apart.
        unit = f" · {row['assignment__unit__name']}" if row["assignment_id"] else ""
        yield WorkItem(
            title=f"{reference} {row['item__title']} · {purpose}{unit}",
            url=item_url(row["item_id"]),
            due_on=row["due_on"],
            rule=rule,
            kind=label(kinds.get(row["item__kind"], row["item__kind"])),
        )
