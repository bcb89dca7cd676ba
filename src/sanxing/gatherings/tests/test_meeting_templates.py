"""Meeting templates (issue 4): the clerk saves a meeting's agenda as a template, edits it,
and plans the next meeting from it; nobody but the office sees a template."""

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sanxing.core.errors import BusinessError, StaleEdit
from sanxing.gatherings import meeting_templates as mt
from sanxing.gatherings import services
from sanxing.gatherings.kinds import COMMITTEE_MEETING, DIRECTORS_MEETING
from sanxing.gatherings.models import AgendaItem, Gathering, MeetingTemplate, MeetingTemplateLine
from sanxing.gatherings.tests.conftest import STARTS, TZ, Meeting
from sanxing.people.models import Congress, Organisation, Role
from sanxing.people.testing import give_role, make_user

pytestmark = pytest.mark.django_db
API = "/api/v1/gatherings/templates"
JSON = "application/json"


def client_for(user) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(user)
    return c


@pytest.fixture
def committee_body(meeting: Meeting) -> Organisation:
    return Organisation.objects.create(
        congress=meeting.world.congress,
        name="法制委員會",
        kind=Organisation.Kind.SPECIAL_COMMITTEE,
    )


@pytest.fixture
def agenda(meeting: Meeting, committee_body: Organisation) -> list[AgendaItem]:
    w, g = meeting.world, meeting.gathering
    items = [
        services.agenda_item_add(
            gathering=g,
            title="審議《示範市物業管理條例（草案）》",
            kind=AgendaItem.Kind.DRAFT_REGULATION,
            responsible_committee=committee_body,
            by=w.clerk,
        ),
        services.agenda_item_add(
            gathering=g,
            title="聽取和審議市人民政府關於教育工作情況的報告",
            presenting_body=w.government,
            by=w.clerk,
        ),
        services.agenda_item_add(gathering=g, title="撤回的議題", by=w.clerk),
        services.agenda_item_add(
            gathering=g, title="人事任免", kind=AgendaItem.Kind.APPOINTMENT, by=w.clerk
        ),
    ]
    services.agenda_item_withdraw(item=items[2], reason="材料未備", by=w.clerk)
    return items


@pytest.fixture
def template(meeting: Meeting, agenda) -> MeetingTemplate:
    return mt.template_from_gathering(
        gathering=meeting.gathering, name="常委會會議標準議程", by=meeting.world.clerk
    )


# --- services -------------------------------------------------------------------------------


def test_saving_a_meeting_keeps_its_agenda_without_withdrawn_items(template, committee_body):
    lines = list(template.lines.order_by("order"))
    assert [(line.order, line.title) for line in lines] == [
        (1, "審議《示範市物業管理條例（草案）》"),
        (2, "聽取和審議市人民政府關於教育工作情況的報告"),
        (3, "人事任免"),
    ]
    assert lines[0].kind == "draft_regulation"
    assert lines[0].responsible_committee_id == committee_body.pk
    assert template.kind == COMMITTEE_MEETING
    assert template.place == "常委會會議室"
    assert template.start_time == dt.time(9, 0)
    assert template.duration_minutes == 240
    assert template.history.count() == 1
    assert lines[0].history.first().history_user is not None


def test_an_empty_name_is_refused_and_nothing_is_written(meeting: Meeting, agenda):
    with pytest.raises(BusinessError) as exc:
        mt.template_from_gathering(gathering=meeting.gathering, name="  ", by=meeting.world.clerk)
    assert exc.value.field == "name"
    assert not MeetingTemplate.all_objects.exists()
    assert not MeetingTemplateLine.all_objects.exists()


