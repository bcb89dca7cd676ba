"""Checks on personal data that forms, imports and the API share."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# GB 11643-1999: the 18th character is a checksum over the first 17 digits (ISO 7064 MOD 11-2).
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")
_MOBILE_RE = re.compile(r"^1\d{10}$")


def id_number_is_valid(value: str) -> bool:
    value = value.strip().upper()
    if not _ID_RE.match(value):
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], _WEIGHTS, strict=True))
    return _CHECK[total % 11] == value[17]


def validate_id_number(value: str) -> None:
    if value and not id_number_is_valid(value):
        raise ValidationError(
            _("Enter a valid 18-character ID number (its last character is a check digit)."),
            code="id_number",
        )


def validate_mobile(value: str) -> None:
    if value and not _MOBILE_RE.match(value):
        raise ValidationError(_("Enter an 11-digit mobile number."), code="mobile")
