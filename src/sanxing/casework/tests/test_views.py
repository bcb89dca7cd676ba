"""The pages, through URLs: the office desk, the item page and its actions, assigning with a
confirmation, the unit portal, the deputy's view, the rates and the tracking page."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from sanxing.casework import kinds, services
from sanxing.casework.models import Assignment, Item
from sanxing.casework.tests.factories import assigned_suggestion, registered_suggestion

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC), tick=False):
        yield


def test_desk_lists_the_queue_and_deadlines_in_fixed_queries(
    client, world, django_assert_max_num_queries
):
    for n in range(3):
        registered_suggestion(world, on=dt.date(2026, 5, 1 + n), title=f"待交辦{n}")
    assigned_suggestion(world, on=dt.date(2026, 2, 2), title="快到期")  # due 4 May: overdue
    client.force_login(world.clerk)
    client.get("/casework/")  # warm the shell's caches
    with django_assert_max_num_queries(14):
        r = client.get("/casework/")
    assert r.status_code == 200
    body = r.content.decode()
    assert "待交辦0" in body and "快到期" in body
    for n in range(10):
        registered_suggestion(world, on=dt.date(2026, 5, 10 + n), title=f"更多{n}")
    with django_assert_max_num_queries(14):
        assert client.get("/casework/").status_code == 200


def test_desk_is_for_the_office_only(client, world):
    for user in (world.handler, world.deputy, world.outsider):
        client.force_login(user)
        assert client.get("/casework/").status_code == 404
        assert client.get("/casework/rates/").status_code == 404


def test_item_page_for_each_persona(client, world):
    item, _lead = assigned_suggestion(world, on=dt.date(2026, 3, 2))
    for user, status in [
        (world.clerk, 200),
        (world.handler, 200),
        (world.deputy, 200),
        (world.other_handler, 404),
        (world.outsider, 404),
    ]:
        client.force_login(user)
        assert client.get(f"/casework/items/{item.pk}/").status_code == status
    client.logout()
    assert client.get(f"/casework/items/{item.pk}/").status_code == 302


def test_register_from_the_item_page(client, world):
    item = services.item_submit(
        congress=world.congress,
        kind="suggestion",
        title="關於老舊小區改造的建議",
        content="",
        deputies=[world.deputy.person],
        by=world.deputy,
    )
    client.force_login(world.clerk)
    r = client.post(
        f"/casework/items/{item.pk}/register/",
        {"topic": "housing", "on": "2026-06-01", "version": item.version},
    )
    assert r.status_code == 302
    item.refresh_from_db()
    assert item.state == kinds.REGISTERED and item.topic == "housing"
    # a second clerk's stale form is refused, not applied
    r = client.post(
        f"/casework/items/{item.pk}/return/", {"reason": "重複", "version": item.version - 1}
    )
    assert r.status_code == 400
    assert Item.objects.get(pk=item.pk).state == kinds.REGISTERED


def test_assign_shows_check_your_answers_then_assigns(client, world):
    item = registered_suggestion(world, on=dt.date(2026, 5, 20))
    client.force_login(world.clerk)
    data = {
        "lead_unit": world.unit.pk,
        "co_units": [world.other_unit.pk],
        "on": "2026-06-01",
        "version": item.version,
    }
    r = client.post(f"/casework/items/{item.pk}/assign/", data)
    assert r.status_code == 200
    body = r.content.decode()
    assert "2026年9月1日" in body  # 3 months from 1 June 2026, a Tuesday
    assert not Assignment.objects.exists()
    r = client.post(f"/casework/items/{item.pk}/assign/", {**data, "confirm": "yes"}, follow=True)
    assert r.status_code == 200
    assert Assignment.objects.filter(item=item).count() == 2
    assert "2026年9月1日" in r.content.decode()


def test_assign_date_before_registration_is_shown_as_an_error(client, world):
    item = registered_suggestion(world, on=dt.date(2026, 5, 20))
    client.force_login(world.clerk)
    r = client.post(
        f"/casework/items/{item.pk}/assign/",
        {"lead_unit": world.unit.pk, "on": "2026-05-01", "version": item.version},
    )
    assert r.status_code == 400
    assert "error-summary" in r.content.decode()
    assert not Assignment.objects.exists()


def test_handler_replies_and_deputy_evaluates_through_the_pages(client, world):
    item, lead = assigned_suggestion(world, on=dt.date(2026, 5, 4))
    client.force_login(world.other_handler)
    r = client.post(f"/casework/assignments/{lead.pk}/reply/", {})
    assert r.status_code == 404
    client.force_login(world.handler)
    r = client.post(
        f"/casework/assignments/{lead.pk}/reply/",
        {"reply_class": "B", "text": "正在籌建", "signed_by": "王局長", "sent_on": "2026-06-01"},
    )
    assert r.status_code == 400  # class B needs the promised date
    r = client.post(
        f"/casework/assignments/{lead.pk}/reply/",
        {"reply_class": "A", "text": "已解決", "signed_by": "王局長", "sent_on": "2026-06-01"},
    )
    assert r.status_code == 302
    client.force_login(world.deputy)
    r = client.get("/casework/mine/")
    assert "#evaluate-title" in r.content.decode()
    r = client.post(f"/casework/items/{item.pk}/evaluate/", {"value": "satisfied"})
    assert r.status_code == 302
    item.refresh_from_db()
    assert item.state == kinds.CLOSED


def test_unit_portal_lists_only_the_units_items(client, world, django_assert_max_num_queries):
    assigned_suggestion(world, on=dt.date(2026, 5, 4), title="教育局的件")
    other = registered_suggestion(world, on=dt.date(2026, 5, 4), title="交通局的件")
    services.item_assign(item=other, lead_unit=world.other_unit, by=world.clerk)
    client.force_login(world.handler)
    client.get("/casework/unit/")
    with django_assert_max_num_queries(12):
        r = client.get("/casework/unit/")
    body = r.content.decode()
    assert "教育局的件" in body and "交通局的件" not in body
    client.force_login(world.outsider)
    assert client.get("/casework/unit/").status_code == 404


def test_rates_page_drill_down_and_excel(client, world):
    assigned_suggestion(world, on=dt.date(2026, 1, 5), title="逾期未復")  # due 7 April
    client.force_login(world.clerk)
    r = client.get("/casework/rates/?kind=suggestion&date_from=2026-01-01&date_to=2026-12-31")
    assert r.status_code == 200
    body = r.content.decode()
    assert "measure=open_overdue" in body
    r = client.get(
        "/casework/rates/items/?kind=suggestion&date_from=2026-01-01&date_to=2026-12-31"
        "&measure=open_overdue"
    )
    assert "逾期未復" in r.content.decode()
    r = client.get(
        "/casework/rates/?kind=suggestion&date_from=2026-01-01&date_to=2026-12-31&format=xlsx"
    )
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")


def test_petitioner_tracks_a_letter_with_the_code_only(client, world):
    letter = services.letter_receive(
        congress=world.congress,
        channel="letter",
        petitioner_name="張三",
        title="小區漏水",
        content="私密內容",
        by=world.clerk,
    )
    r = client.post("/casework/track/", {"code": "WRONGCODE123"})
    assert r.status_code == 404 and "小區漏水" not in r.content.decode()
    r = client.post("/casework/track/", {"code": letter.tracking_code})
    body = r.content.decode()
    assert r.status_code == 200 and "小區漏水" in body and "私密內容" not in body
    assert "張三" not in body


def test_item_page_queries_do_not_grow_with_history(client, world, django_assert_max_num_queries):
    item, lead = assigned_suggestion(world, on=dt.date(2026, 3, 2))
    client.force_login(world.clerk)
    client.get(f"/casework/items/{item.pk}/")
    with django_assert_max_num_queries(30) as before:
        client.get(f"/casework/items/{item.pk}/")
    for n in range(5):
        services.supervision_log_add(item=item, method="phone", note=f"催辦{n}", by=world.clerk)
    services.contact_record(
        assignment=lead, contacted_on=dt.date(2026, 3, 5), method="phone", by=world.handler
    )
    with django_assert_max_num_queries(len(before.captured_queries)):
        r = client.get(f"/casework/items/{item.pk}/")
    assert "催辦4" in r.content.decode()


def test_admin_can_open_the_workflow(client, world):
    registered_suggestion(world, on=dt.date(2026, 5, 1))
    client.force_login(world.admin)
    from sanxing.casework.models import Workflow

    workflow = Workflow.objects.get(kind="suggestion")
    assert client.get(f"/admin/casework/workflow/{workflow.pk}/change/").status_code == 200


def test_guessing_tracking_codes_is_held_off(client, world):
    from django.core.cache import cache

    cache.clear()
    letter = services.letter_receive(
        congress=world.congress,
        channel="letter",
        petitioner_name="張三",
        title="漏水",
        content="",
        by=world.clerk,
    )
    for n in range(10):
        assert client.post("/casework/track/", {"code": f"GUESS{n:07d}"}).status_code == 404
    r = client.post("/casework/track/", {"code": letter.tracking_code})
    assert r.status_code == 429 and "漏水" not in r.content.decode()
    cache.clear()


def test_a_deputy_submits_a_suggestion_online(client, world):
    client.force_login(world.deputy)
    r = client.post(
        "/casework/new/",
        {"title": "關於增設公共自行車站點的建議", "content": "……", "topic": "transport"},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    item = Item.objects.get()
    assert item.state == kinds.SUBMITTED and item.channel == "online"
    assert item.originators.get().person == world.deputy.person
    client.force_login(world.outsider)
    assert client.get("/casework/new/").status_code == 404


def test_letter_pages_extend_answer_and_review(client, world):
    client.force_login(world.clerk)
    r = client.post(
        "/casework/letters/new/",
        {
            "petitioner_name": "趙六",
            "channel": "visit",
            "received_on": "2026-05-20",
            "title": "物業服務糾紛",
            "topic": "housing",
        },
    )
    assert r.status_code == 302
    letter = Item.objects.get(kind="letter")
    base = f"/casework/items/{letter.pk}"
    assert client.post(f"{base}/accept/").status_code == 302
    r = client.post(
        f"{base}/extend/", {"days": 31, "reason": "需調查", "approved_by": world.clerk.pk}
    )
    assert r.status_code == 400
    r = client.post(
        f"{base}/extend/", {"days": 10, "reason": "需調查", "approved_by": world.clerk.pk}
    )
    assert r.status_code == 302
    answer = {
        "outcome": "explain",
        "text": "已說明",
        "signed_by": "信訪室",
        "sent_on": "2026-06-01",
    }
    assert client.post(f"{base}/answer/", answer).status_code == 302
    r = client.post(f"{base}/request_review/", {"on": "2026-06-01", "reason": "不服"})
    assert r.status_code == 302
    assert (
        client.post(f"{base}/decide_review/", {**answer, "outcome": "support"}).status_code == 302
    )
    letter.refresh_from_db()
    assert letter.state == kinds.REVIEWED
    r = client.post(f"{base}/request_re_review/", {"on": "2026-06-01", "reason": "仍不服"})
    assert r.status_code == 302
    r = client.post(f"{base}/hearing/", {"days": 5, "note": "聽證"})
    assert r.status_code == 302
    r = client.post(f"{base}/decide_re_review/", {**answer, "outcome": "reject"})
    assert r.status_code == 302
    letter.refresh_from_db()
    assert letter.state == kinds.CLOSED


def test_assignment_notice_pdf_for_the_unit_not_for_others(client, world):
    _item, lead = assigned_suggestion(world, on=dt.date(2026, 5, 4))
    client.force_login(world.handler)
    r = client.get(f"/casework/assignments/{lead.pk}/notice.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert b"".join(r.streaming_content if r.streaming else [r.content]).startswith(b"%PDF")
    client.force_login(world.other_handler)
    assert client.get(f"/casework/assignments/{lead.pk}/notice.pdf").status_code == 404
    client.force_login(world.deputy)
    assert client.get(f"/casework/assignments/{lead.pk}/notice.pdf").status_code == 404


def test_the_office_enters_a_motion_and_records_the_presidiums_decision(client, world):
    from sanxing.people.models import Person

    deputies = [Person.objects.create(congress=world.congress, name=f"代表{n}") for n in range(10)]
    for person in deputies:
        person.roles.create(
            organisation=world.delegation, kind="deputy", starts_on=dt.date(2022, 1, 1)
        )
    client.force_login(world.clerk)
    assert client.get("/casework/new/?kind=motion").status_code == 200
    r = client.post(
        "/casework/new/?kind=motion",
        {
            "title": "關於制定物業管理條例的議案",
            "topic": "housing",
            "channel": "session",
            "submitted_on": "2026-01-20",
            "lead": deputies[0].pk,
            "co_signers": [p.pk for p in deputies[1:]],
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    motion = Item.objects.get(kind="motion")
    r = client.post(
        f"/casework/items/{motion.pk}/decide/", {"decision": "refer", "on": "2026-01-22"}
    )
    assert r.status_code == 302
    motion.refresh_from_db()
    assert motion.state == kinds.REFERRED


def test_the_handling_report_pdf(client, world):
    assigned_suggestion(world, on=dt.date(2026, 1, 5))
    client.force_login(world.clerk)
    r = client.get(
        "/casework/rates/?kind=suggestion&date_from=2026-01-01&date_to=2026-12-31&format=pdf"
    )
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")


def test_desk_search_finds_titles_and_replies(client, world):
    _item, lead = assigned_suggestion(world, on=dt.date(2026, 5, 4), title="關於社區食堂的建議")
    services.reply_submit(
        assignment=lead, text="已新建長者飯堂", reply_class="A", signed_by="局長", by=world.handler
    )
    registered_suggestion(world, on=dt.date(2026, 5, 5), title="關於停車位的建議")
    client.force_login(world.clerk)
    body = client.get("/casework/?q=飯堂").content.decode()
    assert "關於社區食堂的建議" in body
    assert client.get("/casework/?q=食堂").context["found"].paginator.count == 1
    assert client.get("/casework/?q=建議").context["found"].paginator.count == 2