def test_update_reorders_adds_and_removes_lines(template, meeting: Meeting):
    first, second, third = template.lines.order_by("order")
    updated = mt.template_update(
        template=template,
        version=template.version,
        name="常委會會議議程（雙月）",
        place="第一會議室",
        start_time=dt.time(14, 30),
        duration_minutes=180,
        lines=[
            mt.LineSpec(id=third.pk, title=third.title, kind=third.kind),
            mt.LineSpec(id=first.pk, title="審議條例草案（二審）", kind="draft_regulation"),
            mt.LineSpec(title="專題詢問", kind="inquiry"),
        ],
        by=meeting.world.clerk,
    )
    assert updated.version == template.version + 1
    assert [(line.order, line.title) for line in updated.lines.order_by("order")] == [
        (1, "人事任免"),
        (2, "審議條例草案（二審）"),
        (3, "專題詢問"),
    ]
    removed = MeetingTemplateLine.all_objects.get(pk=second.pk)
    assert removed.deleted_at is not None
    assert removed.history.first().history_user == meeting.world.clerk


def test_the_second_editor_is_told(template, meeting: Meeting):
    read_at = template.version
    common: dict[str, Any] = {
        "start_time": dt.time(9),
        "duration_minutes": 240,
        "by": meeting.world.clerk,
    }
    mt.template_update(template=template, version=read_at, name="甲", **common)
    with pytest.raises(StaleEdit):
        mt.template_update(template=template, version=read_at, name="乙", **common)
    assert MeetingTemplate.objects.get().name == "甲"


def test_a_body_of_another_congress_is_refused(template, meeting: Meeting):
    other = Congress.objects.create(name="另一市人民代表大會")
    foreign = Organisation.objects.create(congress=other, name="外市政府")
    with pytest.raises(BusinessError):
        mt.template_update(
            template=template,
            version=template.version,
            name="x",
            start_time=dt.time(9),
            duration_minutes=60,
            lines=[mt.LineSpec(title="報告", presenting_body_id=foreign.pk)],
            by=meeting.world.clerk,
        )
    assert template.lines.count() == 3


def test_plan_from_a_template_on_a_date(template, meeting: Meeting):
    w = meeting.world
    day = dt.date(2027, 2, 24)
    g = mt.gathering_plan_from_template(
        template=template, congress=w.congress, starts_on=day, by=w.clerk
    )
    assert g.kind == COMMITTEE_MEETING
    assert g.status == Gathering.Status.PLANNED
    assert g.starts_at == dt.datetime(2027, 2, 24, 9, 0, tzinfo=TZ)
    assert g.ends_at - g.starts_at == dt.timedelta(minutes=240)
    assert g.place == "常委會會議室"
    assert meeting.gathering.sitting is not None
    assert g.sitting == meeting.gathering.sitting + 1  # numbered like any planned meeting
    items = list(g.agenda_items.order_by("order"))
    assert [i.title for i in items] == [line.title for line in template.lines.order_by("order")]
    assert {i.state for i in items} == {AgendaItem.State.PROPOSED}
    assert not g.roster.exists() and not g.checklist.exists()  # as gathering_plan leaves them
    assert items[0].history.first().history_change_reason == "from template"


def test_plan_with_a_time_and_duration_given(template, meeting: Meeting):
    w = meeting.world
    at = dt.datetime(2027, 3, 1, 14, 30, tzinfo=TZ)
    g = mt.gathering_plan_from_template(
        template=template, congress=w.congress, starts_at=at, duration_minutes=90, by=w.clerk
    )
    assert g.starts_at == at and g.ends_at == at + dt.timedelta(minutes=90)


def test_plan_refusals_write_nothing(template, meeting: Meeting):
    w = meeting.world
    count = Gathering.objects.count()
    other = Congress.objects.create(name="另一市人民代表大會")
    cases = [
        {"congress": other, "starts_on": dt.date(2027, 1, 5)},
        {"congress": w.congress, "starts_on": dt.date(2027, 1, 5), "kind": DIRECTORS_MEETING},
        {"congress": w.congress},
        {"congress": w.congress, "starts_on": dt.date(2027, 1, 5), "duration_minutes": 0},
    ]
    for kwargs in cases:
        with pytest.raises(BusinessError):
            mt.gathering_plan_from_template(template=template, by=w.clerk, **kwargs)
    assert Gathering.objects.count() == count


