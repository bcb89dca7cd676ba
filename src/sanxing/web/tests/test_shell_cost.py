"""The fixed cost of every signed-in page: a fixed number of queries, the menu and the
language switch joined in Python from per-language caches, with the same HTML as the
template loops they replace."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from sanxing.web import navigation
from sanxing.web.context_processors import language_buttons
from sanxing.web.navigation import nav_for, nav_html, register_nav, unregister_nav

# What base.html rendered before the menu and the switch were joined in Python.
OLD_NAV = """{% load i18n %}{% if nav_sections %}
    <div class="site-nav-wrap">
      <div class="container">
        <button type="button" class="menu-toggle" id="menu-toggle" aria-controls="site-nav" aria-expanded="false">
          <span class="menu-toggle-icon" aria-hidden="true"></span>{% translate "Menu" %}
        </button>
        <nav class="site-nav" id="site-nav" aria-label="{% translate 'Main navigation' %}">
          {% for section in nav_sections %}
            <div class="nav-section">
              <h2 class="nav-section-title" id="nav-{{ section.key }}">{{ section.label }}</h2>
              <ul aria-labelledby="nav-{{ section.key }}">
                {% for link in section.links %}
                  <li><a href="{{ link.url }}"{% if link.current %} aria-current="page"{% endif %}>{{ link.label }}</a></li>
                {% endfor %}
              </ul>
            </div>
          {% endfor %}
        </nav>
      </div>
    </div>
  {% endif %}"""

OLD_LANGUAGES = """{% load i18n %}{% get_current_language as LANGUAGE_CODE %}{% get_available_languages as LANGUAGES %}{% get_language_info_list for LANGUAGES as language_choices %}{% for choice in language_choices %}
            <button class="link-button" name="language" value="{{ choice.code }}" lang="{{ choice.code }}"{% if choice.code == LANGUAGE_CODE %} aria-current="true"{% endif %}>{{ choice.name_local }}</button>
          {% endfor %}"""


def squeeze(html: str) -> str:
    """Whitespace between tags does not show."""
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["clerk", "handler", "deputy", "member"])
def test_a_trivial_signed_in_page_costs_five_queries(
    client, world, persona, django_assert_num_queries
):
    client.force_login(getattr(world, persona))
    client.get("/about/")
    # session, user, the roles (once: every menu permission reads the same viewer), the
    # header's person, the unread count
    with django_assert_num_queries(5):
        response = client.get("/about/")
    assert response.status_code == 200


@pytest.mark.django_db
def test_the_menu_is_the_html_the_template_loop_printed(rf, world):
    register_nav("service", "A <b>&", "about", permission=lambda user: user.username == "clerk")
    try:
        for language in ("zh-hans", "zh-hant", "en"):
            for persona in ("clerk", "handler", "deputy", "outsider", "admin"):
                request = rf.get("/about/")
                request.user = getattr(world, persona)
                with translation.override(language):
                    sections = nav_for(request)
                    old = Template(OLD_NAV).render(Context({"nav_sections": sections}))
                    new = nav_html(request)
                assert squeeze(new) == squeeze(old), (language, persona)
        request.user = world.clerk
        with translation.override("en"):
            html = nav_html(request)
        assert '<a href="/about/" aria-current="page">A &lt;b&gt;&amp;</a>' in html
    finally:
        unregister_nav("service", "about")


@pytest.mark.django_db
def test_the_menu_reverses_each_url_once_and_forgets_on_a_change(rf, world, monkeypatch):
    request = rf.get("/")
    request.user = world.clerk
    first = nav_for(request)

    def refuse(*args, **kwargs):
        raise AssertionError("reverse() called again")

    monkeypatch.setattr(navigation, "reverse", refuse)
    assert nav_for(request) == first
    monkeypatch.undo()
    register_nav("office", "About", "about", order=99)
    try:
        links = [link["url"] for s in nav_for(request) for link in s.links]
        assert "/about/" in links
    finally:
        unregister_nav("office", "about")
    assert "/about/" not in [link["url"] for s in nav_for(request) for link in s.links]


def test_the_language_buttons_are_the_html_the_template_loop_printed():
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            old = Template(OLD_LANGUAGES).render(Context({}))
            assert squeeze(str(language_buttons(code))) == squeeze(old)
            assert language_buttons(code).count('aria-current="true"') == 1


def test_the_language_buttons_follow_a_changed_setting(settings):
    assert "English" in language_buttons("en")
    settings.LANGUAGES = [("zh-hans", "简体中文"), ("zh-hant", "繁體中文")]
    assert "English" not in language_buttons("zh-hans")
