"""The calendar page as each persona sees it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sanxing.workcal.models import CalendarOverride, CalendarYear

pytestmark = pytest.mark.django_db
D = dt.date


def signed_in(client, user):
    client.force_login(user)
    return client


def test_the_calendar_needs_a_signed_in_user(client):
    response = client.get("/calendar/")
    assert response.status_code == 302
    assert "/login" in response["Location"] or "login" in response["Location"]


@time_machine.travel(dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC))
def test_a_deputy_sees_the_year_with_its_holidays_read_only(
    client, world, django_assert_max_num_queries
):
    signed_in(client, world.deputy)
    client.get("/calendar/2026/")  # warm the calendar cache
    # session, user, roles, calendar stamp, year, corrections (+ the shell's own)
    with django_assert_max_num_queries(10):
        response = client.get("/calendar/2026/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="wc-month"') == 12
    assert 'id="provisional-banner"' not in html
    assert "wc-workday" in html  # make-up working days are marked
    assert "overrides/add" not in html
    assert 'name="reason"' not in html


def test_a_year_without_schedule_shows_the_provisional_banner(client, world):
    response = signed_in(client, world.deputy).get("/calendar/2027/")
    assert response.status_code == 200
    assert 'id="provisional-banner"' in response.content.decode()


def test_the_year_switcher_goes_to_the_chosen_year(client, world):
    response = signed_in(client, world.deputy).get("/calendar/?y=2031")
    assert response.status_code == 302
    assert response["Location"] == "/calendar/2031/"


def test_the_calculator_without_htmx_renders_a_page(client, world):
    response = signed_in(client, world.deputy).get(
        "/calendar/deadline/", {"start": "2026-01-31", "period": "1m"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'datetime="2026-02-28"' in html
    assert 'id="deadline-explanation"' in html
    assert "<html" in html


def test_the_calculator_with_htmx_returns_only_the_result(client, world):
    response = signed_in(client, world.deputy).get(
        "/calendar/deadline/", {"start": "2026-04-30", "period": "30d"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "<html" not in html
    assert 'datetime="2026-06-01"' in html


def test_the_calculator_explains_a_bad_period(client, world):
    response = signed_in(client, world.deputy).get(
        "/calendar/deadline/", {"start": "2026-04-30", "period": "thirty"}
    )
    html = response.content.decode()
    assert "error-summary" in html
    assert "deadline-explanation" not in html


def test_a_clerk_corrects_a_day_and_removes_the_correction(client, world):
    signed_in(client, world.clerk)
    page = client.get("/calendar/2026/").content.decode()
    assert 'name="reason"' in page
    response = client.post(
        reverse("workcal:override_add"),
        {"date": "2026-06-02", "kind": "holiday", "reason": "typhoon warning"},
    )
    assert response.status_code == 302
    override = CalendarOverride.objects.get()
    assert override.created_by == world.clerk
    page = client.get(response["Location"]).content.decode()
    assert "typhoon warning" in page
    response = client.post(reverse("workcal:override_remove", args=[override.pk]))
    assert response.status_code == 302
    assert not CalendarOverride.objects.exists()


def test_a_correction_with_errors_is_shown_again(client, world):
    response = signed_in(client, world.clerk).post(
        reverse("workcal:override_add"), {"date": "2026-06-02", "kind": "workday", "reason": "x"}
    )
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()


@pytest.mark.parametrize("persona", ["outsider", "deputy", "handler"])
def test_others_cannot_change_the_calendar(client, world, persona):
    signed_in(client, getattr(world, persona))
    response = client.post(
        reverse("workcal:override_add"), {"date": "2026-06-02", "kind": "holiday", "reason": "x"}
    )
    assert response.status_code == 403
    assert client.get(reverse("workcal:import")).status_code == 403
    override = CalendarOverride.objects.create(
        date=D(2026, 6, 3), kind="holiday", reason="x", created_by=world.clerk
    )
    assert client.post(reverse("workcal:override_remove", args=[override.pk])).status_code == 403
    assert CalendarOverride.objects.count() == 1
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_removing_an_unknown_correction_is_not_found(client, world):
    response = signed_in(client, world.clerk).post(reverse("workcal:override_remove", args=[999]))
    assert response.status_code == 404


def test_a_clerk_imports_next_year(client, world):
    signed_in(client, world.clerk)
    assert client.get(reverse("workcal:import") + "?year=2027").status_code == 200
    upload = SimpleUploadedFile(
        "2027.csv", "date,kind,name\n2027-01-01,holiday,元旦\n".encode(), "text/csv"
    )
    response = client.post(reverse("workcal:import"), {"year": "2027", "file": upload})
    assert response.status_code == 302
    assert response["Location"] == "/calendar/2027/"
    assert CalendarYear.objects.get(year=2027).loaded


def test_an_import_with_bad_rows_lists_them_and_saves_nothing(client, world):
    signed_in(client, world.clerk)
    upload = SimpleUploadedFile(
        "2027.csv", b"date,kind,name\n2027-02-30,holiday,x\n2027-01-01,party,x\n", "text/csv"
    )
    response = client.post(reverse("workcal:import"), {"year": "2027", "file": upload})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Row 2" in html or "第2行" in html or "2027-02-30" in html
    assert not CalendarYear.objects.filter(year=2027).exists()
