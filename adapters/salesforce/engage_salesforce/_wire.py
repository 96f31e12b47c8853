"""Tolerant models of what Salesforce sends: unknown fields kept, every field optional.

An org may hide fields (field-level security), add picklist values, or answer
from an older API version; none of that should stop a record from mapping.
Picklists stay plain strings so an unknown value is kept, not refused.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Wire(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True, frozen=True)


class Attributes(_Wire):
    type: str | None = None
    url: str | None = None


class SObject(_Wire):
    attributes: Attributes = Field(default_factory=Attributes)
    Id: str
    CreatedDate: datetime | None = None
    LastModifiedDate: datetime | None = None


class NameRef(_Wire):
    """A polymorphic lookup's target (Task.Who, tracker Target): Name-object fields only."""

    attributes: Attributes = Field(default_factory=Attributes)
    Id: str | None = None
    FirstName: str | None = None
    LastName: str | None = None
    Email: str | None = None
    Title: str | None = None
    Phone: str | None = None


class AccountRef(_Wire):
    Name: str | None = None


class Person(SObject):
    """A Lead or a Contact."""

    FirstName: str | None = None
    LastName: str | None = None
    Email: str | None = None
    Title: str | None = None
    Phone: str | None = None
    OwnerId: str | None = None
    Company: str | None = None
    AccountId: str | None = None
    Account: AccountRef | None = None


class Cadence(SObject):
    Name: str | None = None
    State: str | None = None
    OwnerId: str | None = None
    TotalSteps: int | None = None


class CadenceStep(SObject):
    ActionCadenceId: str | None = None
    StepName: str | None = None
    StepTitle: str | None = None
    Type: str | None = None
    DayGroup: int | None = None
    MinuteGroup: int | None = None


class CurrentStepRef(_Wire):
    ActionCadenceStepId: str | None = None


class Tracker(SObject):
    ActionCadenceId: str | None = None
    TargetId: str | None = None
    OwnerId: str | None = None
    State: str | None = None
    CompletionReason: str | None = None
    CompletionDisposition: str | None = None
    CurrentStepId: str | None = None
    CurrentStep: CurrentStepRef | None = None


class TrackerRef(_Wire):
    OwnerId: str | None = None


class TaskRow(SObject):
    Subject: str | None = None
    Status: str | None = None
    IsClosed: bool | None = None
    TaskSubtype: str | None = None
    Type: str | None = None
    ActivityDate: date | None = None
    OwnerId: str | None = None
    WhoId: str | None = None
    Who: NameRef | None = None
    Description: str | None = None
    CompletedDateTime: datetime | None = None
    CallDurationInSeconds: int | None = None
    CallType: str | None = None
    CallDisposition: str | None = None
    ActionCadenceStepTrackerId: str | None = None


class StepTracker(SObject):
    ActionCadenceId: str | None = None
    ActionCadenceStepId: str | None = None
    ActionCadenceTrackerId: str | None = None
    ActionCadenceTracker: TrackerRef | None = None
    TargetId: str | None = None
    Target: NameRef | None = None
    ActionCadence: Cadence | None = None
    ActionCadenceStep: CadenceStep | None = None
    StepTitle: str | None = None
    StepType: str | None = None
    State: str | None = None
    CompletionReason: str | None = None
    CompletionDate: datetime | None = None
    DueDateTime: datetime | None = None


class Note(SObject):
    ParentId: str | None = None
    Title: str | None = None
    Body: str | None = None
    OwnerId: str | None = None


class QueryResult(_Wire):
    totalSize: int = 0
    done: bool = True
    nextRecordsUrl: str | None = None
    records: list[dict[str, Any]] = Field(default_factory=list)


class CreateResult(_Wire):
    id: str
    success: bool = True


class ActionError(_Wire):
    statusCode: str | None = None
    message: str | None = None
    fields: list[str] | None = None


class ActionResult(_Wire):
    """One input's result: ``{actionName, errors, isSuccess, outputValues}``."""

    actionName: str | None = None
    errors: list[ActionError] | None = None
    isSuccess: bool = False
    outputValues: dict[str, Any] | None = None


class DescribeField(_Wire):
    """One field of ``sobjects/<T>/describe``; a property it does not state counts as false."""

    name: str
    filterable: bool = False
    sortable: bool = False


class Describe(_Wire):
    name: str | None = None
    fields: list[DescribeField] = Field(default_factory=list)
