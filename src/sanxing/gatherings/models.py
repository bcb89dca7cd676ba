"""Gatherings: everything people attend (shared/DESIGN.md "The two engines").

A gathering has a kind (``sanxing.gatherings.kinds``), an agenda, a roster, attendance,
leave requests, votes with ballots and a preparation checklist. Every row carries its
congress (the tenant key)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from sanxing.core.models import SoftDeleteModel
from sanxing.gatherings.kinds import get_kind
from sanxing.people.models import Congress, Organisation, Person, Term


class Gathering(SoftDeleteModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PLANNED = "planned", _("planned")
        HELD = "held", _("held")
        CANCELLED = "cancelled", _("cancelled")

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    term = models.ForeignKey(
        Term, verbose_name=_("term"), null=True, blank=True, on_delete=models.PROTECT
    )
    # A code from the kinds registry; not a choices field so programme apps can add kinds
    # without a migration here.
    kind = models.CharField(_("kind"), max_length=30)
    title = models.CharField(_("title"), max_length=200)
    sitting = models.PositiveSmallIntegerField(
        _("sitting"), null=True, blank=True, help_text=_("The Nth meeting within the term.")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    results_published = models.BooleanField(_("results published"), default=False)
    cloned_from = models.ForeignKey(
        "self",
        verbose_name=_("cloned from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("gathering")
        verbose_name_plural = _("gatherings")
        ordering = ["congress", "starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="gathering_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "planned", "held", "cancelled"]),
                name="gathering_status_valid",
            ),
            models.UniqueConstraint(
                fields=["congress", "term", "kind", "sitting"],
                condition=Q(deleted_at__isnull=True, sitting__isnull=False),
                name="gathering_unique_sitting",
            ),
        ]
        indexes = [models.Index(fields=["congress", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def kind_spec(self):
        return get_kind(self.kind)

    @property
    def kind_label(self):
        return get_kind(self.kind).label


class AgendaItem(SoftDeleteModel):
    class Kind(models.TextChoices):
        REPORT = "report", _("report")
        DRAFT_REGULATION = "draft_regulation", _("draft regulation")
        APPOINTMENT = "appointment", _("appointment")
        INQUIRY = "inquiry", _("inquiry")
        OTHER = "other", _("other")

    class State(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        APPROVED = "approved", _("approved for the agenda")
        CONSIDERED = "considered", _("considered")
        DECIDED = "decided", _("decided")

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    gathering = models.ForeignKey(
        Gathering,
        verbose_name=_("gathering"),
        on_delete=models.PROTECT,
        related_name="agenda_items",
    )
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.REPORT)
    presenting_body = models.ForeignKey(
        Organisation,
        verbose_name=_("presenting body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    responsible_committee = models.ForeignKey(
        Organisation,
        verbose_name=_("responsible special committee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.PROPOSED
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("reason for withdrawal"), max_length=300, blank=True)
    # What the item is about outside gatherings, e.g. "casework.item:42" for the satisfaction
    # vote on a review opinion's handling report (sanxing.gatherings.handoff).
    subject_ref = models.CharField(_("subject"), max_length=60, blank=True, default="")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["gathering", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind__in=["report", "draft_regulation", "appointment", "inquiry", "other"]
                ),
                name="agenda_item_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def subject_link(self) -> tuple[str, str] | None:
        """(url, label) of the outside subject, from the engine that registered it."""
        if not self.subject_ref:
            return None
        from sanxing.gatherings.handoff import subject_link

        return subject_link(self.subject_ref)


class RosterEntry(SoftDeleteModel):
    class Capacity(models.TextChoices):
        VOTING_MEMBER = "voting_member", _("voting member")
        NON_VOTING = "non_voting", _("attending without a vote")
        STAFF = "staff", _("staff")
        LECTURER = "lecturer", _("lecturer")
        INVITED_DEPUTY = "invited_deputy", _("invited deputy")

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    gathering = models.ForeignKey(
        Gathering, verbose_name=_("gathering"), on_delete=models.PROTECT, related_name="roster"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    capacity = models.CharField(_("capacity"), max_length=20, choices=Capacity.choices)
    note = models.CharField(_("note"), max_length=120, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("roster entry")
        verbose_name_plural = _("roster entries")
        ordering = ["gathering", "capacity", "person__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["gathering", "person"],
                condition=Q(deleted_at__isnull=True),
                name="roster_entry_unique_person",
            ),
        ]
        indexes = [models.Index(fields=["congress", "person"])]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_capacity_display()}"


class LeaveRequest(SoftDeleteModel):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("requested")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    gathering = models.ForeignKey(
        Gathering,
        verbose_name=_("gathering"),
        on_delete=models.PROTECT,
        related_name="leave_requests",
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=300)
    requested_at = models.DateTimeField(_("requested at"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("leave request")
        verbose_name_plural = _("leave requests")
        ordering = ["gathering", "requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["gathering", "person"],
                condition=Q(deleted_at__isnull=True),
                name="leave_request_unique_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.reason}"


class Attendance(SoftDeleteModel):
    class Status(models.TextChoices):
        PRESENT = "present", _("present")
        LATE = "late", _("late")
        LEAVE = "leave", _("on leave")
        ABSENT = "absent", _("absent")

    class Method(models.TextChoices):
        ROLL_CALL = "roll_call", _("roll call")
        QR = "qr", _("self check-in by code")
        MANUAL = "manual", _("recorded by the office")

    # Moodle's status set: each status has a weight for attendance rates; present and late
    # both count as in the room for the quorum.
    WEIGHTS = {
        Status.PRESENT: Decimal("1.00"),
        Status.LATE: Decimal("0.50"),
        Status.LEAVE: Decimal("0.00"),
        Status.ABSENT: Decimal("0.00"),
    }
    IN_ROOM = (Status.PRESENT, Status.LATE)

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    gathering = models.ForeignKey(
        Gathering,
        verbose_name=_("gathering"),
        on_delete=models.PROTECT,
        related_name="attendances",
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    weight = models.DecimalField(_("weight"), max_digits=3, decimal_places=2)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["gathering", "person__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["gathering", "person"],
                condition=Q(deleted_at__isnull=True),
                name="attendance_unique_person",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["present", "late", "leave", "absent"]),
                name="attendance_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=0) & Q(weight__lte=1), name="attendance_weight_range"
            ),
        ]
        indexes = [models.Index(fields=["congress", "person"])]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_status_display()}"


class Vote(SoftDeleteModel):
    class Mode(models.TextChoices):
        NAMED = "named", _("named (per member)")
        COUNTS = "counts", _("counts only")

    class Result(models.TextChoices):
        PASS = "pass", _("passed")
        FAIL = "fail", _("failed")

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    gathering = models.ForeignKey(
        Gathering, verbose_name=_("gathering"), on_delete=models.PROTECT, related_name="votes"
    )
    agenda_item = models.ForeignKey(
        AgendaItem, verbose_name=_("agenda item"), on_delete=models.PROTECT, related_name="votes"
    )
    motion = models.CharField(_("motion"), max_length=300)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.NAMED)
    opened_at = models.DateTimeField(_("opened at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Frozen when the vote opens (body) and when it closes (present): the law counts ALL
    # members of the body, and the record shows who was entitled and present at the close.
    body_size = models.PositiveIntegerField(_("members of the body"))
    present = models.PositiveIntegerField(_("present at close"), null=True, blank=True)
    present_person_ids = models.JSONField(_("persons present at close"), default=list, blank=True)
    threshold_rule = models.CharField(_("rule"), max_length=40)
    threshold_article = models.CharField(_("article"), max_length=120)
    required = models.PositiveIntegerField(_("votes required"))
    yes = models.PositiveIntegerField(pgettext_lazy("vote option", "yes"), default=0)
    no = models.PositiveIntegerField(pgettext_lazy("vote option", "no"), default=0)
    abstain = models.PositiveIntegerField(pgettext_lazy("vote option", "abstain"), default=0)
    not_voting = models.PositiveIntegerField(pgettext_lazy("vote option", "not voting"), default=0)
    absent = models.PositiveIntegerField(pgettext_lazy("vote option", "absent"), default=0)
    result = models.CharField(
        _("result"), max_length=4, choices=Result.choices, blank=True, default=""
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["congress", "opened_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(closed_at__isnull=True) & Q(result=""))
                | (Q(closed_at__isnull=False) & Q(result__in=["pass", "fail"])),
                name="vote_result_when_closed",
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(closed_at__gte=F("opened_at")),
                name="vote_closes_after_open",
            ),
        ]
        indexes = [models.Index(fields=["congress", "opened_at"])]

    def __str__(self) -> str:
        return self.motion

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Ballot(SoftDeleteModel):
    class Option(models.TextChoices):
        YES = "yes", pgettext_lazy("vote option", "yes")
        NO = "no", pgettext_lazy("vote option", "no")
        ABSTAIN = "abstain", pgettext_lazy("vote option", "abstain")
        NOT_VOTING = "not_voting", pgettext_lazy("vote option", "not voting")
        ABSENT = "absent", pgettext_lazy("vote option", "absent")

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    vote = models.ForeignKey(
        Vote, verbose_name=_("vote"), on_delete=models.PROTECT, related_name="ballots"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    option = models.CharField(_("option"), max_length=12, choices=Option.choices)
    cast_at = models.DateTimeField(_("cast at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["vote", "person__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "person"], name="ballot_unique_person"),
            models.CheckConstraint(
                condition=Q(option__in=["yes", "no", "abstain", "not_voting", "absent"]),
                name="ballot_option_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_option_display()}"


COUNTERPARTS = [
    ("party_committee", _("Party committee")),
    ("government", _("government")),
    ("cppcc", _("CPPCC")),
    ("supervisory_commission", _("supervisory commission")),
    ("court", _("court")),
    ("procuratorate", _("procuratorate")),
    ("other", _("other body")),
]


class ChecklistTask(SoftDeleteModel):
    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    gathering = models.ForeignKey(
        Gathering,
        verbose_name=_("gathering"),
        on_delete=models.PROTECT,
        related_name="checklist",
    )
    title = models.CharField(_("title"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    offset_days = models.SmallIntegerField(
        _("days from the meeting"), help_text=_("Negative: before the meeting day.")
    )
    working_days = models.BooleanField(_("counted in working days"), default=True)
    due_on = models.DateField(_("due on"))
    rule = models.CharField(_("rule"), max_length=200, blank=True)
    # A coordination task with an outside body (協調事項) names its counterpart.
    counterpart = models.CharField(
        _("counterpart"), max_length=24, choices=COUNTERPARTS, blank=True, default=""
    )
    counterpart_contact = models.CharField(_("contact"), max_length=120, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("checklist task")
        verbose_name_plural = _("checklist tasks")
        ordering = ["gathering", "due_on", "pk"]
        indexes = [models.Index(fields=["congress", "owner", "due_on"])]

    def __str__(self) -> str:
        return self.title


class CalendarFeed(models.Model):
    """A personal iCalendar feed. Only the sha256 of the secret in its URL is kept (like the
    API's tokens), and not even that in the history: the address is shown once, when it is
    made; making a new one stops the old one."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="gathering_feed",
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["token_hash"])

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d}"