def test_clone_still_copies_the_agenda(meeting: Meeting, agenda):
    clone = services.gathering_clone(
        source=meeting.gathering,
        starts_at=STARTS + dt.timedelta(days=60),
        ends_at=STARTS + dt.timedelta(days=60, hours=4),
        by=meeting.world.clerk,
    )
    assert clone.agenda_items.count() == 3


def test_delete_is_soft_with_history(template, meeting: Meeting):
    read = MeetingTemplate.objects.get()
    mt.template_delete(template=template, by=meeting.world.clerk)
    with pytest.raises(BusinessError):  # the editor who still had it open is told
        mt.template_update(
            template=read,
            version=read.version,
            name="x",
            start_time=dt.time(9),
            duration_minutes=60,
            by=meeting.world.clerk,
        )
    assert not MeetingTemplate.objects.exists()
    gone = MeetingTemplate.all_objects.get()
    assert gone.deleted_by == meeting.world.clerk
    assert gone.history.first().history_user == meeting.world.clerk
    with pytest.raises(BusinessError):
        mt.template_delete(template=gone, by=meeting.world.clerk)


# --- pages ----------------------------------------------------------------------------------


def test_the_clerk_saves_edits_and_plans_through_the_pages(meeting: Meeting, agenda):
    w = meeting.world
    c = client_for(w.clerk)
    detail = c.get(reverse("gatherings:detail", args=[meeting.gathering.pk]))
    assert reverse("gatherings:save_as_template", args=[meeting.gathering.pk]) in detail.text
    url = reverse("gatherings:save_as_template", args=[meeting.gathering.pk])
    assert c.get(url).status_code == 200
    assert c.post(url, {"name": ""}).status_code == 200  # the error summary
    response = c.post(url, {"name": "標準議程"})
    template = MeetingTemplate.objects.get()
    assert response["Location"] == reverse("gatherings:template", args=[template.pk])
    page = c.get(response["Location"])
    assert "人事任免" in page.text and "Save the template" in page.text

    lines = list(template.lines.order_by("order"))
    data = {
        "name": "標準議程",
        "description": "每兩個月一次",
        "place": "常委會會議室",
        "start_time": "09:30",
        "duration_minutes": "200",
        "version": str(template.version),
        "line-TOTAL_FORMS": "4",
        "line-INITIAL_FORMS": "3",
        "line-MIN_NUM_FORMS": "0",
        "line-MAX_NUM_FORMS": "1000",
    }
    for n, line in enumerate(lines):
        data |= {
            f"line-{n}-id": str(line.pk),
            f"line-{n}-order": str(line.order),
            f"line-{n}-title": line.title,
            f"line-{n}-kind": line.kind,
            f"line-{n}-presenting_body": str(line.presenting_body_id or ""),
            f"line-{n}-responsible_committee": str(line.responsible_committee_id or ""),
        }
    data["line-1-remove"] = "on"
    data |= {"line-3-title": "專題詢問", "line-3-kind": "inquiry", "line-3-order": "1"}
    response = c.post(page.request["PATH_INFO"], data)
    assert response.status_code == 302, response.content.decode()[:2000]
    template.refresh_from_db()
    assert template.start_time == dt.time(9, 30) and template.duration_minutes == 200
    titles = [line.title for line in template.lines.order_by("order")]
    # the new line typed in at position 1 comes after the line already there
    assert titles == ["審議《示範市物業管理條例（草案）》", "專題詢問", "人事任免"]

    # the stale form is told, not saved
    stale = c.post(page.request["PATH_INFO"], data)
    assert stale.status_code == 200 and "Someone else saved this template" in stale.text

    plan_page = c.get(reverse("gatherings:plan"))
    assert "Plan from a template" in plan_page.text and "標準議程" in plan_page.text
    response = c.post(
        reverse("gatherings:template_plan"),
        {
            "from_template-template": template.pk,
            "from_template-starts_on": "2027-04-20",
            "from_template-title": "第三十一次會議",
        },
    )
    g = Gathering.objects.get(title="第三十一次會議")
    assert response["Location"] == reverse("gatherings:detail", args=[g.pk])
    assert [i.title for i in g.agenda_items.order_by("order")] == titles
    local = timezone.localtime(g.starts_at)
    assert (local.date(), local.time()) == (dt.date(2027, 4, 20), dt.time(9, 30))
    assert g.ends_at - g.starts_at == dt.timedelta(minutes=200)
    # another time, duration and place for this one meeting; the template keeps its own
    c.post(
        reverse("gatherings:template_plan"),
        {
            "from_template-template": template.pk,
            "from_template-starts_on": "2027-06-22",
            "from_template-start_time": "14:30",
            "from_template-duration_minutes": "90",
            "from_template-place": "市人大常委會第二會議室",
            "from_template-title": "第三十二次會議",
        },
    )
    other = Gathering.objects.get(title="第三十二次會議")
    local = timezone.localtime(other.starts_at)
    assert (local.date(), local.time()) == (dt.date(2027, 6, 22), dt.time(14, 30))
    assert other.ends_at - other.starts_at == dt.timedelta(minutes=90)
    assert other.place == "市人大常委會第二會議室"
    template.refresh_from_db()
    assert template.start_time == dt.time(9, 30) and template.duration_minutes == 200
    assert (
        c.post(
            reverse("gatherings:template_plan"), {"from_template-template": template.pk}
        ).status_code
        == 200
    )

    listing = c.get(reverse("gatherings:templates"))
    assert "標準議程" in listing.text
    c.post(reverse("gatherings:template_delete", args=[template.pk]))
    assert MeetingTemplate.all_objects.get().deleted_at is not None
    # nothing lost: the list offers the deleted template back, with its lines
    listing = c.get(reverse("gatherings:templates"))
    assert "Deleted templates" in listing.text
    restore = reverse("gatherings:template_restore", args=[template.pk])
    assert restore in listing.text
    response = c.post(restore)
    assert response["Location"] == reverse("gatherings:template", args=[template.pk])
    back = MeetingTemplate.objects.get()
    assert back.deleted_at is None and back.history.first().history_user == w.clerk
    assert [line.title for line in back.lines.order_by("order")] == titles
    assert c.post(restore).status_code == 404  # not deleted any more
    assert "Deleted templates" not in c.get(reverse("gatherings:templates")).text


