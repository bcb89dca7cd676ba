"""Follow-up: minutes, decisions handed off for implementation, remarks per agenda item and
review opinions compiled from them and handed to casework (the real casework sink)."""

import pytest
from django.test import Client
from django.urls import reverse

from sanxing.core.errors import BusinessError
from sanxing.gatherings import followup, handoff, services
from sanxing.gatherings.models import Decision, Minutes, Remark, ReviewOpinionRecord
from sanxing.gatherings.tests.conftest import Meeting, P

pytestmark = pytest.mark.django_db


def _item(meeting: Meeting, title: str = "聽取和審議市政府關於義務教育工作情況的報告"):
    return services.agenda_item_add(
        gathering=meeting.gathering, title=title, by=meeting.world.clerk
    )


def test_minutes_are_saved_corrected_and_frozen_when_approved(meeting: Meeting):
    w, g = meeting.world, meeting.gathering
    with pytest.raises(BusinessError):
        followup.minutes_save(gathering=g, text="  ", by=w.clerk)
    m = followup.minutes_save(gathering=g, text="會議由主任主持。", by=w.clerk)
    m = followup.minutes_save(gathering=g, text="會議由主任主持，審議了三項議題。", by=w.clerk)
    assert Minutes.objects.count() == 1 and m.history.count() == 2
    assert m.history.first().history_user == w.clerk
    followup.minutes_approve(minutes=m, by=w.director)
    with pytest.raises(BusinessError):
        followup.minutes_save(gathering=g, text="改", by=w.clerk)
    assert Minutes.objects.get().text == "會議由主任主持，審議了三項議題。"


def test_remarks_only_from_the_roster_and_not_on_withdrawn_items(meeting: Meeting):
    w = meeting.world
    item = _item(meeting)
    r = followup.remark_add(item=item, person=P(w.member), text="建議加大投入。", by=w.clerk)
    assert r.history.first().history_user == w.clerk
    with pytest.raises(BusinessError) as err:
        followup.remark_add(item=item, person=P(w.outsider), text="x", by=w.clerk)
    assert err.value.field == "person"
    with pytest.raises(BusinessError):
        followup.remark_add(item=item, person=P(w.member), text=" ", by=w.clerk)
    services.agenda_item_withdraw(item=item, reason="改期", by=w.clerk)
    item.refresh_from_db()
    with pytest.raises(BusinessError):
        followup.remark_add(item=item, person=P(w.member), text="x", by=w.clerk)
    assert Remark.objects.count() == 1


def test_review_opinion_compiled_from_remarks_reaches_casework(meeting: Meeting):
    from sanxing.casework.models import Item

    w = meeting.world
    item = _item(meeting)
    a = followup.remark_add(item=item, person=P(w.member), text="建議加大投入。", by=w.clerk)
    b = followup.remark_add(
        item=item, person=meeting.extra[0], text="教師隊伍建設要加強。", by=w.clerk
    )
    record = followup.review_opinion_compile(
        item=item,
        title="關於義務教育工作情況報告的審議意見",
        units=[w.unit],
        preface="常委會組成人員審議認為：",
        by=w.clerk,
    )
    assert set(record.remarks.all()) == {a, b}
    assert record.content.startswith("常委會組成人員審議認為：")
    assert f"{P(w.member).name}：建議加大投入。" in record.content
    case = Item.objects.get(origin_ref=f"gatherings.agenda_item:{item.pk}")
    assert case.kind == "review_opinion" and case.title == record.title
    assert case.reference in record.handed_off_refs
    # remarks from another item are refused; nothing half-written
    other = _item(meeting, "另一議題")
    c = followup.remark_add(item=other, person=P(w.member), text="x", by=w.clerk)
    with pytest.raises(BusinessError):
        followup.review_opinion_compile(
            item=item, title="t", units=[w.unit], remarks=[c], by=w.clerk
        )
    assert ReviewOpinionRecord.objects.count() == 1


