"""Links other rooms add to a person's page (an attendance record, a learning archive, …).

People depends on nothing of ours, so an engine registers its link here from its
``AppConfig.ready()``: ``register_person_link(label, url_for, visible)``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sanxing.people.models import Person


@dataclass(frozen=True)
class PersonLink:
    label: Any  # a lazy translation
    url_for: Callable[[Person], str]
    visible: Callable[[Any, Person], bool]


_LINKS: list[PersonLink] = []


def register_person_link(
    label: Any, url_for: Callable[[Person], str], visible: Callable[[Any, Person], bool]
) -> None:
    _LINKS.append(PersonLink(label=label, url_for=url_for, visible=visible))


def links_for(user: Any, person: Person) -> list[tuple[str, str]]:
    return [
        (str(link.label), link.url_for(person)) for link in _LINKS if link.visible(user, person)
    ]
