"""The client's address, for rate limits and logs.

Behind a reverse proxy every request comes from the proxy, so counting by REMOTE_ADDR would
count every visitor as one. When REMOTE_ADDR is one of the trusted proxies
(``settings.TRUSTED_PROXIES``, from ``FORWARDED_ALLOW_IPS``, the same list gunicorn trusts),
the client is the last X-Forwarded-For hop that is not itself a trusted proxy; otherwise the
header is ignored, so a client cannot forge its address."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    remote = str(request.META.get("REMOTE_ADDR", "") or "")
    trusted = set(getattr(settings, "TRUSTED_PROXIES", ()))
    if remote not in trusted and "*" not in trusted:
        return remote or "unknown"
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", "") or "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if hop not in trusted:
            return hop
    return remote or "unknown"