def test_the_list_asks_a_fixed_number_of_queries(
    template, meeting: Meeting, django_assert_num_queries
):
    w = meeting.world
    for n in range(4):
        mt.template_create(
            congress=w.congress,
            kind=DIRECTORS_MEETING,
            name=f"主任會議議程{n}",
            lines=[mt.LineSpec(title="研究常委會會議議程")],
            by=w.clerk,
        )
    c = client_for(w.clerk)
    c.get(reverse("gatherings:templates"))  # warm the session and the menu
    # session, user, roles, the templates with their line counts, the deleted ones, the
    # header's person, the unread count
    with django_assert_num_queries(7) as ctx:
        response = c.get(reverse("gatherings:templates"))
    assert response.status_code == 200
    assert response.text.count("gatherings/templates/") >= 5
    assert len(ctx.captured_queries) == 7
    c.get(API)
    with django_assert_num_queries(5):  # session, user, roles, count, page (lines in SQL)
        api = c.get(API)
    assert api.json()["count"] == 5
    assert sorted(x["line_count"] for x in api.json()["items"]) == [1, 1, 1, 1, 3]


PAGES = [
    ("get", "gatherings:templates", None),
    ("get", "gatherings:template_plan", None),
    ("post", "gatherings:template_plan", None),
    ("get", "gatherings:template", "template"),
    ("post", "gatherings:template", "template"),
    ("post", "gatherings:template_delete", "template"),
    ("get", "gatherings:save_as_template", "gathering"),
    ("post", "gatherings:save_as_template", "gathering"),
]


