"""Tolerant models of Salesloft v2 payloads.

Only the fields engage maps are declared; everything else is kept
(``extra="allow"``) and every field may be null, because real records and
Salesloft's own samples leave out or null fields the spec describes
(an action without a step, ``"do_not_contact": "false"`` as a string).
Enumerations stay plain strings here: turning an unknown value into
``OTHER`` is the mapping's job, so nothing is lost at this layer.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

Id = int | str
Row = dict[str, Any]
"""A record as Salesloft sent it (one element of an envelope's ``data``)."""
Params = list[tuple[str, str]]
"""A request's query, in order (``ids[]`` and other array filters repeat their key)."""


class Wire(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True)


class Ref(Wire):
    """A nested reference: ``{"_href": ..., "id": ...}`` (``_href`` is sometimes absent)."""

    id: Id | None = None
    href: str | None = Field(default=None, alias="_href")


def ref_id(ref: Ref | None) -> str | None:
    if ref is None or ref.id is None:
        return None
    return str(ref.id)


class Person(Wire):
    id: Id
    created_at: datetime | None = None
    updated_at: datetime | None = None
    first_name: str | None = None
    last_name: str | None = None
    email_address: str | None = None
    title: str | None = None
    person_company_name: str | None = None
    phone: str | None = None
    mobile_phone: str | None = None
    home_phone: str | None = None
    owner: Ref | None = None
    account: Ref | None = None


class Cadence(Wire):
    id: Id
    name: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    archived_at: datetime | None = None
    draft: bool | None = None
    shared: bool | None = None
    team_cadence: bool | None = None
    owner: Ref | None = None


class Step(Wire):
    id: Id
    cadence: Ref | None = None
    day: int | None = None
    step_number: int | None = None
    name: str | None = None
    display_name: str | None = None
    type: str | None = None
    disabled: bool | None = None


class Membership(Wire):
    id: Id
    person: Ref | None = None
    cadence: Ref | None = None
    user: Ref | None = None
    current_state: str | None = None
    currently_on_cadence: bool | None = None
    added_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


class Task(Wire):
    id: Id
    subject: str | None = None
    current_state: str | None = None
    task_type: str | None = None
    due_date: date | None = None
    due_at: datetime | None = None
    remind_at: datetime | None = None
    completed_at: datetime | None = None
    description: str | None = None
    person: Ref | None = None
    user: Ref | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


class Action(Wire):
    id: Id
    type: str | None = None
    status: str | None = None
    due: bool | None = None
    due_on: datetime | None = None
    person: Ref | None = None
    user: Ref | None = None
    cadence: Ref | None = None
    step: Ref | None = None
    task: Ref | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


class Call(Wire):
    id: Id
    to: str | None = None
    duration: int | None = None
    sentiment: str | None = None
    disposition: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    user: Ref | None = None
    called_person: Ref | None = None
    cadence: Ref | None = None
    step: Ref | None = None
    note: Ref | None = None


class Note(Wire):
    id: Id
    content: str | None = None
    associated_type: str | None = None
    associated_with: Ref | None = None
    user: Ref | None = None
    call: Ref | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


class Email(Wire):
    id: Id
    status: str | None = None
    recipient_email_address: str | None = None
    sent_at: datetime | None = None
    send_after: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    user: Ref | None = None
    recipient: Ref | None = None
    cadence: Ref | None = None
    step: Ref | None = None


class History(Wire):
    """An activity-feed entry; its ``id`` is ``"{type}-{n}"`` although the spec says integer."""

    id: Id
    type: str | None = None
    user_guid: str | None = None
    occurred_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    resource_type: str | None = None
    resource_id: Id | None = None
    static_data: dict[str, Any] | None = None
    dynamic_data: dict[str, Any] | None = None


class User(Wire):
    id: Id
    guid: str | None = None
    name: str | None = None
    email: str | None = None
    active: bool | None = None
