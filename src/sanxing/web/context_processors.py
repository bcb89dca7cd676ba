from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from sanxing.people.access import viewer_for


def shell(request: HttpRequest) -> dict[str, Any]:
    return {"viewer": viewer_for(getattr(request, "user", None))}
