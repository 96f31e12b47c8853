"""SOQL built from parts, with every caller value escaped or validated.

User values only ever enter a query through :func:`quote` (strings, escaped
as the SOQL reference lists), :func:`sf_id` (ids, checked against the id
alphabet) or the date helpers, so a value cannot end its literal early.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from engage import InputError

_ID = re.compile(r"^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$")
# The escape sequences SOQL string literals understand.
_ESCAPES = {
    "\\": "\\\\",
    "'": "\\'",
    '"': '\\"',
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}

TARGET_FIELDS = (
    "Id",
    "FirstName",
    "LastName",
    "Email",
    "Title",
    "Phone",
    "OwnerId",
    "CreatedDate",
    "LastModifiedDate",
)
LEAD_FIELDS = (*TARGET_FIELDS, "Company", "IsConverted")
CONTACT_FIELDS = (*TARGET_FIELDS, "AccountId", "Account.Name")
# A polymorphic lookup (Task.Who, tracker Target) can read only the Name object's fields.
NAME_FIELDS = ("Id", "FirstName", "LastName", "Email", "Title", "Phone")
CADENCE_FIELDS = (
    "Id",
    "Name",
    "State",
    "OwnerId",
    "TotalSteps",
    "CreatedDate",
    "LastModifiedDate",
)
STEP_FIELDS = (
    "Id",
    "ActionCadenceId",
    "StepName",
    "StepTitle",
    "Type",
    "DayGroup",
    "MinuteGroup",
)
# The order of a cadence's steps: by these, missing values last, then by Id.
STEP_ORDER = ("DayGroup", "MinuteGroup")
TRACKER_FIELDS = (
    "Id",
    "ActionCadenceId",
    "TargetId",
    "OwnerId",
    "State",
    "CompletionReason",
    "CompletionDisposition",
    "CurrentStepId",
    "CurrentStep.ActionCadenceStepId",
    "CreatedDate",
    "LastModifiedDate",
)
TASK_FIELDS = (
    "Id",
    "Subject",
    "Status",
    "IsClosed",
    "TaskSubtype",
    "Type",
    "ActivityDate",
    "OwnerId",
    "WhoId",
    "Description",
    "CompletedDateTime",
    "CallDurationInSeconds",
    "CallType",
    "CallDisposition",
    "ActionCadenceStepTrackerId",
    "CreatedDate",
    "LastModifiedDate",
)
STEP_TRACKER_FIELDS = (
    "Id",
    "ActionCadenceId",
    "ActionCadenceStepId",
    "ActionCadenceTrackerId",
    "ActionCadenceTracker.OwnerId",
    "TargetId",
    "StepTitle",
    "StepType",
    "State",
    "CompletionReason",
    "CompletionDate",
    "DueDateTime",
    "CreatedDate",
    "LastModifiedDate",
)
NOTE_FIELDS = ("Id", "ParentId", "Title", "Body", "OwnerId", "CreatedDate", "LastModifiedDate")
# Step types a rep performs (the others run by themselves).
TASK_STEP_TYPES = ("SendAnEmail", "MakeACall", "CreateTask", "LinkedInConnection", "LinkedInMail")


def quote(value: str) -> str:
    """``value`` as a SOQL string literal."""
    return "'" + "".join(_ESCAPES.get(ch, ch) for ch in value) + "'"


def sf_id(value: str, what: str = "id") -> str:
    """A Salesforce id as a literal; anything else is refused before a request."""
    if not isinstance(value, str) or not _ID.fullmatch(value):  # fullmatch: "$" admits "\n"
        raise InputError(
            f"{what} {str(value)[:40]!r} is not a Salesforce id (15 or 18 letters/digits)"
        )
    return f"'{value}'"


def id_list(values: Iterable[str], what: str = "id") -> str:
    return "(" + ", ".join(sf_id(v, what) for v in values) + ")"


def strings(values: Iterable[str]) -> str:
    return "(" + ", ".join(quote(v) for v in values) + ")"


def datetime_literal(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def date_literal(value: date | datetime) -> str:
    if isinstance(value, datetime):
        value = value.astimezone(UTC).date()
    return value.isoformat()


def relationship(prefix: str, fields: Sequence[str]) -> tuple[str, ...]:
    return tuple(f"{prefix}.{name}" for name in fields)


@dataclass
class Select:
    """``SELECT fields FROM sobject WHERE a AND b ORDER BY ... LIMIT n``."""

    sobject: str
    fields: Sequence[str]
    where: list[str] = field(default_factory=list)
    order: str | None = None
    limit: int | None = None

    def and_where(self, condition: str) -> Select:
        self.where.append(condition)
        return self

    def __str__(self) -> str:
        unique = list(dict.fromkeys(self.fields))
        text = f"SELECT {', '.join(unique)} FROM {self.sobject}"
        if self.where:
            text += " WHERE " + " AND ".join(self.where)
        if self.order:
            text += f" ORDER BY {self.order}"
        if self.limit is not None:
            text += f" LIMIT {self.limit}"
        return text
