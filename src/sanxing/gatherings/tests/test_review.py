"""The review findings: private leave reasons, leave by strangers, check-in code guessing,
double clicks on a checklist task, hashed calendar-feed secrets."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sanxing.core.errors import BusinessError
from sanxing.gatherings import services
from sanxing.gatherings.tests.conftest import Meeting, P, during

pytestmark = pytest.mark.django_db

REASON = "住院治療-PRIVATE"


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_a_leave_reason_shows_to_the_office_and_the_person_only(meeting: Meeting):
    w, g = meeting.world, meeting.gathering
    services.leave_request(
        gathering=g,
        person=P(w.member),
        reason=REASON,
        by=w.clerk,
        at=g.starts_at - dt.timedelta(days=1),
    )
    url = reverse("gatherings:detail", args=[g.pk])
    assert REASON in client_for(w.clerk).get(url).content.decode()
    assert REASON in client_for(w.member).get(url).content.decode()
    other = client_for(w.director).get(url)  # on the roster, not the one who asked
    assert other.status_code == 200
    body = other.content.decode()
    assert REASON not in body and P(w.member).name in body
    services.gathering_publish_results(gathering=g, by=w.clerk)
    public = client_for(w.outsider).get(url)
    assert public.status_code == 200 and REASON not in public.content.decode()


def test_leave_by_someone_neither_on_the_roster_nor_the_office_is_404(meeting: Meeting):
    w, g = meeting.world, meeting.gathering
    services.gathering_publish_results(gathering=g, by=w.clerk)
    with time_machine.travel(g.starts_at - dt.timedelta(days=2), tick=False):
        response = client_for(w.outsider).post(
            reverse("gatherings:leave", args=[g.pk]), {"reason": "x"}
        )
        assert response.status_code == 404
        # the member on the roster still can
        ok = client_for(w.member).post(reverse("gatherings:leave", args=[g.pk]), {"reason": "出差"})
        assert ok.status_code == 302
    assert list(g.leave_requests.values_list("person_id", flat=True)) == [P(w.member).pk]
    # GET-only meeting page: a POST to it is refused
    assert client_for(w.clerk).post(reverse("gatherings:detail", args=[g.pk])).status_code == 405


def test_wrong_check_in_codes_are_limited_per_person_and_meeting(meeting: Meeting):
    w, g = meeting.world, meeting.gathering
    at = during(meeting, 1)
    with time_machine.travel(at, tick=False):  # the cache's clock too
        _too_many(meeting, at)
    # ten minutes later the member may try again
    later = at + dt.timedelta(minutes=11)
    with time_machine.travel(later, tick=False):
        done = services.check_in_self(
            gathering=g,
            person=P(w.member),
            code=services.check_in_code(g, later),
            by=w.member,
            at=later,
        )
    assert done.status in ("present", "late")


def _too_many(meeting: Meeting, at: dt.datetime) -> None:
    w, g = meeting.world, meeting.gathering
    good = services.check_in_code(g, at)
    wrong = "000000" if good != "000000" else "111111"
    for _ in range(10):
        with CaptureQueriesContext(connection) as ctx, pytest.raises(BusinessError) as err:
            services.check_in_self(gathering=g, person=P(w.member), code=wrong, by=w.member, at=at)
        assert err.value.code == "wrong_code"
        # explained without taking the meeting's row lock (nor any write)
        sql = " ".join(q["sql"] for q in ctx.captured_queries).upper()
        assert "FOR UPDATE" not in sql and "INSERT" not in sql and "SAVEPOINT" not in sql
    with pytest.raises(BusinessError) as err:
        services.check_in_self(gathering=g, person=P(w.member), code=good, by=w.member, at=at)
    assert err.value.code == "too_many_attempts"
    assert not g.attendances.filter(person=P(w.member)).exists()
    # someone else at the same meeting is not blocked
    ok = services.check_in_self(gathering=g, person=P(w.director), code=good, by=w.director, at=at)
    assert ok.status == "present"
    # the page says so too
    page = client_for(w.member).post(
        reverse("gatherings:self_check_in", args=[g.pk]), {"code": good}
    )
    assert page.status_code == 429 and page.context["form"].errors  # test_checkin_limit.py


def test_a_double_click_on_a_checklist_task_does_not_undo_it(meeting: Meeting):
    w, g = meeting.world, meeting.gathering
    c = client_for(w.clerk)
    c.post(reverse("gatherings:action", args=[g.pk, "checklist"]))
    task = g.checklist.order_by("pk")[0]
    url = reverse("gatherings:task_toggle", args=[task.pk])
    page = c.get(reverse("gatherings:checklist", args=[g.pk])).content.decode()
    assert 'name="done" value="1"' in page
    # the same page, clicked twice: both ask for "done"
    assert c.post(url, {"done": "1"}).status_code == 302
    task.refresh_from_db()
    first = (task.done_at, task.version)
    assert first[0] is not None
    c.post(url, {"done": "1"})
    task.refresh_from_db()
    assert (task.done_at, task.version) == first  # nothing rewritten
    assert task.history.count() == 2  # created, done
    c.post(url, {"done": "0"})
    task.refresh_from_db()
    assert task.done_at is None
    # without the wish the locked row decides
    c.post(url)
    task.refresh_from_db()
    assert task.done_at is not None
    # a stale task object handed to the service still toggles from the database
    stale = g.checklist.get(pk=task.pk)
    services.checklist_task_done(task=stale, done=None, by=w.clerk)
    services.checklist_task_done(task=stale, done=True, by=w.clerk)
    stale.refresh_from_db()
    assert stale.done_at is not None


def test_the_feed_secret_is_stored_hashed_shown_once_and_made_on_a_post(meeting: Meeting):
    import hashlib

    from sanxing.gatherings.models import CalendarFeed

    w = meeting.world
    c = client_for(w.member)
    url = reverse("gatherings:my_calendar")
    page = c.get(url)
    assert page.status_code == 200 and not CalendarFeed.objects.exists()  # a GET writes nothing
    assert 'id="feed-create"' in page.content.decode()
    made = c.post(url)
    assert made.status_code == 200 and made["Cache-Control"] == "no-store"
    feed_url = made.context["feed_url"]
    raw = feed_url.rsplit("/", 1)[-1].removesuffix(".ics")
    feed = CalendarFeed.objects.get(user=w.member)
    assert feed.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(list(CalendarFeed.objects.values()))
    history = list(feed.history.values())
    assert history and all(raw not in str(h) and feed.token_hash not in str(h) for h in history)
    assert Client().get(feed_url).status_code == 200
    # shown once: the next GET no longer has it
    again = c.get(url).content.decode()
    assert raw not in again and 'id="feed-reset"' in again
    # a new address stops the old one
    renewed = c.post(url)
    new_url = renewed.context["feed_url"]
    assert new_url != feed_url
    assert Client().get(feed_url).status_code == 404
    assert Client().get(new_url).status_code == 200
    assert CalendarFeed.objects.count() == 1
    # the outsider is refused nothing here (their own page) but sees no other feed
    other = client_for(w.outsider).get(url)
    assert other.status_code == 200 and "feed-create" in other.content.decode()


def test_the_quorum_panel_and_year_export_have_fixed_query_counts(
    meeting: Meeting, django_assert_num_queries
):
    from sanxing.gatherings.tests.conftest import add_members

    w, g = meeting.world, meeting.gathering
    c = client_for(w.clerk)
    quorum_url = reverse("gatherings:quorum", args=[g.pk])
    ics_url = reverse("gatherings:year_ics", args=[2026])
    c.get(quorum_url)  # warm the session

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(url).status_code == 200
        return len(ctx.captured_queries)

    small_quorum, small_ics = count(quorum_url), count(ics_url)
    extra = add_members(w, [f"委員{i}" for i in range(12)])
    services.roster_build(gathering=g, by=w.clerk)
    for person in extra[:7]:
        services.check_in(gathering=g, person=person, by=w.clerk)
    for i in range(5):
        services.gathering_plan(
            congress=w.congress,
            kind="inspection",
            title=f"視察{i}",
            starts_at=g.starts_at + dt.timedelta(days=i + 1),
            ends_at=g.starts_at + dt.timedelta(days=i + 1, hours=2),
            by=w.clerk,
        )
    with django_assert_num_queries(small_quorum):
        panel = c.get(quorum_url)
    state = panel.context["quorum"]
    assert state.body_size == len(services.voting_body_ids(g)) == 17
    assert state.present == 7
    with django_assert_num_queries(small_ics):
        body = c.get(ics_url).content.decode()
    assert body.count("BEGIN:VEVENT") == 6 and f"/gatherings/{g.pk}/" in body


def test_the_meeting_page_builds_the_roster_rows_escaped(meeting: Meeting):
    from sanxing.gatherings.tests.conftest import add_members

    w, g = meeting.world, meeting.gathering
    (odd,) = add_members(w, ["<b>委員</b>"])
    services.roster_build(gathering=g, by=w.clerk)
    services.check_in(gathering=g, person=odd, by=w.clerk)
    body = client_for(w.clerk).get(reverse("gatherings:detail", args=[g.pk])).content.decode()
    assert "&lt;b&gt;委員&lt;/b&gt;" in body and "<b>委員</b>" not in body
    assert 'class="tag tag-green"' in body
    item = services.agenda_item_add(gathering=g, title="議題", by=w.clerk)
    body = client_for(w.clerk).get(reverse("gatherings:detail", args=[g.pk])).content.decode()
    assert reverse("gatherings:vote_open", args=[item.pk]) in body
    assert reverse("gatherings:agenda_delete", args=[item.pk]) in body


def test_the_quick_select_renders_like_a_select(meeting: Meeting):
    from sanxing.gatherings.forms import AgendaItemForm

    w = meeting.world
    form = AgendaItemForm({"presenting_body": str(w.committee.pk)}, congress_id=w.congress.pk)
    html = str(form["presenting_body"])
    assert html.startswith("<select") and 'name="presenting_body"' in html
    assert f'<option value="{w.committee.pk}" selected>' in html
    assert '<option value="">---------</option>' in html
    w.committee.name = "<i>常委會</i>"
    w.committee.save(update_fields=["name"])
    html = str(AgendaItemForm(congress_id=w.congress.pk)["presenting_body"])
    assert "&lt;i&gt;常委會&lt;/i&gt;" in html and "<i>" not in html


def test_roll_call_rows_are_built_escaped_and_the_htmx_row_comes_back(meeting: Meeting):
    from sanxing.gatherings.tests.conftest import add_members

    w, g = meeting.world, meeting.gathering
    (odd,) = add_members(w, ['<img src=x>"委員"'])
    services.roster_build(gathering=g, by=w.clerk)
    c = client_for(w.clerk)
    url = reverse("gatherings:roll_call", args=[g.pk])
    page = c.get(url).content.decode()
    assert "<img src=x>" not in page and "&lt;img src=x&gt;&quot;委員&quot;" in page
    assert page.count('name="csrfmiddlewaretoken"') >= 6
    row = c.post(url, {"person": odd.pk, "status": "late"}, HTTP_HX_REQUEST="true")
    body = row.content.decode()
    assert row.status_code == 200 and body.count("<tr") == 1
    assert f'id="p{odd.pk}"' in body and 'value="late" aria-label' in body
    assert 'value="late" aria-label="&lt;img src=x&gt;&quot;委員&quot;: ' in body
    assert body.count('aria-pressed="true"') == 1
    assert g.attendances.get(person=odd).status == "late"