@pytest.mark.parametrize("who", ["outsider", "member", "deputy", "director"])
def test_only_the_office_opens_the_template_pages(who, template, meeting: Meeting):
    c = client_for(getattr(meeting.world, who))
    for method, name, arg in PAGES:
        args = {"template": [template.pk], "gathering": [meeting.gathering.pk], None: []}[arg]
        response = getattr(c, method)(reverse(name, args=args))
        assert response.status_code == 404, (who, method, name)
    assert "常委會會議標準議程" not in c.get(reverse("gatherings:plan")).text
    assert MeetingTemplate.objects.get().deleted_at is None


def test_another_congress_clerk_gets_404(template, meeting: Meeting):
    other = Congress.objects.create(name="另一市人民代表大會")
    clerk = make_user(other, "other_clerk", "外市文員")
    office = Organisation.objects.create(
        congress=other, name="辦公室", kind=Organisation.Kind.OFFICE_BODY
    )
    give_role(clerk, office, Role.Kind.STAFF)
    c = client_for(clerk)
    assert c.get(reverse("gatherings:templates")).status_code == 200
    assert "常委會會議標準議程" not in c.get(reverse("gatherings:templates")).text
    assert c.get(reverse("gatherings:template", args=[template.pk])).status_code == 404
    assert c.get(f"{API}/{template.pk}").status_code == 404
    assert c.get(API).json()["count"] == 0


# --- API ------------------------------------------------------------------------------------


