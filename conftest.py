"""Fixtures shared by every app's tests."""

from __future__ import annotations

import pytest

from sanxing.people.testing import World, build_world


@pytest.fixture
def world(db) -> World:
    return build_world()
