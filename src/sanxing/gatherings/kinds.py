"""The registry of gathering kinds: each kind's voting body, quorum rule, pass rule and
preparation checklist template (shared/domain/RULES.md §4).

Programme apps (learning, deputies) add their kinds with ``register_kind``; the engine never
imports them. The rules come from the law, with the article shown beside every verdict:
《地方各級人民代表大會和地方各級人民政府組織法》(2022).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sanxing.people.models import Organisation, Role

Text = str | Promise


@dataclass(frozen=True)
class Threshold:
    """A fraction of ALL members of the body: "more than half" (strict) or "two thirds"
    (at least). ``required(n)`` is the smallest whole number of persons that meets it."""

    code: str
    numerator: int
    denominator: int
    strict: bool
    label: Text
    article: Text

    def required(self, body_size: int) -> int:
        if self.strict:
            return body_size * self.numerator // self.denominator + 1
        return -(-body_size * self.numerator // self.denominator)

    def met(self, count: int, body_size: int) -> bool:
        return body_size > 0 and count >= self.required(body_size)


MORE_THAN_HALF_COMMITTEE = Threshold(
    code="more_than_half_of_all_members",
    numerator=1,
    denominator=2,
    strict=True,
    label=_("more than half of all members"),
    article=_("Local Organic Law Art. 51"),
)
TWO_THIRDS_DEPUTIES = Threshold(
    code="two_thirds_of_all_deputies",
    numerator=2,
    denominator=3,
    strict=False,
    label=_("two thirds of all deputies"),
    article=_("Local Organic Law Art. 14"),
)
MORE_THAN_HALF_DEPUTIES = Threshold(
    code="more_than_half_of_all_deputies",
    numerator=1,
    denominator=2,
    strict=True,
    label=_("more than half of all deputies"),
    article=_("Local Organic Law Art. 25"),
)
MORE_THAN_HALF_DIRECTORS = Threshold(
    code="more_than_half_of_all_directors",
    numerator=1,
    denominator=2,
    strict=True,
    label=_("more than half of the directors' meeting"),
    article=_("Local Organic Law Art. 54; democratic centralism"),
)

THRESHOLDS = {
    t.code: t
    for t in (
        MORE_THAN_HALF_COMMITTEE,
        TWO_THIRDS_DEPUTIES,
        MORE_THAN_HALF_DEPUTIES,
        MORE_THAN_HALF_DIRECTORS,
    )
}


@dataclass(frozen=True)
class TaskTemplate:
    """A preparation task: due ``offset`` days from the meeting day (negative = before),
    counted in working days when ``working_days``."""

    title: Text
    offset: int
    working_days: bool = True


def _committee_members(on: dt.date) -> Q:
    return Q(
        kind__in=Role.COMMITTEE_KINDS,
        organisation__kind=Organisation.Kind.STANDING_COMMITTEE,
    )


def _directors(on: dt.date) -> Q:
    return Q(
        kind__in=Role.LEADER_KINDS,
        organisation__kind=Organisation.Kind.STANDING_COMMITTEE,
    )


def _deputies(on: dt.date) -> Q:
    return Q(kind=Role.Kind.DEPUTY)


# The bodies whose heads attend without a vote (一府一委兩院), by organisation code; a
# locality names its own with the GATHERINGS_ATTENDING_BODY_CODES setting.
ATTENDING_BODY_CODES = ("gov", "supervision", "court", "procuratorate")


def _heads_attending(on: dt.date) -> Q:
    """Heads of the government, supervisory commission, court and procuratorate attend the
    committee without a vote (Art. 51)."""
    codes = getattr(settings, "GATHERINGS_ATTENDING_BODY_CODES", ATTENDING_BODY_CODES)
    return Q(
        kind__in=(Role.Kind.HEAD, Role.Kind.UNIT_HEAD),
        organisation__kind=Organisation.Kind.HANDLING_UNIT,
        organisation__code__in=codes,
    )


@dataclass(frozen=True)
class GatheringKind:
    code: str
    label: Text
    # Roles (a filter on people.Role, in force on the meeting day) of the voting body.
    voting_body: Callable[[dt.date], Q] | None = None
    # Roles attending without a vote (列席).
    non_voting: Callable[[dt.date], Q] | None = None
    # Whether the voting body's members vote here or only take part (inspections).
    votes: bool = True
    quorum: Threshold | None = None
    pass_rule: Threshold | None = None
    checklist: Sequence[TaskTemplate] = field(default_factory=tuple)
    sittings_numbered: bool = False


_COMMITTEE_CHECKLIST = (
    TaskTemplate(_("Draft the agenda for the directors' meeting"), -30),
    TaskTemplate(_("Collect the reports and draft regulations from the presenting bodies"), -15),
    TaskTemplate(_("Send the meeting notice to members and attendees"), -7),
    TaskTemplate(_("Invite the heads of the government, commission, court and procuratorate"), -7),
    TaskTemplate(_("Prepare the meeting materials and voting list"), -3),
    TaskTemplate(_("Collect leave requests and confirm attendance"), -1),
    TaskTemplate(_("Test the voting system and the hall"), -1),
    TaskTemplate(_("Write and circulate the minutes"), 5),
    TaskTemplate(_("Compile the review opinions and hand them to the handling units"), 10),
)
_CONGRESS_CHECKLIST = (
    TaskTemplate(_("Confirm the session plan with the Party committee"), -60, False),
    TaskTemplate(_("Coordinate with the government, CPPCC, court and procuratorate"), -30),
    TaskTemplate(_("Send the session notice to all deputies"), -15),
    TaskTemplate(_("Arrange accommodation, meals and vehicles"), -10),
    TaskTemplate(_("Prepare the contingency plans"), -7),
    TaskTemplate(_("Print the documents and voting lists"), -3),
    TaskTemplate(_("Registration desk and check-in test"), -1),
    TaskTemplate(_("Compile the resolutions and the motions handled as suggestions"), 10),
)
_DIRECTORS_CHECKLIST = (
    TaskTemplate(_("Collect the agenda proposals"), -5),
    TaskTemplate(_("Send the materials to the directors"), -1),
    TaskTemplate(_("Record the decisions"), 2),
)
_ACTIVITY_CHECKLIST = (
    TaskTemplate(_("Agree the plan and itinerary"), -15),
    TaskTemplate(_("Notify the participants and the bodies visited"), -7),
    TaskTemplate(_("Write the report"), 15),
)


_REGISTRY: dict[str, GatheringKind] = {}


def register_kind(kind: GatheringKind) -> None:
    _REGISTRY[kind.code] = kind


def get_kind(code: str) -> GatheringKind:
    return _REGISTRY[code]


def all_kinds() -> list[GatheringKind]:
    return list(_REGISTRY.values())


def kind_choices() -> list[tuple[str, Any]]:
    return [(k.code, k.label) for k in _REGISTRY.values()]


CONGRESS_SESSION = "congress_session"
COMMITTEE_MEETING = "committee_meeting"
DIRECTORS_MEETING = "directors_meeting"
INSPECTION = "inspection"
INSPECTION_VISIT = "inspection_visit"
EVALUATION = "evaluation"

for _kind in (
    GatheringKind(
        code=CONGRESS_SESSION,
        label=_("congress session"),
        voting_body=_deputies,
        non_voting=_heads_attending,
        quorum=TWO_THIRDS_DEPUTIES,
        pass_rule=MORE_THAN_HALF_DEPUTIES,
        checklist=_CONGRESS_CHECKLIST,
        sittings_numbered=True,
    ),
    GatheringKind(
        code=COMMITTEE_MEETING,
        label=_("committee meeting"),
        voting_body=_committee_members,
        non_voting=_heads_attending,
        quorum=MORE_THAN_HALF_COMMITTEE,
        pass_rule=MORE_THAN_HALF_COMMITTEE,
        checklist=_COMMITTEE_CHECKLIST,
        sittings_numbered=True,
    ),
    GatheringKind(
        code=DIRECTORS_MEETING,
        label=_("directors' meeting"),
        voting_body=_directors,
        quorum=MORE_THAN_HALF_DIRECTORS,
        pass_rule=MORE_THAN_HALF_DIRECTORS,
        checklist=_DIRECTORS_CHECKLIST,
        sittings_numbered=True,
    ),
    GatheringKind(
        code=INSPECTION,
        label=_("law-enforcement inspection"),
        voting_body=_committee_members,
        votes=False,
        checklist=_ACTIVITY_CHECKLIST,
    ),
    GatheringKind(
        code=INSPECTION_VISIT,
        label=_("inspection visit"),
        voting_body=_committee_members,
        votes=False,
        checklist=_ACTIVITY_CHECKLIST,
    ),
    GatheringKind(
        code=EVALUATION,
        label=_("evaluation"),
        voting_body=_committee_members,
        quorum=MORE_THAN_HALF_COMMITTEE,
        pass_rule=MORE_THAN_HALF_COMMITTEE,
        checklist=_ACTIVITY_CHECKLIST,
    ),
):
    register_kind(_kind)
