"""The reply letter and the deputy's satisfaction form as GB/T 9704 PDFs with Chinese text."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from sanxing.casework import pdfs, services
from sanxing.casework.tests.factories import assigned_suggestion

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC), tick=False):
        yield


def _texts(box):
    if getattr(box, "text", None):
        yield box.text
    for child in getattr(box, "children", None) or []:
        yield from _texts(child)


def _text(document) -> str:
    return "".join("".join(_texts(page._page_box)) for page in document.pages)


@pytest.fixture
def replied(world):
    item, lead = assigned_suggestion(world, on=dt.date(2026, 3, 2), title="關於增加學位的建議")
    reply = services.reply_submit(
        assignment=lead,
        text="經研究，今年新增學位三千個。\n明年再增兩千個。",
        reply_class="A",
        signed_by="王局長",
        sent_on=dt.date(2026, 5, 20),
        by=world.handler,
    )
    return item, reply


def test_the_reply_letter_renders_with_the_chinese_text(world, replied):
    _item, reply = replied
    document = pdfs.render(
        "casework/reply_letter.html", pdfs.reply_letter_context(reply), document=True
    )
    page = document.pages[0]
    assert round(page.width / 96 * 25.4) == 210 and round(page.height / 96 * 25.4) == 297
    text = _text(document)
    for expected in ("關於增加學位的建議", "今年新增學位三千個", "王局長", world.unit.name, "代表"):
        assert expected in text, expected


def test_the_satisfaction_form_renders_blank_then_with_the_evaluation(world, replied):
    item, _reply = replied
    blank = _text(
        pdfs.render(
            "casework/satisfaction_form.html", pdfs.satisfaction_form_context(item), document=True
        )
    )
    assert "關於增加學位的建議" in blank and "满意" in blank and "基本满意" in blank
    assert "✓" not in blank
    services.evaluation_submit(item=item, value="satisfied", comment="辦得好", by=world.deputy)
    filled = _text(
        pdfs.render(
            "casework/satisfaction_form.html", pdfs.satisfaction_form_context(item), document=True
        )
    )
    assert "✓" in filled and "辦得好" in filled and world.deputy.person.name in filled


def test_pdf_downloads_from_the_item_page_for_those_who_see_it(client, world, replied):
    item, reply = replied
    urls = [
        f"/casework/items/{item.pk}/replies/{reply.pk}/letter.pdf",
        f"/casework/items/{item.pk}/satisfaction-form.pdf",
    ]
    client.force_login(world.deputy)
    page = client.get(f"/casework/items/{item.pk}/").content.decode()
    for url in urls:
        assert url in page
        r = client.get(url)
        assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
        assert r.content.startswith(b"%PDF")
    for user in (world.outsider, world.other_handler):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404
