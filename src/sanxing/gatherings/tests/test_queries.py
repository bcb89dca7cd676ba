"""Fixed query counts of the pages the benchmark times (issue 4): the meeting page, the live
quorum panel htmx polls, and the year's iCalendar export; and what the Python-built agenda
rows show. Counts include the signed-in shell's own queries (session, user, roles)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from sanxing.gatherings import services
from sanxing.gatherings.models import AgendaItem
from sanxing.gatherings.tests.conftest import Meeting, add_members

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
