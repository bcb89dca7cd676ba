"""The casework documents in the GB/T 9704 letter layout (``sanxing.core.pdf``): the
reply letter (答復函) and the deputy's satisfaction form (代表對建議辦理工作的意見表). They are
official documents, so they are written in the deployment's language (``LANGUAGE_CODE``)
whoever downloads them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation

from sanxing.casework.kinds import EvaluationValue
from sanxing.casework.models import Item, Reply


def reply_letter_context(reply: Reply) -> dict[str, Any]:
    item = reply.item
    lead = item.originators.select_related("person").filter(is_lead=True).first()
    return {
        "item": item,
        "reply": reply,
        "unit": reply.assignment.unit if reply.assignment else None,
        "lead": lead.person if lead else None,
        "petitioner": item.petitioner_name,
        "red_header": (reply.assignment.unit.name if reply.assignment else item.congress.name),
    }


def satisfaction_form_context(item: Item) -> dict[str, Any]:
    replies = [
        r
        for r in item.replies.select_related("assignment__unit").order_by("round", "pk")
        if r.is_sent and (r.assignment is None or r.assignment.role == "lead")
    ]
    reply = replies[-1] if replies else None
    evaluation = (
        item.evaluations.filter(round=reply.round).select_related("person").first()
        if reply
        else None
    )
    return {
        "item": item,
        "reply": reply,
        "originators": list(item.originators.select_related("person")),
        "units": [
            a.unit
            for a in item.assignments.select_related("unit").filter(withdrawn_on__isnull=True)
        ],
        "values": list(EvaluationValue.choices),
        "evaluation": evaluation,
    }


def render(template: str, context: dict[str, Any], *, document: bool = False) -> Any:
    from sanxing.core.pdf import render_document, render_pdf

    with translation.override(settings.LANGUAGE_CODE):
        if document:
            return render_document(template, context)
        return render_pdf(template, context)
