"""Personal data (ID number, mobile) is shown masked; whoever sees it unmasked leaves a row
in ``PersonalDataView`` (who, whose, which fields, when, through which channel).

Who may unmask is decided by ``sanxing.people.access.can_see_personal_data``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sanxing.people.models import Person, PersonalDataView

MASK = "*"


def _mask(value: str, keep_start: int, keep_end: int) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        # Too short to show both ends without giving most of it away: keep the last two.
        keep = min(2, len(value) // 2)
        return MASK * (len(value) - keep) + value[len(value) - keep :]
    return value[:keep_start] + MASK * (len(value) - keep_start - keep_end) + value[-keep_end:]


def mask_id_number(value: str) -> str:
    """``110101199001011234`` → ``110101********1234`` (the region code and the last four)."""
    return _mask(value, 6, 4)


def mask_phone(value: str) -> str:
    """``13800001111`` → ``138****1111``."""
    return _mask(value, 3, 4)


def log_personal_data_view(
    user: Any, person: Person, fields: Iterable[str], channel: str
) -> PersonalDataView | None:
    """Record that ``user`` saw ``fields`` of ``person`` unmasked; nothing if no fields."""
    names = sorted({f for f in fields if f})
    if not names:
        return None
    return PersonalDataView.objects.create(
        user=user,
        person=person,
        fields=",".join(names),
        channel=PersonalDataView.Channel(channel),
    )
