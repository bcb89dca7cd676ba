"""The working calendar (RULES.md §1): the State Council's holidays and make-up working days
per date, which years have an official schedule, and the office's own corrections.

The calendar is national, not per congress. Three layers decide whether a date is a working
day, the first that speaks wins: a live ``CalendarOverride`` (the office's correction), a live
``CalendarDay`` (the official schedule, from ``chinesecalendar`` or an imported file), and
finally the week (Saturday and Sunday rest, weekdays work).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sanxing.core.models import SoftDeleteModel


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("holiday")
    WORKDAY = "workday", _("make-up working day")


class Source(models.TextChoices):
    CHINESECALENDAR = "chinesecalendar", _("chinesecalendar package")
    IMPORTED = "imported", _("imported file")
    MANUAL = "manual", _("office correction")


class CalendarYear(SoftDeleteModel):
    """Whether a year's official schedule is loaded; a year without one is provisional."""

    year = models.PositiveSmallIntegerField(_("year"))
    loaded = models.BooleanField(_("official schedule loaded"), default=False)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, blank=True)
    loaded_at = models.DateTimeField(_("loaded at"), null=True, blank=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("loaded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(
                fields=["year"], condition=Q(deleted_at__isnull=True), name="workcal_year_unique"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1900, year__lte=2999), name="workcal_year_range"
            ),
        ]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(SoftDeleteModel):
    """One day of an official schedule: a holiday, or a weekend made a working day (調休)."""

    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=DayKind.choices)
    # The package gives English names ("National Day"); imported files may give Chinese.
    name = models.CharField(_("name"), max_length=100, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["date"], condition=Q(deleted_at__isnull=True), name="workcal_day_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()} {self.name}".strip()


class CalendarOverride(SoftDeleteModel):
    """The office marks a day a holiday or a working day, with a reason. Who and when are
    ``created_by``/``created_at``; removing it stamps ``deleted_by``/``deleted_at``."""

    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("calendar correction")
        verbose_name_plural = _("calendar corrections")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["date"],
                condition=Q(deleted_at__isnull=True),
                name="workcal_override_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()}"
