"""The gatherings API, mounted at the API root: /votes, /gatherings, check-in and ballots.

Votes follow the Open Civic Data spirit: the motion with its agenda item and meeting, the
size of the whole body, who was present at the close, counts per option, each member's
option when the vote is named, the threshold applied with its article, and the result.
The votes and published meetings are readable without signing in (the public portal).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from sanxing.api.auth import DEFAULT_AUTH
from sanxing.api.errors import ErrorOut, error_body, error_responses
from sanxing.api.pagination import PagePagination
from sanxing.gatherings import selectors, services
from sanxing.gatherings.api_shared import (
    PersonRefOut,
    managed_gathering,
    person_of_congress,
    person_of_user,
    user_of,
)
from sanxing.gatherings.kinds import THRESHOLDS
from sanxing.gatherings.models import Ballot, Gathering, Vote
from sanxing.people.access import viewer_for

router = Router(tags=["gatherings"])


def _anonymous(request: HttpRequest) -> Any:
    # The last of the authenticators: a caller without a session or token reads as the public.
    return True


PUBLIC_READ = [*DEFAULT_AUTH, _anonymous]


# --- schemas --------------------------------------------------------------------------------


class GatheringRefOut(Schema):
    id: int
    kind: str
    title: str
    sitting: int | None
    starts_at: dt.datetime


class AgendaItemRefOut(Schema):
    id: int
    order: int
    title: str
    kind: str


class CountsOut(Schema):
    yes: int
    no: int
    abstain: int
    not_voting: int
    absent: int


class ThresholdOut(Schema):
    rule: str
    label: str
    article: str
    required: int


class BallotOut(Schema):
    person: PersonRefOut
    option: str


class VoteOut(Schema):
    id: int
    motion: str
    mode: Literal["named", "counts"]
    gathering: GatheringRefOut
    agenda_item: AgendaItemRefOut
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    body_size: int
    present: int | None
    counts: CountsOut | None
    threshold: ThresholdOut
    result: Literal["pass", "fail"] | None

    @staticmethod
    def resolve_counts(obj: Any) -> dict[str, int] | None:
        return _counts(obj) if isinstance(obj, Vote) else obj["counts"]

    @staticmethod
    def resolve_threshold(obj: Any) -> dict[str, Any]:
        return _threshold(obj) if isinstance(obj, Vote) else obj["threshold"]

    @staticmethod
    def resolve_result(obj: Any) -> str | None:
        return (obj.result or None) if isinstance(obj, Vote) else obj["result"]


class VoteDetailOut(VoteOut):
    votes: list[BallotOut] | None


def _threshold(vote: Vote) -> dict[str, Any]:
    rule = THRESHOLDS.get(vote.threshold_rule)
    return {
        "rule": vote.threshold_rule,
        "label": str(rule.label) if rule else vote.threshold_rule,
        "article": str(rule.article) if rule else vote.threshold_article,
        "required": vote.required,
    }


def _counts(vote: Vote) -> dict[str, int] | None:
    if vote.closed_at is None:
        return None
    return {
        "yes": vote.yes,
        "no": vote.no,
        "abstain": vote.abstain,
        "not_voting": vote.not_voting,
        "absent": vote.absent,
    }


def _vote_out(vote: Vote, *, detail: bool = False) -> dict[str, Any]:
    closed = vote.closed_at is not None
    g, item = vote.gathering, vote.agenda_item
    out: dict[str, Any] = {
        "id": vote.pk,
        "motion": vote.motion,
        "mode": vote.mode,
        "gathering": {
            "id": g.pk,
            "kind": g.kind,
            "title": g.title,
            "sitting": g.sitting,
            "starts_at": g.starts_at,
        },
        "agenda_item": {
            "id": item.pk,
            "order": item.order,
            "title": item.title,
            "kind": item.kind,
        },
        "opened_at": vote.opened_at,
        "closed_at": vote.closed_at,
        "body_size": vote.body_size,
        "present": vote.present,
        "counts": _counts(vote),
        "threshold": _threshold(vote),
        "result": vote.result or None,
    }
    if detail:
        out["votes"] = (
            [
                {"person": {"id": b.person_id, "name": b.person.name}, "option": b.option}
                for b in vote.ballots.all()
            ]
            if vote.mode == Vote.Mode.NAMED and closed
            else None
        )
    return out


class GatheringOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    sitting: int | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    status: str
    results_published: bool

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.kind_label) if isinstance(obj, Gathering) else obj["kind_label"]


class AgendaItemOut(AgendaItemRefOut):
    state: str
    withdrawn: bool


class QuorumOut(Schema):
    body_size: int
    present: int
    required: int
    met: bool
    rule: str | None
    article: str | None


class GatheringDetailOut(GatheringOut):
    agenda: list[AgendaItemOut]
    quorum: QuorumOut | None


def _gathering_out(g: Gathering) -> dict[str, Any]:
    return {
        "id": g.pk,
        "kind": g.kind,
        "kind_label": str(g.kind_label),
        "title": g.title,
        "sitting": g.sitting,
        "starts_at": g.starts_at,
        "ends_at": g.ends_at,
        "place": g.place,
        "status": g.status,
        "results_published": g.results_published,
    }


class CheckInIn(Schema):
    code: str


class RollCallIn(Schema):
    person_id: int
    status: Literal["present", "late", "leave", "absent"] = "present"


class AttendanceOut(Schema):
    person: PersonRefOut
    status: str
    method: str
    at: dt.datetime


class BallotIn(Schema):
    option: Literal["yes", "no", "abstain"]
    person_id: int | None = None


def _attendance_out(att: Any) -> dict[str, Any]:
    return {
        "person": {"id": att.person.pk, "name": att.person.name},
        "status": att.status,
        "method": att.method,
        "at": att.at,
    }


# --- votes ----------------------------------------------------------------------------------


@router.get(
    "/votes",
    auth=PUBLIC_READ,
    response={200: list[VoteOut], **error_responses(422)},
    summary="Votes you may see, newest first (the public: published results only)",
)
@paginate(PagePagination)
def vote_list(request: HttpRequest):
    votes = (
        selectors.votes_visible_to(user_of(request))
        .select_related("gathering", "agenda_item")
        .order_by("-opened_at", "-pk")
    )
    return votes


@router.get(
    "/votes/{vote_id}",
    auth=PUBLIC_READ,
    response={200: VoteDetailOut, **error_responses(404)},
    summary="A vote with its counts, threshold, result and, when named, each member's option",
)
def vote_detail(request: HttpRequest, vote_id: int):
    vote = selectors.vote_for_user(user_of(request), vote_id)
    ballots = Ballot.objects.select_related("person").order_by("person__name", "pk")
    vote = (
        Vote.objects.select_related("gathering", "agenda_item")
        .prefetch_related(Prefetch("ballots", queryset=ballots))
        .get(pk=vote.pk)
    )
    return _vote_out(vote, detail=True)


@router.post(
    "/votes/{vote_id}/ballots",
    response={201: BallotOut, **error_responses(400, 401, 404, 422)},
    summary="Cast your ballot (or, for the office, record a member's)",
)
def ballot_create(request: HttpRequest, vote_id: int, payload: BallotIn):
    user = user_of(request)
    v = viewer_for(user)
    try:
        vote = Vote.objects.select_related("gathering").get(
            pk=vote_id, gathering__in=selectors.gatherings_visible_to(user)
        )
    except (Vote.DoesNotExist, ValueError):
        raise Http404 from None
    if payload.person_id is not None and payload.person_id != v.person_id:
        if not selectors.can_manage(user, vote.gathering):
            raise Http404
        person = person_of_congress(vote.gathering.congress_id, payload.person_id)
    else:
        person = person_of_user(user)
    ballot = services.ballot_cast(vote=vote, person=person, option=payload.option, by=user)
    return Status(201, {"person": {"id": person.pk, "name": person.name}, "option": ballot.option})


# --- gatherings -----------------------------------------------------------------------------


@router.get(
    "/gatherings",
    auth=PUBLIC_READ,
    response={200: list[GatheringOut], **error_responses(422)},
    summary="Gatherings you may see, in date order",
)
@paginate(PagePagination)
def gathering_list(request: HttpRequest, year: int | None = None):
    return selectors.gathering_list(user_of(request), year=year)


@router.get(
    "/gatherings/{int:gathering_id}",
    auth=PUBLIC_READ,
    response={200: GatheringDetailOut, **error_responses(404)},
    summary="A gathering with its agenda and, for those on it, the quorum now",
)
def gathering_detail(request: HttpRequest, gathering_id: int):
    user = user_of(request)
    g = selectors.gathering_for_user(user, gathering_id)
    out = _gathering_out(g)
    out["agenda"] = [
        {
            "id": i.pk,
            "order": i.order,
            "title": i.title,
            "kind": i.kind,
            "state": i.state,
            "withdrawn": i.is_withdrawn,
        }
        for i in g.agenda_items.all()
    ]
    out["quorum"] = None
    if g.kind_spec.quorum is not None and (
        selectors.can_manage(user, g) or selectors.roster_entry_of(user, g)
    ):
        q = services.quorum(g)
        out["quorum"] = {
            "body_size": q.body_size,
            "present": q.present,
            "required": q.required,
            "met": q.met,
            "rule": str(q.rule.label) if q.rule else None,
            "article": str(q.rule.article) if q.rule else None,
        }
    return out


@router.post(
    "/gatherings/{gathering_id}/check-in",
    response={200: AttendanceOut, **error_responses(400, 401, 404, 422, 429)},
    summary="Check yourself in with the six-digit code shown in the hall; too many wrong "
    "codes: 429 with Retry-After",
)
def check_in_create(
    request: HttpRequest, gathering_id: int, payload: CheckInIn, response: HttpResponse
):
    user = user_of(request)
    g = selectors.gathering_for_user(user, gathering_id)
    person = person_of_user(user)
    try:
        att = services.check_in_self(gathering=g, person=person, code=payload.code, by=user)
    except services.TooManyCodes as exc:
        response["Retry-After"] = str(exc.retry_after)
        return Status(429, error_body(exc.code, exc.message, field=exc.field))
    att.person = person
    return _attendance_out(att)


@router.post(
    "/gatherings/{gathering_id}/attendance",
    response={200: AttendanceOut, **error_responses(400, 401, 404, 422)},
    summary="Roll call: the office records a person's attendance",
)
def attendance_create(request: HttpRequest, gathering_id: int, payload: RollCallIn):
    user, g = managed_gathering(request, gathering_id)
    person = person_of_congress(g.congress_id, payload.person_id)
    att = services.check_in(gathering=g, person=person, status=payload.status, by=user)
    return _attendance_out(att)


class AttendanceRecordOut(Schema):
    gathering: GatheringRefOut
    status: str
    weight: float
    method: str
    at: dt.datetime


@router.get(
    "/attendance",
    response={200: list[AttendanceRecordOut], **error_responses(401, 404, 422)},
    summary="A person's attendance across meetings (the office, or the person themselves)",
)
@paginate(PagePagination)
def attendance_record(request: HttpRequest, person_id: int):
    user = user_of(request)
    person = selectors.attendance_person_for_user(user, person_id)
    return selectors.attendance_record_for_user(user, person.pk)


class AttendanceStatsOut(Schema):
    person: PersonRefOut
    present: int
    late: int
    leave: int
    absent: int
    total: int
    rate: float | None
    weighted_rate: float | None


@router.get(
    "/attendance/summary",
    response={200: AttendanceStatsOut, **error_responses(401, 404, 422)},
    summary="A person's attendance counts (present, late, leave, absent) and rates",
)
def attendance_summary(request: HttpRequest, person_id: int):
    user = user_of(request)
    person = selectors.attendance_person_for_user(user, person_id)
    stats = selectors.attendance_stats(selectors.attendance_record_for_user(user, person.pk))
    return {"person": {"id": person.pk, "name": person.name}, **stats.__dict__}


# The follow-up, logistics and activities endpoints, in their own modules (issue 4).
from sanxing.gatherings import api_activities, api_followup, api_logistics  # noqa: E402
from sanxing.gatherings.api_templates import router as templates_router  # noqa: E402

router.add_router("", api_followup.router)
router.add_router("", api_logistics.router)
router.add_router("", api_activities.router)
router.add_router("", templates_router)

__all__ = ["ErrorOut", "router"]
