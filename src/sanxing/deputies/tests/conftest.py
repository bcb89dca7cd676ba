"""The rotation's test world: see ``sanxing.deputies.testing``."""

from __future__ import annotations

import pytest

from sanxing.deputies.testing import EARLIER, STARTS, P, Setup, build_setup
from sanxing.people.testing import World

__all__ = ["EARLIER", "STARTS", "P", "Setup"]


@pytest.fixture
def setup(world: World) -> Setup:
    return build_setup(world)
