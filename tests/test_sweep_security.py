"""Findings of the security review that a test can show: each is ``xfail(strict=True)`` with
the finding, so the suite stays green until the fix makes the test pass (and then the mark
must go).

Production runs behind nginx on the same machine (docs/deployment.md): every request reaches
gunicorn from 127.0.0.1, and gunicorn does not put X-Forwarded-For into REMOTE_ADDR. The
tests below make requests the way they arrive there.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from sanxing.casework import services as casework
from sanxing.people.testing import PASSWORD


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def behind_nginx(visitor: str) -> Client:
    """A visitor as gunicorn sees them behind nginx: from 127.0.0.1, named in X-Forwarded-For."""
    return Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=visitor)


def test_the_sign_in_page_limits_guessing_like_the_api(world):
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for i in range(12):
        attacker.post("/accounts/login/", {"username": "clerk", "password": f"guess-{i}"})
    response = attacker.post("/accounts/login/", {"username": "clerk", "password": PASSWORD})
    assert response.status_code != 302, "the 13th try from the guessing address signed in"


def test_one_visitor_guessing_codes_does_not_lock_out_the_others(world):
    letter = casework.letter_receive(
        congress=world.congress,
        channel="letter",
        petitioner_name="張三",
        title="噪音擾民",
        content="夜間施工。",
        received_on=timezone.localdate() - dt.timedelta(days=1),
        by=world.clerk,
    )
    guesser = behind_nginx("198.51.100.7")
    for i in range(11):
        guesser.post("/casework/track/", {"code": f"WRONG{i:04d}"})
    writer = behind_nginx("203.0.113.20")
    response = writer.post("/casework/track/", {"code": letter.tracking_code})
    assert response.status_code == 200


def test_someone_elses_wrong_passwords_do_not_lock_the_user_out_of_the_api(world):
    def token(client: Client, password: str):
        return client.post(
            "/api/v1/auth/token",
            data=json.dumps({"username": "clerk", "password": password}),
            content_type="application/json",
        )

    attacker = behind_nginx("198.51.100.7")
    for i in range(11):
        token(attacker, f"guess-{i}")
    response = token(behind_nginx("203.0.113.20"), PASSWORD)
    assert response.status_code == 201
