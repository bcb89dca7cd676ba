import datetime as dt

import pytest
from django.urls import reverse

from sanxing.people.models import Person, PersonalDataView, Role


def main(response) -> str:
    """The page's own content, without the header (which shows the signed-in user's name)."""
    return response.content.decode().split('id="main-content"', 1)[1]


def test_clerk_finds_a_person_by_name(client, world):
    client.force_login(world.clerk)
    response = client.get(reverse("people:directory"), {"q": "陳"})
    assert response.status_code == 200
    content = main(response)
    assert "陳代表" in content
    assert "王秘書" not in content


def test_directory_filters_by_organisation_role_and_term(client, world):
    client.force_login(world.clerk)
    url = reverse("people:directory")
    content = main(client.get(url, {"organisation": world.unit.pk}))
    assert "劉經辦" in content and "陳代表" not in content
    content = main(client.get(url, {"role": "deputy", "term": world.term.pk}))
    assert "陳代表" in content and "劉經辦" not in content


def test_directory_query_count_does_not_grow_with_people(
    client, world, django_assert_max_num_queries
):
    client.force_login(world.clerk)
    for i in range(30):
        person = Person.objects.create(congress=world.congress, name=f"代表{i:02d}")
        Role.objects.create(
            person=person,
            organisation=world.delegation,
            kind=Role.Kind.DEPUTY,
            term=world.term,
            starts_on=dt.date(2022, 1, 10),
        )
    client.get(reverse("people:directory"))  # warm the session
    # session, user, viewer roles, organisations and terms for the filters, count, page,
    # roles prefetch, plus the shell's own queries.
    with django_assert_max_num_queries(14):
        response = client.get(reverse("people:directory"), {"sort": "-name"})
    assert response.status_code == 200
    assert "代表29" in response.content.decode()


