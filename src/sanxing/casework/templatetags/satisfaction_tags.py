"""``{% satisfaction_section item %}`` on the item page: the satisfaction votes on a review
opinion's handling report, and the office's form to schedule one."""

from __future__ import annotations

from typing import Any

from django import template

from sanxing.casework import satisfaction
from sanxing.casework.access import is_office_for
from sanxing.casework.kinds import Kind

register = template.Library()


@register.inclusion_tag("casework/satisfaction_section.html", takes_context=True)
def satisfaction_section(context: Any, item: Any) -> dict[str, Any]:
    if item.kind != Kind.REVIEW_OPINION:
        return {"show": False}
    request = context.get("request")
    user = getattr(request, "user", None)
    office = user is not None and is_office_for(user, item.congress_id)
    votes = satisfaction.satisfaction_votes(item)
    schedulable = office and satisfaction.can_schedule(item)
    return {
        "show": bool(votes) or schedulable,
        "item": item,
        "votes": votes,
        "office": office,
        "schedulable": schedulable,
        "choices": satisfaction.meeting_choices(item) if schedulable else [],
        "rehandle": satisfaction.rehandle_clock(item) if item.round == 2 else None,
        "csrf_token": context.get("csrf_token"),
    }
