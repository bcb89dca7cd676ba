"""The pages: a clerk plans and runs a meeting, members check in and see results; outsiders
are refused everywhere."""

from __future__ import annotations

import datetime as dt
from html import escape

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sanxing.gatherings import services
from sanxing.gatherings.models import Attendance, Gathering, Vote
from sanxing.gatherings.tests.conftest import Meeting, P, during

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_clerk_plans_a_committee_meeting(world):
    c = client_for(world.clerk)
    response = c.post(
        reverse("gatherings:plan"),
        {
            "kind": "committee_meeting",
            "title": "第十六屆常委會第三十次會議",
            "starts_at": "2026-12-18T09:00",
            "ends_at": "2026-12-18T12:00",
            "place": "常委會會議室",
        },
    )
    g = Gathering.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "gatherings:detail", args=[g.pk]
    )
    assert g.sitting == 1 and g.status == "planned"
    bad = c.post(
        reverse("gatherings:plan"),
        {
            "kind": "committee_meeting",
            "title": "x",
            "starts_at": "2026-12-18T09:00",
            "ends_at": "2026-12-18T08:00",
        },
    )
    assert bad.status_code == 200
    assert (
        "The end must be after the start." in bad.content.decode()
        or "结束" in bad.content.decode()
        or bad.context["form"].errors
    )


def test_only_the_office_plans(world):
    assert client_for(world.member).get(reverse("gatherings:plan")).status_code == 404
    assert client_for(world.outsider).get(reverse("gatherings:plan")).status_code == 404


def test_outsider_is_refused_every_page(meeting: Meeting):
    g = meeting.gathering
    item = services.agenda_item_add(gathering=g, title="議題", by=meeting.world.clerk)
    c = client_for(meeting.world.outsider)
    for name, args in [
        ("gatherings:detail", [g.pk]),
        ("gatherings:quorum", [g.pk]),
        ("gatherings:roll_call", [g.pk]),
        ("gatherings:code", [g.pk]),
        ("gatherings:self_check_in", [g.pk]),
        ("gatherings:checklist", [g.pk]),
        ("gatherings:clone", [g.pk]),
        ("gatherings:agenda_withdraw", [item.pk]),
    ]:
        assert c.get(reverse(name, args=args)).status_code == 404, name
    assert c.post(reverse("gatherings:action", args=[g.pk, "roster"])).status_code == 404
    assert (
        c.post(reverse("gatherings:vote_open", args=[item.pk]), {"motion": "x"}).status_code == 404
    )
    # a member sees the meeting but cannot run it
    m = client_for(meeting.world.member)
    assert m.get(reverse("gatherings:detail", args=[g.pk])).status_code == 200
    assert m.get(reverse("gatherings:roll_call", args=[g.pk])).status_code == 404
    assert m.get(reverse("gatherings:code", args=[g.pk])).status_code == 404


