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

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
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
# Per process: the registry in menu order, each link's URL (the URLconf is fixed for a
# process; keyed by it and the script prefix all the same) and the escaped labels per
# language. Emptied whenever the registry changes.
_sorted: list[NavLink] | None = None
_urls: dict[tuple[str, str, str], str | None] = {}
_labels: dict[tuple[str | None, str, str], str] = {}


def _forget() -> None:
    global _sorted
    _sorted = None
    _urls.clear()
    _labels.clear()


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
    _forget()
    return link


def unregister_nav(section: str, url_name: str) -> None:
    _registry.pop((section, url_name), None)
    _forget()


def registered() -> list[NavLink]:
    global _sorted
    if _sorted is None:
        _sorted = sorted(_registry.values(), key=lambda link: (link.order, str(link.url_name)))
    return list(_sorted)


def _url(url_name: str) -> str | None:
    """``reverse(url_name)`` once per process (None when it does not resolve yet)."""
    key = (str(get_urlconf() or settings.ROOT_URLCONF), get_script_prefix(), url_name)
    try:
        return _urls[key]
    except KeyError:
        pass
    try:
        url: str | None = reverse(url_name)
    except NoReverseMatch:
        url = None
    _urls[key] = url
    return url


def _label(kind: str, key: str, label: Promise | str) -> str:
    """A label translated and escaped once per language."""
    cache_key = (get_language(), kind, key)
    text = _labels.get(cache_key)
    if text is None:
        text = _labels[cache_key] = str(escape(label))
    return text


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
        url = _url(link.url_name)
        if url is None:
            continue
        current = path == url or (url != "/" and path.startswith(url))
        sections[link.section].links.append({"label": link.label, "url": url, "current": current})
    return [section for section in sections.values() if section.links]


def nav_html(request: HttpRequest, sections: list[NavSection] | None = None) -> SafeString:
    """The menu as base.html shows it, joined in Python (no template node per link): the
    labels and URLs come escaped from the per-language caches."""
    if sections is None:
        sections = nav_for(request)
    if not sections:
        return mark_safe("")
    parts = [
        '<div class="site-nav-wrap"><div class="container">'
        '<button type="button" class="menu-toggle" id="menu-toggle" aria-controls="site-nav"'
        ' aria-expanded="false"><span class="menu-toggle-icon" aria-hidden="true"></span>',
        _label("shell", "menu", _("Menu")),
        '\n</button><nav class="site-nav" id="site-nav" aria-label="',
        _label("shell", "main", _("Main navigation")),
        '">',
    ]
    for section in sections:
        key = escape(section.key)
        parts.append(
            f'<div class="nav-section"><h2 class="nav-section-title" id="nav-{key}">'
            f"{_label('section', section.key, section.label)}</h2>"
            f'<ul aria-labelledby="nav-{key}">'
        )
        for link in section.links:
            current = ' aria-current="page"' if link["current"] else ""
            url = link["url"]
            text = _label(section.key, url, link["label"])
            parts.append(f'<li><a href="{escape(url)}"{current}>{text}</a></li>')
        parts.append("</ul></div>")
    parts.append("</nav></div></div>")
    return mark_safe("".join(parts))  # built from escaped parts only
