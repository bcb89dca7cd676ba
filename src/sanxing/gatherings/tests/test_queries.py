"""Fixed query counts of the pages the benchmark times (issue 4): the meeting page, the live
quorum panel htmx polls, and the year's iCalendar export; and what the Python-built agenda
rows show. Counts include the signed-in shell's own queries (session, user, roles)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation

from sanxing.gatherings import services
from sanxing.gatherings.models import AgendaItem
from sanxing.gatherings.tests.conftest import PID, Meeting, P, add_members

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _grow(meeting: Meeting, n: int = 8) -> None:
    """More members on the roster (checked in), more agenda items, votes and meetings."""
    w, g = meeting.world, meeting.gathering
    extra = add_members(w, [f"委員{i}" for i in range(n)])
    services.roster_build(gathering=g, by=w.clerk)
    for i, person in enumerate(extra):
        services.check_in(gathering=g, person=person, by=w.clerk)
        services.agenda_item_add(gathering=g, title=f"議題{i}", by=w.clerk)
        services.gathering_plan(
            congress=w.congress,
            kind="inspection",
            title=f"視察{i}",
            starts_at=g.starts_at + dt.timedelta(days=i + 1),
            ends_at=g.starts_at + dt.timedelta(days=i + 1, hours=2),
            by=w.clerk,
        )


# The meeting page for the office: session, user, roles (viewer); the meeting; roster with
# attendance (one query); votes; agenda with bodies; leave requests; quorum; checklist size;
# the agenda form's lists of bodies (one query); the header's person and unread count.
DETAIL_QUERIES = 13
# The quorum panel: session, user, roles; the meeting (only the fields it reads); the count.
QUORUM_QUERIES = 5
# The year's .ics: session, user, roles; the gatherings with the congress's name.
ICS_QUERIES = 4


def test_the_meeting_page_has_a_fixed_query_count(meeting: Meeting, django_assert_num_queries):
    c = client_for(meeting.world.clerk)
    url = reverse("gatherings:detail", args=[meeting.gathering.pk])
    c.get(url)  # warm the session
    with django_assert_num_queries(DETAIL_QUERIES):
        assert c.get(url).status_code == 200
    _grow(meeting)
    with django_assert_num_queries(DETAIL_QUERIES):
        body = c.get(url).content.decode()
    assert "議題7" in body and "委員7" in body


def test_the_quorum_panel_has_a_fixed_query_count(meeting: Meeting, django_assert_num_queries):
    c = client_for(meeting.world.clerk)
    url = reverse("gatherings:quorum", args=[meeting.gathering.pk])
    c.get(url)
    with django_assert_num_queries(QUORUM_QUERIES):
        assert c.get(url).status_code == 200
    _grow(meeting)
    with django_assert_num_queries(QUORUM_QUERIES):
        panel = c.get(url)
    assert panel.context["quorum"].present == 8
    assert panel.context["quorum"].body_size == len(services.voting_body_ids(meeting.gathering))


def test_the_year_export_has_a_fixed_query_count(meeting: Meeting, django_assert_num_queries):
    c = client_for(meeting.world.clerk)
    url = reverse("gatherings:year_ics", args=[2026])
    c.get(url)
    with django_assert_num_queries(ICS_QUERIES):
        assert c.get(url).status_code == 200
    _grow(meeting)
    with django_assert_num_queries(ICS_QUERIES):
        body = c.get(url).content.decode()
    # the committee meeting and the inspections that fall in 2026 (the rest are in 2027)
    assert body.count("BEGIN:VEVENT") >= 2 and meeting.world.congress.name in body


def test_an_empty_year_still_names_the_congress(meeting: Meeting):
    body = client_for(meeting.world.clerk).get(reverse("gatherings:year_ics", args=[2019]))
    text = body.content.decode()
    assert "BEGIN:VEVENT" not in text
    assert f"X-WR-CALNAME:{meeting.world.congress.name} 2019" in text


def test_the_outsider_is_refused_the_timed_pages(meeting: Meeting):
    c = client_for(meeting.world.outsider)
    g = meeting.gathering
    assert c.get(reverse("gatherings:detail", args=[g.pk])).status_code == 404
    assert c.get(reverse("gatherings:quorum", args=[g.pk])).status_code == 404
    assert c.get(reverse("gatherings:year_ics", args=[2026])).status_code == 404


def test_the_agenda_rows_are_escaped_and_carry_their_vote_forms(meeting: Meeting):
    w, g = meeting.world, meeting.gathering
    item = services.agenda_item_add(gathering=g, title='<b>議題</b> "{x}"', by=w.clerk)
    gone = services.agenda_item_add(gathering=g, title="撤回的議題", by=w.clerk)
    services.agenda_item_withdraw(item=gone, reason="<i>改期</i>", by=w.clerk)
    c = client_for(w.clerk)
    with translation.override("en"):
        body = c.get(reverse("gatherings:detail", args=[g.pk]), HTTP_ACCEPT_LANGUAGE="en")
    text = body.content.decode()
    assert "<b>議題</b>" not in text and "&lt;b&gt;議題&lt;/b&gt;" in text
    assert 'value="&lt;b&gt;議題&lt;/b&gt; &quot;{x}&quot;"' in text
    assert f'id="vote-toggle-{item.pk}"' in text and f'id="open-vote-{item.pk}"' in text
    assert reverse("gatherings:vote_open", args=[item.pk]) in text
    assert reverse("gatherings:agenda_withdraw", args=[item.pk]) in text
    assert reverse("gatherings:agenda_delete", args=[item.pk]) in text
    assert "csrfmiddlewaretoken" in text
    assert "<s>撤回的議題</s>" in text and "&lt;i&gt;改期&lt;/i&gt;" in text
    assert f'id="vote-toggle-{gone.pk}"' not in text
    # a member sees the agenda without the office's forms
    member = client_for(w.member).get(reverse("gatherings:detail", args=[g.pk])).content
    assert b"&lt;b&gt;\xe8\xad\xb0\xe9\xa1\x8c&lt;/b&gt;" in member
    assert f'id="vote-toggle-{item.pk}"'.encode() not in member
    assert AgendaItem.objects.filter(gathering=g).count() == 2


def test_the_page_lists_the_same_bodies_as_the_form(meeting: Meeting):
    from sanxing.gatherings.forms import AgendaItemForm
    from sanxing.gatherings.views import _agenda_form

    g = meeting.gathering
    ours, theirs = _agenda_form(g), AgendaItemForm(congress_id=g.congress_id)
    for name in ("presenting_body", "responsible_committee"):
        assert str(ours[name]) == str(theirs[name])
    assert meeting.world.government.name in str(ours["presenting_body"])


# --- the page's reads, their SQL compiled once per meeting (selectors.compiled_rows) --------


def test_the_light_rows_equal_what_the_orm_reads(meeting: Meeting):
    from sanxing.gatherings import selectors
    from sanxing.gatherings.models import Attendance, LeaveRequest, RosterEntry, Vote

    w, g = meeting.world, meeting.gathering
    services.check_in(gathering=g, person=meeting.extra[0], by=w.clerk)
    services.check_in(gathering=g, person=meeting.extra[1], status="late", by=w.clerk)
    services.check_in(gathering=g, person=P(w.director), by=w.clerk)  # a quorum to vote
    first = services.agenda_item_add(
        gathering=g, title="議題甲", presenting_body=w.government, by=w.clerk
    )
    gone = services.agenda_item_add(gathering=g, title="議題乙", by=w.clerk)
    services.agenda_item_withdraw(item=gone, reason="改期", by=w.clerk)
    services.leave_request(
        gathering=g,
        person=meeting.extra[2],
        reason="出差",
        by=w.clerk,
        at=g.starts_at - dt.timedelta(days=2),
    )
    with time_machine.travel(g.starts_at + dt.timedelta(minutes=5)):
        vote = services.vote_open(item=first, motion="表決議題甲", mode="counts", by=w.clerk)
        services.vote_close(vote=vote, counts=services.Counts(yes=3, no=0, abstain=0), by=w.clerk)
        services.vote_open(item=first, motion="再表決", by=w.clerk)

    status = {a.person_id: a.status for a in Attendance.objects.filter(gathering=g)}
    expected_roster = [
        (e.person_id, e.person.name, e.capacity, status.get(e.person_id, ""))
        for e in RosterEntry.objects.filter(gathering=g).select_related("person")
    ]
    roster = selectors.roster_rows(g)
    assert [(r.person_id, r.name, r.capacity, r.status) for r in roster] == expected_roster
    one = selectors.roster_rows(g, person_id=meeting.extra[1].pk)
    assert [(r.person_id, r.status) for r in one] == [(meeting.extra[1].pk, "late")]

    expected_agenda = [
        (a.pk, a.title, a.is_withdrawn, a.withdrawn_reason, str(a.presenting_body or ""))
        for a in AgendaItem.objects.filter(gathering=g).select_related("presenting_body")
    ]
    agenda = selectors.agenda_rows(g)
    assert [
        (a.pk, a.title, a.is_withdrawn, a.withdrawn_reason, a.presenting_body) for a in agenda
    ] == expected_agenda

    votes = Vote.objects.filter(gathering=g).order_by("opened_at", "pk")
    assert [
        (v.pk, v.motion, v.closed, v.yes, v.result)
        for v in selectors.vote_rows(g, closed_only=False)
    ] == [(v.pk, v.motion, v.closed_at is not None, v.yes, v.result) for v in votes]
    assert [v.pk for v in selectors.vote_rows(g, closed_only=True)] == [vote.pk]

    leave = LeaveRequest.objects.get(gathering=g)
    (row,) = selectors.leave_rows(g, manage=False, person_id=meeting.extra[2].pk)
    assert (row.pk, row.person_name, row.reason, row.requested_at) == (
        leave.pk,
        meeting.extra[2].name,
        "出差",
        leave.requested_at,
    )
    assert row.requested_at is not None and row.requested_at.tzinfo is not None
    assert row.show_reason
    assert not selectors.leave_rows(g, manage=False, person_id=PID(w.member))[0].show_reason
    assert selectors.leave_rows(g, manage=True, person_id=None)[0].show_reason

    assert selectors.checklist_size(g) == 0
    services.checklist_generate(gathering=g, by=w.clerk)
    assert selectors.checklist_size(g) == g.checklist.count() > 0


def test_the_quorum_counts_as_the_voting_body_and_the_room_say(meeting: Meeting):
    w, g = meeting.world, meeting.gathering
    state = services.quorum(g)
    assert (state.body_size, state.present) == (len(services.voting_body_ids(g)), 0)
    for person in meeting.extra[:2]:
        services.check_in(gathering=g, person=person, by=w.clerk)
    services.check_in(gathering=g, person=meeting.extra[2], status="absent", by=w.clerk)
    state = services.quorum(g)  # the same compiled SQL, the new rows
    in_room = services.voting_body_ids(g) & services._in_room_ids(g)
    assert state.present == len(in_room) == 2
    # a member whose person is deleted no longer counts, as in voting_body_ids
    meeting.extra[0].deleted_at = g.starts_at
    meeting.extra[0].save(update_fields=["deleted_at"])
    state = services.quorum(g)
    assert (state.body_size, state.present) == (len(services.voting_body_ids(g)), 1)


def test_each_meeting_and_day_has_its_own_compiled_quorum(meeting: Meeting):
    """The key names every input: another meeting, or the same one moved to a day when a
    member's role has ended, counts its own body."""
    from sanxing.people.models import Role

    w, g = meeting.world, meeting.gathering
    before = services.quorum(g).body_size
    Role.objects.filter(person=meeting.extra[0]).update(ends_on=dt.date(2027, 1, 31))
    later = services.gathering_plan(
        congress=w.congress,
        kind=g.kind,
        title="下一次會議",
        starts_at=g.starts_at + dt.timedelta(days=60),
        ends_at=g.ends_at + dt.timedelta(days=60),
        by=w.clerk,
    )
    assert services.quorum(later).body_size == before - 1
    assert services.quorum(g).body_size == before
    g.starts_at += dt.timedelta(days=60)
    g.ends_at += dt.timedelta(days=60)
    g.save(update_fields=["starts_at", "ends_at"])
    assert services.quorum(g).body_size == before - 1


