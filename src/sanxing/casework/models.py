"""The casework engine (交辦·辦理·答復·評價·督辦): items of every kind, their assignments to
handling units, the clocks the law sets, replies, evaluations, contacts with the originator,
the supervision log and the timeline of every transition.

Overdue is never stored: a clock stores its due date and the rule that made it, and
"overdue" / "due soon" are computed against today (shared/STYLE.md §6)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from sanxing.casework.kinds import Channel, EvaluationValue, Kind, Purpose, Topic, spec_for
from sanxing.core.models import SoftDeleteModel
from sanxing.people.models import Congress, Organisation, Person, PersonalDataView

# --- workflows as data -----------------------------------------------------------------------


class Workflow(SoftDeleteModel):
    """The states and transitions of one kind of item in one congress, seeded from
    ``kinds.SPECS`` on first use; an administrator may adjust them."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    kind = models.CharField(_("kind of item"), max_length=20, choices=Kind.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("workflow")
        verbose_name_plural = _("workflows")
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "kind"],
                condition=Q(deleted_at__isnull=True),
                name="workflow_unique_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.congress} · {self.get_kind_display()}"


class State(SoftDeleteModel):
    workflow = models.ForeignKey(
        Workflow, verbose_name=_("workflow"), on_delete=models.CASCADE, related_name="states"
    )
    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=60, blank=True)
    is_initial = models.BooleanField(_("initial"), default=False)
    is_final = models.BooleanField(_("final"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("state")
        verbose_name_plural = _("states")
        ordering = ["workflow", "sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["workflow", "code"],
                condition=Q(deleted_at__isnull=True),
                name="state_unique_code",
            )
        ]

    def __str__(self) -> str:
        return self.name or spec_for(self.workflow.kind).state_label(self.code)


class Transition(SoftDeleteModel):
    workflow = models.ForeignKey(
        Workflow, verbose_name=_("workflow"), on_delete=models.CASCADE, related_name="transitions"
    )
    action = models.SlugField(_("action"), max_length=30)
    from_state = models.ForeignKey(
        State, verbose_name=_("from"), on_delete=models.CASCADE, related_name="+"
    )
    to_state = models.ForeignKey(
        State, verbose_name=_("to"), on_delete=models.CASCADE, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")
        constraints = [
            models.UniqueConstraint(
                fields=["workflow", "action", "from_state", "to_state"],
                condition=Q(deleted_at__isnull=True),
                name="transition_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_state.code} → {self.to_state.code}"


# --- items -----------------------------------------------------------------------------------


class Item(SoftDeleteModel):
    """One piece of casework: a suggestion, motion, review opinion, letter or visit, or a
    decision to implement."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    kind = models.CharField(_("kind of item"), max_length=20, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(pgettext_lazy("casework", "number"), null=True, blank=True)
    title = models.CharField(pgettext_lazy("casework", "title"), max_length=200)
    content = models.TextField(_("content"), blank=True)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices, default=Topic.OTHER)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    submitted_on = models.DateField(_("submitted on"))
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    state = models.SlugField(_("state"), max_length=30)
    round = models.PositiveSmallIntegerField(_("handling round"), default=1)
    is_hard = models.BooleanField(
        _("wide-ranging or hard"),
        default=False,
        help_text=_("The reply period is six months instead of three (Deputies Law Art. 51)."),
    )
    is_key_supervised = models.BooleanField(_("key supervised item"), default=False)
    supervising_leader = models.ForeignKey(
        Person,
        verbose_name=_("supervising leader"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervised_items",
    )
    public_disclosure_agreed = models.BooleanField(
        _("the originator agrees to publish the reply"), default=False
    )
    return_reason = models.TextField(_("reason for returning"), blank=True)
    deputies: models.ManyToManyField = models.ManyToManyField(
        Person,
        verbose_name=_("deputies"),
        through="ItemOriginator",
        related_name="originated_items",
        blank=True,
    )
    # A letter's writer: personal data, shown masked except to the office.
    petitioner_name = models.CharField(_("petitioner"), max_length=60, blank=True)
    petitioner_phone = models.CharField(_("petitioner's phone"), max_length=20, blank=True)
    petitioner_id_number = models.CharField(_("petitioner's ID number"), max_length=18, blank=True)
    petitioner_address = models.CharField(_("petitioner's address"), max_length=200, blank=True)
    petitioner_email = models.EmailField(_("petitioner's e-mail"), blank=True)
    tracking_code = models.CharField(
        _("tracking code"), max_length=24, null=True, blank=True, unique=True
    )
    # Where the item came from outside casework, e.g. "gatherings.agenda_item:42".
    origin_ref = models.CharField(_("origin"), max_length=60, blank=True)
    related_item = models.ForeignKey(
        "self",
        verbose_name=_("related item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="related_items",
    )
    history = HistoricalRecords(excluded_fields=["petitioner_id_number"])
    # Named as changed in the shared history display, never shown (sanxing.web.history).
    history_private_fields = ("petitioner_phone", "petitioner_id_number")

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["congress", "-submitted_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "kind", "year", "number"],
                condition=Q(number__isnull=False),
                name="item_unique_number",
            ),
            models.CheckConstraint(condition=Q(round__in=[1, 2]), name="item_round_1_or_2"),
            models.CheckConstraint(
                condition=Q(supervising_leader__isnull=True) | Q(is_key_supervised=True),
                name="item_leader_only_when_key",
            ),
            models.CheckConstraint(
                condition=~Q(kind=Kind.LETTER) | ~Q(petitioner_name=""),
                name="item_letter_has_petitioner",
            ),
            models.CheckConstraint(
                condition=Q(registered_on__isnull=True) | Q(registered_on__gte=F("submitted_on")),
                name="item_registered_after_submitted",
            ),
        ]
        indexes = [
            models.Index(fields=["congress", "kind", "state"]),
            models.Index(fields=["congress", "kind", "submitted_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def spec(self):
        return spec_for(self.kind)

    @property
    def reference(self) -> str:
        if self.number is None:
            return f"{self.spec.prefix}{self.year}-#{self.pk}"
        return f"{self.spec.prefix}{self.year}-{self.number:04d}"

    @property
    def state_label(self) -> str:
        return self.spec.state_label(self.state)

    @property
    def is_open(self) -> bool:
        return self.state not in self.spec.final_states


class ItemOriginator(SoftDeleteModel):
    """A deputy who submitted or co-signed an item; one of them leads."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    item = models.ForeignKey(
        Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="originators"
    )
    person = models.ForeignKey(Person, verbose_name=_("deputy"), on_delete=models.PROTECT)
    is_lead = models.BooleanField(_("lead deputy"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("originator")
        verbose_name_plural = _("originators")
        ordering = ["-is_lead", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "person"],
                condition=Q(deleted_at__isnull=True),
                name="originator_unique_person",
            ),
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(is_lead=True, deleted_at__isnull=True),
                name="originator_one_lead",
            ),
        ]

    def __str__(self) -> str:
        return str(self.person)


class Assignment(SoftDeleteModel):
    """An item sent to a handling unit, as lead (主辦) or co-handling (協辦) unit."""

    class Role(models.TextChoices):
        LEAD = "lead", _("lead unit")
        CO = "co", _("co-handling unit")

    class ReturnDecision(models.TextChoices):
        NONE = "", _("none")
        PENDING = "pending", _("awaiting the office's decision")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    item = models.ForeignKey(
        Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="assignments"
    )
    unit = models.ForeignKey(
        Organisation,
        verbose_name=_("handling unit"),
        on_delete=models.PROTECT,
        related_name="casework_assignments",
    )
    role = models.CharField(_("role"), max_length=4, choices=Role.choices)
    assigned_on = models.DateField(_("assigned on"))
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    return_requested_on = models.DateField(_("return requested on"), null=True, blank=True)
    return_reason = models.TextField(_("reason for asking to return"), blank=True)
    return_decision = models.CharField(
        _("return decision"),
        max_length=10,
        choices=ReturnDecision.choices,
        blank=True,
        default="",
    )
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["item", "role", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "unit"],
                condition=Q(deleted_at__isnull=True, withdrawn_on__isnull=True),
                name="assignment_unique_unit",
            ),
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(role="lead", deleted_at__isnull=True, withdrawn_on__isnull=True),
                name="assignment_one_lead",
            ),
            models.CheckConstraint(
                condition=Q(accepted_on__isnull=True) | Q(accepted_on__gte=F("assigned_on")),
                name="assignment_accepted_after_assigned",
            ),
            models.CheckConstraint(
                condition=Q(return_requested_on__isnull=True)
                | Q(return_requested_on__gte=F("assigned_on")),
                name="assignment_return_after_assigned",
            ),
        ]
        indexes = [models.Index(fields=["congress", "unit", "assigned_on"])]

    def __str__(self) -> str:
        return f"{self.item.reference} → {self.unit} ({self.get_role_display()})"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None


