"""Preparation beyond the checklist: contingency plans (預案) attached to a meeting.

Coordination tasks with outside bodies are checklist tasks with a counterpart
(``services.checklist_task_add(counterpart=…)``)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sanxing.core.errors import BusinessError
from sanxing.documents import attachments
from sanxing.gatherings.models import ContingencyPlan, Gathering


def contingency_plan_add(
    *,
    gathering: Gathering,
    title: str,
    text: str = "",
    file_name: str = "",
    file_content: bytes | None = None,
    by: Any,
) -> ContingencyPlan:
    """A plan with a text, a file or both; the file is checked (type sniffed, size) before
    anything is written and removed again if the transaction fails."""
    if not title.strip():
        raise BusinessError(_("Enter a title."), field="title")
    if not text.strip() and not file_content:
        raise BusinessError(_("Write the plan or attach its file."), field="text")
    checked = (
        attachments.check_upload(file_name, file_content, field="file") if file_content else None
    )
    with attachments.removed_on_error() as written, transaction.atomic():
        stored = (
            attachments.store(
                congress_id=gathering.congress_id, checked=checked, by=by, written=written
            )
            if checked
            else None
        )
        plan = ContingencyPlan(
            congress_id=gathering.congress_id,
            gathering=gathering,
            title=title.strip(),
            text=text.strip(),
            attachment=stored,
        )
        plan._history_user = by  # type: ignore[attr-defined]
        plan.save()
        return plan
