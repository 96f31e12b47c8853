"""Tolerant models of Outreach's JSON:API payloads.

Every model keeps attributes it does not know (``extra="allow"``), and every
enumerated value is a plain string, so an attribute or value Outreach adds
tomorrow passes through into ``raw`` instead of failing the read.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow", coerce_numbers_to_str=True, populate_by_name=True)


class Resource(_Open):
    """A JSON:API resource object; ids are numbers at Outreach, strings here."""

    type: str
    id: str | None = None
    attributes: dict[str, Any] = Field(default_factory=dict)
    relationships: dict[str, Any] = Field(default_factory=dict)
    links: dict[str, Any] = Field(default_factory=dict)

    def rel(self, name: str) -> tuple[str, str] | None:
        """The (type, id) a to-one relationship points at, if it carries linkage."""
        value = self.relationships.get(name)
        data = value.get("data") if isinstance(value, Mapping) else None
        if isinstance(data, Mapping) and data.get("id") is not None:
            return str(data.get("type")), str(data["id"])
        return None

    def rel_id(self, name: str) -> str | None:
        ref = self.rel(name)
        return ref[1] if ref else None

    @property
    def self_url(self) -> str | None:
        link = self.links.get("self")
        return link if isinstance(link, str) else None


class Document(_Open):
    data: Any = None
    included: list[dict[str, Any]] = Field(default_factory=list)
    links: dict[str, Any] = Field(default_factory=dict)
    meta: dict[str, Any] = Field(default_factory=dict)

    def rows(self) -> list[dict[str, Any]]:
        if isinstance(self.data, list):
            return [row for row in self.data if isinstance(row, dict)]
        return [self.data] if isinstance(self.data, dict) else []

    @property
    def next_url(self) -> str | None:
        link = self.links.get("next")
        return link if isinstance(link, str) and link else None

    def index(self) -> dict[tuple[str, str], dict[str, Any]]:
        """Side-loaded records by (type, id), for filling in related records."""
        return {(str(row.get("type")), str(row.get("id"))): row for row in self.included}


class ProspectAttributes(_Open):
    emails: list[str] = Field(default_factory=list)
    firstName: str | None = None
    lastName: str | None = None
    title: str | None = None
    company: str | None = None
    workPhones: list[str] = Field(default_factory=list)
    mobilePhones: list[str] = Field(default_factory=list)
    homePhones: list[str] = Field(default_factory=list)
    otherPhones: list[str] = Field(default_factory=list)
    voipPhones: list[str] = Field(default_factory=list)
    createdAt: datetime | None = None
    updatedAt: datetime | None = None


class SequenceAttributes(_Open):
    name: str | None = None
    enabled: bool | None = None
    shareType: str | None = None
    sequenceStepCount: int | None = None
    createdAt: datetime | None = None
    updatedAt: datetime | None = None


class StepAttributes(_Open):
    order: int | None = None
    interval: int | None = None  # seconds until the step activates
    displayName: str | None = None
    stepType: str | None = None


class SequenceStateAttributes(_Open):
    state: str | None = None
    stateChangedAt: datetime | None = None
    createdAt: datetime | None = None
    updatedAt: datetime | None = None


class MailboxAttributes(_Open):
    userId: int | None = None


class TaskAttributes(_Open):
    action: str | None = None
    taskType: str | None = None
    state: str | None = None
    note: str | None = None
    dueAt: datetime | None = None
    completedAt: datetime | None = None
    createdAt: datetime | None = None
    updatedAt: datetime | None = None


class MailingAttributes(_Open):
    subject: str | None = None
    bodyText: str | None = None
    bodyHtml: str | None = None
    mailingType: str | None = None
    state: str | None = None
    deliveredAt: datetime | None = None


class CallAttributes(_Open):
    direction: str | None = None
    outcome: str | None = None
    note: str | None = None
    dialedAt: datetime | None = None
    answeredAt: datetime | None = None
    completedAt: datetime | None = None
    createdAt: datetime | None = None


class NoteAttributes(_Open):
    message: str | None = None
    noteType: str | None = None
    createdAt: datetime | None = None
