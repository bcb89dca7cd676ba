"""A letter writer's ID number and phone: masked on pages and in the API, unmasked only for
the office on request, each unmasked view logged."""

from __future__ import annotations

import pytest

from sanxing.casework import services
from sanxing.casework.models import PetitionerDataView

pytestmark = pytest.mark.django_db

ID = "110101198001011234"
PHONE = "13912345678"


@pytest.fixture
def letter(world):
    item = services.letter_receive(
        congress=world.congress,
        channel="letter",
        petitioner_name="周九",
        petitioner_phone=PHONE,
        petitioner_id_number=ID,
        title="物業糾紛",
        content="",
        by=world.clerk,
    )
    services.letter_accept(item=item, by=world.clerk)
    services.item_assign(item=item, lead_unit=world.unit, by=world.clerk)
    return item


def test_the_item_page_masks_and_the_show_action_logs(client, world, letter):
    client.force_login(world.clerk)
    page = client.get(f"/casework/items/{letter.pk}/").content.decode()
    assert ID not in page and PHONE not in page
    assert "110101********1234" in page and "139****5678" in page
    assert not PetitionerDataView.objects.exists()
    r = client.post(f"/casework/items/{letter.pk}/personal-data/")
    assert r.status_code == 200
    body = r.content.decode()
    assert ID in body and PHONE in body
    view = PetitionerDataView.objects.get()
    assert (view.user, view.item, view.channel) == (world.clerk, letter, "web")
    assert view.fields == "petitioner_id_number,petitioner_phone"


def test_others_never_see_it(client, world, letter):
    client.force_login(world.handler)  # the unit handling the letter
    page = client.get(f"/casework/items/{letter.pk}/").content.decode()
    assert ID not in page and PHONE not in page and "139****5678" not in page
    for user in (world.handler, world.deputy, world.outsider):
        client.force_login(user)
        assert client.post(f"/casework/items/{letter.pk}/personal-data/").status_code == 404
    client.logout()
    assert client.post(f"/casework/items/{letter.pk}/personal-data/").status_code == 302
    assert not PetitionerDataView.objects.exists()


def test_api_masks_and_unmasks_with_a_log(client, world, letter):
    client.force_login(world.clerk)
    detail = client.get(f"/api/v1/casework/items/{letter.pk}").json()
    assert detail["petitioner"]["id_number"] == "110101********1234"
    assert detail["petitioner"]["phone"] == "139****5678"
    assert ID not in str(detail) and PHONE not in str(detail)
    r = client.post(f"/api/v1/casework/items/{letter.pk}/personal-data")
    assert r.status_code == 200 and r.json()["id_number"] == ID
    assert PetitionerDataView.objects.get().channel == "api"
    client.force_login(world.handler)
    detail = client.get(f"/api/v1/casework/items/{letter.pk}").json()
    assert detail["petitioner"] is None
    assert client.post(f"/api/v1/casework/items/{letter.pk}/personal-data").status_code == 403
    client.force_login(world.outsider)
    assert client.post(f"/api/v1/casework/items/{letter.pk}/personal-data").status_code == 404
    assert PetitionerDataView.objects.count() == 1


def test_the_history_never_keeps_the_id_number(world, letter):
    for row in letter.history.all():
        assert not hasattr(row, "petitioner_id_number")
