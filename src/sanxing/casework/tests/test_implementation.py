"""Implementation items (Decidim Accountability): milestones, progress reports by the units,
the derived progress and status, and who may do what."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import translation

from sanxing.casework import services
from sanxing.casework.models import Milestone, ProgressReport, TimelineEvent, progress_status
from sanxing.casework.tests.factories import assigned_implementation, assigned_suggestion
from sanxing.core.errors import BusinessError, NotPermitted

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 3, 10, 2, tzinfo=dt.UTC), tick=False):
        yield


def test_the_lead_unit_plans_and_completes_milestones(world):
    item = assigned_implementation(world, on=DAY)
    first = services.milestone_add(
        item=item, title="制定方案", due_on=dt.date(2026, 4, 1), by=world.handler
    )
    second = services.milestone_add(
        item=item, title="全面推行", due_on=dt.date(2026, 6, 1), by=world.clerk
    )
    assert (first.order, second.order) == (1, 2)
    services.milestone_complete(milestone=first, by=world.handler)
    first.refresh_from_db()
    assert first.done_on == dt.date(2026, 3, 10) and first.is_done
    assert first.history.first().history_user == world.handler
    actions = list(TimelineEvent.objects.filter(item=item).values_list("action", flat=True))
    assert actions[-3:] == ["milestone_add", "milestone_add", "milestone_done"]
    with pytest.raises(BusinessError):
        services.milestone_complete(milestone=first, by=world.clerk)


def test_a_co_handling_unit_and_outsiders_cannot_plan_milestones(world):
    item = assigned_implementation(world, on=DAY, co=True)
    for user in (world.other_handler, world.outsider, world.deputy):
        with pytest.raises(NotPermitted):
            services.milestone_add(item=item, title="x", due_on=DAY, by=user)
    milestone = services.milestone_add(item=item, title="x", due_on=DAY, by=world.clerk)
    with pytest.raises(NotPermitted):
        services.milestone_complete(milestone=milestone, by=world.other_handler)
    assert Milestone.objects.filter(item=item).count() == 1


@pytest.mark.parametrize(
    ("title", "due_on", "field"),
    [("", DAY, "title"), ("x", None, "due_on"), ("x", dt.date(2026, 3, 1), "due_on")],
)
def test_bad_milestones_are_refused_and_nothing_is_written(world, title, due_on, field):
    item = assigned_implementation(world, on=DAY)
    with pytest.raises(BusinessError) as caught:
        services.milestone_add(item=item, title=title, due_on=due_on, by=world.clerk)
    assert caught.value.field == field
    assert not Milestone.objects.exists()


def test_milestones_only_for_implementation_items(world):
    item, _assignment = assigned_suggestion(world, on=DAY)
    with pytest.raises(BusinessError) as caught:
        services.milestone_add(item=item, title="x", due_on=DAY, by=world.clerk)
    assert caught.value.code == "wrong_kind"
    with pytest.raises(BusinessError):
        services.progress_report(item=item, percent=10, text="x", by=world.clerk)


def test_units_report_progress_and_the_latest_percent_is_the_progress(world):
    item = assigned_implementation(world, on=DAY, co=True)
    assert services.latest_progress(item) is None
    services.progress_report(item=item, percent=30, text="方案已制定", by=world.handler)
    report = services.progress_report(
        item=item, percent=50, text="協辦意見", by=world.other_handler
    )
    assert report.assignment is not None and report.assignment.unit == world.other_unit
    assert services.latest_progress(item) == report and report.status == "in_progress"
    office = services.progress_report(item=item, percent=100, text="完成", by=world.clerk)
    assert office.assignment is None
    with translation.override("en"):
        assert office.status_label == "completed"
    assert TimelineEvent.objects.filter(item=item, action="progress").count() == 3


def test_progress_may_go_back_only_with_a_reason(world):
    item = assigned_implementation(world, on=DAY)
    services.progress_report(item=item, percent=60, text="進展", by=world.handler)
    with pytest.raises(BusinessError) as caught:
        services.progress_report(item=item, percent=40, text="返工", by=world.handler)
    assert caught.value.field == "reason" and ProgressReport.objects.count() == 1
    services.progress_report(
        item=item, percent=40, text="返工", reason="驗收未通過", by=world.handler
    )
    latest = services.latest_progress(item)
    assert latest is not None and latest.percent == 40


@pytest.mark.parametrize("percent", [-1, 101, "abc", None, True])
def test_a_percent_outside_0_to_100_is_refused(world, percent):
    item = assigned_implementation(world, on=DAY)
    with pytest.raises(BusinessError) as caught:
        services.progress_report(item=item, percent=percent, text="x", by=world.handler)
    assert caught.value.field == "percent"
    with pytest.raises(BusinessError) as caught:
        services.progress_report(item=item, percent=10, text=" ", by=world.handler)
    assert caught.value.field == "text"
    assert not ProgressReport.objects.exists()


def test_the_database_refuses_a_percent_over_100(world):
    from django.db import IntegrityError, transaction

    item = assigned_implementation(world, on=DAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressReport.objects.create(
            congress=world.congress,
            item=item,
            percent=101,
            text="x",
            reported_on=DAY,
            reported_by=world.clerk,
        )


def test_outsiders_and_unassigned_handlers_cannot_report(world):
    item = assigned_implementation(world, on=DAY)
    for user in (world.other_handler, world.outsider, world.deputy):
        with pytest.raises(NotPermitted):
            services.progress_report(item=item, percent=10, text="x", by=user)


def test_status_is_derived_from_the_percent():
    assert progress_status(None) == progress_status(0) == "not_started"
    assert progress_status(1) == progress_status(99) == "in_progress"
    assert progress_status(100) == "completed"


# --- the API ---------------------------------------------------------------------------------


def _post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_api_milestones_and_progress_story(client, world, django_assert_num_queries):
    item = assigned_implementation(world, on=DAY)
    base = f"/api/v1/casework/items/{item.pk}"
    client.force_login(world.handler)
    r = _post(client, f"{base}/milestones", {"title": "制定方案", "due_on": "2026-04-01"})
    assert r.status_code == 201, r.content
    mid = r.json()["id"]
    assert r.json()["days_left"] == 22
    _post(client, f"{base}/milestones", {"title": "推行", "due_on": "2026-05-01"})
    r = _post(client, f"{base}/milestones/{mid}/complete", {})
    assert r.status_code == 200 and r.json()["done_on"] == "2026-03-10"
    r = _post(client, f"{base}/milestones/{mid}/complete", {})
    assert r.status_code == 400
    with django_assert_num_queries(6):
        r = client.get(f"{base}/milestones")
    assert r.status_code == 200 and [m["title"] for m in r.json()["items"]] == ["制定方案", "推行"]

    r = _post(client, f"{base}/progress", {"percent": 40, "text": "方案已制定"})
    assert r.status_code == 201, r.content
    assert r.json()["status"] == "in_progress" and r.json()["unit"] == world.unit.name
    r = _post(client, f"{base}/progress", {"percent": 20, "text": "返工"})
    assert r.status_code == 400 and r.json()["field"] == "reason"
    r = _post(client, f"{base}/progress", {"percent": 120, "text": "x"})
    assert r.status_code == 422
    client.force_login(world.clerk)
    _post(client, f"{base}/progress", {"percent": 100, "text": "完成"})
    with django_assert_num_queries(6):
        r = client.get(f"{base}/progress")
    assert [p["percent"] for p in r.json()["items"]] == [100, 40]


@pytest.mark.parametrize("who", ["outsider", "other_handler"])
def test_api_refuses_the_outsider_and_other_units(client, world, who):
    item = assigned_implementation(world, on=DAY)
    milestone = services.milestone_add(item=item, title="x", due_on=DAY, by=world.clerk)
    base = f"/api/v1/casework/items/{item.pk}"
    client.force_login(getattr(world, who))
    assert client.get(f"{base}/milestones").status_code == 404
    assert client.get(f"{base}/progress").status_code == 404
    assert (
        _post(client, f"{base}/milestones", {"title": "x", "due_on": "2026-04-01"}).status_code
        == 404
    )
    assert _post(client, f"{base}/milestones/{milestone.pk}/complete", {}).status_code == 404
    assert _post(client, f"{base}/progress", {"percent": 5, "text": "x"}).status_code == 404
    assert not ProgressReport.objects.exists() and Milestone.objects.get().done_on is None


def test_api_refuses_the_co_unit_milestones_but_takes_its_progress(client, world):
    item = assigned_implementation(world, on=DAY, co=True)
    base = f"/api/v1/casework/items/{item.pk}"
    client.force_login(world.other_handler)
    r = _post(client, f"{base}/milestones", {"title": "x", "due_on": "2026-04-01"})
    assert r.status_code == 403
    r = _post(client, f"{base}/progress", {"percent": 5, "text": "x"})
    assert r.status_code == 201


# --- the item page ---------------------------------------------------------------------------


def test_the_page_shows_milestones_progress_and_takes_the_units_report(client, world):
    item = assigned_implementation(world, on=DAY)
    services.milestone_add(item=item, title="制定方案", due_on=dt.date(2026, 3, 20), by=world.clerk)
    url = f"/casework/items/{item.pk}/"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the assertions read English labels
    client.force_login(world.handler)
    page = client.get(url).content.decode()
    assert "制定方案" in page and 'id="progress-bar"' in page and "not started" in page
    r = client.post(f"{url}progress/", {"percent": "30", "text": "方案已制定", "reason": ""})
    assert r.status_code == 302, r.content
    page = client.get(url).content.decode()
    assert 'id="progress-percent">30%' in page and "in progress" in page and "方案已制定" in page
    r = client.post(f"{url}progress/", {"percent": "10", "text": "返工", "reason": ""})
    assert r.status_code == 400 and "say why it goes back" in r.content.decode()
    milestone = Milestone.objects.get()
    r = client.post(f"{url}milestone_done/", {"milestone": milestone.pk})
    assert r.status_code == 302
    milestone.refresh_from_db()
    assert milestone.done_on == dt.date(2026, 3, 10)
    r = client.post(f"{url}milestone/", {"title": "驗收", "due_on": "2026-05-01"})
    assert r.status_code == 302 and Milestone.objects.count() == 2


def test_a_co_unit_reports_but_sees_no_milestone_form(client, world):
    item = assigned_implementation(world, on=DAY, co=True)
    client.force_login(world.other_handler)
    page = client.get(f"/casework/items/{item.pk}/").content.decode()
    assert 'id="progress-form"' in page and 'id="milestone-form"' not in page
    r = client.post(f"/casework/items/{item.pk}/milestone/", {"title": "x", "due_on": "2026-04-01"})
    assert r.status_code == 400 and not Milestone.objects.exists()


def test_the_page_refuses_the_outsider(client, world):
    item = assigned_implementation(world, on=DAY)
    milestone = services.milestone_add(item=item, title="x", due_on=DAY, by=world.clerk)
    client.force_login(world.outsider)
    url = f"/casework/items/{item.pk}/"
    assert client.get(url).status_code == 404
    assert client.post(f"{url}progress/", {"percent": "5", "text": "x"}).status_code == 404
    assert client.post(f"{url}milestone_done/", {"milestone": milestone.pk}).status_code == 404
    assert (
        client.post(f"{url}milestone/", {"title": "x", "due_on": "2026-04-01"}).status_code == 404
    )


def test_other_kinds_show_no_implementation_section(client, world):
    item, _a = assigned_suggestion(world, on=DAY)
    client.force_login(world.clerk)
    assert 'id="implementation"' not in client.get(f"/casework/items/{item.pk}/").content.decode()