def test_decisions_become_implementation_items_through_the_decision_sink(
    meeting: Meeting, isolated_sinks
):
    w, g = meeting.world, meeting.gathering
    item = _item(meeting)
    pending = followup.decision_record(
        gathering=g, text="同意報告。", agenda_item=item, units=[w.unit], by=w.clerk
    )
    assert pending.handed_off_at is None  # no engine receives decisions yet
    with pytest.raises(BusinessError) as err:
        followup.decision_hand_off(decision=pending, by=w.clerk)
    assert err.value.code == "no_sink"

    received = []

    def sink(decision: handoff.DecisionForImplementation, by):
        received.append((decision, by))
        return f"IMP-{decision.decision_id}"

    handoff.register_decision_sink(sink)
    done = followup.decision_hand_off(decision=pending, by=w.clerk)
    assert done.handed_off_refs == f"IMP-{pending.pk}" and done.handed_off_at
    with pytest.raises(BusinessError):
        followup.decision_hand_off(decision=done, by=w.clerk)
    payload, by = received[0]
    assert by == w.clerk and payload.unit_ids == (w.unit.pk,)
    assert payload.agenda_item_id == item.pk and payload.kind == "decision"
    assert payload.decided_on == g.starts_at.date()

    resolution = followup.decision_record(
        gathering=g, kind="resolution", text="批准決議。", by=w.clerk
    )
    assert resolution.handed_off_at and len(received) == 2  # handed off at once

    def broken(decision, by):
        raise BusinessError("sink down")

    handoff.unregister_decision_sink(sink)
    handoff.register_decision_sink(broken)
    with pytest.raises(BusinessError):
        followup.decision_record(gathering=g, text="第三項。", by=w.clerk)
    assert Decision.objects.count() == 2  # the failed hand-off rolled the record back
    with pytest.raises(BusinessError):
        followup.decision_record(gathering=g, kind="order", text="x", by=w.clerk)


def test_follow_up_pages_and_the_outsider(meeting: Meeting, no_decision_sink):
    from sanxing.casework.models import Item

    w, g = meeting.world, meeting.gathering
    item = _item(meeting)
    clerk = Client()
    clerk.force_login(w.clerk)
    url = reverse("gatherings:follow_up", args=[g.pk])
    assert clerk.get(url).status_code == 200
    r = clerk.post(reverse("gatherings:minutes", args=[g.pk]), {"text": "紀要正文"})
    assert r.status_code == 302
    r = clerk.post(
        reverse("gatherings:remark_add", args=[item.pk]),
        {"person": P(w.member).pk, "text": "建議一"},
    )
    assert r.status_code == 302
    member = Client()
    member.force_login(w.member)
    assert member.get(url).status_code == 200
    r = member.post(reverse("gatherings:remark_add", args=[item.pk]), {"text": "我的意見"})
    assert r.status_code == 302 and Remark.objects.filter(text="我的意見").count() == 1
    # the member may not compile, decide or write minutes
    for name, args in (
        ("gatherings:opinion_compile", [item.pk]),
        ("gatherings:decision_add", [g.pk]),
        ("gatherings:minutes", [g.pk]),
    ):
        assert member.post(reverse(name, args=args), {}).status_code == 404, name
    bad = clerk.post(reverse("gatherings:opinion_compile", args=[item.pk]), {"title": "x"})
    assert bad.status_code == 400
    r = clerk.post(
        reverse("gatherings:opinion_compile", args=[item.pk]),
        {"title": "審議意見", "units": [w.unit.pk]},
    )
    assert r.status_code == 302
    assert Item.objects.filter(origin_ref=f"gatherings.agenda_item:{item.pk}").exists()
    r = clerk.post(
        reverse("gatherings:decision_add", args=[g.pk]), {"kind": "decision", "text": "同意"}
    )
    assert r.status_code == 302 and Decision.objects.count() == 1
    page = clerk.get(url).content.decode()
    assert "審議意見" in page and "我的意見" in page and "紀要正文" in page

    outsider = Client()
    outsider.force_login(w.outsider)
    assert outsider.get(url).status_code == 404
    for name, args in (
        ("gatherings:remark_add", [item.pk]),
        ("gatherings:opinion_compile", [item.pk]),
        ("gatherings:decision_add", [g.pk]),
        ("gatherings:minutes", [g.pk]),
        ("gatherings:decision_hand_off", [Decision.objects.get().pk]),
    ):
        assert outsider.post(reverse(name, args=args), {"text": "x"}).status_code == 404, name


def test_follow_up_page_query_count(meeting: Meeting, django_assert_num_queries, no_decision_sink):
    """The page asks the same number of queries whatever the number of items and remarks."""
    w, g = meeting.world, meeting.gathering
    c = Client()
    c.force_login(w.clerk)
    url = reverse("gatherings:follow_up", args=[g.pk])

    def add(n: int) -> None:
        item = _item(meeting, f"議題{n}")
        for person in meeting.extra:
            followup.remark_add(item=item, person=person, text=f"意見{n}", by=w.clerk)
        followup.decision_record(gathering=g, text=f"決定{n}", agenda_item=item, by=w.clerk)

    add(0)
    c.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        c.get(url)
    for n in range(1, 6):
        add(n)
    with django_assert_num_queries(len(ctx)):
        assert c.get(url).status_code == 200
