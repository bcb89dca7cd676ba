"""The navigation as a registry: each app adds its own links (shared/DESIGN.md: an engine never
imports a programme app; apps plug into the shell).

In your app's ``AppConfig.ready()``::

    from sanxing.web.navigation import register_nav
    register_nav("learning", _("Study plans"), "learning:plans", permission=lambda user: ...)

Sections follow the office's three programmes: learning (學習型), service (服務型), innovation
(創新型), plus ``office`` for the everyday tools (directory, calendar, notices). A link whose URL
name does not resolve yet is left out, so a half-built app never breaks the page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Permission = Callable[[Any], bool]

SECTIONS: dict[str, Promise | str] = {
    "learning": _("Learning"),
    "service": _("Service"),
    "innovation": _("Innovation"),
    "office": _("Office"),
}


@dataclass(frozen=True)
class NavLink:
    section: str
    label: Promise | str
    url_name: str
    permission: Permission | None = None
    order: int = 100


@dataclass
class NavSection:
    key: str
    label: Promise | str
    links: list[dict[str, Any]] = field(default_factory=list)


_registry: dict[tuple[str, str], NavLink] = {}


def register_nav(
    section: str,
    label: Promise | str,
    url_name: str,
    permission: Permission | None = None,
    order: int = 100,
) -> NavLink:
    """Add (or replace, keyed by section and URL name) a link in a section of the menu.

    ``permission`` is called with the request's user; the link shows when it returns True.
    Without one, every signed-in user sees the link.
    """
    if section not in SECTIONS:
        raise ValueError(f"unknown navigation section {section!r}: one of {sorted(SECTIONS)}")
    link = NavLink(section, label, url_name, permission, order)
    _registry[(section, url_name)] = link
    return link


def unregister_nav(section: str, url_name: str) -> None:
    _registry.pop((section, url_name), None)


def registered() -> list[NavLink]:
    return sorted(_registry.values(), key=lambda link: (link.order, str(link.url_name)))


def nav_for(request: HttpRequest) -> list[NavSection]:
    """The sections and links this request's user may see, in the order of ``SECTIONS``."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    sections = {key: NavSection(key, label) for key, label in SECTIONS.items()}
    path = request.path
    for link in registered():
        if link.permission is not None and not link.permission(user):
            continue
        try:
            url = reverse(link.url_name)
        except NoReverseMatch:
            continue
        current = path == url or (url != "/" and path.startswith(url))
        sections[link.section].links.append({"label": link.label, "url": url, "current": current})
    return [section for section in sections.values() if section.links]
