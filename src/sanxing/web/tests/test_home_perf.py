"""The home page's rows are built in Python (web.views.work_rows_html): escaped, with the
days-left tag and the "due" text once per date; and the whole home page, with every
registered source (notices, casework, gatherings), keeps a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import translation

from sanxing.web import worklist
from sanxing.web.views import work_rows_html
from sanxing.web.worklist import WorkItem

TODAY = dt.date(2026, 11, 28)


def test_rows_are_escaped_and_carry_the_due_text():
    rows = [
        WorkItem('<b>x</b> "y"', "/a?b=1&c=2", TODAY - dt.timedelta(days=2), "<rule>", "K&K"),
        WorkItem("same day", "/b", TODAY - dt.timedelta(days=2)),
        WorkItem("no date", "/c", None),
    ]
    with translation.override("en"):
        html = str(work_rows_html(rows, TODAY))
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt; &quot;y&quot;" in html
    assert 'href="/a?b=1&amp;c=2"' in html
    assert html.count('<span class="tag tag-red">2 days overdue</span>') == 2
    assert "K&amp;K · due 26 November 2026 · &lt;rule&gt;" in html
    assert html.count('<li class="work-item">') == 3
    assert (
        '<a class="work-item-title" href="/c">no date</a>\n  <span class="work-item-when">' in html
    )


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 11, 28, 10, tzinfo=dt.UTC))
def test_home_with_every_source_has_a_fixed_query_count(client, world, django_assert_num_queries):
    assert len(worklist.sources()) >= 3  # notices, casework, gatherings
    client.force_login(world.clerk)
    client.get("/")
    # session, user, roles; casework clocks; gatherings tasks and meetings; notices; the
    # learning-office check; the header's person and unread count
    with django_assert_num_queries(10):
        response = client.get("/")
    assert response.status_code == 200


@pytest.mark.django_db
def test_the_outsider_gets_an_empty_home(client, world):
    client.force_login(world.outsider)
    assert client.get("/").status_code == 200
