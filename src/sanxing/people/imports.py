"""Import lists of people from Excel (.xlsx) or CSV.

The first row holds the column names, in Simplified Chinese, Traditional Chinese or English
(any order; unknown columns are ignored). Columns:

============  ============  =============  =====================================================
zh-Hans       zh-Hant       English        content
============  ============  =============  =====================================================
姓名          姓名          name           required
性别          性別          gender         男 / 女 / M / F (blank: not stated)
出生日期      出生日期      birth_date     a date (Excel date, 2026-01-31, 2026/1/31, 2026年1月31日)
民族          民族          ethnicity
党派          黨派          party          political affiliation
工作单位及职务 工作單位及職務 workplace     workplace and post
手机          手機          mobile         11 digits
电子邮件      電子郵件      email
身份证号      身份證號      id_number      18 characters; the check digit is verified
机构          機構          organisation   an existing organisation of the congress, by name
角色          角色          role           a role (Chinese or English label, or its code)
届            屆            term           the term's number, e.g. 16
起始日期      起始日期      starts_on      the role's first day (default: the term's or today)
结束日期      結束日期      ends_on        the role's last day (blank: in force)
============  ============  =============  =====================================================

Organisation and role go together: give both or neither. A person already in the registry
(same name and ID number, or same name and mobile) is not duplicated: the role is added to
them (and not added twice). Every row is checked before anything is written; if any row has
an error nothing is imported, unless ``skip_bad`` is set, in which case the good rows are
imported and the bad ones reported. Everything is written in one transaction.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanxing.core.excel import workbook_bytes
from sanxing.people.models import Congress, Organisation, Person, Role, Term
from sanxing.people.services import person_create, role_grant
from sanxing.people.validators import id_number_is_valid

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000


@dataclass(frozen=True)
class Column:
    key: str
    hans: str
    hant: str
    label: Any  # lazily translated, for messages

    @property
    def headers(self) -> set[str]:
        return {self.hans, self.hant, self.key, self.key.replace("_", " ")}


COLUMNS = [
    Column("name", "姓名", "姓名", gettext_lazy("name")),
    Column("gender", "性别", "性別", gettext_lazy("gender")),
    Column("birth_date", "出生日期", "出生日期", gettext_lazy("date of birth")),
    Column("ethnicity", "民族", "民族", gettext_lazy("ethnicity")),
    Column("party", "党派", "黨派", gettext_lazy("political affiliation")),
    Column("workplace", "工作单位及职务", "工作單位及職務", gettext_lazy("workplace and post")),
    Column("mobile", "手机", "手機", gettext_lazy("mobile phone")),
    Column("email", "电子邮件", "電子郵件", gettext_lazy("e-mail")),
    Column("id_number", "身份证号", "身份證號", gettext_lazy("ID number")),
    Column("organisation", "机构", "機構", gettext_lazy("organisation")),
    Column("role", "角色", "角色", gettext_lazy("role")),
    Column("term", "届", "屆", gettext_lazy("term")),
    Column("starts_on", "起始日期", "起始日期", gettext_lazy("from")),
    Column("ends_on", "结束日期", "結束日期", gettext_lazy("until")),
]
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
PERSON_KEYS = (
    "name",
    "gender",
    "birth_date",
    "ethnicity",
    "party",
    "workplace",
    "mobile",
    "email",
    "id_number",
)


class ImportFileError(Exception):
    """The file as a whole cannot be read: wrong type, too big, no header."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RowError:
    row: int  # the row number as the spreadsheet shows it (the header is row 1)
    column: str
    message: str


@dataclass
class ParsedRow:
    row: int
    person: dict[str, Any]
    organisation: Organisation | None = None
    role_kind: str = ""
    term: Term | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    roles_added: int = 0
    skipped: int = 0
    total: int = 0
    errors: list[RowError] = field(default_factory=list)
    applied: bool = False
    dry_run: bool = False

    @property
    def bad_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors})


# --- reading --------------------------------------------------------------------------------


def _header_key(text: Any) -> str | None:
    value = re.sub(r"\s+", "", str(text or "")).lower()
    for column in COLUMNS:
        if value in {h.replace(" ", "").lower() for h in column.headers}:
            return column.key
    return None


def read_table(name: str, data: bytes) -> list[tuple[int, dict[str, Any]]]:
    """The rows of an .xlsx or .csv file as (row number, {column key: value})."""
    if len(data) > MAX_BYTES:
        raise ImportFileError(_("The file is larger than 5 MB. Split it into smaller files."))
    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    if suffix == "xlsx":
        raw_rows = _xlsx_rows(data)
    elif suffix == "csv":
        raw_rows = _csv_rows(data)
    else:
        raise ImportFileError(
            _("This file type cannot be imported. Upload an Excel workbook (.xlsx) or a CSV file.")
        )
    if not raw_rows:
        raise ImportFileError(_("The file is empty."))
    header = [_header_key(cell) for cell in raw_rows[0]]
    if "name" not in header:
        raise ImportFileError(_("The first row must hold the column names, including 姓名 (name)."))
    rows: list[tuple[int, dict[str, Any]]] = []
    for index, raw in enumerate(raw_rows[1:], start=2):
        values = {key: raw[i] for i, key in enumerate(header) if key is not None and i < len(raw)}
        if all(v is None or str(v).strip() == "" for v in values.values()):
            continue
        rows.append((index, values))
    if len(rows) > MAX_ROWS:
        raise ImportFileError(
            _("The file has more than %(count)d rows. Split it into smaller files.")
            % {"count": MAX_ROWS}
        )
    return rows