class Clock(SoftDeleteModel):
    """A legal deadline: the rule and article that set it, when it started, when it is due,
    when it stopped. Overdue is derived: open and ``due_on`` before today, or stopped after
    ``due_on``."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    item = models.ForeignKey(
        Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="clocks"
    )
    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("assignment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="clocks",
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    period = models.CharField(_("period"), max_length=10)
    rule_code = models.CharField(_("rule"), max_length=40)
    article = models.CharField(_("legal basis"), max_length=200)
    started_on = models.DateField(_("started on"))
    due_on = models.DateField(_("due on"))
    extended_days = models.PositiveSmallIntegerField(_("days of extension"), default=0)
    paused_days = models.PositiveSmallIntegerField(_("days not counted"), default=0)
    stopped_on = models.DateField(_("stopped on"), null=True, blank=True)
    # Days from start to stop, kept when the clock stops so rates can average them in SQL.
    elapsed_days = models.PositiveIntegerField(_("days taken"), null=True, blank=True)
    provisional = models.BooleanField(
        _("provisional"),
        default=False,
        help_text=_("The working calendar for the due date's year is not loaded yet."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("clock")
        verbose_name_plural = _("clocks")
        ordering = ["item", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=F("started_on")), name="clock_due_after_start"
            ),
            models.CheckConstraint(
                condition=Q(stopped_on__isnull=True) | Q(stopped_on__gte=F("started_on")),
                name="clock_stops_after_start",
            ),
            models.CheckConstraint(
                condition=Q(purpose__in=[p.value for p in Purpose]), name="clock_purpose_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["congress", "stopped_on", "due_on"]),
            models.Index(fields=["assignment", "purpose", "round"]),
        ]

    def __str__(self) -> str:
        return f"{self.item.reference} · {self.get_purpose_display()} · {self.due_on}"

    @property
    def is_open(self) -> bool:
        return self.stopped_on is None

    @property
    def article_display(self) -> str:
        """The legal basis in the reader's language when the rule is still registered."""
        from sanxing.casework.kinds import rule_article

        article = rule_article(self.rule_code)
        return self.article if article is None else str(article)

    def days_left(self, today: dt.date | None = None) -> int:
        """Days until due (negative when overdue); for a stopped clock, as of the stop."""
        on = self.stopped_on or today or timezone.localdate()
        return (self.due_on - on).days

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.days_left(today) < 0