def test_the_page_shows_what_changed_since_the_last_request(meeting: Meeting):
    """Nothing is cached but the SQL: a check-in, an agenda item and a leave request show
    on the next request."""
    w, g = meeting.world, meeting.gathering
    c = client_for(w.clerk)
    url = reverse("gatherings:detail", args=[g.pk])
    with translation.override("en"):
        first = c.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert first.context["quorum"].present == 0
        services.check_in(gathering=g, person=meeting.extra[0], by=w.clerk)
        services.agenda_item_add(gathering=g, title="新議題", by=w.clerk)
        services.leave_request(
            gathering=g,
            person=meeting.extra[1],
            reason="病假",
            by=w.clerk,
            at=g.starts_at - dt.timedelta(days=1),
        )
        again = c.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert again.context["quorum"].present == 1
    text = again.content.decode()
    assert "新議題" in text and "病假" in text and meeting.extra[1].name in text
    assert again.context["summary"]["present"] == 1
    leave = g.leave_requests.get()
    action = reverse("gatherings:leave_decide", args=[leave.pk])
    assert f'<form method="post" action="{action}" class="inline">' in text
    assert text.count('name="decision" value="approve"') == 1 and "Refuse" in text
    # a member sees the leave without its reason, and without the office's buttons
    member = client_for(w.member).get(url).content.decode()
    assert meeting.extra[1].name in member and "病假" not in member
    assert action not in member and 'name="decision"' not in member
    services.leave_decide(leave=leave, approve=True, by=w.clerk)
    decided = c.get(url).content.decode()
    assert action not in decided and "病假" in decided


