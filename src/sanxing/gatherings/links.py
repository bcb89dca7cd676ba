"""Links programme apps add to a gathering's page for those who run it (the deputies'
rotation on a Standing Committee meeting, …).

The engine imports no programme app, so an app registers its link from its
``AppConfig.ready()``: ``register_gathering_link(label, url_for, applies)``, where
``applies(gathering)`` says for which gatherings (by kind, status) the link is shown."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class GatheringLink:
    label: Any  # a lazy translation
    url_for: Callable[[Any], str]
    applies: Callable[[Any], bool]


_LINKS: list[GatheringLink] = []


def register_gathering_link(
    label: Any, url_for: Callable[[Any], str], applies: Callable[[Any], bool]
) -> None:
    if not any(link.label == label for link in _LINKS):
        _LINKS.append(GatheringLink(label=label, url_for=url_for, applies=applies))


def links_for(gathering: Any) -> list[tuple[str, str]]:
    """(label, url) of every registered link that applies to ``gathering``: no queries."""
    return [
        (str(link.label), link.url_for(gathering)) for link in _LINKS if link.applies(gathering)
    ]
