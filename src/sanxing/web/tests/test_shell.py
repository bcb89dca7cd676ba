"""The shell: home work list, deadlines shown as days left, history rows, language choice."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django import forms
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from sanxing.people.models import Person
from sanxing.web import worklist
from sanxing.web.history import history_rows
from sanxing.web.navigation import nav_for, register_nav, unregister_nav
from sanxing.web.templatetags.sanxing import days_left, days_left_number, due_tag, page_window
from sanxing.web.worklist import WorkItem

TODAY = dt.date(2026, 11, 28)


def item(title: str, due_on: dt.date | None) -> WorkItem:
    return WorkItem(title=title, url="/x/", due_on=due_on, rule="rule", kind="kind")


@pytest.fixture
def extra_source():
    """A source of work for the clerk only, removed after the test."""

    def source(user, today):
        if user.username != "clerk":
            return []
        return [
            item("Reply to suggestion 12", today - dt.timedelta(days=2)),
            item("Prepare the 23rd meeting", today + dt.timedelta(days=3)),
            item("Annual study plan", None),
        ]

    # Only this source: other apps' sources have their own tests and query counts.
    original = worklist._sources[:]
    worklist._sources[:] = [source]
    yield source
    worklist._sources[:] = original


# --- work list ------------------------------------------------------------------------------


def test_items_are_grouped_by_how_soon_they_are_due():
    items = [
        item("b overdue", TODAY - dt.timedelta(days=1)),
        item("a overdue", TODAY - dt.timedelta(days=5)),
        item("today", TODAY),
        item("in seven days", TODAY + dt.timedelta(days=7)),
        item("in eight days", TODAY + dt.timedelta(days=8)),
        item("undated", None),
    ]
    groups = {g.key: [i.title for i in g.items] for g in worklist.group(items, TODAY)}
    assert groups == {
        "overdue": ["a overdue", "b overdue"],
        "soon": ["today", "in seven days"],
        "later": ["in eight days"],
        "undated": ["undated"],
    }


def test_a_failing_source_does_not_break_the_list():
    def broken(user, today):
        raise RuntimeError("boom")

    worklist.register(broken)
    try:
        assert worklist.collect(None, TODAY) == []
    finally:
        worklist.unregister(broken)


def test_dicts_from_other_apps_are_adapted():
    row = {"title": "Notice", "url": "/n/1/", "due_on": TODAY, "rule": "r", "kind": "k"}
    assert worklist.from_dict(row) == WorkItem("Notice", "/n/1/", TODAY, "r", "k")


# --- days left ------------------------------------------------------------------------------


def test_days_left_counts_whole_days_from_today():
    assert days_left_number(TODAY + dt.timedelta(days=3), TODAY) == 3
    assert days_left_number(TODAY - dt.timedelta(days=2), TODAY) == -2
    assert days_left_number(None, TODAY) is None


@pytest.mark.parametrize(
    ("language", "left", "overdue", "today"),
    [
        ("zh-hans", "还有3天", "逾期2天", "今天到期"),
        ("zh-hant", "還有3天", "逾期2天", "今天到期"),
        ("en", "3 days left", "2 days overdue", "due today"),
    ],
)
def test_days_left_is_said_in_each_language(language, left, overdue, today):
    with translation.override(language):
        assert days_left(TODAY + dt.timedelta(days=3), TODAY) == left
        assert days_left(TODAY - dt.timedelta(days=2), TODAY) == overdue
        assert days_left(TODAY, TODAY) == today
    with translation.override("en"):
        assert days_left(TODAY + dt.timedelta(days=1), TODAY) == "1 day left"


def test_due_tag_colours_follow_the_groups():
    assert due_tag(TODAY - dt.timedelta(days=1), TODAY) == "tag-red"
    assert due_tag(TODAY + dt.timedelta(days=7), TODAY) == "tag-amber"
    assert due_tag(TODAY + dt.timedelta(days=8), TODAY) == "tag-grey"


def test_days_left_filter_in_a_template():
    with (
        time_machine.travel(dt.datetime(2026, 11, 28, 10, tzinfo=dt.UTC)),
        translation.override("zh-hans"),
    ):
        html = Template("{% load sanxing %}{{ due|days_left }}").render(
            Context({"due": dt.date(2026, 12, 1)})
        )
    assert html == "还有3天"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh-hans", "2026年11月28日"), ("zh-hant", "2026年11月28日"), ("en", "28 November 2026")],
)
def test_our_date_formats(language, expected):
    """The format modules (FORMAT_MODULE_PATH = ["sanxing.web.formats"]) give these dates."""
    from importlib import import_module

    from django.utils import dateformat

    module = import_module(f"sanxing.web.formats.{translation.to_locale(language)}.formats")
    with translation.override(language):
        assert dateformat.format(TODAY, module.DATE_FORMAT) == expected


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant"])
def test_chinese_pages_show_dates_as_year_month_day(language):
    with translation.override(language):
        html = Template('{{ d|date:"DATE_FORMAT" }}').render(Context({"d": TODAY}))
    assert html == "2026年11月28日"


def test_page_window_shows_first_last_and_neighbours():
    class Paginator:
        num_pages = 20

    class Page:
        paginator = Paginator()
        number = 10

    assert page_window(Page()) == [1, None, 8, 9, 10, 11, 12, None, 20]


# --- history --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_history_rows_show_who_changed_what(world, django_assert_num_queries):
    person = world.clerk.person
    person._history_user = world.admin
    person.name = "王處長"
    person.save()
    with translation.override("en"):
        with django_assert_num_queries(1):
            rows = history_rows(person)
        name = str(Person._meta.get_field("name").verbose_name)
    latest = rows[0]
    assert latest["action"] == "changed"
    assert latest["who"] == "系統管理員"  # the person behind the account
    assert {"field": name, "before": "王秘書", "after": "王處長"} in latest["changes"]
    assert rows[-1]["action"] == "created"


@pytest.mark.django_db
def test_history_include_renders(world):
    person = world.clerk.person
    person.name = "王處長"
    person.save()
    html = Template('{% include "includes/history.html" with history=p.history.all %}').render(
        Context({"p": person})
    )
    assert "王處長" in html and "王秘書" in html


# --- pages ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_about_page_is_public(client):
    response = client.get("/about/")
    assert response.status_code == 200
    assert "关于本平台" in response.content.decode()


@pytest.mark.django_db
def test_wrong_password_gives_a_clear_error(client, world):
    response = client.post("/accounts/login/", {"username": "clerk", "password": "nope"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "有问题需要修改" in page
    assert "用户名或密码不正确" in page


@pytest.mark.django_db
def test_sign_in_and_out(client, world):
    from sanxing.people.testing import PASSWORD

    response = client.post("/accounts/login/", {"username": "clerk", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_outsider_sees_an_empty_home_and_no_navigation(client, world):
    client.force_login(world.outsider)
    page = client.get("/").content.decode()
    assert "我的工作" in page
    assert "您的账号还没有职务" in page
    assert "您目前没有到期或逾期的工作" in page


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 11, 28, 10, tzinfo=dt.UTC))
def test_home_groups_the_clerks_work(client, world, extra_source, django_assert_num_queries):
    client.force_login(world.clerk)
    # session, user, roles (viewer), learning-office check, person (header), unread count
    with django_assert_num_queries(6):
        response = client.get("/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "逾期2天" in page and "还有3天" in page
    assert "Reply to suggestion 12" in page and "Annual study plan" in page
    assert "2026年11月26日到期" in page
    assert page.index("Reply to suggestion 12") < page.index("Prepare the 23rd meeting")
    assert 'data-persona="clerk"' in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("admin", "admin"),
        ("clerk", "clerk"),
        ("learning", "learning"),
        ("director", "director"),
        ("member", "member"),
        ("deputy", "deputy"),
        ("handler", "handler"),
        ("outsider", "other"),
    ],
)
def test_each_persona_gets_its_welcome(client, world, persona, expected):
    client.force_login(getattr(world, persona))
    assert f'data-persona="{expected}"' in client.get("/").content.decode()


@pytest.mark.django_db
def test_error_pages_render(client, world, settings):
    settings.DEBUG = False
    client.force_login(world.clerk)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "找不到页面" in response.content.decode()
    html = Template('{% include "500.html" %}').render(Context({}))
    assert "系统出了问题" in html or "系統出了問題" in html or "went wrong" in html


# --- navigation -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_navigation_shows_permitted_links_that_resolve(rf, world):
    register_nav("service", "About", "about", permission=lambda user: user.username == "clerk")
    register_nav("learning", "Missing", "nowhere:index")
    try:
        request = rf.get("/about/")
        request.user = world.clerk
        sections = nav_for(request)
        service = next(s for s in sections if s.key == "service")
        assert {"label": "About", "url": "/about/", "current": True} in service.links
        assert all(s.key != "learning" for s in sections)
        request.user = world.deputy
        links = [link for s in nav_for(request) for link in s.links]
        assert all(link["label"] != "About" for link in links)
    finally:
        unregister_nav("service", "about")
        unregister_nav("learning", "nowhere:index")


def test_unknown_section_is_refused():
    with pytest.raises(ValueError):
        register_nav("elsewhere", "x", "home")


# --- language -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_language_choice_is_stored_on_the_account(client, world):
    client.force_login(world.clerk)
    response = client.post("/language/", {"language": "zh-hant", "next": "/about/"})
    assert response.status_code == 302 and response["Location"] == "/about/"
    world.clerk.refresh_from_db()
    assert world.clerk.language == "zh-hant"
    # A stale cookie from someone else on this browser does not win over the account.
    client.cookies["django_language"] = "en"
    assert "我的工作" in client.get("/").content.decode()
    assert 'lang="zh-hant"' in client.get("/").content.decode()


@pytest.mark.django_db
def test_anonymous_language_choice_lives_in_the_session(client):
    response = client.post("/language/", {"language": "en", "next": "/about/"})
    assert response.status_code == 302
    assert client.session["sanxing_language"] == "en"
    assert "About this platform" in client.get("/about/").content.decode()


@pytest.mark.django_db
def test_language_view_refuses_foreign_redirects_and_unknown_languages(client, world):
    client.force_login(world.clerk)
    response = client.post("/language/", {"language": "fr", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    world.clerk.refresh_from_db()
    assert world.clerk.language == ""
    assert client.get("/language/").status_code == 405


@pytest.mark.django_db
def test_language_chosen_on_the_sign_in_page_becomes_the_accounts(client, world):
    from sanxing.people.testing import PASSWORD

    client.post("/language/", {"language": "en", "next": "/accounts/login/"})
    client.post("/accounts/login/", {"username": "deputy", "password": PASSWORD})
    world.deputy.refresh_from_db()
    assert world.deputy.language == "en"


# --- form includes --------------------------------------------------------------------------


class SampleForm(forms.Form):
    title = forms.CharField(label="Title", help_text="A short title")
    urgent = forms.BooleanField(label="Urgent", required=False)
    level = forms.ChoiceField(
        label="Level", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect
    )
    kind = forms.ChoiceField(label="Kind", choices=[("x", "X")])

    def clean(self):
        raise forms.ValidationError("Something is wrong overall")


def test_error_summary_links_to_each_field_and_the_field_points_at_its_error():
    form = SampleForm(data={"urgent": "on"})
    assert not form.is_valid()
    html = Template(
        '{% include "includes/error_summary.html" with form=form %}'
        "{% for field in form %}"
        '{% include "includes/field.html" with field=field %}'
        "{% endfor %}"
    ).render(Context({"form": form}))
    assert 'class="error-summary"' in html
    assert "Something is wrong overall" in html
    assert 'href="#id_title"' in html and 'href="#id_level"' in html
    assert 'aria-describedby="id_title-hint id_title-error"' in html
    assert 'id="id_title-error"' in html
    assert 'aria-invalid="true"' in html
    assert "<legend" in html  # radios are grouped in a fieldset
    assert '<label for="id_urgent">Urgent</label>' in html


def test_no_error_summary_for_a_clean_form():
    html = Template('{% include "includes/error_summary.html" with form=form %}').render(
        Context({"form": SampleForm()})
    )
    assert html.strip() == ""


def test_pagination_keeps_the_filters(rf):
    from django.core.paginator import Paginator

    page_obj = Paginator(list(range(100)), 10).page(5)
    request = rf.get("/x/", {"q": "school", "page": "5"})
    html = Template('{% include "includes/pagination.html" %}').render(
        Context({"page_obj": page_obj, "request": request})
    )
    assert 'href="?q=school&amp;page=6"' in html
    assert 'aria-current="page">5<' in html


@pytest.mark.django_db
def test_password_change(client, world):
    from sanxing.people.testing import PASSWORD

    client.force_login(world.clerk)
    assert client.get("/accounts/password/").status_code == 200
    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-pass-42",
            "new_password2": "a-new-long-pass-42",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/"
    assert "您的密码已修改" in response.content.decode()
    world.clerk.refresh_from_db()
    assert world.clerk.check_password("a-new-long-pass-42")
