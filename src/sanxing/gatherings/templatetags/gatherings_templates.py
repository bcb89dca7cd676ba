"""``{% plan_from_template %}``: the "Plan from a template" form on the plan page, read here
so the plan view stays as it is."""

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("gatherings/_plan_from_template.html", takes_context=True)
def plan_from_template(context: Any) -> dict[str, Any]:
    from sanxing.gatherings.views_templates import plan_form_for

    request = context.get("request")
    user = getattr(request, "user", None)
    return {"plan_form": plan_form_for(user) if user is not None else None, "request": request}
