"""The registry of item kinds (shared/DESIGN.md, casework): for each kind its states and
transitions (seeded per congress into the Workflow tables, where an administrator can adjust
them), its clocks with the rule that sets each period, its reply classes and its evaluation
scale. Periods can be overridden per deployment with ``settings.CASEWORK_PERIODS``
(``{"suggestion.reply": "2m"}``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Kind(models.TextChoices):
    SUGGESTION = "suggestion", _("suggestion")
    MOTION = "motion", pgettext_lazy("casework", "motion")
    REVIEW_OPINION = "review_opinion", _("review opinion")
    LETTER = "letter", _("letter or visit")
    IMPLEMENTATION = "implementation", _("resolution or instruction to implement")


class Purpose(models.TextChoices):
    """What a clock times."""

    REPLY = "reply", _("reply")
    RETURN_WINDOW = "return_window", _("unit may ask to return")
    CO_OPINION = "co_opinion", _("co-handling unit's opinion")
    REHANDLE = "rehandle", _("re-handling")
    EVALUATION_FORM = "evaluation_form", _("satisfaction form")
    REGISTER = "register", _("register and forward")
    HANDLE = "handle", _("handle")
    REVIEW_REQUEST = "review_request", _("writer may ask for review")
    REVIEW = "review", _("review")
    RE_REVIEW_REQUEST = "re_review_request", _("writer may ask for re-review")
    RE_REVIEW = "re_review", _("re-review")
    COMMITMENT = "commitment", _("promised date")


class EvaluationValue(models.TextChoices):
    SATISFIED = "satisfied", _("satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("basically satisfied")
    UNSATISFIED = "unsatisfied", _("unsatisfied")


class Topic(models.TextChoices):
    EDUCATION = "education", _("education")
    HEALTH = "health", _("health care")
    ELDERLY = "elderly", _("care for the elderly")
    TRANSPORT = "transport", _("transport")
    HOUSING = "housing", _("housing")
    ENVIRONMENT = "environment", _("ecology and environment")
    URBAN = "urban", _("urban management")
    EMPLOYMENT = "employment", _("employment and social security")
    BUSINESS = "business", _("business environment")
    RURAL = "rural", _("rural revitalisation")
    SAFETY = "safety", _("food, drug and public safety")
    JUSTICE = "justice", _("justice")
    CULTURE = "culture", _("culture and sport")
    OTHER = "other", _("other")


class Channel(models.TextChoices):
    SESSION = "session", _("during the congress session")
    BETWEEN_SESSIONS = "between_sessions", _("between sessions")
    ONLINE = "online", _("online by the deputy")
    LETTER = "letter", _("letter")
    VISIT = "visit", _("visit")
    EMAIL = "email", _("e-mail")
    WEB = "web", _("web form")
    PHONE = "phone", _("phone")


@dataclass(frozen=True)
class ClockRule:
    period: str  # workcal notation: "3m", "15d", "5wd"
    code: str
    article: Promise | str


@dataclass(frozen=True)
class KindSpec:
    kind: Kind
    prefix: str
    states: tuple[tuple[str, Promise, bool, bool], ...]  # code, label, initial, final
    transitions: tuple[tuple[str, str, str], ...]  # from, to, action
    reply_classes: tuple[tuple[str, Promise], ...] = ()
    # Reply classes that count as "solved" (A) and "being solved or planned" (B).
    resolved_classes: tuple[str, ...] = ()
    planned_classes: tuple[str, ...] = ()
    evaluation_scale: tuple[tuple[str, Promise], ...] = ()
    clocks: dict[str, ClockRule] = field(default_factory=dict)

    def state_label(self, code: str) -> str:
        for state, label, _initial, _final in self.states:
            if state == code:
                return str(label)
        return code

    @property
    def initial_state(self) -> str:
        return next(code for code, _label, initial, _final in self.states if initial)

    @property
    def final_states(self) -> tuple[str, ...]:
        return tuple(code for code, _label, _initial, final in self.states if final)

    def reply_class_label(self, code: str) -> str:
        return str(dict(self.reply_classes).get(code, code))

    def clock(self, purpose: str) -> ClockRule:
        rule = self.clocks[purpose]
        override = getattr(settings, "CASEWORK_PERIODS", {}).get(f"{self.kind.value}.{purpose}")
        if override:
            return ClockRule(period=override, code=rule.code, article=rule.article)
        return rule


# States shared by the kinds the office assigns to units.
SUBMITTED = "submitted"
RETURNED = "returned"
REGISTERED = "registered"
ASSIGNED = "assigned"
REPLIED = "replied"
REHANDLING = "rehandling"
CLOSED = "closed"
# Motions.
ON_AGENDA = "on_agenda"
REFERRED = "referred"
CONVERTED = "converted"
# Letters.
RECEIVED = "received"
ACCEPTED = "accepted"
REDIRECTED = "redirected"
ANSWERED = "answered"
UNDER_REVIEW = "under_review"
REVIEWED = "reviewed"
UNDER_RE_REVIEW = "under_re_review"

ASSIGNED_STATES = (
    (SUBMITTED, _("submitted"), True, False),
    (RETURNED, _("returned to the originator"), False, True),
    (REGISTERED, _("registered"), False, False),
    (ASSIGNED, _("assigned, being handled"), False, False),
    (REPLIED, _("replied, awaiting evaluation"), False, False),
    (REHANDLING, _("being handled again"), False, False),
    (CLOSED, _("closed"), False, True),
)
ASSIGNED_TRANSITIONS = (
    (SUBMITTED, REGISTERED, "register"),
    (SUBMITTED, RETURNED, "return"),
    (REGISTERED, ASSIGNED, "assign"),
    (ASSIGNED, ASSIGNED, "assign"),
    (ASSIGNED, REPLIED, "reply"),
    (REHANDLING, REPLIED, "reply"),
    (REPLIED, CLOSED, "evaluate"),
    (REPLIED, REHANDLING, "evaluate"),
    (REPLIED, CLOSED, "close"),
)
SUGGESTION_CLASSES = (
    ("A", _("A: solved or adopted")),
    ("B", _("B: being solved or planned, with a timetable")),
    ("C", _("C: cannot be solved now, explained")),
    ("D", _("D: kept for reference")),
)
EVALUATION_SCALE = tuple((value.value, value.label) for value in EvaluationValue)

SPECS: dict[str, KindSpec] = {
    Kind.SUGGESTION: KindSpec(
        kind=Kind.SUGGESTION,
        prefix="JY",
        states=ASSIGNED_STATES,
        transitions=ASSIGNED_TRANSITIONS,
        reply_classes=SUGGESTION_CLASSES,
        resolved_classes=("A",),
        planned_classes=("B",),
        evaluation_scale=EVALUATION_SCALE,
        clocks={
            Purpose.REPLY: ClockRule("3m", "suggestion.reply", _("Deputies Law (2025) Art. 51")),
            "reply_hard": ClockRule(
                "6m", "suggestion.reply_hard", _("Deputies Law (2025) Art. 51: hard items")
            ),
            Purpose.RETURN_WINDOW: ClockRule(
                "5wd", "suggestion.return_window", _("Qingdao rules (2021) Art. 19")
            ),
            Purpose.CO_OPINION: ClockRule("1m", "suggestion.co_opinion", _("local rules")),
            Purpose.REHANDLE: ClockRule(
                "1m", "suggestion.rehandle", _("Shandong rules (2017) Art. 24")
            ),
            Purpose.EVALUATION_FORM: ClockRule(
                "15wd", "suggestion.evaluation_form", _("Beijing rules (2014) Art. 23")
            ),
            # The date the unit itself promised in a class-B reply.
            Purpose.COMMITMENT: ClockRule(
                "", "suggestion.commitment", _("Shandong rules (2017) Art. 18")
            ),
        },
    ),
    # A motion goes to the presidium, which puts it on the agenda, refers it to a special
    # committee, or has it handled as a suggestion (Local Organisation Law Art. 22).
    Kind.MOTION: KindSpec(
        kind=Kind.MOTION,
        prefix="YA",
        states=(
            (SUBMITTED, _("submitted"), True, False),
            (RETURNED, _("returned to the originator"), False, True),
            (ON_AGENDA, _("put on the session's agenda"), False, True),
            (REFERRED, _("referred to a special committee"), False, True),
            (CONVERTED, _("handled as a suggestion"), False, True),
        ),
        transitions=(
            (SUBMITTED, RETURNED, "return"),
            (SUBMITTED, ON_AGENDA, "decide"),
            (SUBMITTED, REFERRED, "decide"),
            (SUBMITTED, CONVERTED, "decide"),
        ),
        clocks={},
    ),
    Kind.REVIEW_OPINION: KindSpec(
        kind=Kind.REVIEW_OPINION,
        prefix="SY",
        states=ASSIGNED_STATES,
        transitions=ASSIGNED_TRANSITIONS,
        reply_classes=SUGGESTION_CLASSES,
        resolved_classes=("A",),
        planned_classes=("B",),
        evaluation_scale=EVALUATION_SCALE,
        clocks={
            Purpose.REPLY: ClockRule(
                "3m", "review_opinion.reply", _("Supervision Law (2024) Arts. 17, 37, 50")
            ),
            Purpose.RETURN_WINDOW: ClockRule(
                "5wd", "review_opinion.return_window", _("local rules")
            ),
            Purpose.CO_OPINION: ClockRule("1m", "review_opinion.co_opinion", _("local rules")),
            Purpose.REHANDLE: ClockRule("1m", "review_opinion.rehandle", _("local rules")),
            Purpose.EVALUATION_FORM: ClockRule(
                "15wd", "review_opinion.evaluation_form", _("local rules")
            ),
        },
    ),
    Kind.IMPLEMENTATION: KindSpec(
        kind=Kind.IMPLEMENTATION,
        prefix="LS",
        states=ASSIGNED_STATES,
        transitions=ASSIGNED_TRANSITIONS,
        reply_classes=SUGGESTION_CLASSES,
        resolved_classes=("A",),
        planned_classes=("B",),
        evaluation_scale=(),
        clocks={
            Purpose.REPLY: ClockRule("3m", "implementation.reply", _("the decision's own date")),
            Purpose.RETURN_WINDOW: ClockRule(
                "5wd", "implementation.return_window", _("local rules")
            ),
            Purpose.CO_OPINION: ClockRule("1m", "implementation.co_opinion", _("local rules")),
            Purpose.REHANDLE: ClockRule("1m", "implementation.rehandle", _("local rules")),
        },
    ),
    Kind.LETTER: KindSpec(
        kind=Kind.LETTER,
        prefix="XF",
        states=(
            (RECEIVED, _("received"), True, False),
            (REDIRECTED, _("writer told where to go"), False, True),
            (ACCEPTED, _("accepted, being handled"), False, False),
            (ANSWERED, _("answered"), False, False),
            (UNDER_REVIEW, _("under review"), False, False),
            (REVIEWED, _("review decided"), False, False),
            (UNDER_RE_REVIEW, _("under re-review"), False, False),
            (CLOSED, _("closed"), False, True),
        ),
        transitions=(
            (RECEIVED, ACCEPTED, "accept"),
            (RECEIVED, REDIRECTED, "redirect"),
            (ACCEPTED, ACCEPTED, "assign"),
            (ACCEPTED, ANSWERED, "answer"),
            (ANSWERED, UNDER_REVIEW, "request_review"),
            (ANSWERED, CLOSED, "close"),
            (UNDER_REVIEW, REVIEWED, "decide_review"),
            (REVIEWED, UNDER_RE_REVIEW, "request_re_review"),
            (REVIEWED, CLOSED, "close"),
            (UNDER_RE_REVIEW, CLOSED, "decide_re_review"),
        ),
        reply_classes=(
            ("support", _("supported")),
            ("explain", _("explained")),
            ("reject", _("not supported")),
        ),
        resolved_classes=("support",),
        planned_classes=(),
        evaluation_scale=EVALUATION_SCALE,
        clocks={
            Purpose.REGISTER: ClockRule(
                "15d", "letter.register", _("Regulations on Letters and Visits Arts. 22, 23")
            ),
            Purpose.HANDLE: ClockRule(
                "60d", "letter.handle", _("Regulations on Letters and Visits Art. 34")
            ),
            Purpose.RETURN_WINDOW: ClockRule(
                "5wd", "letter.return_window", _("Regulations on Letters and Visits Art. 23")
            ),
            Purpose.REVIEW_REQUEST: ClockRule(
                "30d", "letter.review_request", _("Regulations on Letters and Visits Art. 35")
            ),
            Purpose.REVIEW: ClockRule(
                "30d", "letter.review", _("Regulations on Letters and Visits Art. 35")
            ),
            Purpose.RE_REVIEW_REQUEST: ClockRule(
                "30d", "letter.re_review_request", _("Regulations on Letters and Visits Art. 36")
            ),
            Purpose.RE_REVIEW: ClockRule(
                "30d", "letter.re_review", _("Regulations on Letters and Visits Art. 36")
            ),
        },
    ),
}


# Motions at a city congress session need this many deputies (Local Organisation Law Art. 22).
def motion_min_deputies() -> int:
    return int(getattr(settings, "CASEWORK_MOTION_MIN_DEPUTIES", 10))


# Letters: an extension of the handling period needs approval and is at most 30 days (Art. 34).
LETTER_MAX_EXTENSION_DAYS = 30


# What each timeline action means, for the item page.
ACTION_LABELS = {
    "submit": _("submitted"),
    "register": _("registered"),
    "return": _("returned to the originator"),
    "assign": _("assigned"),
    "accept": _("accepted"),
    "request_return": _("unit asked to return it"),
    "return_approved": _("return approved"),
    "return_refused": _("return refused"),
    "contact": _("deputy contacted"),
    "co_opinion": _("co-handling opinion sent"),
    "reply": _("replied"),
    "evaluate": _("evaluated"),
    "close": _("closed"),
    "supervise": _("chased"),
    "key_supervised": _("made a key supervised item"),
    "receive": _("received"),
    "acknowledge": _("acknowledgement e-mailed to the writer"),
    "acknowledge_skipped": _("no acknowledgement e-mailed"),
    "acknowledge_failed": _("acknowledgement could not be e-mailed"),
    "redirect": _("writer told where to go"),
    "extend": _("handling period extended"),
    "answer": _("answered"),
    "request_review": _("review requested"),
    "decide_review": _("review decided"),
    "request_re_review": _("re-review requested"),
    "hearing": _("hearing held (time not counted)"),
    "decide_re_review": _("re-review decided"),
    "reply_pending": _("reply awaiting the head of unit"),
    "reply_approved": _("reply approved by the head of unit"),
    "reply_sent_back": _("reply sent back by the head of unit"),
    "attach": _("files attached"),
    "recompute": _("deadline recomputed after a calendar change"),
    "decide": _("presidium decided"),
    "unit_reply": _("unit's handling report received"),
    "commitment_report": _("commitment reported as carried out"),
    "milestone_add": _("milestone planned"),
    "milestone_done": _("milestone done"),
    "progress": _("progress reported"),
    "milestone_change": _("milestone changed"),
    "milestone_withdraw": _("milestone withdrawn"),
    "milestone_reopen": _("milestone reopened"),
    "satisfaction_scheduled": _("put to a satisfaction vote"),
    "satisfaction_vote": _("satisfaction vote taken"),
}


def spec_for(kind: str) -> KindSpec:
    return SPECS[kind]


def rule_article(code: str) -> Promise | str | None:
    """The (lazily translated) legal basis of a registered rule code."""
    for spec in SPECS.values():
        for rule in spec.clocks.values():
            if rule.code == code:
                return rule.article
    return None
