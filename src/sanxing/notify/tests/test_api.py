"""/api/v1/notices: own notices only; another user's notice is a 404."""

from __future__ import annotations

import pytest

from sanxing.notify import services
from sanxing.notify.selectors import unread_count

pytestmark = pytest.mark.django_db

BASE = "/api/v1/notices"


def notice_for(user, title="建议交办"):
    (notice,) = services.notice_send(recipients=[user], kind="test.hello", title=title)
    return notice


def test_list_my_notices_paginated(world, client, django_assert_max_num_queries):
    for n in range(3):
        notice_for(world.deputy, title=f"通知{n}")
    notice_for(world.handler, title="别人的")
    client.force_login(world.deputy)

    with django_assert_max_num_queries(8):
        response = client.get(BASE)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [item["title"] for item in body["items"]] == ["通知2", "通知1", "通知0"]
    assert body["items"][0]["read_at"] is None


def test_mark_one_and_all_read(world, client):
    first = notice_for(world.deputy)
    notice_for(world.deputy)
    client.force_login(world.deputy)

    response = client.post(f"{BASE}/{first.pk}/read")
    assert response.status_code == 200
    assert response.json()["read_at"] is not None
    assert unread_count(world.deputy) == 1

    response = client.post(f"{BASE}/read-all")
    assert response.json() == {"marked_read": 1, "unread": 0}
    assert client.get(f"{BASE}/unread-count").json()["unread"] == 0


def test_another_users_notice_is_not_found(world, client):
    notice = notice_for(world.deputy)
    client.force_login(world.outsider)

    assert client.post(f"{BASE}/{notice.pk}/read").status_code == 404
    assert client.get(BASE).json()["count"] == 0
    notice.refresh_from_db()
    assert notice.read_at is None


def test_signed_out_is_refused(world, client):
    notice_for(world.deputy)
    assert client.get(BASE).status_code == 401
