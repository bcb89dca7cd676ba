"""Who may see and do what in casework (shared/STYLE.md §3).

- office staff (and administrators) see every item of their congress and run the office's
  steps: register, return, assign, decide returns, chase, close, letters;
- a unit's handler sees only items assigned (and not withdrawn) to their unit, and acts on
  those assignments: accept, ask to return, record contacts, reply;
- a deputy sees the items they submitted or co-signed, and evaluates the replies;
- a petitioner sees one letter, through its tracking code, and nothing else;
- everyone else gets 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from sanxing.casework.models import Assignment, Item, ItemOriginator
from sanxing.people.access import viewer_for


def items_visible_to(user: Any) -> QuerySet[Item]:
    v = viewer_for(user)
    qs = Item.objects.all()
    if v.is_admin:
        return qs
    if not v.is_authenticated or v.congress_id is None:
        return qs.none()
    qs = qs.filter(congress_id=v.congress_id)
    if v.is_office:
        return qs
    visible: Any = Q(pk__in=[])
    if v.unit_ids:
        visible |= Exists(
            Assignment.objects.filter(
                item=OuterRef("pk"), unit_id__in=v.unit_ids, withdrawn_on__isnull=True
            )
        )
    if v.person_id:
        visible |= Exists(ItemOriginator.objects.filter(item=OuterRef("pk"), person_id=v.person_id))
    return qs.filter(visible)


def item_for_user(user: Any, pk: Any) -> Item:
    try:
        return items_visible_to(user).select_related("congress", "supervising_leader").get(pk=pk)
    except (Item.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def assignment_for_user(user: Any, pk: Any) -> Assignment:
    """An assignment the user may act on or see: the office, or the unit's handlers."""
    v = viewer_for(user)
    qs = Assignment.objects.select_related("item", "unit")
    if not v.is_admin:
        if v.congress_id is None:
            raise Http404
        qs = qs.filter(congress_id=v.congress_id)
        if not v.is_office:
            qs = qs.filter(unit_id__in=v.unit_ids)
    try:
        return qs.get(pk=pk)
    except (Assignment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def reply_for_user(user: Any, pk: Any) -> Any:
    """A reply of an item the user may see."""
    from sanxing.casework.models import Reply

    try:
        reply = Reply.objects.select_related("assignment__unit").get(pk=pk)
    except (Reply.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    reply.item = item_for_user(user, reply.item_id)
    return reply


def replies_shown_to(user: Any, replies: Any) -> list[Any]:
    """A reply awaiting its unit's head is shown only to the office and to that unit."""
    v = viewer_for(user)
    return [
        r
        for r in replies
        if r.is_sent or v.is_office or (r.assignment and r.assignment.unit_id in v.unit_ids)
    ]


def item_for_tracking_code(code: str) -> Item:
    """A letter for its writer: only by the exact tracking code."""
    code = (code or "").strip().upper()
    if not code or len(code) > 24:
        raise Http404
    try:
        return Item.objects.select_related("congress").get(tracking_code=code)
    except Item.DoesNotExist:
        raise Http404 from None


def is_office_for(user: Any, congress_id: int) -> bool:
    v = viewer_for(user)
    return v.is_office and v.sees_congress(congress_id)


def handles_unit(user: Any, unit_id: int) -> bool:
    return unit_id in viewer_for(user).unit_ids


def is_originator(user: Any, item: Item) -> bool:
    person_id = viewer_for(user).person_id
    if not person_id:
        return False
    return item.originators.filter(person_id=person_id).exists()


def can_use_desk(user: Any) -> bool:
    return viewer_for(user).is_office


def can_use_unit_portal(user: Any) -> bool:
    return viewer_for(user).is_handler


def can_use_deputy_view(user: Any) -> bool:
    v = viewer_for(user)
    return v.is_deputy or v.is_committee_member


def milestone_for_user(user: Any, item_pk: Any, pk: Any) -> Any:
    """A milestone of an item the user may see."""
    from sanxing.casework.models import Milestone

    item = item_for_user(user, item_pk)
    try:
        milestone = Milestone.objects.get(item=item, pk=pk)
    except (Milestone.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    milestone.item = item
    return milestone
