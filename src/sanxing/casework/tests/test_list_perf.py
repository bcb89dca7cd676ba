"""The unit portal, the rates drill-down and casework's home work-list source read plain values
in one query per list and build their rows in Python: the same rows as the model-based
template loops they replaced (tested against those loops), the same pages, and a fixed number
of queries however many rows."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.template import Context, Template
from django.utils import translation

from sanxing.casework import implementation, selectors, services, views
from sanxing.casework.models import Assignment, Clock
from sanxing.casework.tests.factories import assigned_implementation, assigned_suggestion
from sanxing.casework.worklist import HORIZON_DAYS, casework_work

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 1, 5)
TODAY = dt.date(2026, 4, 20)  # the replies of items assigned on DAY are overdue

# The unit portal's rows as unit.html rendered them from model instances before.
OLD_UNIT_ROWS = Template(
    """{% load i18n sanxing %}{% for a in rows %}
  <li class="work-item">
    <a class="work-item-title" href="{% url 'casework:item' a.item_id %}">{{ a.item.reference }} {{ a.item.title }}</a>
    <span class="work-item-when">{% if a.reply_due %}<span class="tag {{ a.reply_due|due_tag:today }}">{{ a.reply_due|days_left:today }}</span>{% endif %}</span>
    <span class="work-item-meta">{% if a.reply_due %}{% translate "Due on" %} {{ a.reply_due|date }}{% if a.reply_article %} · {{ a.reply_article }}{% endif %}{% else %}{% translate "No deadline is running." %}{% endif %}</span>
    <span class="work-item-meta">{{ a.unit.name }} · {{ a.get_role_display }} · {% translate "Assigned on" %} {{ a.assigned_on|date }}
      · <span class="tag tag-grey">{{ a.item.state_label }}</span>{% if a.return_decision == "pending" %} <span class="tag tag-amber">{% translate "asks to return it" %}</span>{% endif %}</span>
    {% if a.progress %}{% with p=a.progress %}<span class="work-item-meta work-item-progress">{% include "casework/implementation_progress.html" %}</span>{% endwith %}{% endif %}
  </li>{% endfor %}"""
)


def _squeezed(html: str) -> str:
    return re.sub(r"\s+", " ", str(html)).strip()


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 4, 20, 2, tzinfo=dt.UTC), tick=False):
        yield


def _mixed_unit(world):
    """Items of every shape the portal shows: overdue, not yet due, asking to return, a
    resolution with milestones (progress), one with no running deadline, a numberless one."""
    overdue, _ = assigned_suggestion(world, on=DAY, title="逾期 <b>未復</b> & 件")
    assigned_suggestion(world, on=TODAY - dt.timedelta(days=3), title="剛交辦")
    _, returning = assigned_suggestion(world, on=TODAY - dt.timedelta(days=2), title="申請退回")
    services.assignment_request_return(
        assignment=returning, reason="不屬本單位職責", by=world.handler, on=TODAY
    )
    resolution = assigned_implementation(world, on=DAY, co=True)
    services.milestone_add(item=resolution, title="節點一", due_on=TODAY, by=world.clerk)
    _stopped, stopped_assignment = assigned_suggestion(world, on=DAY, title="沒有期限")
    Clock.objects.filter(assignment=stopped_assignment).update(stopped_on=TODAY)
    return overdue


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_unit_rows_are_the_old_template_loop(world, language):
    _mixed_unit(world)
    unit_ids = {world.unit.pk}
    with translation.override(language):
        page = selectors.unit_assignment_page(unit_ids, 1, 25)
        new = views._unit_rows_html(list(page.object_list), TODAY)
        old_rows = list(selectors.unit_assignments(unit_ids)[:25])
        implementation.attach_progress(old_rows, today=TODAY)
        old = OLD_UNIT_ROWS.render(Context({"rows": old_rows, "today": TODAY}))
    assert page.paginator.count == 5
    assert new.count('<li class="work-item">') == 5
    assert "&lt;b&gt;未復&lt;/b&gt; &amp; 件" in new and "<b>" not in new
    assert 'class="progress-meter"' in new and "tag-amber" in new
    assert _squeezed(new) == _squeezed(old)


def test_unit_portal_pages_like_the_paginator(client, world):
    for n in range(27):
        assigned_suggestion(world, on=DAY + dt.timedelta(days=n), title=f"第{n:02d}件")
    newest_first = list(
        Assignment.objects.filter(unit=world.unit)
        .order_by("-assigned_on", "-pk")
        .values_list("pk", flat=True)
    )
    unit_ids = {world.unit.pk}
    first = selectors.unit_assignment_page(unit_ids, "1", 25)
    second = selectors.unit_assignment_page(unit_ids, 2, 25)
    assert [r["pk"] for r in first.object_list] == newest_first[:25]
    assert [r["pk"] for r in second.object_list] == newest_first[25:]
    assert first.paginator.count == second.paginator.count == 27
    assert second.number == 2 and not second.has_next()
    # not a number: the first page; past the end: the last, as Paginator.get_page
    assert selectors.unit_assignment_page(unit_ids, "x", 25).number == 1
    past = selectors.unit_assignment_page(unit_ids, 9, 25)
    assert past.number == 2 and [r["pk"] for r in past.object_list] == newest_first[25:]
    assert selectors.unit_assignment_page(set(), 1, 25).paginator.count == 0
    client.force_login(world.handler)
    with translation.override("en"):
        body = client.get("/casework/unit/?page=2", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "第00件" in body and "第01件" in body and "第26件" not in body
    assert "26–27" in body and "27" in body


def test_unit_portal_leaves_out_a_deleted_item(world):
    kept, _ = assigned_suggestion(world, on=DAY, title="留下的建議")
    gone, _ = assigned_suggestion(world, on=DAY + dt.timedelta(days=1), title="刪除的建議")
    type(gone).all_objects.filter(pk=gone.pk).update(
        deleted_at=dt.datetime(2026, 3, 9, tzinfo=dt.UTC)
    )
    page = selectors.unit_assignment_page({world.unit.pk}, 1, 25)
    assert [r["item_id"] for r in page.object_list] == [kept.pk]
    assert page.paginator.count == 1


def test_unit_portal_query_count_is_fixed(client, world, django_assert_num_queries):
    assigned_suggestion(world, on=DAY, title="一")
    client.force_login(world.handler)
    client.get("/casework/unit/")
    # session, user, roles, the page's assignments with their total, person, notices: no
    # implementation item on the page, so no calendar or progress query
    with django_assert_num_queries(6):
        assert client.get("/casework/unit/").status_code == 200
    for n in range(30):
        assigned_suggestion(world, on=DAY + dt.timedelta(days=n + 1), title=f"件{n}")
    with django_assert_num_queries(6):
        body = client.get("/casework/unit/").content.decode()
    assert body.count('<li class="work-item">') == 25


def _drill(measure: str, page: str = "") -> str:
    return (
        "/casework/rates/items/?kind=suggestion&date_from=2026-01-01&date_to=2026-12-31"
        f"&as_of=2026-04-20&measure={measure}{page}"
    )


def test_rates_drill_down_is_one_query_and_pages(client, world, django_assert_num_queries):
    for n in range(27):
        assigned_suggestion(world, on=DAY, title=f"逾期{n:02d}")
    client.force_login(world.clerk)
    client.get(_drill("open_overdue"))
    # session, user, roles, the page's items with their total, person, notices
    with django_assert_num_queries(6):
        body = client.get(_drill("open_overdue"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    query = selectors.RateQuery(
        congress_id=world.congress.pk,
        kind="suggestion",
        date_from=dt.date(2026, 1, 1),
        date_to=dt.date(2026, 12, 31),
        as_of=TODAY,
    )
    items = list(selectors.rate_items(query, "open_overdue"))
    assert len(items) == 27
    for item in items[:25]:
        assert f'<a href="/casework/items/{item.pk}/">{item.title}</a>' in body
        assert f'<td class="nowrap">{item.reference}</td>' in body
    assert body.count(f"<td>{items[0].state_label}</td>") == 25
    assert items[25].title not in body
    last = client.get(_drill("open_overdue", "&page=7")).content.decode()  # past the end
    assert items[25].title in last and items[26].title in last and items[0].title not in last
    page = selectors.rate_items_page(query, "open_overdue", 2, 25)
    assert page.paginator.count == 27 and [r["pk"] for r in page.object_list] == [
        i.pk for i in items[25:]
    ]
    assert selectors.rate_items_page(query, "class_a", 1, 25).paginator.count == 0


def _old_work(user, today):
    """casework_work as it was: model instances with their display methods."""
    from sanxing.people.access import viewer_for

    v = viewer_for(user)
    qs = Clock.objects.filter(
        congress_id=v.congress_id,
        stopped_on__isnull=True,
        due_on__lte=today + dt.timedelta(days=HORIZON_DAYS),
    ).select_related("item", "assignment__unit")
    out = {}
    for clock in qs:
        unit = f" · {clock.assignment.unit}" if clock.assignment_id else ""
        out[clock.item_id, clock.due_on, clock.get_purpose_display() + unit] = (
            f"{clock.item.reference} {clock.item.title} · {clock.get_purpose_display()}{unit}",
            clock.article_display,
            clock.item.get_kind_display(),
        )
    return out


@pytest.mark.parametrize("persona", ["handler", "other_handler", "clerk"])
def test_home_source_rows_are_what_the_clocks_say(world, persona):
    _mixed_unit(world)
    user = getattr(world, persona)
    with translation.override("en"):
        rows = list(casework_work(user, TODAY))
        old = _old_work(user, TODAY)
    assert rows
    for row in rows:
        assert row.url.startswith("/casework/items/")
        item_id = int(row.url.split("/")[3])
        matches = [v for k, v in old.items() if k[0] == item_id and k[1] == row.due_on]
        assert (row.title, row.rule, row.kind) in matches


def test_each_measure_annotates_only_what_it_reads_and_finds_the_same_items(world):
    overdue, _ = assigned_suggestion(world, on=DAY, title="逾期")
    assigned_suggestion(world, on=TODAY - dt.timedelta(days=3), title="未到期")
    query = selectors.RateQuery(
        congress_id=world.congress.pk,
        kind="suggestion",
        date_from=dt.date(2026, 1, 1),
        date_to=dt.date(2026, 12, 31),
        as_of=TODAY,
    )
    assert selectors._names_in(selectors._measure_q("suggestion", "closed_late", TODAY)) == {
        "r_stop",
        "r_due",
    }
    for measure in selectors.COUNTS:
        condition = selectors._measure_q("suggestion", measure, TODAY)
        every = selectors._annotated(query).filter(condition).values_list("item_id", flat=True)
        assert sorted(selectors.rate_items(query, measure).values_list("pk", flat=True)) == sorted(
            every
        ), measure
    assert list(selectors.rate_items(query, "open_overdue")) == [overdue]


def test_the_office_sees_each_clock_once_whatever_the_originators(world):
    from sanxing.casework.models import ItemOriginator

    item, _ = assigned_suggestion(world, on=DAY, title="聯名建議")  # the reply is overdue
    for user in (world.member, world.director):
        ItemOriginator.objects.create(congress=world.congress, item=item, person=user.person)
    with translation.override("en"):
        rows = [r for r in casework_work(world.clerk, TODAY) if "聯名建議" in r.title]
    assert len(rows) == 1 and "reply" in rows[0].title
