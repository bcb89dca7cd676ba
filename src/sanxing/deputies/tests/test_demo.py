"""The demo's rotation: most deputies of the term have attended once, a few declined and
were replaced, and the next meeting's invitations (the deputy persona's too) wait."""

from __future__ import annotations

from sanxing.deputies import selectors
from sanxing.deputies.models import Invitation


def test_the_demo_rotation_covers_most_deputies(demo):
    # the whole demo, built once for the tests that read it (root conftest)
    ctx = demo
    cov = selectors.coverage(ctx.term)
    assert cov.total > 300
    assert cov.percent >= 60  # five meetings so far this term, at most 60 places each
    declined = Invitation.objects.filter(status=Invitation.Status.DECLINED).count()
    assert 3 <= declined <= cov.total // 5
    assert Invitation.objects.filter(replaces__isnull=False).count() == declined
    waiting = Invitation.objects.filter(status=Invitation.Status.INVITED)
    assert waiting.exists()
    assert waiting.filter(person=ctx.accounts["deputy"].person).exists()
