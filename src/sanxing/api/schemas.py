"""What the API's own endpoints (tokens, /me) take and return."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class TokenIn(Schema):
    username: str = Field(..., min_length=1, max_length=150)
    password: str = Field(..., min_length=1, max_length=256)
    name: str = Field("", max_length=80, description="What the token is for, e.g. 'mobile app'.")
    expires_at: dt.datetime | None = Field(
        None, description="When the token stops working (ISO 8601 with a time zone)."
    )


class TokenIssuedOut(Schema):
    token: str = Field(..., description="The secret: shown once, store it safely.")
    id: int
    name: str
    prefix: str
    expires_at: dt.datetime | None


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None


class PersonRefOut(Schema):
    id: int
    name: str


class CongressRefOut(Schema):
    id: int
    code: str
    name: str


class MeRoleOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    organisation_id: int
    organisation_name: str
    organisation_kind: str
    starts_on: dt.date
    ends_on: dt.date | None


class CapabilitiesOut(Schema):
    is_admin: bool
    is_office: bool
    is_leader: bool
    is_committee_member: bool
    is_deputy: bool
    is_handler: bool
    can_manage_people: bool
    office_body_ids: list[int]
    unit_ids: list[int]
    role_kinds: list[str]


class MeOut(Schema):
    id: int
    username: str
    email: str
    language: str
    person: PersonRefOut | None
    congress: CongressRefOut | None
    roles: list[MeRoleOut]
    capabilities: CapabilitiesOut
