"""A letter writer's personal data (ID number, phone) is shown masked everywhere (pages,
API); the letters office (office staff of the item's congress, administrators) may ask to
see it unmasked, and each such view is logged (``PetitionerDataView``)."""

from __future__ import annotations

from typing import Any

from sanxing.casework.access import is_office_for
from sanxing.casework.models import Item, PetitionerDataView
from sanxing.people.privacy import mask_id_number, mask_phone

PERSONAL_FIELDS = ("petitioner_id_number", "petitioner_phone")


def can_unmask(user: Any, item: Item) -> bool:
    return is_office_for(user, item.congress_id)


def masked(item: Item) -> dict[str, str]:
    return {
        "petitioner_id_number": mask_id_number(item.petitioner_id_number),
        "petitioner_phone": mask_phone(item.petitioner_phone),
    }


def log_petitioner_view(user: Any, item: Item, channel: str) -> PetitionerDataView | None:
    """Record that ``user`` saw the writer's ID number and phone unmasked (only the fields
    the letter has); nothing when it has neither."""
    names = [f for f in PERSONAL_FIELDS if getattr(item, f)]
    if not names:
        return None
    return PetitionerDataView.objects.create(
        user=user, item=item, fields=",".join(names), channel=channel
    )


def unmasked(user: Any, item: Item, channel: str) -> dict[str, str]:
    """The unmasked values for the letters office, logged; refuses anyone else."""
    from django.utils.translation import gettext as _

    from sanxing.core.errors import NotPermitted

    if not can_unmask(user, item):
        raise NotPermitted(_("Only the office can do this."))
    log_petitioner_view(user, item, channel)
    return {f: getattr(item, f) for f in PERSONAL_FIELDS}
