"""What the gatherings API modules share: the lookups the pages use (the office, or someone
on the gathering's roster), the rows of a gathering the office manages, and the choice of
persons (one's own, or one of the congress) and units."""

from collections.abc import Sequence
from typing import Any, TypeVar

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Schema

from sanxing.core.errors import BusinessError
from sanxing.gatherings import selectors
from sanxing.gatherings.models import AgendaItem, Decision, Gathering, RoomBooking, SupplyItem
from sanxing.people.access import viewer_for
from sanxing.people.models import Organisation, Person


class PersonRefOut(Schema):
    id: int
    name: str


def user_of(request: HttpRequest) -> Any:
    return getattr(request, "user", None)


def managed_gathering(request: HttpRequest, pk: int) -> tuple[Any, Gathering]:
    """The signed-in user and the gathering they manage (the office); 404 for anyone else."""
    user = user_of(request)
    return user, selectors.gathering_managed_by(user, pk)


# The rows of one gathering that have their own endpoints.
Row = TypeVar("Row", Decision, RoomBooking, SupplyItem)


def row_of_managed_gathering(user: Any, model: type[Row], pk: int) -> Row:
    """A booking, supply or decision for the office that manages its gathering; 404 otherwise."""
    row = get_object_or_404(model, pk=pk)
    selectors.gathering_managed_by(user, row.gathering_id)
    return row


def gathering_for_follow_up(user: Any, pk: Any) -> tuple[Gathering, bool]:
    """The gathering for its follow-up: the office (manage) or someone on its roster; 404."""
    g = selectors.gathering_for_user(user, pk)
    manage = selectors.can_manage(user, g)
    if not manage and selectors.roster_entry_of(user, g) is None:
        raise Http404
    return g, manage


def item_for_follow_up(user: Any, pk: Any) -> tuple[AgendaItem, bool]:
    item = selectors.agenda_item_for_user(user, pk)
    _g, manage = gathering_for_follow_up(user, item.gathering_id)
    return item, manage


def person_of_user(user: Any, field: str | None = None) -> Person:
    """The person the signed-in account belongs to, for acting in one's own name."""
    person_id = viewer_for(user).person_id
    if person_id is None:
        raise BusinessError(_("Your account is not linked to a person."), field=field)
    return Person.objects.get(pk=person_id)


def person_of_congress(congress_id: int, person_id: int, field: str = "person_id") -> Person:
    try:
        return Person.objects.get(pk=person_id, congress_id=congress_id)
    except Person.DoesNotExist:
        raise BusinessError(_("Choose a person of this congress."), field=field) from None


def units_of_congress(congress_id: int, ids: Sequence[int]) -> list[Organisation]:
    """The units in the order asked; an unknown id or another congress's unit is refused."""
    found = {u.pk: u for u in Organisation.objects.filter(pk__in=ids, congress_id=congress_id)}
    if any(pk not in found for pk in ids):
        raise BusinessError(_("Choose a body of this congress."), field="unit_ids")
    return [found[pk] for pk in dict.fromkeys(ids)]