def test_the_quorum_panel_is_for_the_office_and_the_roster_only(meeting: Meeting):
    w, g = meeting.world, meeting.gathering
    url = reverse("gatherings:quorum", args=[g.pk])
    for user in (w.clerk, w.member):  # the office; a member on the roster
        panel = client_for(user).get(url)
        assert panel.status_code == 200 and panel.context["quorum"].body_size == 5
        assert panel.context["g"].status == g.status
    for user in (w.deputy, w.handler, w.outsider):  # not on this roster (nor the office)
        assert client_for(user).get(url).status_code == 404
    assert client_for(w.clerk).get(reverse("gatherings:quorum", args=[987654])).status_code == 404


def test_as_aware_gives_what_the_orm_gives():
    from sanxing.gatherings.selectors import as_aware

    utc = dt.datetime(2026, 12, 18, 1, 0, tzinfo=dt.UTC)
    assert as_aware("2026-12-18 01:00:00") == utc
    assert as_aware("2026-12-18 01:00:00.250000").microsecond == 250000
    assert as_aware(utc.replace(tzinfo=None)) == utc
    assert as_aware(utc) is utc


def test_the_add_an_item_form_follows_the_language_the_bodies_and_its_errors(meeting: Meeting):
    """The unbound form's fields are made once per (language, bodies); a new body, another
    language and a form sent back with errors each show what they should."""
    from sanxing.people.models import Organisation

    w, g = meeting.world, meeting.gathering
    c = client_for(w.clerk)
    url = reverse("gatherings:detail", args=[g.pk])
    english = c.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="presenting_body"' in english and w.government.name in english
    c.post(reverse("language"), {"language": "zh-hant", "next": url})
    chinese = c.get(url).content.decode()
    assert english.count('id="id_kind"') == chinese.count('id="id_kind"') == 1
    with translation.override("zh-hant"):
        assert str(AgendaItem.Kind.choices[0][1]) in chinese
    Organisation.objects.create(
        congress=w.congress, name="新設委員會", kind=Organisation.Kind.SPECIAL_COMMITTEE
    )
    assert "新設委員會" in c.get(url).content.decode()
    sent_back = c.post(reverse("gatherings:agenda_add", args=[g.pk]), {"title": ""})
    assert sent_back.status_code == 400
    text = sent_back.content.decode()
    assert 'class="error-message"' in text and 'id="id_title"' in text