class Reply(SoftDeleteModel):
    """A unit's reply letter (lead unit), a co-handling unit's opinion, or the office's
    written answer to a letter (no assignment)."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    item = models.ForeignKey(
        Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="replies"
    )
    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("assignment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replies",
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    text = models.TextField(_("reply"))
    reply_class = models.CharField(_("class"), max_length=20, blank=True)
    committed_on = models.DateField(
        _("promised date"),
        null=True,
        blank=True,
        help_text=_("For a B-class reply: the date the unit commits to report again."),
    )
    signed_by = models.CharField(_("signed by"), max_length=60)
    sent_on = models.DateField(_("sent on"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Approval(models.TextChoices):
        NONE = "", _("not needed")
        PENDING = "pending", _("awaiting the head of unit")
        APPROVED = "approved", _("approved by the head of unit")
        SENT_BACK = "sent_back", _("sent back by the head of unit")

    # Only a reply without approval or an approved one counts as sent.
    approval = models.CharField(
        _("approval"), max_length=10, choices=Approval.choices, blank=True, default=""
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_back_reason = models.TextField(_("why it was sent back"), blank=True)
    history = HistoricalRecords()

    @property
    def is_sent(self) -> bool:
        return self.approval in (self.Approval.NONE, self.Approval.APPROVED)

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["item", "round", "sent_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "round"],
                condition=Q(deleted_at__isnull=True, assignment__isnull=False),
                name="reply_one_per_assignment_round",
            ),
            models.CheckConstraint(condition=Q(round__in=[1, 2]), name="reply_round_1_or_2"),
        ]

    def __str__(self) -> str:
        return f"{self.item.reference} · {self.sent_on}"

    @property
    def reply_class_label(self) -> str:
        return self.item.spec.reply_class_label(self.reply_class) if self.reply_class else ""


class Evaluation(SoftDeleteModel):
    """The originator's evaluation of a reply (滿意 / 基本滿意 / 不滿意)."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    item = models.ForeignKey(
        Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="evaluations"
    )
    person = models.ForeignKey(Person, verbose_name=_("evaluated by"), on_delete=models.PROTECT)
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    value = models.CharField(
        pgettext_lazy("casework", "evaluation"), max_length=20, choices=EvaluationValue.choices
    )
    comment = models.TextField(_("comment"), blank=True)
    evaluated_on = models.DateField(_("evaluated on"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = pgettext_lazy("casework", "evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["item", "round"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "round"],
                condition=Q(deleted_at__isnull=True),
                name="evaluation_one_per_round",
            ),
            models.CheckConstraint(
                condition=Q(value__in=[v.value for v in EvaluationValue]),
                name="evaluation_value_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.reference} · {self.get_value_display()}"


class ContactRecord(SoftDeleteModel):
    """The unit contacted the originator before replying (聯繫代表)."""

    class Method(models.TextChoices):
        PHONE = "phone", _("phone")
        VISIT = "visit", _("visit")
        MEETING = "meeting", _("meeting")
        SITE = "site", _("site inspection")
        LETTER = "letter", _("letter or e-mail")

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    item = models.ForeignKey(
        Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="contacts"
    )
    assignment = models.ForeignKey(
        Assignment, verbose_name=_("assignment"), on_delete=models.PROTECT, related_name="+"
    )
    contacted_on = models.DateField(_("contacted on"))
    method = models.CharField(_("how"), max_length=10, choices=Method.choices)
    note = models.TextField(_("what was said"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contact record")
        verbose_name_plural = _("contact records")
        ordering = ["item", "contacted_on", "pk"]

    def __str__(self) -> str:
        return f"{self.item.reference} · {self.contacted_on}"


class SupervisionLog(SoftDeleteModel):
    """One chase by the office (督辦記錄): by whom, how, what was said."""

    class Method(models.TextChoices):
        PHONE = "phone", _("phone")
        NOTICE = "notice", _("written notice")
        VISIT = "visit", _("visit")
        MEETING = "meeting", _("meeting")

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    item = models.ForeignKey(
        Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="supervision_logs"
    )
    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("assignment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    on = models.DateField(_("date"))
    method = models.CharField(_("how"), max_length=10, choices=Method.choices)
    note = models.TextField(_("note"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("supervision record")
        verbose_name_plural = _("supervision records")
        ordering = ["item", "on", "pk"]

    def __str__(self) -> str:
        return f"{self.item.reference} · {self.on}"


class TimelineEvent(models.Model):
    """Every event of an item: who, when, from which state to which, why. Append-only."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    item = models.ForeignKey(
        Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="timeline"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.SlugField(_("action"), max_length=30)
    from_state = models.CharField(_("from"), max_length=30, blank=True)
    to_state = models.CharField(_("to"), max_length=30, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        ordering = ["item", "at", "pk"]
        indexes = [models.Index(fields=["item", "at"])]

    def __str__(self) -> str:
        return f"{self.item_id} · {self.action}"


class ItemAttachment(SoftDeleteModel):
    """A file attached to an item (the letter as received, its enclosures) or to one of its
    replies. The file itself is a ``documents.Attachment``; this row ties it to casework so
    that it is fetched through the item's permission-checked lookup and joins like any other
    casework row (a generic foreign key could do neither with database integrity)."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    item = models.ForeignKey(
        Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="attachments"
    )
    reply = models.ForeignKey(
        Reply,
        verbose_name=_("reply"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    attachment = models.OneToOneField(
        "documents.Attachment",
        verbose_name=_("file"),
        on_delete=models.PROTECT,
        related_name="casework_link",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["item", "pk"]

    def __str__(self) -> str:
        return f"{self.item_id} · {self.attachment_id}"


class Mailbox(SoftDeleteModel):
    """A director's published mailbox (主任信箱): mail to this address arrives through the
    inbound gateway (``sanxing mailin``) and becomes a registered letter."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    address = models.EmailField(_("address"), unique=True)
    owner = models.ForeignKey(
        Person, verbose_name=_("whose mailbox"), on_delete=models.PROTECT, related_name="+"
    )
    active = models.BooleanField(_("receiving mail"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("published mailbox")
        verbose_name_plural = _("published mailboxes")
        ordering = ["congress", "address"]

    def __str__(self) -> str:
        return self.address

    def save(self, *args, **kwargs):
        self.address = (self.address or "").strip().lower()
        super().save(*args, **kwargs)


class PetitionerDataView(models.Model):
    """One viewing of a letter writer's unmasked ID number or phone: who saw which fields of
    which letter, when, through which channel. The same shape as ``people.PersonalDataView``
    (a writer is not a ``Person``). Append-only; written by ``privacy.log_petitioner_view``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("viewed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    item = models.ForeignKey(
        Item,
        verbose_name=_("item"),
        on_delete=models.PROTECT,
        related_name="petitioner_data_views",
    )
    fields = models.CharField(_("fields"), max_length=200)
    channel = models.CharField(_("channel"), max_length=10, choices=PersonalDataView.Channel)
    viewed_at = models.DateTimeField(_("viewed at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("petitioner data view")
        verbose_name_plural = _("petitioner data views")
        ordering = ["-viewed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} · {self.item_id} · {self.fields}"


class UnitSetting(SoftDeleteModel):
    """How casework treats one handling unit: e.g. its replies go out only when the unit's
    head (a Role of kind unit_head) approves them."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    unit = models.OneToOneField(
        Organisation,
        verbose_name=_("handling unit"),
        on_delete=models.PROTECT,
        related_name="casework_setting",
    )
    reply_needs_approval = models.BooleanField(
        _("replies need the approval of the head of unit"), default=False
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unit setting")
        verbose_name_plural = _("unit settings")

    def __str__(self) -> str:
        return str(self.unit)


# --- implementation items: milestones and progress (Decidim Accountability) -------------------


class Milestone(SoftDeleteModel):
    """One step of carrying out a resolution, decision or leader's instruction, with the date
    it is due and the date it was done."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    item = models.ForeignKey(
        Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="milestones"
    )
    title = models.CharField(pgettext_lazy("casework", "title"), max_length=200)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["item", "order", "due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.item_id} · {self.title}"

    @property
    def is_done(self) -> bool:
        return self.done_on is not None

    def days_left(self, today: dt.date | None = None) -> int:
        return (self.due_on - (today or timezone.localdate())).days


class ProgressReport(SoftDeleteModel):
    """A unit's (or the office's) report on how far an implementation item has come. The
    item's progress is the latest report's percent: derived, never stored on the item."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("not started")
        IN_PROGRESS = "in_progress", _("in progress")
        COMPLETED = "completed", _("completed")

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    item = models.ForeignKey(
        Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="progress_reports"
    )
    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("assignment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="progress_reports",
    )
    percent = models.PositiveSmallIntegerField(_("percent done"))
    text = models.TextField(_("what was done"))
    reason = models.TextField(_("why the progress went back"), blank=True)
    reported_on = models.DateField(_("reported on"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["item", "reported_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__gte=0, percent__lte=100), name="progress_percent_0_100"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item_id} · {self.percent}%"

    @property
    def status(self) -> str:
        return progress_status(self.percent)

    @property
    def status_label(self) -> str:
        return str(ProgressReport.Status(self.status).label)


def progress_status(percent: int | None) -> str:
    """Decidim-style status derived from the percent: not started, in progress, completed."""
    if not percent:
        return ProgressReport.Status.NOT_STARTED
    if percent >= 100:
        return ProgressReport.Status.COMPLETED
    return ProgressReport.Status.IN_PROGRESS


class SatisfactionVote(SoftDeleteModel):
    """One round's handling report put to the vote at a meeting, and the result."""

    class Result(models.TextChoices):
        PENDING = "", _("to be voted on")
        SATISFIED = "satisfied", _("satisfied")
        UNSATISFIED = "unsatisfied", _("not satisfied")

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    item = models.ForeignKey(
        Item,
        verbose_name=_("item"),
        on_delete=models.PROTECT,
        related_name="satisfaction_votes",
    )
    round = models.PositiveSmallIntegerField(_("round"))
    report_on = models.DateField(_("handling report of"))
    # The meeting engine's records, by id (casework does not import its models).
    gathering_id = models.PositiveIntegerField(_("meeting"))
    agenda_item_id = models.PositiveIntegerField(_("agenda item"))
    meeting_title = models.CharField(_("meeting"), max_length=200)
    meeting_on = models.DateField(_("meeting day"))
    vote_id = models.PositiveIntegerField(_("vote"), null=True, blank=True)
    result = models.CharField(
        _("result"), max_length=12, choices=Result.choices, blank=True, default=""
    )
    yes = models.PositiveIntegerField(_("yes"), default=0)
    no = models.PositiveIntegerField(_("no"), default=0)
    abstain = models.PositiveIntegerField(_("abstain"), default=0)
    not_voting = models.PositiveIntegerField(_("not voting"), default=0)
    absent = models.PositiveIntegerField(_("absent"), default=0)
    body_size = models.PositiveIntegerField(_("members of the body"), default=0)
    present = models.PositiveIntegerField(_("present"), default=0)
    required = models.PositiveIntegerField(_("votes required"), default=0)
    threshold = models.CharField(_("threshold"), max_length=200, blank=True)
    closed_at = models.DateTimeField(_("voted at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("satisfaction vote")
        verbose_name_plural = _("satisfaction votes")
        ordering = ["item", "round", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["vote_id"],
                condition=Q(vote_id__isnull=False),
                name="satisfaction_vote_unique_vote",
            ),
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(result="", deleted_at__isnull=True),
                name="satisfaction_vote_one_pending",
            ),
            models.CheckConstraint(
                condition=Q(result__in=["", "satisfied", "unsatisfied"]),
                name="satisfaction_vote_result_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} · {self.meeting_title}"

    @property
    def is_pending(self) -> bool:
        return self.result == ""

    @property
    def meeting_url(self) -> str:
        from django.urls import reverse

        try:
            return reverse("gatherings:detail", args=[self.gathering_id])
        except Exception:  # pragma: no cover - the meeting engine's pages are optional
            return ""
