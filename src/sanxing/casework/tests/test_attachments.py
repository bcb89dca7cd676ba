"""Files on letters and replies: sniffed, limited, stored under MEDIA_ROOT, downloaded only
through the item's permission-checked lookup; a refused file leaves nothing behind."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from sanxing.casework import services
from sanxing.casework.models import Item, ItemAttachment
from sanxing.casework.tests.factories import assigned_suggestion
from sanxing.core.errors import BusinessError
from sanxing.documents.attachments import sniff
from sanxing.documents.models import Attachment

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC), tick=False):
        yield settings.MEDIA_ROOT


def _stored(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def _zip(*members: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for m in members:
            z.writestr(m, "<x/>")
    return buf.getvalue()


def test_types_are_sniffed_from_the_bytes():
    assert sniff(PDF) == "pdf"
    assert sniff(PNG) == "png"
    assert sniff(b"\xff\xd8\xff\xe0rest") == "jpg"
    assert sniff(_zip("word/document.xml")) == "docx"
    assert sniff(_zip("xl/workbook.xml")) == "xlsx"
    assert sniff(_zip("OFD.xml", "Doc_0/Document.xml")) == "ofd"
    assert sniff("市民來信".encode()) == "txt"
    assert sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1...", "a.xls") == "xls"
    assert sniff(EXE) is None
    assert sniff(_zip("evil.sh")) is None


def test_letter_intake_with_an_attachment_and_download(client, world, media):
    client.force_login(world.clerk)
    r = client.post(
        "/casework/letters/new/",
        {
            "petitioner_name": "錢七",
            "channel": "letter",
            "received_on": "2026-06-01",
            "title": "小區噪聲",
            "content": "夜間施工。",
            "topic": "other",
            "attachments": [SimpleUploadedFile("照片.png", PNG, content_type="image/png")],
        },
    )
    assert r.status_code == 302, r.content.decode()
    letter = Item.objects.get(title="小區噪聲")
    link = ItemAttachment.objects.get(item=letter)
    a = link.attachment
    assert (a.original_name, a.size, a.content_type) == ("照片.png", len(PNG), "image/png")
    assert a.sha256 == hashlib.sha256(PNG).hexdigest()
    assert a.uploaded_by == world.clerk and a.congress == world.congress
    assert len(_stored(media)) == 1
    page = client.get(f"/casework/items/{letter.pk}/").content.decode()
    assert "照片.png" in page
    url = f"/casework/items/{letter.pk}/files/{link.pk}/"
    r = client.get(url)
    assert r.status_code == 200 and b"".join(r.streaming_content) == PNG
    assert r["Content-Type"] == "image/png"
    for user in (world.outsider, world.handler, world.deputy):
        client.force_login(user)
        assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("big.pdf", PDF + b"x" * 2000, "larger than"),
        ("setup.pdf", EXE, "not a file type"),
        ("photo.pdf", PNG, "does not match"),
    ],
)
def test_a_refused_file_writes_nothing(client, world, media, settings, name, content, message):
    settings.ATTACHMENT_MAX_BYTES = 1000
    client.force_login(world.clerk)
    r = client.post(
        "/casework/letters/new/",
        {
            "petitioner_name": "錢七",
            "channel": "letter",
            "received_on": "2026-06-01",
            "title": "小區噪聲",
            "topic": "other",
            "attachments": [SimpleUploadedFile(name, content)],
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert r.status_code == 400
    assert message in r.content.decode()
    assert not Item.objects.exists() and not Attachment.objects.exists()
    assert _stored(media) == []


def test_a_failure_after_the_file_is_written_removes_it(world, media, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "_event", boom)
    with pytest.raises(RuntimeError):
        services.letter_receive(
            congress=world.congress,
            channel="letter",
            petitioner_name="錢七",
            title="t",
            content="",
            files=[("a.pdf", PDF)],
            by=world.clerk,
        )
    assert not Attachment.objects.exists() and _stored(media) == []


def test_unit_replies_with_an_attachment_on_the_page(client, world, media):
    item, lead = assigned_suggestion(world, on=dt.date(2026, 3, 2))
    client.force_login(world.handler)
    r = client.post(
        f"/casework/assignments/{lead.pk}/reply/",
        {
            "reply_class": "A",
            "text": "已解決。",
            "signed_by": "局長",
            "sent_on": "2026-06-01",
            "attachments": [SimpleUploadedFile("答復函.pdf", PDF)],
        },
    )
    assert r.status_code == 302, r.content.decode()
    link = ItemAttachment.objects.get(item=item)
    assert link.reply is not None and link.reply.assignment == lead
    client.force_login(world.deputy)
    page = client.get(f"/casework/items/{item.pk}/").content.decode()
    assert "答復函.pdf" in page
    r = client.get(f"/casework/items/{item.pk}/files/{link.pk}/")
    assert r.status_code == 200
    client.force_login(world.other_handler)
    assert client.get(f"/casework/items/{item.pk}/files/{link.pk}/").status_code == 404


def test_api_attach_to_a_reply_and_list(client, world, media, settings):
    item, lead = assigned_suggestion(world, on=dt.date(2026, 3, 2))
    reply = services.reply_submit(
        assignment=lead, text="已解決。", reply_class="A", signed_by="局長", by=world.handler
    )
    client.force_login(world.handler)
    url = f"/api/v1/casework/items/{item.pk}/replies/{reply.pk}/attachments"
    r = client.post(url, {"files": [SimpleUploadedFile("附件.pdf", PDF)]})
    assert r.status_code == 201, r.content
    [row] = r.json()
    assert row["name"] == "附件.pdf" and row["content_type"] == "application/pdf"
    settings.ATTACHMENT_MAX_BYTES = 10
    r = client.post(url, {"files": [SimpleUploadedFile("附件2.pdf", PDF)]})
    assert r.status_code == 400 and r.json()["code"] == "file_too_large"
    assert ItemAttachment.objects.count() == 1
    listed = client.get(f"/api/v1/casework/items/{item.pk}/attachments").json()
    assert [a["name"] for a in listed] == ["附件.pdf"]
    for user in (world.outsider, world.other_handler):
        client.force_login(user)
        assert client.get(f"/api/v1/casework/items/{item.pk}/attachments").status_code == 404
        assert client.post(url, {"files": [SimpleUploadedFile("x.pdf", PDF)]}).status_code == 404
    client.force_login(world.deputy)  # sees the item, is not the unit
    assert client.post(url, {"files": [SimpleUploadedFile("x.pdf", PDF)]}).status_code == 403


def test_service_refuses_bad_files_before_writing(world):
    with pytest.raises(BusinessError) as err:
        services.letter_receive(
            congress=world.congress,
            channel="letter",
            petitioner_name="錢七",
            title="t",
            content="",
            files=[("virus.exe", EXE)],
            by=world.clerk,
        )
    assert err.value.code == "file_type"
    assert not Item.objects.exists()


def test_api_office_attaches_to_a_letter(client, world, media):
    letter = services.letter_receive(
        congress=world.congress,
        channel="letter",
        petitioner_name="錢七",
        title="t",
        content="",
        by=world.clerk,
    )
    url = f"/api/v1/casework/items/{letter.pk}/attachments"
    client.force_login(world.clerk)
    r = client.post(url, {"files": [SimpleUploadedFile("掃描件.pdf", PDF)]})
    assert r.status_code == 201 and r.json()[0]["reply_id"] is None
    r = client.post(url, {"files": [SimpleUploadedFile("x.exe", EXE)]})
    assert r.status_code == 400 and r.json()["code"] == "file_type"
    assert ItemAttachment.objects.count() == 1 and len(_stored(media)) == 1
    client.force_login(world.outsider)
    assert client.post(url, {"files": [SimpleUploadedFile("y.pdf", PDF)]}).status_code == 404
