"""Deputies attending Standing Committee meetings in rotation (代表列席常委會會議制度).

A *rotation* is the office's confirmed choice of deputies invited to one committee meeting;
each *invitation* puts one deputy on the meeting's roster as an invited deputy (列席, without
a vote) and records the deputy's answer. Attendance itself stays in gatherings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from sanxing.core.models import SoftDeleteModel
from sanxing.gatherings.models import Gathering
from sanxing.people.models import Congress, Person, Term


class Rotation(SoftDeleteModel):
    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    gathering = models.ForeignKey(
        Gathering, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="+"
    )
    term = models.ForeignKey(
        Term, verbose_name=_("term"), null=True, blank=True, on_delete=models.PROTECT
    )
    seats = models.PositiveSmallIntegerField(_("deputies to invite"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rotation")
        verbose_name_plural = _("rotations")
        ordering = ["congress", "gathering__starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["gathering"],
                condition=Q(deleted_at__isnull=True),
                name="deputies_rotation_unique_gathering",
            ),
        ]
        indexes = [models.Index(fields=["congress", "term"])]

    def __str__(self) -> str:
        return str(self.gathering)


class Invitation(SoftDeleteModel):
    class Status(models.TextChoices):
        INVITED = "invited", pgettext_lazy("invitation", "invited, no answer yet")
        ACCEPTED = "accepted", pgettext_lazy("invitation", "accepted")
        DECLINED = "declined", pgettext_lazy("invitation", "declined")

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    rotation = models.ForeignKey(
        Rotation,
        verbose_name=_("rotation"),
        on_delete=models.PROTECT,
        related_name="invitations",
    )
    gathering = models.ForeignKey(
        Gathering, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("deputy"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.INVITED
    )
    # Why the deputy was invited, as data (rendered in the reader's language).
    prior_invitations = models.PositiveSmallIntegerField(_("earlier invitations this term"))
    prior_attendances = models.PositiveSmallIntegerField(_("attendances this term"))
    chosen_by_office = models.BooleanField(
        _("chosen by the office"),
        default=False,
        help_text=_("Swapped in by the office instead of the deputy proposed."),
    )
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("replaces"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The office asks for an answer within a period (DEPUTIES_ANSWER_PERIOD, 3 working days)
    # counted by sanxing.workcal.periods, never later than the day before the meeting.
    answer_by = models.DateField(_("answer by"), null=True, blank=True)
    answer_rule = models.CharField(_("rule"), max_length=200, blank=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    decline_reason = models.CharField(_("reason for declining"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["gathering", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["gathering", "person"],
                condition=Q(deleted_at__isnull=True),
                name="deputies_invitation_unique_person",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["invited", "accepted", "declined"]),
                name="deputies_invitation_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["congress", "person"])]

    def __str__(self) -> str:
        return f"{self.person} · {self.gathering}"
