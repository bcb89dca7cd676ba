"""Checking and storing attachments: limits from settings, type from the bytes, and nothing
left behind when the transaction fails."""

from __future__ import annotations

import pytest
from django.db import transaction

from sanxing.core.errors import BusinessError
from sanxing.documents.attachments import check_upload, removed_on_error, store
from sanxing.documents.models import Attachment

PDF = b"%PDF-1.7\n%%EOF\n"


def test_limits_come_from_settings(settings):
    assert check_upload("a.pdf", PDF).content_type == "application/pdf"
    settings.ATTACHMENT_MAX_BYTES = 5
    with pytest.raises(BusinessError) as err:
        check_upload("a.pdf", PDF)
    assert err.value.code == "file_too_large"
    settings.ATTACHMENT_MAX_BYTES = 1000
    settings.ATTACHMENT_ALLOWED_TYPES = ["png"]
    with pytest.raises(BusinessError) as err:
        check_upload("a.pdf", PDF)
    assert err.value.code == "file_type"


def test_names_are_cleaned_and_empty_files_refused():
    assert check_upload("..\\..\\etc/報告.pdf", PDF).name == "報告.pdf"
    with pytest.raises(BusinessError):
        check_upload("empty.txt", b"")


@pytest.mark.django_db
def test_a_rolled_back_store_removes_its_file(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    checked = check_upload("a.pdf", PDF)
    with pytest.raises(RuntimeError), removed_on_error() as written, transaction.atomic():
        store(congress_id=world.congress.pk, checked=checked, by=world.clerk, written=written)
        assert any(tmp_path.rglob("*"))
        raise RuntimeError
    assert not Attachment.objects.exists()
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]
    with removed_on_error() as written, transaction.atomic():
        a = store(congress_id=world.congress.pk, checked=checked, by=world.clerk, written=written)
    assert a.file.read() == PDF and a.sha256 == checked.sha256
