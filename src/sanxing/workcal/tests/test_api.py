"""GET /api/v1/calendar/deadline and /days."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, world):
    client.force_login(world.deputy)
    return client


def test_deadline_gives_the_due_date_and_why(api):
    response = api.get(
        "/api/v1/calendar/deadline",
        {"start": "2025-09-30", "period": "1d"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["due"] == "2025-10-09"
    assert body["nominal_end"] == "2025-10-01"
    assert body["rollovers"][0]["date"] == "2025-10-01"
    assert len(body["rollovers"]) == 8
    assert body["provisional"] is False
    assert body["rule"] == "民法典第二百零一條至第二百零四條"
    assert body["explanation"]


def test_deadline_in_an_unloaded_year_is_provisional(api):
    body = api.get("/api/v1/calendar/deadline", {"start": "2027-03-01", "period": "10d"}).json()
    assert body["due"] == "2027-03-11"
    assert body["provisional"] is True


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2026-02-30", "period": "1d"}, "start"),
        ({"start": "2026-02-01", "period": "1w"}, "period"),
        ({"start": "2026-02-01", "period": "0d"}, "period"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api, params, field):
    response = api.get("/api/v1/calendar/deadline", params)
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == field
    assert body["code"] == "invalid"
    assert body["message"]


def test_days_lists_holidays_and_make_up_days(api, django_assert_max_num_queries):
    api.get("/api/v1/calendar/days", {"year": 2026})
    with django_assert_max_num_queries(6):
        response = api.get("/api/v1/calendar/days", {"year": 2026})
    body = response.json()
    assert body["loaded"] is True
    days = {d["date"]: d for d in body["days"]}
    assert days["2026-02-28"]["kind"] == "workday"
    assert days["2026-10-01"]["kind"] == "holiday"
    assert days["2026-10-01"]["name"] == "National Day"
    assert len(body["days"]) == 39  # 33 days off, 6 make-up working days


def test_days_of_an_unloaded_year(api):
    body = api.get("/api/v1/calendar/days", {"year": 2027}).json()
    assert body == {"year": 2027, "loaded": False, "provisional": True, "days": []}
