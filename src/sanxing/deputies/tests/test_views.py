"""The pages: the clerk proposes, swaps and confirms; the deputy answers; coverage and its
export; the outsider is refused everywhere."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from sanxing.deputies import selectors, services
from sanxing.deputies.models import Invitation, Rotation

from .conftest import P, Setup

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client(headers={"accept-language": "en"})
    c.force_login(user)
    return c


def confirm(setup: Setup, person_ids: list[int]) -> Rotation:
    return services.rotation_confirm(
        gathering=setup.meeting, person_ids=person_ids, seats=8, by=setup.world.clerk
    )


def test_the_clerk_proposes_swaps_one_and_confirms(setup: Setup):
    c = client_for(setup.world.clerk)
    url = reverse("deputies:rotation", args=[setup.meeting.pk])
    page = c.get(url, {"seats": 4})
    assert page.status_code == 200
    chosen = [cand.person_id for cand in page.context["prop"].chosen]
    assert len(chosen) == 4
    assert "not yet invited this term" in page.content.decode()
    alternative = page.context["alternatives"][0].person_id
    swap = c.get(url, {"seats": 4, "out": chosen[0], "in": alternative})
    assert swap.status_code == 302
    after = c.get(swap["Location"])
    now = [cand.person_id for cand in after.context["prop"].chosen]
    assert set(now) == {*chosen[1:], alternative}
    assert "chosen by the office" in after.content.decode()
    done = c.post(url, {"seats": 4, "person": now})
    assert done.status_code == 302
    rotation = Rotation.objects.get(gathering=setup.meeting)
    invited = {i.person_id: i for i in rotation.invitations.all()}
    assert set(invited) == set(now)
    assert invited[alternative].chosen_by_office
    shown = c.get(url)
    assert "Confirmed by 王秘書" in shown.content.decode()
    # a second clerk confirming the stale page is told
    again = c.post(url, {"seats": 4, "person": chosen}, follow=True)
    assert "already confirmed by 王秘書" in again.content.decode()
    assert Invitation.objects.count() == 4


def test_the_deputy_accepts_on_the_invitation_page(setup: Setup):
    w = setup.world
    rotation = confirm(setup, [P(w.deputy).pk])
    inv = rotation.invitations.get()
    c = client_for(w.deputy)
    url = reverse("deputies:invitation", args=[inv.pk])
    assert url in c.get("/").content.decode()  # on the home page's work list
    assert "Accept" in c.get(url).content.decode()
    c.post(url, {"answer": "accept"})
    inv.refresh_from_db()
    assert inv.status == "accepted"
    mine = c.get(reverse("deputies:mine"))
    assert mine.status_code == 200
    assert "invited 1 times" in mine.content.decode()
    # the deputy's coverage link lands on their own record
    assert c.get(reverse("deputies:coverage"))["Location"] == reverse("deputies:mine")


def test_the_clerk_invites_the_next_after_a_decline(setup: Setup):
    w = setup.world
    rotation = confirm(setup, [P(w.deputy).pk])
    rotation.seats = 1
    rotation.save()
    services.invitation_respond(invitation=rotation.invitations.get(), accept=False, by=w.deputy)
    c = client_for(w.clerk)
    page = c.get(reverse("deputies:rotation", args=[setup.meeting.pk]))
    assert "Invite the next deputy in rotation" in page.content.decode()
    c.post(reverse("deputies:invite_next", args=[setup.meeting.pk]))
    assert rotation.invitations.count() == 2


def test_another_deputy_cannot_answer(setup: Setup, django_user_model):
    w = setup.world
    rotation = confirm(setup, [setup.deputies[1].pk])
    inv = rotation.invitations.get()
    c = client_for(w.deputy)
    url = reverse("deputies:invitation", args=[inv.pk])
    assert c.get(url).status_code == 404
    assert c.post(url, {"answer": "decline"}).status_code == 404
    inv.refresh_from_db()
    assert inv.status == "invited"


def test_coverage_page_with_chart_filter_and_export(setup: Setup, django_assert_num_queries):
    c = client_for(setup.world.clerk)
    url = reverse("deputies:coverage")
    c.get(url)  # warm the session and viewer
    with django_assert_num_queries(11):
        page = c.get(url)
    body = page.content.decode()
    more_deputies(setup, 6)
    with django_assert_num_queries(11):
        assert len(c.get(url).context["cov"].rows) == 18
    assert "2 of 12 deputies have attended a committee meeting this term (17%)" in body
    assert 'role="img"' in body and "not yet attended" in body
    missing = c.get(url, {"missing": "1"})
    assert len(missing.context["rows"]) == 16
    west = c.get(url, {"delegation": setup.delegations[1].pk})
    assert len(west.context["cov"].rows) == 6
    xlsx = c.get(reverse("deputies:coverage_export"), {"delegation": setup.delegations[1].pk})
    assert xlsx.status_code == 200
    sheet: Any = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 7
    assert sheet.cell(1, 1).value == "Deputy"


def more_deputies(setup: Setup, n: int) -> None:
    import datetime as dt

    from sanxing.people.models import Person, Role

    for i in range(n):
        person = Person.objects.create(congress=setup.world.congress, name=f"新代表{i}")
        Role.objects.create(
            person=person,
            organisation=setup.delegations[i % 3],
            kind=Role.Kind.DEPUTY,
            term=setup.world.term,
            starts_on=dt.date(2022, 1, 10),
        )


def test_the_index_lists_the_terms_committee_meetings(setup: Setup):
    c = client_for(setup.world.clerk)
    page = c.get(reverse("deputies:index"))
    assert page.status_code == 200
    assert setup.meeting.title in page.content.decode()


def test_the_outsider_and_other_non_office_users_are_refused(setup: Setup):
    w = setup.world
    rotation = confirm(setup, [P(w.deputy).pk])
    inv = rotation.invitations.get()
    urls = [
        reverse("deputies:index"),
        reverse("deputies:rotation", args=[setup.meeting.pk]),
        reverse("deputies:coverage"),
        reverse("deputies:coverage_export"),
        reverse("deputies:invitation", args=[inv.pk]),
        reverse("deputies:mine"),
    ]
    c = client_for(w.outsider)
    for url in urls:
        assert c.get(url).status_code == 404, url
    assert c.post(urls[1], {"person": [P(w.deputy).pk]}).status_code == 404
    assert c.post(reverse("deputies:invite_next", args=[setup.meeting.pk])).status_code == 404
    handler = client_for(w.handler)
    assert handler.get(urls[1]).status_code == 404
    assert handler.get(urls[4]).status_code == 404


def test_a_non_committee_meeting_has_no_rotation(setup: Setup):
    from sanxing.gatherings import services as gs

    g = gs.gathering_plan(
        congress=setup.world.congress,
        kind="directors_meeting",
        title="主任會議",
        starts_at=setup.meeting.starts_at,
        ends_at=setup.meeting.ends_at,
        by=setup.world.clerk,
    )
    c = client_for(setup.world.clerk)
    assert c.get(reverse("deputies:rotation", args=[g.pk])).status_code == 404
    assert selectors.rotation_of(setup.meeting) is None


def test_the_meeting_page_links_the_office_to_its_rotation(setup: Setup):
    """The gathering engine shows the link a programme app registered (gatherings.links),
    only to those who run the meeting."""
    rotation = reverse("deputies:rotation", args=[setup.meeting.pk])
    detail = reverse("gatherings:detail", args=[setup.meeting.pk])
    clerk_page = client_for(setup.world.clerk).get(detail)
    assert clerk_page.status_code == 200
    assert f'href="{rotation}"' in clerk_page.content.decode()
    member_page = client_for(setup.world.member).get(detail)
    assert f'href="{rotation}"' not in member_page.content.decode()
