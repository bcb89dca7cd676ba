"""Milestones of an implementation item are changed, withdrawn and reopened, each step
recorded with who and when; the second of two editors is told, not overwritten."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import translation

from sanxing.casework import implementation, services
from sanxing.casework.models import Milestone, TimelineEvent
from sanxing.casework.tests.factories import assigned_implementation
from sanxing.core.errors import BusinessError, NotPermitted, StaleEdit

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 3, 10, 2, tzinfo=dt.UTC), tick=False):
        yield


def _planned(world, *, co=False):
    item = assigned_implementation(world, on=DAY, co=co)
    m = services.milestone_add(
        item=item, title="制定實施方案", due_on=dt.date(2026, 4, 1), by=world.handler
    )
    m = Milestone.objects.get(pk=m.pk)
    return item, m


def _actions(item):
    return list(TimelineEvent.objects.filter(item=item).values_list("action", flat=True))


def test_the_lead_unit_changes_a_milestone_and_it_is_recorded(world):
    item, m = _planned(world)
    changed = implementation.milestone_update(
        milestone=m,
        title="制定並印發實施方案",
        due_on=dt.date(2026, 4, 15),
        version=m.version,
        by=world.handler,
    )
    assert (changed.title, changed.due_on, changed.version) == (
        "制定並印發實施方案",
        dt.date(2026, 4, 15),
        m.version + 1,
    )
    assert changed.history.first().history_user == world.handler
    assert _actions(item)[-1] == "milestone_change"
    event = TimelineEvent.objects.filter(item=item).last()
    assert event is not None
    assert event.actor == world.handler and "2026-04-15" in event.note


def test_the_second_editor_is_told_and_not_overwritten(world):
    _item, m = _planned(world)
    read_version = m.version
    implementation.milestone_update(
        milestone=m, title="甲", due_on=m.due_on, version=read_version, by=world.handler
    )
    with pytest.raises(StaleEdit):
        implementation.milestone_update(
            milestone=m, title="乙", due_on=m.due_on, version=read_version, by=world.clerk
        )
    assert Milestone.objects.get(pk=m.pk).title == "甲"


@pytest.mark.parametrize(
    ("title", "due_on", "field"),
    [
        ("", DAY, "title"),
        ("x" * 201, DAY, "title"),
        ("x", None, "due_on"),
        ("x", dt.date(2026, 3, 1), "due_on"),
    ],
)
def test_bad_changes_are_refused_and_nothing_is_written(world, title, due_on, field):
    item, m = _planned(world)
    with pytest.raises(BusinessError) as caught:
        implementation.milestone_update(
            milestone=m, title=title, due_on=due_on, version=m.version, by=world.clerk
        )
    assert caught.value.field == field
    assert Milestone.objects.get(pk=m.pk).version == m.version
    assert _actions(item)[-1] == "milestone_add"


def test_withdraw_with_a_reason_keeps_the_row(world):
    item, m = _planned(world)
    with pytest.raises(BusinessError) as caught:
        implementation.milestone_withdraw(milestone=m, reason=" ", by=world.handler)
    assert caught.value.field == "reason"
    implementation.milestone_withdraw(milestone=m, reason="併入下一節點", by=world.handler)
    assert not Milestone.objects.filter(pk=m.pk).exists()
    gone = Milestone.all_objects.get(pk=m.pk)
    assert gone.deleted_by == world.handler and gone.deleted_at is not None
    assert gone.history.first().history_change_reason == "併入下一節點"
    assert _actions(item)[-1] == "milestone_withdraw"


def test_a_completed_milestone_cannot_be_withdrawn_and_the_office_reopens_it(world):
    item, m = _planned(world)
    services.milestone_complete(milestone=m, by=world.handler)
    m = Milestone.objects.get(pk=m.pk)
    with translation.override("en"), pytest.raises(BusinessError) as caught:
        implementation.milestone_withdraw(milestone=m, reason="x", by=world.clerk)
    assert "cannot be withdrawn" in caught.value.message
    # only the office reopens
    with pytest.raises(NotPermitted):
        implementation.milestone_reopen(milestone=m, reason="誤點", by=world.handler)
    reopened = implementation.milestone_reopen(milestone=m, reason="誤點完成", by=world.clerk)
    assert reopened.done_on is None
    assert reopened.history.first().history_user == world.clerk
    assert _actions(item)[-1] == "milestone_reopen"
    with pytest.raises(BusinessError):
        implementation.milestone_reopen(milestone=reopened, reason="x", by=world.clerk)


@pytest.mark.parametrize("who", ["other_handler", "outsider", "deputy"])
def test_others_cannot_change_withdraw_or_reopen(world, who):
    _item, m = _planned(world, co=True)
    user = getattr(world, who)
    with pytest.raises(NotPermitted):
        implementation.milestone_update(
            milestone=m, title="x", due_on=m.due_on, version=m.version, by=user
        )
    with pytest.raises(NotPermitted):
        implementation.milestone_withdraw(milestone=m, reason="x", by=user)
    with pytest.raises(NotPermitted):
        implementation.milestone_reopen(milestone=m, reason="x", by=user)
    assert Milestone.objects.get(pk=m.pk).version == m.version


# --- pages ---------------------------------------------------------------------------------------


def test_the_item_page_edits_withdraws_and_tells_the_stale_editor(client, world):
    item, m = _planned(world)
    url = f"/casework/items/{item.pk}/"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(world.handler)
    page = client.get(url).content.decode()
    assert f'id="milestone-edit-{m.pk}"' in page and "Milestones on the working calendar" in page
    base = f"{url}milestones/{m.pk}"
    data = {
        f"edit-{m.pk}-title": "印發方案",
        f"edit-{m.pk}-due_on": "2026-04-20",
        f"edit-{m.pk}-version": m.version,
    }
    r = client.post(f"{base}/edit/", data)
    assert r.status_code == 302
    assert Milestone.objects.get(pk=m.pk).title == "印發方案"
    # the same stale form again: refused and said
    data[f"edit-{m.pk}-title"] = "別的"
    r = client.post(f"{base}/edit/", data)
    assert r.status_code == 400 and "Someone else changed this milestone" in r.content.decode()
    assert Milestone.objects.get(pk=m.pk).title == "印發方案"
    r = client.post(f"{base}/withdraw/", {f"withdraw-{m.pk}-reason": ""})
    assert r.status_code == 400
    r = client.post(f"{base}/withdraw/", {f"withdraw-{m.pk}-reason": "不再需要"})
    assert r.status_code == 302
    assert not Milestone.objects.filter(pk=m.pk).exists()


def test_the_item_page_lets_only_the_office_reopen(client, world):
    item, m = _planned(world)
    services.milestone_complete(milestone=m, by=world.handler)
    client.force_login(world.handler)
    url = f"/casework/items/{item.pk}/"
    assert f'id="milestone-reopen-{m.pk}"' not in client.get(url).content.decode()
    r = client.post(f"{url}milestones/{m.pk}/reopen/", {f"reopen-{m.pk}-reason": "x"})
    assert r.status_code == 400
    client.force_login(world.clerk)
    assert f'id="milestone-reopen-{m.pk}"' in client.get(url).content.decode()
    r = client.post(f"{url}milestones/{m.pk}/reopen/", {f"reopen-{m.pk}-reason": "誤點"})
    assert r.status_code == 302
    assert Milestone.objects.get(pk=m.pk).done_on is None


@pytest.mark.parametrize("who", ["outsider", "other_handler"])
def test_the_pages_refuse_the_outsider_and_other_units(client, world, who):
    item, m = _planned(world)
    client.force_login(getattr(world, who))
    for action, data in [
        (
            "edit",
            {
                f"edit-{m.pk}-title": "x",
                f"edit-{m.pk}-due_on": "2026-04-20",
                f"edit-{m.pk}-version": m.version,
            },
        ),
        ("withdraw", {f"withdraw-{m.pk}-reason": "x"}),
        ("reopen", {f"reopen-{m.pk}-reason": "x"}),
    ]:
        r = client.post(f"/casework/items/{item.pk}/milestones/{m.pk}/{action}/", data)
        assert r.status_code == 404
    assert client.get(f"/casework/items/{item.pk}/").status_code == 404
    assert Milestone.objects.get(pk=m.pk).title == "制定實施方案"


# --- API -----------------------------------------------------------------------------------------


def test_api_patch_withdraw_reopen(client, world):
    item, m = _planned(world)
    base = f"/api/v1/casework/items/{item.pk}/milestones/{m.pk}"
    client.force_login(world.handler)
    r = client.patch(
        base,
        {"title": "印發方案", "due_on": "2026-04-20", "version": m.version},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["version"] == m.version + 1
    r = client.patch(
        base,
        {"title": "別的", "due_on": "2026-04-20", "version": m.version},
        content_type="application/json",
    )
    assert r.status_code == 409 and r.json()["code"] == "stale"
    r = client.post(f"{base}/withdraw", {"reason": ""}, content_type="application/json")
    assert r.status_code == 400 and r.json()["field"] == "reason"
    # a completed one stays, and the office may reopen it
    services.milestone_complete(milestone=Milestone.objects.get(pk=m.pk), by=world.handler)
    r = client.post(f"{base}/withdraw", {"reason": "x"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "already_done"
    r = client.post(f"{base}/reopen", {"reason": "x"}, content_type="application/json")
    assert r.status_code == 403
    client.force_login(world.clerk)
    r = client.post(f"{base}/reopen", {"reason": "誤點"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["done_on"] is None
    r = client.post(f"{base}/withdraw", {"reason": "併入"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["withdrawn"] is True
    assert client.get(base + "/reopen").status_code == 405


@pytest.mark.parametrize("who", ["outsider", "other_handler"])
def test_api_refuses_the_outsider_and_other_units(client, world, who):
    item, m = _planned(world)
    base = f"/api/v1/casework/items/{item.pk}/milestones/{m.pk}"
    client.force_login(getattr(world, who))
    r = client.patch(
        base,
        {"title": "x", "due_on": "2026-04-20", "version": m.version},
        content_type="application/json",
    )
    assert r.status_code == 404
    for step in ("withdraw", "reopen"):
        r = client.post(f"{base}/{step}", {"reason": "x"}, content_type="application/json")
        assert r.status_code == 404
    assert client.get("/api/v1/casework/implementation").status_code == 404
    assert Milestone.objects.get(pk=m.pk).version == m.version


def test_a_co_handling_unit_sees_the_item_but_may_not_change_milestones(client, world):
    item, m = _planned(world, co=True)
    base = f"/api/v1/casework/items/{item.pk}/milestones/{m.pk}"
    client.force_login(world.other_handler)
    r = client.patch(
        base,
        {"title": "x", "due_on": "2026-04-20", "version": m.version},
        content_type="application/json",
    )
    assert r.status_code == 403
    page = client.get(f"/casework/items/{item.pk}/").content.decode()
    assert f'id="milestone-edit-{m.pk}"' not in page
