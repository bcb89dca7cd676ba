import pytest


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # build_world creates nine users: a fast hasher keeps each test to a fraction of a second.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
