"""Progress wherever it matters: the unit portal (percent, next milestone, bar), the item
page's milestones on the working calendar, and the office's list by progress."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sanxing.casework import implementation, services
from sanxing.casework.models import Item, Milestone
from sanxing.casework.tests.factories import assigned_implementation, assigned_suggestion
from sanxing.workcal.periods import WorkingCalendar

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)
TODAY = dt.date(2026, 3, 10)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 3, 10, 2, tzinfo=dt.UTC), tick=False):
        yield


def _with_milestones(world, title, dues_done):
    item = assigned_implementation(world, on=DAY)
    Item.objects.filter(pk=item.pk).update(title=title)
    for n, (due, done) in enumerate(dues_done):
        m = services.milestone_add(item=item, title=f"節點{n + 1}", due_on=due, by=world.clerk)
        if done:
            services.milestone_complete(milestone=m, by=world.clerk, on=DAY)
    return item


# --- statuses on the working calendar -------------------------------------------------------------


def test_a_milestone_due_on_a_rest_day_is_due_on_the_next_working_day():
    calendar = WorkingCalendar.from_chinesecalendar()
    # 2026-10-01..08 is the National Day holiday: due on the 1st means due on the 9th
    due = implementation.effective_due(dt.date(2026, 10, 1), calendar)
    assert calendar.is_working_day(due) and due > dt.date(2026, 10, 1)
    m = Milestone(due_on=dt.date(2026, 10, 1))
    assert (
        implementation.milestone_status(m, today=dt.date(2026, 10, 8), calendar=calendar)
        == implementation.DUE_SOON
    )
    assert (
        implementation.milestone_status(m, today=due + dt.timedelta(days=1), calendar=calendar)
        == implementation.OVERDUE
    )
    m.done_on = dt.date(2026, 10, 20)
    assert (
        implementation.milestone_status(m, today=dt.date(2026, 12, 1), calendar=calendar)
        == implementation.DONE
    )
    far = Milestone(due_on=dt.date(2026, 12, 1))
    assert (
        implementation.milestone_status(far, today=dt.date(2026, 10, 8), calendar=calendar)
        == implementation.DUE
    )


def test_percent_from_the_latest_report_else_milestones():
    assert implementation.percent_of(40, 1, 4) == (40, "report")
    assert implementation.percent_of(None, 1, 3) == (33, "milestones")
    assert implementation.percent_of(None, 0, 0) == (0, "none")


# --- the unit portal -------------------------------------------------------------------------------


def test_the_unit_portal_shows_progress_and_the_next_milestone(client, world):
    item = _with_milestones(
        world,
        "關於加快推進老舊小區改造的決議",
        [(dt.date(2026, 3, 5), True), (dt.date(2026, 3, 9), False), (dt.date(2026, 6, 1), False)],
    )
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(world.handler)
    page = client.get("/casework/unit/").content.decode()
    assert "關於加快推進老舊小區改造的決議" in page
    assert 'value="33"' in page and "33%" in page  # the number as text too
    assert "1 of 3 milestones done" in page
    assert "節點2" in page and "overdue" in page
    services.progress_report(item=item, percent=60, text="已完成改造方案", by=world.handler)
    page = client.get("/casework/unit/").content.decode()
    assert "60%" in page and "latest report" in page


def test_the_unit_portal_reads_a_fixed_number_of_queries(client, world):
    _with_milestones(world, "決議一", [(dt.date(2026, 4, 1), False)])
    assigned_suggestion(world, on=DAY)
    client.force_login(world.handler)
    client.get("/casework/unit/")  # warm the calendar cache and the session
    with CaptureQueriesContext(connection) as few:
        assert client.get("/casework/unit/").status_code == 200
    for n in range(4):
        _with_milestones(
            world, f"決議{n + 2}", [(dt.date(2026, 4, 1), True), (dt.date(2026, 5, 1), False)]
        )
        assigned_suggestion(world, on=DAY)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/casework/unit/").content.decode()
    assert page.count('class="progress-meter"') == 5
    assert len(many) == len(few)


def test_the_unit_portal_query_count(client, world, django_assert_num_queries):
    for n in range(3):
        _with_milestones(world, f"決議{n}", [(dt.date(2026, 4, 1), n > 0)])
    client.force_login(world.handler)
    client.get("/casework/unit/")
    # session, user, roles, the page's assignments with their total and progress, calendar
    # stamp, person, notices
    with django_assert_num_queries(7):
        client.get("/casework/unit/")


# --- the item page --------------------------------------------------------------------------------


def test_the_item_page_shows_the_timeline_with_statuses(client, world):
    item = _with_milestones(
        world,
        "決議",
        [(dt.date(2026, 3, 5), True), (dt.date(2026, 3, 9), False), (dt.date(2026, 6, 1), False)],
    )
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(world.handler)
    page = client.get(f"/casework/items/{item.pk}/").content.decode()
    assert 'data-status="done"' in page
    assert 'data-status="overdue"' in page
    assert 'data-status="due"' in page
    assert "1 of 3 done" in page


# --- the office's list by progress --------------------------------------------------------------


def test_the_office_lists_implementation_items_by_progress(
    client, world, django_assert_num_queries
):
    slow = _with_milestones(world, "進展慢的決議", [(dt.date(2026, 4, 1), False)])
    half = _with_milestones(
        world, "過半的決議", [(dt.date(2026, 3, 5), True), (dt.date(2026, 4, 1), False)]
    )
    done = assigned_implementation(world, on=DAY)
    services.progress_report(item=done, percent=100, text="全部完成", by=world.handler)
    assigned_suggestion(world, on=DAY)  # not an implementation item
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(world.clerk)
    client.get("/casework/implementation/")
    with CaptureQueriesContext(connection) as ctx:
        page = client.get("/casework/implementation/").content.decode()
    count = len(ctx.captured_queries)
    assert page.index("進展慢的決議") < page.index("過半的決議") < page.index(done.title)
    page = client.get("/casework/implementation/?order=desc").content.decode()
    assert page.index(done.title) < page.index("過半的決議") < page.index("進展慢的決議")
    page = client.get("/casework/implementation/?status=in_progress").content.decode()
    assert "過半的決議" in page and "進展慢的決議" not in page and done.title not in page
    # more items, the same number of queries
    for n in range(3):
        _with_milestones(world, f"決議{n}", [(dt.date(2026, 4, 1), False)])
    with django_assert_num_queries(count):
        client.get("/casework/implementation/")
    r = client.get("/api/v1/casework/implementation?status=in_progress")
    assert r.status_code == 200
    assert [row["id"] for row in r.json()["items"]] == [half.pk]
    assert r.json()["items"][0]["percent"] == 50
    assert slow.pk in [
        row["id"] for row in client.get("/api/v1/casework/implementation").json()["items"]
    ]


def test_the_list_by_progress_downloads_as_a_workbook_with_every_page(
    client, world, django_assert_max_num_queries
):
    import io

    from openpyxl import load_workbook

    from sanxing.casework.views_implementation import PAGE_SIZE

    half = _with_milestones(
        world, "過半的決議", [(dt.date(2026, 3, 5), True), (dt.date(2026, 3, 9), False)]
    )
    for n in range(PAGE_SIZE):
        _with_milestones(world, f"決議{n}", [(dt.date(2026, 4, 1), False)])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(world.clerk)
    page = client.get("/casework/implementation/?status=in_progress&order=desc").content.decode()
    assert "status=in_progress&amp;order=desc&amp;format=xlsx" in page
    with django_assert_max_num_queries(12):  # however many rows: not one query a row
        r = client.get("/casework/implementation/?order=desc&format=xlsx")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Number", "Title", "Progress (%)", "Status")
    assert len(rows) == 1 + PAGE_SIZE + 1  # every page, not the first
    first = rows[1]
    assert first[1] == "過半的決議" and first[0] == half.reference
    assert first[2] == 50 and first[4:6] == (1, 2)
    assert first[6] == "節點2" and first[8] == "overdue"
    only = client.get("/casework/implementation/?status=in_progress&format=xlsx")
    only_sheet = load_workbook(io.BytesIO(only.content)).active
    assert only_sheet is not None and only_sheet.max_row == 2


@pytest.mark.parametrize("who", ["outsider", "handler", "deputy"])
def test_only_the_office_has_the_list_by_progress(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get("/casework/implementation/").status_code == 404
    assert client.get("/casework/implementation/?format=xlsx").status_code == 404
    assert client.get("/api/v1/casework/implementation").status_code == 404


def test_the_outsider_has_no_unit_portal(client, world):
    client.force_login(world.outsider)
    assert client.get("/casework/unit/").status_code == 404
