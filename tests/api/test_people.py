"""The registry of people through the API: who sees whom, masked personal data, writes."""

from __future__ import annotations

import pytest

from sanxing.people.models import Congress, Organisation, Person, PersonalDataView, Role
from sanxing.people.privacy import mask_id_number, mask_phone

from .conftest import session_client, token_client


def test_masks():
    assert mask_id_number("110101199001011234") == "110101********1234"
    assert mask_id_number("11010119850505123X") == "110101********123X"
    assert mask_phone("13800001111") == "138****1111"
    assert mask_id_number("") == ""
    assert mask_phone("1234") == "**34"


# --- reading ---------------------------------------------------------------------------------


def test_a_clerk_lists_the_congress_persons_paged(world):
    response = session_client(world.clerk).get("people/persons", {"page_size": 3})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 9
    assert body["page"] == 1
    assert body["page_size"] == 3
    assert body["pages"] == 3
    assert len(body["items"]) == 3
    last = session_client(world.clerk).get("people/persons", {"page_size": 3, "page": 3}).json()
    assert len(last["items"]) == 3
    names = {p["name"] for p in body["items"]} | {p["name"] for p in last["items"]}
    assert len(names) == 6
    # the list carries no personal data at all
    assert "mobile" not in body["items"][0] and "id_number" not in body["items"][0]


def test_page_size_is_at_most_200(world):
    response = session_client(world.clerk).get("people/persons", {"page_size": 201})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_input"
    assert body["errors"][0]["field"] == "page_size"
    assert body["errors"][0]["location"] == "query"


def test_persons_filter_by_name_organisation_and_role(world):
    client = session_client(world.clerk)
    by_name = client.get("people/persons", {"q": "陳"}).json()
    assert [p["name"] for p in by_name["items"]] == ["陳代表"]
    by_org = client.get("people/persons", {"organisation": world.unit.pk}).json()
    assert [p["name"] for p in by_org["items"]] == ["劉經辦"]
    by_role = client.get("people/persons", {"role": "director"}).json()
    assert [p["name"] for p in by_role["items"]] == ["張主任"]
    assert by_role["items"][0]["roles"][0]["kind"] == "director"
    assert by_role["items"][0]["roles"][0]["organisation_name"] == "示範市人大常委會"


def test_a_handler_sees_only_their_unit_the_public_and_themselves(world):
    body = session_client(world.handler).get("people/persons").json()
    names = {p["name"] for p in body["items"]}
    assert "劉經辦" in names and "陳代表" in names
    assert "王秘書" not in names


def test_the_person_list_costs_the_same_queries_for_any_number_of_rows(
    world, django_assert_num_queries
):
    client = token_client(world.clerk)
    # token lookup, last-used stamp, viewer roles, count, page, roles in force
    with django_assert_num_queries(6):
        assert client.get("people/persons").status_code == 200
    for n in range(15):
        person = Person.objects.create(congress=world.congress, name=f"新人{n}")
        Role.objects.create(
            person=person, organisation=world.delegation, kind="deputy", starts_on="2022-01-01"
        )
    # last_used_at was stamped a moment ago: one query fewer
    with django_assert_num_queries(5):
        body = client.get("people/persons").json()
    assert body["count"] == 24


def test_the_organisation_list_costs_fixed_queries(world, django_assert_num_queries):
    client = session_client(world.clerk)
    # session, user, viewer roles, organisations
    with django_assert_num_queries(4):
        response = client.get("people/organisations")
    assert response.status_code == 200
    rows = response.json()
    assert len(rows) == 7
    unit = next(r for r in rows if r["id"] == world.unit.pk)
    assert unit["parent_id"] == world.government.pk
    assert unit["kind"] == "handling_unit"
    kinds = {r["kind"] for r in client.get("people/organisations", {"kind": "office_body"}).json()}
    assert kinds == {"office_body"}


def test_a_person_is_shown_with_masked_personal_data(world):
    clerk = world.clerk.person
    response = session_client(world.learning).get(f"people/persons/{clerk.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["id_number"] == "110101********1234"
    assert body["mobile"] == "138****1111"
    assert body["personal_data_masked"] is True
    assert body["version"] == 1
    assert PersonalDataView.objects.count() == 0


def test_office_staff_unmask_and_the_viewing_is_logged(world):
    deputy = world.deputy.person
    response = token_client(world.clerk).get(f"people/persons/{deputy.pk}", {"unmask": "1"})
    assert response.status_code == 200
    body = response.json()
    assert body["id_number"] == "11010119850505123X"
    assert body["mobile"] == "13900002222"
    assert body["personal_data_masked"] is False
    log = PersonalDataView.objects.get()
    assert log.user == world.clerk
    assert log.person == deputy
    assert log.fields == "id_number,mobile"
    assert log.channel == "api"


def test_a_deputy_unmasks_their_own_data(world):
    me = world.deputy.person
    response = session_client(world.deputy).get(f"people/persons/{me.pk}", {"unmask": "true"})
    assert response.json()["mobile"] == "13900002222"
    assert PersonalDataView.objects.filter(user=world.deputy).count() == 1


def test_a_deputy_may_not_unmask_another_person(world):
    director = world.director.person
    director.mobile = "13700003333"
    director.save()
    response = session_client(world.deputy).get(f"people/persons/{director.pk}", {"unmask": 1})
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert PersonalDataView.objects.count() == 0


def test_a_handler_asking_for_a_clerk_gets_404(world):
    response = session_client(world.handler).get(f"people/persons/{world.clerk.person_id}")
    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": response.json()["message"],
        "field": None,
    }


