"""Soft delete, restore and optimistic saves for any ``SoftDeleteModel``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxing.core.errors import BusinessError, StaleEdit
from sanxing.core.models import SoftDeleteModel

M = TypeVar("M", bound=SoftDeleteModel)


def _set_history_user(obj: Any, user: Any) -> None:
    # simple_history reads this attribute when it writes the historical row.
    obj._history_user = user


def record_update(*, obj: M, version: int | None, changes: Mapping[str, Any], by: Any) -> M:
    """Apply ``changes`` if nobody saved ``obj`` since ``version`` was read; else StaleEdit."""
    model = type(obj)
    with transaction.atomic():
        current = model.all_objects.select_for_update().get(pk=obj.pk)
        if version is not None and current.version != version:
            raise StaleEdit(
                _(
                    "Someone else saved this record after you opened it. "
                    "Reload the page to see their changes, then make yours again."
                )
            )
        for name, value in changes.items():
            setattr(current, name, value)
        current.version = current.version + 1
        current.full_clean()
        _set_history_user(current, by)
        current.save()
        return current


def record_soft_delete(*, obj: M, by: Any) -> M:
    with transaction.atomic():
        current = type(obj).all_objects.select_for_update().get(pk=obj.pk)
        if current.deleted_at is not None:
            raise BusinessError(_("This record has already been deleted."))
        current.deleted_at = timezone.now()
        current.deleted_by = by
        current.version = current.version + 1
        _set_history_user(current, by)
        current.save()
        current.refresh_from_db()
        return current


def record_restore(*, obj: M, by: Any) -> M:
    with transaction.atomic():
        current = type(obj).all_objects.select_for_update().get(pk=obj.pk)
        if current.deleted_at is None:
            raise BusinessError(_("This record is not deleted."))
        current.deleted_at = None
        current.deleted_by = None
        current.version = current.version + 1
        _set_history_user(current, by)
        current.save()
        current.refresh_from_db()
        return current
