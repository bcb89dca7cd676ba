"""The clerk puts a review opinion's handling report to a satisfaction vote at the next
Standing Committee meeting; at the meeting the vote is taken and closed; the review opinion's
page shows the result, the counts and the rule."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from sanxing.casework import kinds
from sanxing.casework.satisfaction import SatisfactionVote
from sanxing.casework.tests.test_satisfaction import committee_meeting, replied_review_opinion
from sanxing.gatherings import services as meetings
from sanxing.gatherings.models import Vote
from sanxing.people.models import Person
from tests.browser.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_clerk_schedules_the_vote_and_the_review_opinion_shows_the_result(world, page):
    today = timezone.localdate()
    item = replied_review_opinion(world, sent_on=today - dt.timedelta(days=10))
    starts = timezone.now() + dt.timedelta(hours=2)
    gathering = committee_meeting(world, at=starts, title="第十六屆常委會第三十二次會議")

    # The clerk chooses the meeting on the review opinion's page.
    login(page, "clerk")
    page.goto(page.base_url + f"/casework/items/{item.pk}/")
    page.select_option("#satisfaction-meeting", str(gathering.pk))
    page.click("#satisfaction-schedule")
    page.wait_for_selector("#satisfaction-round-1")
    assert page.locator("#satisfaction-schedule").count() == 0
    row = SatisfactionVote.objects.get(item=item)

    # At the meeting: the agenda links back; the clerk opens the vote.
    page.goto(page.base_url + f"/gatherings/{gathering.pk}/")
    link = page.locator(f"#subject-link-{row.agenda_item_id}")
    assert link.get_attribute("href") == f"/casework/items/{item.pk}/"
    page.click(f"#vote-toggle-{row.agenda_item_id}")
    page.click(f"#open-vote-{row.agenda_item_id}")
    page.wait_for_url(re.compile(r"/gatherings/votes/\d+/$"))
    vote = Vote.objects.get(agenda_item_id=row.agenda_item_id)

    # Five members check in; four vote yes, one no (recorded quickly through the services).
    members = [
        world.director.person,
        world.member.person,
        *Person.objects.filter(congress=world.congress, name__in=["委員甲", "委員乙", "委員丙"]),
    ]
    for n, person in enumerate(members):
        meetings.check_in(gathering=gathering, person=person, by=world.clerk)
        meetings.ballot_cast(
            vote=vote, person=person, option="yes" if n < 4 else "no", by=world.clerk
        )
    page.reload()
    page.click("#close-vote")
    page.wait_for_selector("#confirm-close")
    page.click("#confirm-close")
    page.wait_for_selector("#vote-result")

    # The review opinion shows the result with the counts and the rule; it is closed.
    page.goto(page.base_url + f"/casework/items/{item.pk}/")
    page.wait_for_selector("#satisfaction-result-1")
    counts = page.inner_text("#satisfaction-counts-1")
    assert "4" in counts and "1" in counts and "5" in counts
    assert page.locator("#satisfaction-round-1").inner_text().count("五十一") == 1
    item.refresh_from_db()
    assert item.state == kinds.CLOSED
    row.refresh_from_db()
    assert (row.result, row.yes, row.no, row.required) == ("satisfied", 4, 1, 3)
