"""In the browser: the petitioner follows a letter with its tracking code on a phone; the
handler replies with an attachment; the unit's head approves the reply."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from sanxing.casework import services
from sanxing.casework.models import ItemAttachment, Reply, UnitSetting
from sanxing.people.models import Role
from sanxing.people.testing import build_world, give_role, make_user
from tests.browser.conftest import ARTIFACTS
from tests.browser.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_petitioner_follows_a_letter_on_a_phone(page):
    world = build_world()
    letter = services.letter_receive(
        congress=world.congress,
        channel="letter",
        petitioner_name="錢七",
        petitioner_phone="13912345678",
        title="小區夜間施工噪聲",
        content="",
        by=world.clerk,
    )
    services.letter_accept(item=letter, by=world.clerk)
    services.letter_answer(
        item=letter,
        outcome="support",
        text="已責令施工單位停止夜間施工。",
        signed_by="信訪室",
        by=world.clerk,
    )
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(page.base_url + "/casework/track/")
    page.fill("#id_code", "WRONGCODE234")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).not_to_contain_text("小區夜間施工噪聲")
    page.fill("#id_code", str(letter.tracking_code).lower())
    page.locator("main form button[type=submit]").click()
    main = page.locator("main")
    expect(main).to_contain_text("小區夜間施工噪聲")
    expect(main).to_contain_text("已責令施工單位停止夜間施工")
    expect(main).not_to_contain_text("錢七")
    expect(main).not_to_contain_text("13912345678")
    # Nothing overflows the phone's width.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "casework-track-phone.png"), full_page=True)


def test_handler_replies_with_an_attachment_and_the_head_approves(page, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world()
    head = make_user(world.congress, "unit_head", "陳局長")
    give_role(head, world.unit, Role.Kind.UNIT_HEAD)
    UnitSetting.objects.create(congress=world.congress, unit=world.unit, reply_needs_approval=True)
    item = services.item_submit(
        congress=world.congress,
        kind="suggestion",
        title="關於校園周邊交通的建議",
        content="",
        deputies=[world.deputy.person],
        by=world.deputy,
    )
    item = services.item_register(item=item, by=world.clerk)
    services.item_assign(item=item, lead_unit=world.unit, by=world.clerk)
    upload = tmp_path / "答復函.pdf"
    upload.write_bytes(PDF)

    login(page, "handler")
    page.goto(page.base_url + f"/casework/items/{item.pk}/")
    page.select_option("#id_reply_class", "A")
    page.fill("#id_text", "已在學校門口增設信號燈。")
    page.fill("#id_signed_by", "李局長")
    page.set_input_files("#id_attachments", str(upload))
    page.locator("#reply-form button[type=submit]").click()
    expect(page.locator(".banner-success")).to_be_visible()
    reply_card = page.locator(".reply")
    expect(reply_card).to_contain_text("已在學校門口增設信號燈")
    expect(reply_card).to_contain_text("答復函.pdf")
    expect(reply_card.locator(".tag-amber")).to_be_visible()  # awaiting the head
    link = ItemAttachment.objects.get(item=item)
    assert link.attachment.original_name == "答復函.pdf"
    page.context.clear_cookies()

    # The deputy does not see it yet.
    login(page, "deputy")
    page.goto(page.base_url + f"/casework/items/{item.pk}/")
    expect(page.locator("main")).not_to_contain_text("已在學校門口增設信號燈")
    page.context.clear_cookies()

    login(page, "unit_head")
    page.goto(page.base_url + f"/casework/items/{item.pk}/")
    reply = Reply.objects.get(item=item)
    page.locator(f"#approve-reply-{reply.pk}").click()
    expect(page.locator(".banner-success")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "casework-reply-approved.png"), full_page=True)
    reply.refresh_from_db()
    assert reply.approval == "approved" and reply.is_sent
    page.context.clear_cookies()

    login(page, "deputy")
    page.goto(page.base_url + f"/casework/items/{item.pk}/")
    expect(page.locator(".reply")).to_contain_text("已在學校門口增設信號燈")
    with page.expect_download() as info:
        page.get_by_role("link", name="答復函.pdf").click()
    assert info.value.suggested_filename == "答復函.pdf"


def test_each_deadline_keeps_its_date_and_rule_in_view_on_a_phone(page):
    world = build_world()
    item = services.item_submit(
        congress=world.congress,
        kind="suggestion",
        title="關於校園周邊交通的建議",
        content="",
        deputies=[world.deputy.person],
        by=world.deputy,
    )
    item = services.item_register(item=item, by=world.clerk)
    services.item_assign(
        item=item, lead_unit=world.unit, co_units=[world.other_unit], by=world.clerk
    )
    page.set_viewport_size({"width": 375, "height": 740})
    login(page, "handler")
    page.goto(page.base_url + f"/casework/items/{item.pk}/")
    clocks = page.locator("ul.clocks > li")
    expect(page.locator("ul.clocks")).to_contain_text("代表法")  # the rule, in view
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    overflowing = page.evaluate(
        """() => [...document.querySelectorAll('main *')]
            .filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible')
            .map(e => e.className)"""
    )
    assert overflowing == []
    for box in clocks.all():
        right = box.evaluate("e => e.getBoundingClientRect().right")
        assert right <= 375


def test_the_units_list_keeps_titles_and_due_dates_in_view_on_a_phone(page):
    world = build_world()
    title = "關於校園周邊交通安全設施改造的建議"
    item = services.item_submit(
        congress=world.congress,
        kind="suggestion",
        title=title,
        content="",
        deputies=[world.deputy.person],
        by=world.deputy,
    )
    item = services.item_register(item=item, by=world.clerk)
    services.item_assign(item=item, lead_unit=world.unit, by=world.clerk)
    page.set_viewport_size({"width": 375, "height": 740})
    login(page, "handler")
    page.goto(page.base_url + "/casework/unit/")
    row = page.locator("ul.unit-items > li").first
    expect(row).to_contain_text("代表法")  # the rule behind the due date
    expect(row.locator(".tag").first).to_be_visible()  # days left
    link = row.get_by_role("link")
    assert link.evaluate("e => e.getBoundingClientRect().width") > 200  # not squeezed
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.context.clear_cookies()

    login(page, "deputy")
    page.goto(page.base_url + "/casework/mine/")
    cards = page.locator("ul.casework-cards")
    assert cards.evaluate("e => getComputedStyle(e).listStyleType") == "none"
    assert cards.evaluate("e => getComputedStyle(e).paddingLeft") == "0px"
    expect(cards).to_contain_text(title)


def test_the_clerk_assigns_a_letter_and_a_suggestion_together_from_the_desk(page):
    import datetime as dt

    from django.utils import timezone

    from sanxing.casework.models import Assignment

    world = build_world()
    today = timezone.localdate()
    letter = services.letter_receive(
        congress=world.congress,
        channel="letter",
        petitioner_name="孫八",
        title="學校周邊路燈不亮",
        content="",
        received_on=today - dt.timedelta(days=3),
        by=world.clerk,
    )
    services.letter_accept(item=letter, by=world.clerk)
    waiting = services.letter_receive(
        congress=world.congress,
        channel="visit",
        petitioner_name="周九",
        title="尚未受理的來訪",
        content="",
        by=world.clerk,
    )
    suggestion = services.item_submit(
        congress=world.congress,
        kind="suggestion",
        title="關於增加學位的建議",
        content="",
        topic="education",
        submitted_on=today - dt.timedelta(days=3),
        deputies=[world.deputy.person],
        by=world.clerk,
    )
    services.item_register(item=suggestion, by=world.clerk)

    login(page, "clerk")
    page.goto(page.base_url + "/casework/")
    expect(page.locator(f"#select-{waiting.pk}")).to_have_count(0)  # accept it first
    page.check(f"#select-{letter.pk}")
    page.check(f"#select-{suggestion.pk}")
    page.locator("#bulk-assign").click()
    expect(page.locator("#letters-note")).to_be_visible()
    page.select_option("#id_lead_unit", str(world.unit.pk))
    page.locator("main form button[type=submit]").first.click()
    main = page.locator("main")
    expect(main).to_contain_text("學校周邊路燈不亮")
    expect(main).to_contain_text("關於增加學位的建議")
    handle_due = letter.clocks.get(purpose="handle").due_on
    expect(main).to_contain_text(str(handle_due.year))
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "casework-bulk-assign-letters.png"), full_page=True)
    page.locator("#confirm-bulk-assign").click()
    expect(page.locator(".banner-success")).to_contain_text("市教育局")
    assert Assignment.objects.filter(item=letter, unit=world.unit).exists()
    assert Assignment.objects.filter(item=suggestion, unit=world.unit).exists()
    assert not Assignment.objects.filter(item=waiting).exists()