def test_the_api_saves_reads_patches_plans_and_deletes(meeting: Meeting, agenda):
    w = meeting.world
    c = client_for(w.clerk)
    response = c.post(
        API,
        json.dumps({"gathering_id": meeting.gathering.pk, "name": "常委會會議標準議程"}),
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["line_count"] == 3 and [x["order"] for x in body["lines"]] == [1, 2, 3]
    pk = body["id"]
    assert c.get(API).json()["items"][0]["id"] == pk
    assert c.get(f"{API}/{pk}").json()["name"] == "常委會會議標準議程"

    lines = body["lines"]
    patch = {
        "version": body["version"],
        "name": "議程（改）",
        "lines": [lines[2], {"title": "專題詢問", "kind": "inquiry"}],
    }
    response = c.patch(f"{API}/{pk}", json.dumps(patch), content_type=JSON)
    assert response.status_code == 200, response.content
    assert [x["title"] for x in response.json()["lines"]] == ["人事任免", "專題詢問"]
    stale = c.patch(f"{API}/{pk}", json.dumps(patch), content_type=JSON)
    assert stale.status_code == 409 and stale.json()["code"] == "stale"
    empty = c.patch(
        f"{API}/{pk}", json.dumps({"version": body["version"] + 1, "name": " "}), content_type=JSON
    )
    assert empty.status_code == 400 and empty.json()["field"] == "name"

    planned = c.post(f"{API}/{pk}/plan", json.dumps({"starts_on": "2027-05-10"}), content_type=JSON)
    assert planned.status_code == 201, planned.content
    g = Gathering.objects.get(pk=planned.json()["id"])
    assert planned.json()["url"].endswith(reverse("gatherings:detail", args=[g.pk]))
    assert [i.title for i in g.agenda_items.order_by("order")] == ["人事任免", "專題詢問"]
    missing = c.post(f"{API}/{pk}/plan", json.dumps({}), content_type=JSON)
    assert missing.status_code == 400 and missing.json()["field"] == "starts_on"
    other_kind = {"starts_on": "2027-05-11", "kind": DIRECTORS_MEETING}
    wrong = c.post(f"{API}/{pk}/plan", json.dumps(other_kind), content_type=JSON)
    assert wrong.status_code == 400 and wrong.json()["field"] == "template"
    at = {"starts_at": "2027-06-01T14:30:00", "duration_minutes": 90}
    timed = c.post(f"{API}/{pk}/plan", json.dumps(at), content_type=JSON)
    assert timed.status_code == 201, timed.content
    timed_g = Gathering.objects.get(pk=timed.json()["id"])
    assert timed_g.starts_at == dt.datetime(2027, 6, 1, 14, 30, tzinfo=TZ)
    assert timed_g.ends_at == timed_g.starts_at + dt.timedelta(minutes=90)
    version = c.get(f"{API}/{pk}").json()["version"]
    zero = json.dumps({"version": version, "duration_minutes": 0})
    bad = c.patch(f"{API}/{pk}", zero, content_type=JSON)
    assert bad.status_code == 400 and bad.json()["field"] == "duration_minutes"

    assert c.delete(f"{API}/{pk}").status_code == 204
    assert c.get(f"{API}/{pk}").status_code == 404
    assert MeetingTemplate.all_objects.get(pk=pk).deleted_at is not None
    restored = c.post(f"{API}/{pk}/restore")
    assert restored.status_code == 200 and restored.json()["id"] == pk
    assert c.get(f"{API}/{pk}").status_code == 200
    assert c.post(f"{API}/{pk}/restore").status_code == 404  # not deleted any more


@pytest.mark.parametrize("who", ["outsider", "member", "deputy"])
def test_only_the_office_restores_a_deleted_template(who, template, meeting: Meeting):
    mt.template_delete(template=template, by=meeting.world.clerk)
    c = client_for(getattr(meeting.world, who))
    assert c.post(reverse("gatherings:template_restore", args=[template.pk])).status_code == 404
    assert c.post(f"{API}/{template.pk}/restore").status_code == 404
    assert MeetingTemplate.all_objects.get().deleted_at is not None


@pytest.mark.parametrize("who", ["outsider", "member", "deputy"])
def test_the_api_refuses_everyone_but_the_office(who, template, meeting: Meeting):
    c = client_for(getattr(meeting.world, who))
    pk = template.pk
    assert c.get(API).json()["count"] == 0
    assert c.get(f"{API}/{pk}").status_code == 404
    body = json.dumps({"gathering_id": meeting.gathering.pk, "name": "x"})
    assert c.post(API, body, content_type=JSON).status_code == 404
    patch = json.dumps({"version": template.version, "name": "x"})
    assert c.patch(f"{API}/{pk}", patch, content_type=JSON).status_code == 404
    plan = json.dumps({"starts_on": "2027-05-10"})
    assert c.post(f"{API}/{pk}/plan", plan, content_type=JSON).status_code == 404
    assert c.delete(f"{API}/{pk}").status_code == 404
    assert MeetingTemplate.objects.get().name == "常委會會議標準議程"


def test_the_gathering_detail_still_answers(meeting: Meeting):
    c = client_for(meeting.world.clerk)
    assert c.get(f"/api/v1/gatherings/{meeting.gathering.pk}").status_code == 200


def test_the_demo_has_two_standard_agendas():
    import random

    from sanxing.demo import people_demo
    from sanxing.demo.registry import DemoContext
    from sanxing.gatherings import demo

    today = dt.date(2026, 11, 28)
    congress, term = people_demo.create_congress(today=today)
    ctx = DemoContext(
        congress=congress, term=term, rng=random.Random("1:people"), today=today, log=print
    )
    people_demo.build(ctx)
    demo.build_templates(ctx)
    templates = MeetingTemplate.objects.filter(congress=congress).order_by("kind")
    assert [t.kind for t in templates] == [COMMITTEE_MEETING, DIRECTORS_MEETING]
    committee = templates[0]
    assert [line.title for line in committee.lines.order_by("order")][2] == "審議人事任免事項"
    assert committee.lines.filter(responsible_committee__name="法制委員會").exists()
