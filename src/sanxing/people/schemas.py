"""What the people endpoints take and return (sanxing.people.api)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from ninja import Field, Schema
from pydantic import field_validator

from sanxing.people.models import Organisation, Person, Role
from sanxing.people.validators import validate_id_number, validate_mobile


class CongressOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    level: str
    parent_id: int | None
    time_zone: str


class TermOut(Schema):
    id: int
    congress_id: int
    number: int
    name: str
    starts_on: dt.date
    ends_on: dt.date | None


class OrganisationOut(Schema):
    id: int
    congress_id: int
    kind: Organisation.Kind
    name: str
    short_name: str
    code: str
    parent_id: int | None
    sort_order: int


class OrganisationDetailOut(OrganisationOut):
    email: str
    phone: str
    version: int


class RoleOut(Schema):
    id: int
    kind: Role.Kind
    title: str
    organisation_id: int
    organisation_name: str = Field(..., alias="organisation.name")
    term_id: int | None
    starts_on: dt.date
    ends_on: dt.date | None


class PersonOut(Schema):
    id: int
    congress_id: int
    name: str
    gender: str
    workplace: str
    is_public: bool
    roles: list[RoleOut] = Field(..., alias="current_roles")


class PersonDetailOut(Schema):
    id: int
    congress_id: int
    name: str
    gender: str
    birth_date: dt.date | None
    ethnicity: str
    party: str
    workplace: str
    email: str
    is_public: bool
    mobile: str = Field(..., description="Masked (138****1111) unless unmasked.")
    id_number: str = Field(..., description="Masked (110101********1234) unless unmasked.")
    personal_data_masked: bool
    roles: list[RoleOut] = Field(..., description="Roles in force today.")
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


def _checked(validator, value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if value:
        try:
            validator(value)
        except ValidationError as exc:
            raise ValueError(exc.messages[0]) from None
    return value


class _PersonalDataChecks(Schema):
    @field_validator("mobile", check_fields=False)
    @classmethod
    def _mobile(cls, value: str | None) -> str | None:
        return _checked(validate_mobile, value)

    @field_validator("id_number", check_fields=False)
    @classmethod
    def _id_number(cls, value: str | None) -> str | None:
        value = _checked(validate_id_number, value)
        return value.upper() if value else value


class PersonIn(_PersonalDataChecks):
    name: str = Field(..., min_length=1, max_length=60)
    gender: Person.Gender = Person.Gender.UNKNOWN
    birth_date: dt.date | None = None
    ethnicity: str = Field("", max_length=20)
    party: str = Field("", max_length=40)
    workplace: str = Field("", max_length=200)
    mobile: str = Field("", max_length=20)
    email: str = Field("", max_length=254)
    id_number: str = Field("", max_length=18)
    is_public: bool = False


class PersonPatch(_PersonalDataChecks):
    """Only the fields sent are changed; ``version`` is the one the client read."""

    version: int = Field(..., ge=1)
    name: str | None = Field(None, min_length=1, max_length=60)
    gender: Person.Gender | None = None
    birth_date: dt.date | None = None
    ethnicity: str | None = Field(None, max_length=20)
    party: str | None = Field(None, max_length=40)
    workplace: str | None = Field(None, max_length=200)
    mobile: str | None = Field(None, max_length=20)
    email: str | None = Field(None, max_length=254)
    id_number: str | None = Field(None, max_length=18)
    is_public: bool | None = None


class PersonFilters(Schema):
    q: str = Field("", max_length=100, description="Part of the name or workplace.")
    organisation: int | None = Field(None, description="Holds a role in force there.")
    role: Role.Kind | None = Field(None, description="Holds a role of this kind in force.")


class OrganisationFilters(Schema):
    kind: Organisation.Kind | None = Field(None, description="Only this kind.")