def test_directory_exports_the_filtered_list_to_excel(client, world):
    import io

    from openpyxl import load_workbook

    client.force_login(world.clerk)
    response = client.get(reverse("people:directory"), {"q": "陳", "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    names = [row[0] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert names == ["陳代表"]


def test_outsider_sees_only_public_people_and_gets_404_on_private_records(client, world):
    client.force_login(world.outsider)
    content = main(client.get(reverse("people:directory")))
    assert "王秘書" not in content
    assert (
        client.get(reverse("people:person_detail", args=[world.clerk.person.pk])).status_code == 404
    )
    assert (
        client.get(reverse("people:person_card", args=[world.clerk.person.pk])).status_code == 404
    )
    assert (
        client.get(reverse("people:person_edit", args=[world.clerk.person.pk])).status_code == 404
    )


@pytest.mark.parametrize("persona", ["outsider", "handler"])
def test_non_office_users_are_refused_edits(client, world, persona):
    client.force_login(getattr(world, persona))
    deputy = world.deputy.person  # public, so they may read it
    assert client.get(reverse("people:person_detail", args=[deputy.pk])).status_code == 200
    assert client.get(reverse("people:person_edit", args=[deputy.pk])).status_code == 403
    response = client.post(reverse("people:person_edit", args=[deputy.pk]), {"name": "x"})
    assert response.status_code == 403
    assert client.post(reverse("people:person_delete", args=[deputy.pk])).status_code == 403
    assert client.get(reverse("people:person_create")).status_code == 403
    assert client.get(reverse("people:import")).status_code == 403
    assert client.get(reverse("people:role_grant", args=[deputy.pk])).status_code == 403
    deputy.refresh_from_db()
    assert deputy.name == "陳代表" and deputy.deleted_at is None


def test_handler_gets_404_for_a_private_record(client, world):
    client.force_login(world.handler)
    response = client.get(reverse("people:person_detail", args=[world.other_handler.person.pk]))
    assert response.status_code == 404


def _form_data(person, **changes):
    data = {
        "name": person.name,
        "gender": person.gender,
        "birth_date": "",
        "ethnicity": person.ethnicity,
        "party": person.party,
        "workplace": person.workplace,
        "mobile": person.mobile,
        "email": person.email,
        "id_number": person.id_number,
        "version": person.version,
    }
    data.update(changes)
    return data


def test_clerk_edits_a_person_and_the_history_shows_it(client, world):
    client.force_login(world.clerk)
    deputy = world.deputy.person
    url = reverse("people:person_edit", args=[deputy.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _form_data(deputy, workplace="市第一中學校長"))
    assert response.status_code == 302
    deputy.refresh_from_db()
    assert deputy.workplace == "市第一中學校長"
    assert deputy.version == 2
    page = main(client.get(reverse("people:person_detail", args=[deputy.pk])))
    assert "市第一中學校長" in page
    history = page.split('id="history-title"', 1)[1]
    assert "王秘書" in history  # who changed it
    assert "市第一中學校長" in history


def test_a_second_clerk_saving_an_outdated_form_overwrites_nothing(client, world):
    from sanxing.people.testing import give_role, make_user

    other = make_user(world.congress, "clerk2", "錢秘書")
    give_role(other, world.general_office, Role.Kind.STAFF)
    deputy = world.deputy.person
    url = reverse("people:person_edit", args=[deputy.pk])
    stale = _form_data(deputy, workplace="第二位秘書的修改")
    client.force_login(world.clerk)
    assert client.post(url, _form_data(deputy, workplace="第一位秘書的修改")).status_code == 302
    client.force_login(other)
    response = client.post(url, stale)
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    deputy.refresh_from_db()
    assert deputy.workplace == "第一位秘書的修改"


def test_personal_data_is_masked_until_shown_and_the_showing_is_logged(client, world):
    client.force_login(world.clerk)
    deputy = world.deputy.person
    page = client.get(reverse("people:person_detail", args=[deputy.pk])).content.decode()
    assert "13900002222" not in page and "139****2222" in page
    assert "11010119850505123X" not in page
    response = client.post(reverse("people:person_personal_data", args=[deputy.pk]))
    assert "13900002222" in response.content.decode()
    assert PersonalDataView.objects.filter(user=world.clerk, person=deputy).count() == 1


def test_deputy_cannot_unmask_someone_elses_data(client, world):
    client.force_login(world.deputy)
    director = world.director.person
    page = client.get(reverse("people:person_detail", args=[director.pk]))
    assert page.status_code == 200
    response = client.post(reverse("people:person_personal_data", args=[director.pk]))
    assert response.status_code == 403
    assert not PersonalDataView.objects.exists()


def test_soft_delete_asks_first_and_only_an_admin_restores(client, world):
    client.force_login(world.clerk)
    deputy = world.deputy.person
    url = reverse("people:person_delete", args=[deputy.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200 and "陳代表" in confirm.content.decode()
    assert client.post(url).status_code == 302
    assert Person.all_objects.get(pk=deputy.pk).deleted_at is not None
    assert client.get(reverse("people:person_detail", args=[deputy.pk])).status_code == 404
    assert client.get(reverse("people:deleted")).status_code == 403
    assert client.post(reverse("people:person_restore", args=[deputy.pk])).status_code == 403

    client.force_login(world.admin)
    assert "陳代表" in client.get(reverse("people:deleted")).content.decode()
    assert client.post(reverse("people:person_restore", args=[deputy.pk])).status_code == 302
    assert Person.objects.filter(pk=deputy.pk).exists()


def test_roles_are_granted_and_ended(client, world):
    client.force_login(world.clerk)
    person = world.outsider.person
    response = client.post(
        reverse("people:role_grant", args=[person.pk]),
        {"organisation": world.delegation.pk, "kind": "deputy", "starts_on": "2024-01-01"},
    )
    assert response.status_code == 302
    role = Role.objects.get(person=person)
    response = client.post(
        reverse("people:role_end", args=[role.pk]), {"ends_on": "2023-01-01", "version": 1}
    )
    assert response.status_code == 200  # cannot end before it starts
    response = client.post(
        reverse("people:role_end", args=[role.pk]), {"ends_on": "2025-06-30", "version": 1}
    )
    assert response.status_code == 302
    role.refresh_from_db()
    assert role.ends_on == dt.date(2025, 6, 30)


def test_organisation_tree_and_page(client, world, django_assert_max_num_queries):
    client.force_login(world.clerk)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("people:organisations"))
    content = main(response)
    assert content.index("辦公室") < content.index("東城區代表團") < content.index("市教育局")
    assert "市教育局" in content
    page = client.get(reverse("people:organisation_detail", args=[world.unit.pk]))
    assert "劉經辦" in page.content.decode()


def test_outsider_cannot_see_other_congress_organisations(client, world):
    from sanxing.people.models import Congress, Organisation

    congress = Congress.objects.create(code="other", name="另一市人大")
    unit = Organisation.objects.create(
        congress=congress, kind=Organisation.Kind.HANDLING_UNIT, name="另一市教育局"
    )
    client.force_login(world.outsider)
    url = reverse("people:organisation_detail", args=[unit.pk])
    assert client.get(url).status_code == 404
    client.force_login(world.clerk)
    assert client.get(url).status_code == 404


def test_clerk_adds_and_edits_an_organisation(client, world):
    client.force_login(world.clerk)
    response = client.post(
        reverse("people:organisation_create"),
        {
            "kind": "handling_unit",
            "name": "市衛生健康委員會",
            "parent": world.government.pk,
            "sort_order": 3,
        },
    )
    assert response.status_code == 302
    assert world.government.children.filter(name="市衛生健康委員會").exists()
    assert client.get(reverse("people:organisation_edit", args=[world.unit.pk])).status_code == 200
    client.force_login(world.handler)
    assert client.get(reverse("people:organisation_edit", args=[world.unit.pk])).status_code == 403


def test_person_card_pdf(client, world):
    client.force_login(world.clerk)
    response = client.get(reverse("people:person_card", args=[world.deputy.person.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_person_page_links_to_the_attendance_record_for_the_person_and_the_office(world):
    from django.test import Client
    from django.urls import reverse

    url = reverse("people:person_detail", args=[world.deputy.person.pk])
    record = reverse("gatherings:person_attendance", args=[world.deputy.person.pk])
    for user, shown in ((world.clerk, True), (world.deputy, True), (world.handler, False)):
        client = Client()
        client.force_login(user)
        assert (record in client.get(url).content.decode()) is shown, user.username
