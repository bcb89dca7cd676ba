"""Congresses (the tenants), terms, organisations, persons, roles held over dates and the
accounts people log in with. See shared/domain/GLOSSARY.md for the names."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sanxing.core.models import SoftDeleteModel


class Congress(SoftDeleteModel):
    """A People's Congress; a deployment can host a city congress and its districts'."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("province")
        CITY = "city", _("city")
        DISTRICT = "district", _("district or county")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.CITY)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent congress"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    time_zone = models.CharField(_("time zone"), max_length=40, default="Asia/Shanghai")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("congress")
        verbose_name_plural = _("congresses")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Term(SoftDeleteModel):
    """A five-year term (屆) of a congress."""

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=60)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["congress", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "number"],
                condition=Q(deleted_at__isnull=True),
                name="term_unique_number",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gt=models.F("starts_on")),
                name="term_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def covers(self, day: dt.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


class Organisation(SoftDeleteModel):
    """A body of the congress side or an outside handling unit, in a tree."""

    class Kind(models.TextChoices):
        STANDING_COMMITTEE = "standing_committee", _("standing committee")
        DIRECTORS_MEETING = "directors_meeting", _("directors' meeting")
        SPECIAL_COMMITTEE = "special_committee", _("special committee")
        OFFICE_BODY = "office_body", _("office body")
        DELEGATION = "delegation", _("delegation")
        DEPUTY_GROUP = "deputy_group", _("deputy group")
        HANDLING_UNIT = "handling_unit", _("handling unit")

    # Kinds whose members work in the office (機關) and see the office's work.
    OFFICE_KINDS = (Kind.OFFICE_BODY,)

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=120)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    code = models.CharField(_("code"), max_length=40, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["congress", "kind", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "kind", "name"],
                condition=Q(deleted_at__isnull=True),
                name="organisation_unique_name",
            ),
        ]
        indexes = [models.Index(fields=["congress", "kind"])]

    def __str__(self) -> str:
        return self.name


class Person(SoftDeleteModel):
    """Anyone the office deals with by name: members, deputies, staff, handlers, lecturers.

    The ID number and mobile are personal data: shown masked except to roles that need them,
    every unmasked view logged (``sanxing.people.privacy``)."""

    class Gender(models.TextChoices):
        FEMALE = "F", _("female")
        MALE = "M", _("male")
        UNKNOWN = "", _("not stated")

    congress = models.ForeignKey(Congress, verbose_name=_("congress"), on_delete=models.PROTECT)
    name = models.CharField(_("name"), max_length=60)
    gender = models.CharField(
        _("gender"), max_length=1, choices=Gender.choices, blank=True, default=""
    )
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, blank=True)
    party = models.CharField(_("political affiliation"), max_length=40, blank=True)
    workplace = models.CharField(_("workplace and post"), max_length=200, blank=True)
    mobile = models.CharField(_("mobile phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    id_number = models.CharField(_("ID number"), max_length=18, blank=True)
    is_public = models.BooleanField(
        _("listed publicly"),
        default=False,
        help_text=_("Deputies and committee members are listed on the public portal."),
    )
    history = HistoricalRecords()
    # Shown as changed in a record's history, never with their values (web.history).
    history_private_fields = ("id_number", "mobile")

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["congress", "name", "pk"]
        indexes = [models.Index(fields=["congress", "name"])]

    def __str__(self) -> str:
        return self.name


class Role(SoftDeleteModel):
    """A role a person holds in an organisation between two dates."""

    class Kind(models.TextChoices):
        DIRECTOR = "director", _("director")
        DEPUTY_DIRECTOR = "deputy_director", _("deputy director")
        SECRETARY_GENERAL = "secretary_general", _("secretary-general")
        COMMITTEE_MEMBER = "committee_member", _("committee member")
        DEPUTY = "deputy", _("deputy")
        STAFF = "staff", _("staff")
        HEAD = "head", _("head of body")
        HANDLER = "handler", _("handler")
        UNIT_HEAD = "unit_head", _("head of unit")
        LECTURER = "lecturer", _("lecturer")

    # Roles that make a person a member (組成人員) of the standing committee.
    COMMITTEE_KINDS = (
        Kind.DIRECTOR,
        Kind.DEPUTY_DIRECTOR,
        Kind.SECRETARY_GENERAL,
        Kind.COMMITTEE_MEMBER,
    )
    LEADER_KINDS = (Kind.DIRECTOR, Kind.DEPUTY_DIRECTOR, Kind.SECRETARY_GENERAL)

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="roles"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="roles"
    )
    term = models.ForeignKey(
        Term, verbose_name=_("term"), null=True, blank=True, on_delete=models.PROTECT
    )
    kind = models.CharField(_("role"), max_length=24, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=80, blank=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["organisation", "kind", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="role_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "kind"]),
            models.Index(fields=["person", "kind"]),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_kind_display()} · {self.organisation}"


class User(AbstractUser):
    """A login. Linked to a person; carries the person's preferences."""

    class NoticeMode(models.TextChoices):
        INSTANT = "instant", _("each notice at once")
        DIGEST = "digest", _("one daily digest")

    person = models.OneToOneField(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="user",
    )
    congress = models.ForeignKey(
        Congress, verbose_name=_("congress"), null=True, blank=True, on_delete=models.PROTECT
    )
    language = models.CharField(_("language"), max_length=10, blank=True, default="")
    notice_mode = models.CharField(
        _("e-mail notices"), max_length=10, choices=NoticeMode.choices, default=NoticeMode.INSTANT
    )
    sms_enabled = models.BooleanField(_("SMS for urgent notices"), default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class PersonalDataView(models.Model):
    """One viewing of a person's unmasked personal data (ID number, mobile): who saw which
    fields of whom, when and through which channel. Append-only; written by
    ``sanxing.people.privacy.log_personal_data_view``."""

    class Channel(models.TextChoices):
        WEB = "web", _("web page")
        API = "api", _("API")
        EXPORT = "export", _("export")

    user = models.ForeignKey(
        User, verbose_name=_("viewed by"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="personal_data_views",
    )
    fields = models.CharField(_("fields"), max_length=200)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    viewed_at = models.DateTimeField(_("viewed at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("personal data view")
        verbose_name_plural = _("personal data views")
        ordering = ["-viewed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} · {self.person} · {self.fields}"