def _count(c: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert c.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_and_detail_have_fixed_query_counts(meeting: Meeting, django_assert_num_queries):
    """The count includes the shell's own queries (menu, notices), so it is measured on a
    small meeting and must stay the same on a bigger one."""
    w, g = meeting.world, meeting.gathering
    c = client_for(w.clerk)
    list_url = reverse("gatherings:list") + "?year=2026"
    detail_url = reverse("gatherings:detail", args=[g.pk])
    c.get(list_url)  # warm the session
    small_list, small_detail = _count(c, list_url), _count(c, detail_url)
    from sanxing.gatherings.tests.conftest import add_members

    extra = add_members(w, [f"委員{i}" for i in range(10)])
    services.roster_build(gathering=g, by=w.clerk)
    for i, person in enumerate(extra):
        services.agenda_item_add(gathering=g, title=f"議題{i}", by=w.clerk)
        services.check_in(gathering=g, person=person, by=w.clerk)
        services.leave_request(
            gathering=g,
            person=P(w.member) if i == 0 else meeting.head,
            reason="出差",
            by=w.clerk,
            at=g.starts_at - dt.timedelta(days=1),
        ) if i < 2 else None
        services.gathering_plan(
            congress=w.congress,
            kind="inspection",
            title=f"視察{i}",
            starts_at=g.starts_at + dt.timedelta(days=i + 1),
            ends_at=g.starts_at + dt.timedelta(days=i + 1, hours=2),
            by=w.clerk,
        )
    with django_assert_num_queries(small_list):
        response = c.get(list_url)
    assert "視察9" in response.content.decode()
    with django_assert_num_queries(small_detail):
        response = c.get(detail_url)
    body = response.content.decode()
    assert "議題9" in body and "委員9" in body


def test_roll_call_and_live_quorum(meeting: Meeting):
    w, g = meeting.world, meeting.gathering
    c = client_for(w.clerk)
    for person in (P(w.director), P(w.member), meeting.extra[0]):
        response = c.post(
            reverse("gatherings:roll_call", args=[g.pk]), {"person": person.pk, "status": "present"}
        )
        assert response.status_code == 302
    assert g.attendances.filter(status=Attendance.Status.PRESENT).count() == 3
    panel = client_for(w.member).get(reverse("gatherings:quorum", args=[g.pk]))
    assert panel.status_code == 200
    assert "hx-trigger" in panel.content.decode()
    assert services.quorum(g).met


def test_member_checks_in_with_the_code_on_a_phone(meeting: Meeting):
    w, g = meeting.world, meeting.gathering
    with time_machine.travel(during(meeting), tick=False):
        clerk = client_for(w.clerk)
        screen = clerk.get(reverse("gatherings:code", args=[g.pk]))
        code = services.check_in_code(g)
        assert code in screen.content.decode()
        member = client_for(w.member)
        page = member.get(reverse("gatherings:self_check_in", args=[g.pk]) + f"?code={code}")
        assert page.status_code == 200 and code in page.content.decode()
        wrong = member.post(reverse("gatherings:self_check_in", args=[g.pk]), {"code": "99999"})
        assert wrong.status_code == 200 and wrong.context["form"].errors
        ok = member.post(reverse("gatherings:self_check_in", args=[g.pk]), {"code": code})
        assert ok.status_code == 302
    assert g.attendances.get(person=P(w.member)).method == Attendance.Method.QR


def test_clerk_runs_a_vote_and_checks_before_closing(meeting: Meeting):
    w, g = meeting.world, meeting.gathering
    item = services.agenda_item_add(
        gathering=g, title="關於任命的議案", kind="appointment", by=w.clerk
    )
    for person in (P(w.director), P(w.member), meeting.extra[0]):
        services.check_in(gathering=g, person=person, by=w.clerk)
    c = client_for(w.clerk)
    response = c.post(
        reverse("gatherings:vote_open", args=[item.pk]), {"motion": "表決任命", "mode": "named"}
    )
    vote = Vote.objects.get()
    assert response["Location"] == reverse("gatherings:vote", args=[vote.pk])
    for person in (P(w.director), P(w.member), meeting.extra[0]):
        c.post(reverse("gatherings:vote", args=[vote.pk]), {"person": person.pk, "option": "yes"})
    check = c.get(reverse("gatherings:vote_close", args=[vote.pk]))
    assert check.status_code == 200 and "confirm-close" in check.content.decode()
    c.post(reverse("gatherings:vote_close", args=[vote.pk]), {"confirm": "yes"})
    vote.refresh_from_db()
    assert vote.result == "pass" and vote.yes == 3
    page = c.get(reverse("gatherings:vote", args=[vote.pk])).content.decode()
    assert "vote-rule" in page
    # members of the meeting see the closed result; the outsider does not
    assert client_for(w.member).get(reverse("gatherings:vote", args=[vote.pk])).status_code == 200
    assert client_for(w.outsider).get(reverse("gatherings:vote", args=[vote.pk])).status_code == 404


def test_member_votes_for_themselves(meeting: Meeting):
    w, g = meeting.world, meeting.gathering
    item = services.agenda_item_add(gathering=g, title="議題", by=w.clerk)
    services.check_in(gathering=g, person=P(w.member), by=w.clerk)
    vote = services.vote_open(item=item, motion="表決", by=w.clerk)
    m = client_for(w.member)
    assert m.get(reverse("gatherings:vote", args=[vote.pk])).status_code == 200
    m.post(reverse("gatherings:vote", args=[vote.pk]), {"option": "no"})
    assert vote.ballots.get().option == "no"
    # someone else's ballot cannot be slipped in by a member
    m.post(
        reverse("gatherings:vote", args=[vote.pk]), {"person": meeting.extra[0].pk, "option": "yes"}
    )
    assert vote.ballots.count() == 1


def test_checklist_page_and_home_worklist(meeting: Meeting):
    from sanxing.gatherings.hooks import work_items

    w, g = meeting.world, meeting.gathering
    c = client_for(w.clerk)
    c.post(reverse("gatherings:action", args=[g.pk, "checklist"]))
    tasks = list(g.checklist.all())
    assert len(tasks) == 9
    page = c.get(reverse("gatherings:checklist", args=[g.pk])).content.decode()
    assert escape(tasks[0].title) in page
    c.post(reverse("gatherings:task_toggle", args=[tasks[0].pk]))
    tasks[0].refresh_from_db()
    assert tasks[0].done_at is not None
    items = list(work_items(w.clerk, dt.date(2026, 12, 1)))
    assert any(i.url == reverse("gatherings:checklist", args=[g.pk]) for i in items)
    assert client_for(w.member).get(reverse("gatherings:checklist", args=[g.pk])).status_code == 404


def test_leave_request_by_the_member_then_approved(meeting: Meeting):
    w, g = meeting.world, meeting.gathering
    with time_machine.travel(g.starts_at - dt.timedelta(days=2), tick=False):
        m = client_for(w.member)
        m.post(reverse("gatherings:leave", args=[g.pk]), {"reason": "出差"})
        leave = g.leave_requests.get()
        assert leave.person == P(w.member)
        client_for(w.clerk).post(
            reverse("gatherings:leave_decide", args=[leave.pk]), {"decision": "approve"}
        )
    assert g.attendances.get(person=P(w.member)).status == "leave"


def test_agenda_item_with_votes_cannot_be_deleted_from_the_page(meeting: Meeting):
    w, g = meeting.world, meeting.gathering
    item = services.agenda_item_add(gathering=g, title="議題", by=w.clerk)
    services.check_in(gathering=g, person=P(w.director), by=w.clerk)
    services.vote_open(item=item, motion="表決", by=w.clerk)
    c = client_for(w.clerk)
    response = c.post(reverse("gatherings:agenda_delete", args=[item.pk]), follow=True)
    assert item.__class__.objects.filter(pk=item.pk).exists()
    assert response.status_code == 200


def test_pages_speak_the_users_language(meeting: Meeting):
    w = meeting.world
    c = client_for(w.clerk)
    url = reverse("gatherings:detail", args=[meeting.gathering.pk])
    zh = c.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "议程" in zh and "2026年12月18日" in zh
    w.clerk.language = "zh-hant"
    w.clerk.save(update_fields=["language"])
    assert "議程" in c.get(url).content.decode()
    w.clerk.language = "en"
    w.clerk.save(update_fields=["language"])
    assert "Agenda" in c.get(url).content.decode()


def test_late_preparation_tasks_are_chased_once_a_day(meeting: Meeting):
    from sanxing.gatherings.hooks import chase_late_tasks
    from sanxing.notify.models import Notice

    w, g = meeting.world, meeting.gathering
    services.checklist_generate(gathering=g, owner=w.member, by=w.clerk)
    morning = g.starts_at - dt.timedelta(days=2)  # T-30 … T-3 are late by then
    chase_late_tasks(morning)
    sent = Notice.objects.filter(recipient=w.member).count()
    assert sent == 5
    chase_late_tasks(morning + dt.timedelta(hours=3))
    assert Notice.objects.filter(recipient=w.member).count() == sent
