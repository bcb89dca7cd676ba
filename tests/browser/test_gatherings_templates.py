"""The clerk saves a meeting's agenda as a template, edits one of its lines, plans the next
meeting from it on the plan page and finds the template's agenda on the new meeting."""

import datetime as dt
import re

import pytest

from sanxing.gatherings import services
from sanxing.gatherings.kinds import COMMITTEE_MEETING
from sanxing.gatherings.models import AgendaItem, Gathering, MeetingTemplate
from sanxing.gatherings.tests.conftest import STARTS
from tests.browser.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_clerk_plans_a_meeting_from_a_saved_template(world, page):
    g = services.gathering_plan(
        congress=world.congress,
        kind=COMMITTEE_MEETING,
        title="第十六屆常委會第三十次會議",
        starts_at=STARTS,
        ends_at=STARTS + dt.timedelta(hours=3),
        place="常委會會議室",
        by=world.clerk,
    )
    for title, kind in (
        ("審議《示範市物業管理條例（草案）》", AgendaItem.Kind.DRAFT_REGULATION),
        ("聽取和審議市人民政府關於教育工作情況的報告", AgendaItem.Kind.REPORT),
        ("審議人事任免事項", AgendaItem.Kind.APPOINTMENT),
    ):
        services.agenda_item_add(gathering=g, title=title, kind=kind, by=world.clerk)

    # The clerk saves the meeting's agenda as a template.
    login(page, "clerk")
    page.goto(f"{page.base_url}/gatherings/{g.pk}/")
    page.click("#save-as-template")
    page.fill("#id_name", "常委會會議標準議程")
    page.click("#save-template")
    page.wait_for_url(re.compile(r"/gatherings/templates/\d+/$"))
    template = MeetingTemplate.objects.get()
    assert page.locator("#template-lines li").count() == 3

    # …edits one line: the report becomes a report on health care.
    page.click("#edit-toggle")
    page.fill("#id_line-1-title", "聽取和審議市人民政府關於醫療衛生工作情況的報告")
    page.click("#template-save")
    page.wait_for_load_state()
    assert page.locator("#template-lines").inner_text().count("醫療衛生") == 1
    assert template.lines.filter(title__contains="醫療衛生").exists()
    # the edit form works on a phone: nothing wider than the screen
    page.set_viewport_size({"width": 375, "height": 800})
    page.click("#edit-toggle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.set_viewport_size({"width": 1280, "height": 800})

    # …and plans the next meeting from it on the plan page.
    page.goto(page.base_url + "/gatherings/new/")
    page.select_option("#id_from_template-template", str(template.pk))
    page.fill("#id_from_template-starts_on", "2027-02-24")
    page.click("#plan-from-template-submit")
    page.wait_for_url(re.compile(r"/gatherings/\d+/$"))
    new = Gathering.objects.exclude(pk=g.pk).get()
    assert page.url.endswith(f"/gatherings/{new.pk}/")
    agenda = page.content()
    for title in (
        "審議《示範市物業管理條例（草案）》",
        "聽取和審議市人民政府關於醫療衛生工作情況的報告",
        "審議人事任免事項",
    ):
        assert title in agenda
    assert [i.title for i in new.agenda_items.order_by("order")][1].endswith(
        "醫療衛生工作情況的報告"
    )
    assert new.place == "常委會會議室" and new.kind == COMMITTEE_MEETING

    # Deleted by mistake, the template comes back from the list with its lines.
    page.goto(f"{page.base_url}/gatherings/templates/{template.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#template-delete")
    page.wait_for_url(re.compile(r"/gatherings/templates/$"))
    assert MeetingTemplate.all_objects.get().deleted_at is not None
    page.click("#deleted-templates summary")
    page.click("#deleted-templates button")
    page.wait_for_url(re.compile(rf"/gatherings/templates/{template.pk}/$"))
    assert page.locator("#template-lines li").count() == 3
    assert MeetingTemplate.objects.get().deleted_at is None