def test_the_year_export_counts_the_year_in_the_current_time_zone(meeting: Meeting):
    """The year's SQL is compiled once per congress, year and time zone: a meeting on New
    Year's Eve in UTC falls in the next year in Beijing."""
    from django.utils import timezone

    from sanxing.gatherings import ical

    w = meeting.world
    eve = dt.datetime(2026, 12, 31, 20, 0, tzinfo=dt.UTC)  # 2027-01-01 04:00 in Beijing
    services.gathering_plan(
        congress=w.congress,
        kind="inspection",
        title="跨年視察",
        starts_at=eve,
        ends_at=eve + dt.timedelta(hours=2),
        by=w.clerk,
    )
    with timezone.override("Asia/Shanghai"):
        assert "跨年視察" not in ical.year_calendar(w.congress.pk, 2026)
        assert "跨年視察" in ical.year_calendar(w.congress.pk, 2027)
    with timezone.override("UTC"):
        assert "跨年視察" in ical.year_calendar(w.congress.pk, 2026)
        assert "跨年視察" not in ical.year_calendar(w.congress.pk, 2027)


def test_a_compiled_rows_key_that_misses_an_input_fails_the_tests(meeting: Meeting):
    from sanxing.gatherings.models import Gathering
    from sanxing.gatherings.selectors import compiled_rows

    def rows_of(pk: int):
        # the key leaves out pk: the second call compiles another statement under it
        return compiled_rows(
            ("test-missing-input",), lambda: Gathering.objects.filter(pk=pk).values_list("pk")
        )

    g = meeting.gathering
    assert rows_of(g.pk) == [(g.pk,)]
    with pytest.raises(AssertionError, match="misses an input"):
        rows_of(g.pk + 1000)