# --- follow-up (跟蹤服務) -------------------------------------------------------------------


class Minutes(SoftDeleteModel):
    """The minutes (會議紀要) of a meeting: one per gathering, edited until approved."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    gathering = models.OneToOneField(
        Gathering, verbose_name=_("gathering"), on_delete=models.PROTECT, related_name="minutes"
    )
    text = models.TextField(_("minutes"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self) -> str:
        return str(self.gathering)


class Decision(SoftDeleteModel):
    """A decision or resolution of a meeting; each becomes an implementation item through
    ``sanxing.gatherings.handoff.decision_hand_off``."""

    class Kind(models.TextChoices):
        DECISION = "decision", _("decision")
        RESOLUTION = "resolution", _("resolution")

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    gathering = models.ForeignKey(
        Gathering, verbose_name=_("gathering"), on_delete=models.PROTECT, related_name="decisions"
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.DECISION)
    text = models.TextField(_("text"))
    units = models.ManyToManyField(
        Organisation, verbose_name=_("implementing units"), blank=True, related_name="+"
    )
    handed_off_at = models.DateTimeField(_("handed off at"), null=True, blank=True)
    handed_off_refs = models.CharField(_("implementation items"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["gathering", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["decision", "resolution"]), name="decision_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class Remark(SoftDeleteModel):
    """A member's deliberation remark (審議發言) on an agenda item."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    agenda_item = models.ForeignKey(
        AgendaItem, verbose_name=_("agenda item"), on_delete=models.PROTECT, related_name="remarks"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("speaker"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("remark"))
    made_at = models.DateTimeField(_("made at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deliberation remark")
        verbose_name_plural = _("deliberation remarks")
        ordering = ["agenda_item", "made_at", "pk"]

    def __str__(self) -> str:
        return f"{self.person} · {self.text[:40]}"


class ReviewOpinionRecord(SoftDeleteModel):
    """A review opinion compiled from the remarks on an agenda item and handed to casework."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.PROTECT,
        related_name="review_opinions",
    )
    title = models.CharField(_("title"), max_length=300)
    content = models.TextField(_("review opinion"))
    remarks = models.ManyToManyField(Remark, verbose_name=_("remarks"), related_name="+")
    units = models.ManyToManyField(Organisation, verbose_name=_("handling units"), related_name="+")
    handed_off_at = models.DateTimeField(_("handed off at"))
    handed_off_refs = models.CharField(_("casework items"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review opinion")
        verbose_name_plural = _("review opinions")
        ordering = ["agenda_item", "pk"]

    def __str__(self) -> str:
        return self.title


# --- logistics (吃、住、行、購、用) ------------------------------------------------------------


class Room(SoftDeleteModel):
    """A meeting room, hall or dining room the office books."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    name = models.CharField(_("name"), max_length=120)
    capacity = models.PositiveIntegerField(_("capacity"))
    seats_per_row = models.PositiveSmallIntegerField(_("seats per row"), default=10)
    location = models.CharField(_("location"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["congress", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "name"],
                condition=Q(deleted_at__isnull=True),
                name="room_unique_name",
            ),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="room_capacity_positive"),
            models.CheckConstraint(
                condition=Q(seats_per_row__gt=0), name="room_seats_per_row_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RoomBooking(SoftDeleteModel):
    """A room booked for a gathering. Overlapping bookings of a room are refused by the
    service (which locks the room) and, on PostgreSQL, by an exclusion constraint."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    room = models.ForeignKey(
        Room, verbose_name=_("room"), on_delete=models.PROTECT, related_name="bookings"
    )
    gathering = models.ForeignKey(
        Gathering,
        verbose_name=_("gathering"),
        on_delete=models.PROTECT,
        related_name="room_bookings",
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    purpose = models.CharField(_("purpose"), max_length=120, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("room booking")
        verbose_name_plural = _("room bookings")
        ordering = ["room", "starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="room_booking_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["room", "starts_at"],
                condition=Q(deleted_at__isnull=True),
                name="room_booking_unique_start",
            ),
        ]
        indexes = [models.Index(fields=["room", "starts_at", "ends_at"])]

    def __str__(self) -> str:
        return f"{self.room} · {self.starts_at:%Y-%m-%d %H:%M}"


class Accommodation(SoftDeleteModel):
    """Where an out-of-town deputy (or anyone on the roster) stays during a gathering."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    gathering = models.ForeignKey(
        Gathering,
        verbose_name=_("gathering"),
        on_delete=models.PROTECT,
        related_name="accommodations",
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    hotel = models.CharField(_("hotel"), max_length=120)
    room_number = models.CharField(_("room number"), max_length=20, blank=True)
    check_in_on = models.DateField(_("check-in"))
    check_out_on = models.DateField(_("check-out"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("accommodation")
        verbose_name_plural = _("accommodations")
        ordering = ["gathering", "hotel", "room_number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["gathering", "person"],
                condition=Q(deleted_at__isnull=True),
                name="accommodation_unique_person",
            ),
            models.CheckConstraint(
                condition=Q(check_out_on__gt=F("check_in_on")),
                name="accommodation_out_after_in",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.hotel} {self.room_number}"


class Meal(SoftDeleteModel):
    class Kind(models.TextChoices):
        BREAKFAST = "breakfast", _("breakfast")
        LUNCH = "lunch", _("lunch")
        DINNER = "dinner", _("dinner")

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    gathering = models.ForeignKey(
        Gathering, verbose_name=_("gathering"), on_delete=models.PROTECT, related_name="meals"
    )
    day = models.DateField(_("day"))
    kind = models.CharField(_("meal"), max_length=10, choices=Kind.choices)
    place = models.CharField(_("place"), max_length=120, blank=True)
    extra = models.PositiveIntegerField(
        _("extra covers"), default=0, help_text=_("Staff, drivers and guests not on the roster.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("meal")
        verbose_name_plural = _("meals")
        ordering = ["gathering", "day", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["gathering", "day", "kind"],
                condition=Q(deleted_at__isnull=True),
                name="meal_unique_day_kind",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["breakfast", "lunch", "dinner"]), name="meal_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.get_kind_display()}"


class DietaryNeed(SoftDeleteModel):
    class Need(models.TextChoices):
        HALAL = "halal", _("halal")
        VEGETARIAN = "vegetarian", _("vegetarian")
        NO_PORK = "no_pork", _("no pork")
        ALLERGY = "allergy", _("allergy")
        OTHER = "other", _("other")

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    gathering = models.ForeignKey(
        Gathering,
        verbose_name=_("gathering"),
        on_delete=models.PROTECT,
        related_name="dietary_needs",
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    need = models.CharField(_("dietary need"), max_length=12, choices=Need.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dietary need")
        verbose_name_plural = _("dietary needs")
        ordering = ["gathering", "need", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["gathering", "person", "need"],
                condition=Q(deleted_at__isnull=True),
                name="dietary_need_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_need_display()}"


class Vehicle(SoftDeleteModel):
    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    gathering = models.ForeignKey(
        Gathering, verbose_name=_("gathering"), on_delete=models.PROTECT, related_name="vehicles"
    )
    plate = models.CharField(_("number plate"), max_length=20)
    driver = models.CharField(_("driver"), max_length=60, blank=True)
    seats = models.PositiveSmallIntegerField(_("seats"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")
        ordering = ["gathering", "plate", "pk"]

    def __str__(self) -> str:
        return self.plate


class PickUp(SoftDeleteModel):
    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    gathering = models.ForeignKey(
        Gathering, verbose_name=_("gathering"), on_delete=models.PROTECT, related_name="pick_ups"
    )
    vehicle = models.ForeignKey(
        Vehicle, verbose_name=_("vehicle"), on_delete=models.PROTECT, related_name="pick_ups"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("pick-up time"))
    from_place = models.CharField(_("from"), max_length=120)
    to_place = models.CharField(_("to"), max_length=120)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pick-up")
        verbose_name_plural = _("pick-ups")
        ordering = ["gathering", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.person} · {self.at:%Y-%m-%d %H:%M}"


class SupplyItem(SoftDeleteModel):
    class Kind(models.TextChoices):
        PURCHASE = "purchase", _("purchase")
        SUPPLY = "supply", _("supply")

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    gathering = models.ForeignKey(
        Gathering, verbose_name=_("gathering"), on_delete=models.PROTECT, related_name="supplies"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SUPPLY)
    title = models.CharField(_("item"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    done_at = models.DateTimeField(_("ready at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("purchase or supply")
        verbose_name_plural = _("purchases and supplies")
        ordering = ["gathering", "kind", "pk"]

    def __str__(self) -> str:
        return self.title


class ContingencyPlan(SoftDeleteModel):
    """A contingency plan (預案) for a meeting: a text, a file, or both."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    gathering = models.ForeignKey(
        Gathering,
        verbose_name=_("gathering"),
        on_delete=models.PROTECT,
        related_name="contingency_plans",
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), blank=True)
    attachment = models.ForeignKey(
        "documents.Attachment",
        verbose_name=_("file"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contingency plan")
        verbose_name_plural = _("contingency plans")
        ordering = ["gathering", "pk"]

    def __str__(self) -> str:
        return self.title


# --- activities: inspections, inspection visits, evaluations --------------------------------


class ItineraryStop(SoftDeleteModel):
    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    gathering = models.ForeignKey(
        Gathering, verbose_name=_("activity"), on_delete=models.PROTECT, related_name="itinerary"
    )
    day = models.DateField(_("day"))
    place = models.CharField(_("place"), max_length=200)
    host = models.CharField(_("host"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("itinerary stop")
        verbose_name_plural = _("itinerary")
        ordering = ["gathering", "day", "pk"]

    def __str__(self) -> str:
        return f"{self.day} · {self.place}"


class ActivityReport(SoftDeleteModel):
    """The findings and report of an activity. Its review opinions leave through the agenda
    item the report is entered as (``agenda_item``), like a meeting's."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    gathering = models.OneToOneField(
        Gathering, verbose_name=_("activity"), on_delete=models.PROTECT, related_name="report"
    )
    findings = models.TextField(_("findings"), blank=True)
    report = models.TextField(_("report"), blank=True)
    agenda_item = models.ForeignKey(
        AgendaItem, verbose_name=_("agenda item"), on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("activity report")
        verbose_name_plural = _("activity reports")

    def __str__(self) -> str:
        return str(self.gathering)


class SeatPlanState(SoftDeleteModel):
    """The edits of a gathering's seat plan in one room: its ``version`` moves with every
    pin, swap, clear or reset, so a clerk editing an old copy of the plan is told."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    gathering = models.ForeignKey(
        Gathering, verbose_name=_("gathering"), on_delete=models.PROTECT, related_name="+"
    )
    room = models.ForeignKey(
        Room, verbose_name=_("room"), on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("seat plan")
        verbose_name_plural = _("seat plans")
        constraints = [
            models.UniqueConstraint(
                fields=["gathering", "room"],
                condition=Q(deleted_at__isnull=True),
                name="seat_plan_unique_room",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.gathering} · {self.room}"


class SeatPin(SoftDeleteModel):
    """A seat fixed by the clerk: a person pinned to it, or kept free (reserved). The other
    seats are filled by role from the roster."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    plan = models.ForeignKey(
        SeatPlanState, verbose_name=_("seat plan"), on_delete=models.PROTECT, related_name="pins"
    )
    row = models.PositiveSmallIntegerField(_("row"))
    number = models.PositiveSmallIntegerField(_("seat number"))
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reserved = models.BooleanField(_("reserved"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pinned seat")
        verbose_name_plural = _("pinned seats")
        ordering = ["plan", "row", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "row", "number"],
                condition=Q(deleted_at__isnull=True),
                name="seat_pin_unique_seat",
            ),
            models.UniqueConstraint(
                fields=["plan", "person"],
                condition=Q(deleted_at__isnull=True, person__isnull=False),
                name="seat_pin_unique_person",
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(reserved=True),
                name="seat_pin_person_or_reserved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.row}-{self.number}"


class MeetingTemplate(SoftDeleteModel):
    """A standard agenda to plan a meeting from (issue 4): its kind, usual place, start time
    and length, and its lines (``MeetingTemplateLine``). Not referenced by any record, so it
    is soft-deleted freely (sanxing.gatherings.meeting_templates)."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    kind = models.CharField(_("kind"), max_length=30)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    start_time = models.TimeField(_("usual start time"))
    duration_minutes = models.PositiveSmallIntegerField(_("usual duration in minutes"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("meeting template")
        verbose_name_plural = _("meeting templates")
        ordering = ["congress", "kind", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0), name="meeting_template_duration_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def kind_label(self):
        try:
            return get_kind(self.kind).label
        except KeyError:
            return self.kind


class MeetingTemplateLine(SoftDeleteModel):
    """One agenda line of a template: the fields an agenda item is planned with."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    template = models.ForeignKey(
        MeetingTemplate,
        verbose_name=_("meeting template"),
        on_delete=models.PROTECT,
        related_name="lines",
    )
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(
        _("kind"), max_length=20, choices=AgendaItem.Kind.choices, default=AgendaItem.Kind.REPORT
    )
    presenting_body = models.ForeignKey(
        Organisation,
        verbose_name=_("presenting body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    responsible_committee = models.ForeignKey(
        Organisation,
        verbose_name=_("responsible special committee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("template agenda line")
        verbose_name_plural = _("template agenda lines")
        ordering = ["template", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind__in=["report", "draft_regulation", "appointment", "inquiry", "other"]
                ),
                name="meeting_template_line_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title