def _xlsx_rows(data: bytes) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged or disguised file
        raise ImportFileError(
            _("This file could not be read as an Excel workbook (.xlsx).")
        ) from None
    try:
        ws = wb.worksheets[0]
        return [list(row) for row in ws.iter_rows(values_only=True)]
    finally:
        wb.close()


def _csv_rows(data: bytes) -> list[list[Any]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(_("The CSV file must be encoded in UTF-8 or GB18030."))
    return [list(row) for row in csv.reader(io.StringIO(text))]


# --- checking -------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def _date(value: Any) -> dt.date | None:
    """A date from an Excel cell or text; None when blank; ValueError when unreadable."""
    if value is None or _text(value) == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = _DATE_RE.match(_text(value))
    if not match:
        raise ValueError(value)
    year, month, day = (int(g) for g in match.groups())
    return dt.date(year, month, day)


_GENDERS = {
    "男": Person.Gender.MALE,
    "m": Person.Gender.MALE,
    "male": Person.Gender.MALE,
    "女": Person.Gender.FEMALE,
    "f": Person.Gender.FEMALE,
    "female": Person.Gender.FEMALE,
}


# Names offices use in their lists, beyond the labels of the translations.
ROLE_ALIASES = {
    Role.Kind.DIRECTOR: ("主任", "常委会主任", "常委會主任"),
    Role.Kind.DEPUTY_DIRECTOR: ("副主任", "常委会副主任", "常委會副主任"),
    Role.Kind.SECRETARY_GENERAL: ("秘书长", "秘書長"),
    Role.Kind.COMMITTEE_MEMBER: (
        "委员",
        "委員",
        "常委会委员",
        "常委會委員",
        "组成人员",
        "組成人員",
    ),
    Role.Kind.DEPUTY: ("代表", "人大代表"),
    Role.Kind.STAFF: ("机关干部", "機關幹部", "工作人员", "工作人員", "干部", "幹部"),
    Role.Kind.HEAD: ("负责人", "負責人"),
    Role.Kind.HANDLER: ("经办人", "經辦人", "经办人员", "經辦人員"),
    Role.Kind.UNIT_HEAD: ("单位负责人", "單位負責人"),
    Role.Kind.LECTURER: ("授课人", "授課人", "讲师", "講師", "主讲人", "主講人"),
}


def role_labels() -> dict[str, str]:
    """Every way a file may name a role: its code and its label in each language."""
    labels: dict[str, str] = {
        alias: kind.value for kind, aliases in ROLE_ALIASES.items() for alias in aliases
    }
    for kind in Role.Kind:
        labels[kind.value.lower()] = kind.value
        labels[kind.value.replace("_", " ").lower()] = kind.value
        for language in ("zh-hans", "zh-hant", "en"):
            with translation.override(language):
                labels[str(kind.label).strip().lower()] = kind.value
    return labels


class _Checker:
    def __init__(self, congress: Congress):
        self.congress = congress
        self.organisations: dict[str, Organisation] = {}
        for org in Organisation.objects.filter(congress=congress):
            self.organisations.setdefault(org.name, org)
            if org.short_name:
                self.organisations.setdefault(org.short_name, org)
        self.terms = {t.number: t for t in Term.objects.filter(congress=congress)}
        self.roles = role_labels()

    def check(self, number: int, values: dict[str, Any]) -> tuple[ParsedRow, list[RowError]]:
        errors: list[RowError] = []

        def error(key: str, message: str) -> None:
            errors.append(RowError(number, str(COLUMN_BY_KEY[key].label), message))

        person: dict[str, Any] = {
            key: _text(values.get(key)) for key in PERSON_KEYS if key != "birth_date"
        }
        if not person["name"]:
            error("name", _("The name is missing."))
        elif len(person["name"]) > 60:
            error("name", _("The name is longer than 60 characters."))
        gender = person.pop("gender").lower()
        if gender and gender not in _GENDERS:
            error("gender", _("Write 男 or 女 (or M or F)."))
        person["gender"] = _GENDERS.get(gender, Person.Gender.UNKNOWN)
        try:
            person["birth_date"] = _date(values.get("birth_date"))
        except ValueError:
            error("birth_date", _("This is not a date. Write it as 1990-01-31."))
        mobile = re.sub(r"[\s-]", "", person["mobile"])
        if mobile and not re.fullmatch(r"1\d{10}", mobile):
            error("mobile", _("A mobile number has 11 digits."))
        person["mobile"] = mobile
        if person["email"]:
            try:
                validate_email(person["email"])
            except ValidationError:
                error("email", _("This is not an e-mail address."))
        id_number = person["id_number"].upper()
        if id_number and not id_number_is_valid(id_number):
            error("id_number", _("This is not a valid ID number (18 characters, check digit)."))
        person["id_number"] = id_number
        for key, limit in (("ethnicity", 20), ("party", 40), ("workplace", 200)):
            if len(person[key]) > limit:
                error(key, _("Longer than %(limit)d characters.") % {"limit": limit})

        parsed = ParsedRow(row=number, person=person)
        org_name = _text(values.get("organisation"))
        role_name = _text(values.get("role"))
        if org_name:
            parsed.organisation = self.organisations.get(org_name)
            if parsed.organisation is None:
                error(
                    "organisation", _("No organisation of this name: %(name)s") % {"name": org_name}
                )
        if role_name:
            parsed.role_kind = self.roles.get(role_name.lower(), "")
            if not parsed.role_kind:
                error("role", _("Unknown role: %(name)s") % {"name": role_name})
        if org_name and not role_name:
            error("role", _("Give the role held in the organisation."))
        if role_name and not org_name:
            error("organisation", _("Give the organisation the role is held in."))
        term_text = _text(values.get("term"))
        if term_text:
            digits = re.sub(r"[^\d]", "", term_text)
            parsed.term = self.terms.get(int(digits)) if digits else None
            if parsed.term is None:
                error("term", _("No term with this number: %(value)s") % {"value": term_text})
        for key in ("starts_on", "ends_on"):
            try:
                setattr(parsed, key, _date(values.get(key)))
            except ValueError:
                error(key, _("This is not a date. Write it as 1990-01-31."))
        if parsed.starts_on and parsed.ends_on and parsed.ends_on < parsed.starts_on:
            error("ends_on", _("A role cannot end before it starts."))
        return parsed, errors


# --- importing ------------------------------------------------------------------------------


def _find_existing(congress: Congress, person: dict[str, Any]) -> Person | None:
    base = Person.objects.filter(congress=congress, name=person["name"])
    if person["id_number"]:
        found = base.filter(id_number=person["id_number"]).first()
        if found:
            return found
    if person["mobile"]:
        return base.filter(mobile=person["mobile"]).first()
    return None


def people_import(
    *,
    congress: Congress,
    file_name: str,
    data: bytes,
    skip_bad: bool = False,
    dry_run: bool = False,
    by: Any,
) -> ImportResult:
    """Check every row, then import (all or, with ``skip_bad``, the good ones) in one
    transaction. Raises ImportFileError when the file cannot be read at all."""
    table = read_table(file_name, data)
    checker = _Checker(congress)
    result = ImportResult(total=len(table), dry_run=dry_run)
    good: list[ParsedRow] = []
    for number, values in table:
        parsed, errors = checker.check(number, values)
        if errors:
            result.errors.extend(errors)
        else:
            good.append(parsed)
    result.skipped = len(table) - len(good)
    if (result.errors and not skip_bad) or dry_run:
        if result.errors and not skip_bad:
            result.skipped = len(table)
        return result
    today = timezone.localdate()
    with transaction.atomic():
        seen: dict[tuple[str, str, str], Person] = {}
        touched: set[int] = set()
        created: set[int] = set()
        for row in good:
            key = (row.person["name"], row.person["id_number"], row.person["mobile"])
            person = seen.get(key) or _find_existing(congress, row.person)
            if person is None:
                person = person_create(congress=congress, by=by, **row.person)
                created.add(person.pk)
            elif person.pk not in created:
                touched.add(person.pk)
            seen[key] = person
            if row.organisation is not None and row.role_kind:
                starts_on = row.starts_on or (row.term.starts_on if row.term else today)
                duplicate = Role.objects.filter(
                    person=person,
                    organisation=row.organisation,
                    kind=row.role_kind,
                    term=row.term,
                    starts_on=starts_on,
                ).exists()
                if not duplicate:
                    role_grant(
                        person=person,
                        organisation=row.organisation,
                        kind=row.role_kind,
                        term=row.term,
                        starts_on=starts_on,
                        ends_on=row.ends_on,
                        by=by,
                    )
                    result.roles_added += 1
        result.created = len(created)
        result.updated = len(touched)
        result.applied = True
    return result


def template_workbook() -> bytes:
    """A workbook with the column names (in the active language's script) and one example."""
    hant = translation.get_language() == "zh-hant"
    english = (translation.get_language() or "").startswith("en")
    headers = [c.key if english else (c.hant if hant else c.hans) for c in COLUMNS]
    example = [
        "张三" if not hant else "張三",
        "男",
        dt.date(1975, 6, 1),
        "汉族" if not hant else "漢族",
        "中共党员" if not hant else "中共黨員",
        "市教育局局长" if not hant else "市教育局局長",
        "13800000000",
        "zhangsan@example.cn",
        "110101197506010011",
        "东城区代表团" if not hant else "東城區代表團",
        "代表",
        16,
        dt.date(2022, 1, 10),
        None,
    ]
    return workbook_bytes(headers, [example], sheet_title="people")
