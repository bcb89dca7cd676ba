"""The demo's rotation: most deputies of the term have attended once, a few declined and
were replaced, and the next meeting's invitations (the deputy persona's too) wait."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import pytest

from sanxing.demo import people_demo
from sanxing.demo.registry import DemoContext
from sanxing.deputies import demo, selectors
from sanxing.deputies.models import Invitation
from sanxing.gatherings import demo as gatherings_demo

pytestmark = pytest.mark.django_db


def test_the_demo_rotation_covers_most_deputies():
    today = dt.date(2026, 11, 28)
    congress, term = people_demo.create_congress(today=today)
    ctx = DemoContext(
        congress=congress, term=term, rng=random.Random("1:people"), today=today, log=print
    )
    people_demo.build(ctx)
    gatherings_demo.build(dataclasses.replace(ctx, rng=random.Random("1:gatherings")))
    demo.build(dataclasses.replace(ctx, rng=random.Random("1:deputies")))
    cov = selectors.coverage(term)
    assert cov.total > 300
    assert cov.percent >= 60  # five meetings so far this term, at most 60 places each
    declined = Invitation.objects.filter(status=Invitation.Status.DECLINED).count()
    assert 3 <= declined <= cov.total // 5
    assert Invitation.objects.filter(replaces__isnull=False).count() == declined
    waiting = Invitation.objects.filter(status=Invitation.Status.INVITED)
    assert waiting.exists()
    assert waiting.filter(person=ctx.accounts["deputy"].person).exists()
