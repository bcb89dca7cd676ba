"""The inbox at /notices/: only one's own notices, unread first, marked read one by one or
all at once (with htmx or without), and the settings page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sanxing.notify import services
from sanxing.notify.models import Notice
from sanxing.notify.selectors import unread_count

pytestmark = pytest.mark.django_db


def notice_for(user, title="建议交办", **kwargs):
    (notice,) = services.notice_send(recipients=[user], kind="test.hello", title=title, **kwargs)
    return notice


def test_the_inbox_lists_unread_first_in_a_fixed_number_of_queries(
    world, client, django_assert_max_num_queries
):
    old = notice_for(world.deputy, title="旧的已读通知")
    services.notice_mark_read(notice=old, by=world.deputy)
    for n in range(5):
        notice_for(world.deputy, title=f"未读通知{n}", urgent=n == 0)
    notice_for(world.handler, title="别人的通知")
    client.force_login(world.deputy)

    # session, user, unread count, paginator count, the page; plus what the shell (base.html)
    # asks for itself: roles for the navigation and the header's unread badge.
    with django_assert_max_num_queries(10):
        response = client.get(reverse("notify:index"))
    assert response.status_code == 200

    page = response.content.decode()
    assert "别人的通知" not in page
    assert page.index("未读通知4") < page.index("未读通知0") < page.index("旧的已读通知")
    assert "您有 5 条未读通知。" in page


def test_the_inbox_query_count_does_not_grow_with_the_notices(
    world, client, django_assert_num_queries, django_assert_max_num_queries
):
    client.force_login(world.deputy)
    notice_for(world.deputy)
    with django_assert_max_num_queries(100) as few:
        client.get(reverse("notify:index"))
    for n in range(15):
        notice_for(world.deputy, title=f"通知{n}")
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("notify:index"))


def test_the_inbox_is_paged(world, client):
    for n in range(25):
        notice_for(world.deputy, title=f"通知{n:02d}")
    client.force_login(world.deputy)
    first = client.get(reverse("notify:index")).content.decode()
    second = client.get(reverse("notify:index") + "?page=2").content.decode()
    assert "通知24" in first and "通知04" not in first
    assert "通知04" in second


def test_opening_a_notice_marks_it_read(world, client):
    notice = notice_for(world.deputy, body="正文第一段", url="/casework/42/")
    client.force_login(world.deputy)

    response = client.get(reverse("notify:detail", args=[notice.pk]))

    assert response.status_code == 200
    assert "正文第一段" in response.content.decode()
    assert 'href="/casework/42/"' in response.content.decode()
    notice.refresh_from_db()
    assert notice.read_at is not None


@pytest.mark.parametrize("persona", ["outsider", "handler", "admin"])
def test_a_notice_is_only_for_its_recipient(world, client, persona):
    notice = notice_for(world.deputy)
    client.force_login(getattr(world, persona))

    assert client.get(reverse("notify:detail", args=[notice.pk])).status_code == 404
    assert client.post(reverse("notify:read", args=[notice.pk])).status_code == 404
    client.post(reverse("notify:read_all"))
    notice.refresh_from_db()
    assert notice.read_at is None


def test_signed_out_visitors_are_sent_to_sign_in(world, client):
    response = client.get(reverse("notify:index"))
    assert response.status_code == 302


def test_mark_one_read_with_htmx_returns_the_row_and_the_new_count(world, client):
    notice = notice_for(world.deputy)
    notice_for(world.deputy)
    client.force_login(world.deputy)

    response = client.post(reverse("notify:read", args=[notice.pk]), HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="notice-{notice.pk}"' in html
    assert 'hx-swap-oob="true"' in html
    assert "您有 1 条未读通知。" in html
    assert unread_count(world.deputy) == 1


def test_mark_one_read_without_javascript_redirects_back(world, client):
    notice = notice_for(world.deputy)
    client.force_login(world.deputy)
    response = client.post(reverse("notify:read", args=[notice.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("notify:index")
    assert unread_count(world.deputy) == 0


def test_mark_all_read(world, client):
    for _ in range(3):
        notice_for(world.deputy)
    other = notice_for(world.handler)
    client.force_login(world.deputy)

    response = client.post(reverse("notify:read_all"), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert "您的通知已全部阅读。" in response.content.decode()
    assert unread_count(world.deputy) == 0
    assert unread_count(world.handler) == 1
    other.refresh_from_db()
    assert other.read_at is None


def test_mark_read_needs_a_post(world, client):
    notice = notice_for(world.deputy)
    client.force_login(world.deputy)
    assert client.get(reverse("notify:read", args=[notice.pk])).status_code == 405
    assert client.get(reverse("notify:read_all")).status_code == 405


def test_settings_choose_the_daily_digest_and_sms(world, client):
    client.force_login(world.deputy)
    assert client.get(reverse("notify:settings")).status_code == 200

    response = client.post(
        reverse("notify:settings"), {"notice_mode": "digest", "sms_enabled": "on"}, follow=True
    )

    page = response.content.decode()
    assert "已保存。您每天将收到一封汇总当天通知的邮件。" in page
    assert "banner-success" in page
    world.deputy.refresh_from_db()
    assert world.deputy.notice_mode == "digest"
    assert world.deputy.sms_enabled is True


def test_settings_warn_when_sms_is_wanted_but_there_is_no_mobile(world, client):
    client.force_login(world.handler)
    response = client.post(
        reverse("notify:settings"), {"notice_mode": "instant", "sms_enabled": "on"}, follow=True
    )
    assert "机关没有登记您的手机号码" in response.content.decode()


def test_settings_refuse_an_unknown_mode(world, client):
    client.force_login(world.deputy)
    response = client.post(reverse("notify:settings"), {"notice_mode": "hourly"})
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    world.deputy.refresh_from_db()
    assert world.deputy.notice_mode == "instant"


def test_unread_count_is_zero_for_anonymous(world):
    from django.contrib.auth.models import AnonymousUser

    assert unread_count(AnonymousUser()) == 0
    assert Notice.objects.count() == 0
