"""The attendance list PDF, contingency plans (預案) and coordination tasks with outside
bodies."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from sanxing.core.errors import BusinessError
from sanxing.gatherings import preparation, services, views_preparation
from sanxing.gatherings.models import ChecklistTask, ContingencyPlan
from sanxing.gatherings.tests.conftest import Meeting, P, during

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_attendance_list_pdf_names_who_capacity_status_and_a_signature_column(
    meeting: Meeting, monkeypatch
):
    w, g = meeting.world, meeting.gathering
    services.leave_request(
        gathering=g,
        person=meeting.extra[0],
        reason="出差",
        by=w.clerk,
        at=g.starts_at - dt.timedelta(days=1),
    )
    leave = g.leave_requests.get()
    services.leave_decide(leave=leave, approve=True, by=w.clerk)
    services.check_in(
        gathering=g, person=P(w.member), status="present", by=w.clerk, at=during(meeting)
    )
    clerk = Client()
    clerk.force_login(w.clerk)
    url = reverse("gatherings:attendance_pdf", args=[g.pk])
    response = clerk.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")

    seen = {}
    real = views_preparation.render_pdf

    def capture(template, context, **kw):
        seen["html"] = render_to_string(template, context)
        return real(template, context, **kw)

    monkeypatch.setattr(views_preparation, "render_pdf", capture)
    clerk.get(url)
    html = seen["html"]
    assert "Signature" in html or "簽名" in html or "签名" in html
    assert P(w.member).name in html and meeting.head.name in html
    lines = html.split("<tr>")
    member_line = next(line for line in lines if P(w.member).name in line)
    leave_line = next(line for line in lines if meeting.extra[0].name in line)
    assert ("present" in member_line.lower()) or ("出席" in member_line)
    assert ("leave" in leave_line.lower()) or ("請假" in leave_line) or ("请假" in leave_line)

    for user in (w.outsider, w.member):
        c = Client()
        c.force_login(user)
        assert c.get(url).status_code == 404


def test_contingency_plans_text_or_file(meeting: Meeting):
    w, g = meeting.world, meeting.gathering
    with pytest.raises(BusinessError):
        preparation.contingency_plan_add(gathering=g, title="停電預案", by=w.clerk)
    plan = preparation.contingency_plan_add(
        gathering=g, title="停電預案", text="啟用備用電源。", by=w.clerk
    )
    assert plan.history.first().history_user == w.clerk
    with pytest.raises(BusinessError) as err:
        preparation.contingency_plan_add(
            gathering=g, title="x", file_name="a.pdf", file_content=b"MZ\x90\x00", by=w.clerk
        )
    assert err.value.field == "file"
    clerk = Client()
    clerk.force_login(w.clerk)
    url = reverse("gatherings:contingency_plans", args=[g.pk])
    r = clerk.post(url, {"title": "疏散預案", "file": SimpleUploadedFile("plan.pdf", PDF)})
    assert r.status_code == 302
    with_file = ContingencyPlan.objects.get(title="疏散預案")
    download = clerk.get(reverse("gatherings:contingency_plan_file", args=[with_file.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]
    page = clerk.get(url).content.decode()
    assert "停電預案" in page and "plan.pdf" in page
    assert clerk.post(url, {"title": "空"}).status_code == 400
    for user in (w.outsider, w.member):
        c = Client()
        c.force_login(user)
        assert c.get(url).status_code == 404
        assert (
            c.get(reverse("gatherings:contingency_plan_file", args=[with_file.pk])).status_code
            == 404
        )


def test_coordination_tasks_with_outside_bodies(meeting: Meeting):
    w, g = meeting.world, meeting.gathering
    task = services.checklist_task_add(
        gathering=g,
        title="商請市政協列席",
        offset_days=-7,
        counterpart="cppcc",
        counterpart_contact="市政協辦公廳",
        by=w.clerk,
    )
    assert task.due_on < g.starts_at.date() and task.rule
    with pytest.raises(BusinessError) as err:
        services.checklist_task_add(
            gathering=g, title="x", offset_days=-1, counterpart="army", by=w.clerk
        )
    assert err.value.field == "counterpart"
    clerk = Client()
    clerk.force_login(w.clerk)
    url = reverse("gatherings:checklist", args=[g.pk])
    r = clerk.post(
        url,
        {
            "title": "向市委報告會議安排",
            "offset_days": -10,
            "working_days": "on",
            "counterpart": "party_committee",
        },
    )
    assert r.status_code == 302
    assert ChecklistTask.objects.get(title="向市委報告會議安排").counterpart == "party_committee"
    page = clerk.get(url).content.decode()
    assert "市政協辦公廳" in page