def test_nobody_sees_into_another_congress(world):
    other = Congress.objects.create(code="elsewhere", name="別處人大")
    unit = Organisation.objects.create(congress=other, kind="handling_unit", name="別處教育局")
    deputy = Person.objects.create(congress=other, name="別處代表", is_public=True)
    for persona in ("outsider", "clerk", "deputy"):
        client = session_client(getattr(world, persona))
        assert client.get(f"people/organisations/{unit.pk}").status_code == 404
        assert client.get(f"people/persons/{deputy.pk}").status_code == 404
    # the administrator sees every congress
    assert session_client(world.admin).get(f"people/persons/{deputy.pk}").status_code == 200


def test_congresses_and_terms(world):
    client = session_client(world.member)
    congresses = client.get("people/congresses").json()
    assert [c["code"] for c in congresses] == ["shifan"]
    terms = client.get("people/terms").json()
    assert [t["number"] for t in terms] == [16]
    assert terms[0]["starts_on"] == "2022-01-10"


def test_anonymous_gets_401(world, anonymous):
    response = anonymous.get("people/persons")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


# --- writing ---------------------------------------------------------------------------------


def test_a_clerk_adds_a_person(world):
    response = session_client(world.clerk).post(
        "people/persons",
        {"name": "新代表", "gender": "F", "mobile": "13600004444", "is_public": True},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["mobile"] == "136****4444"
    person = Person.objects.get(pk=body["id"])
    assert person.congress == world.congress
    assert person.history.get().history_user == world.clerk


def test_a_bad_id_number_is_refused_with_the_field_named(world):
    response = session_client(world.clerk).post(
        "people/persons", {"name": "新代表", "id_number": "110101199001011235"}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == "id_number"
    assert not Person.objects.filter(name="新代表").exists()


def test_a_deputy_may_not_add_a_person(world):
    response = session_client(world.deputy).post("people/persons", {"name": "某人"})
    assert response.status_code == 403
    assert not Person.objects.filter(name="某人").exists()


def test_a_clerk_changes_a_person_with_the_version_read(world):
    deputy = world.deputy.person
    client = session_client(world.clerk)
    response = client.patch(
        f"people/persons/{deputy.pk}", {"version": 1, "workplace": "示範市第一中學"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2
    deputy.refresh_from_db()
    assert deputy.workplace == "示範市第一中學"
    assert deputy.name == "陳代表"


def test_a_stale_patch_is_409_and_changes_nothing(world):
    deputy = world.deputy.person
    client = session_client(world.clerk)
    assert (
        client.patch(f"people/persons/{deputy.pk}", {"version": 1, "party": "無黨派"}).status_code
        == 200
    )
    response = client.patch(f"people/persons/{deputy.pk}", {"version": 1, "party": "中共"})
    assert response.status_code == 409
    assert response.json()["code"] == "stale"
    deputy.refresh_from_db()
    assert deputy.party == "無黨派"
    assert deputy.version == 2


def test_a_patch_without_version_is_422(world):
    response = session_client(world.clerk).patch(
        f"people/persons/{world.deputy.person_id}", {"party": "中共"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "version"


@pytest.mark.parametrize(
    ("persona", "target", "status"),
    [
        ("outsider", "clerk", 404),  # cannot see the clerk at all
        ("outsider", "deputy", 403),  # sees the public deputy, may not change them
        ("handler", "deputy", 403),
    ],
)
def test_others_may_not_change_a_person(world, persona, target, status):
    person = getattr(world, target).person
    response = session_client(getattr(world, persona)).patch(
        f"people/persons/{person.pk}", {"version": 1, "name": "改名"}
    )
    assert response.status_code == status
    person.refresh_from_db()
    assert person.name != "改名"
    assert person.version == 1


def test_a_clerk_deletes_a_person_softly(world):
    member = world.member.person
    client = token_client(world.clerk)
    assert client.delete(f"people/persons/{member.pk}").status_code == 204
    assert Person.all_objects.get(pk=member.pk).deleted_by == world.clerk
    assert client.get(f"people/persons/{member.pk}").status_code == 404


def test_the_outsider_may_not_delete(world):
    response = session_client(world.outsider).delete(f"people/persons/{world.deputy.person_id}")
    assert response.status_code == 403
    assert Person.objects.filter(pk=world.deputy.person_id).exists()
