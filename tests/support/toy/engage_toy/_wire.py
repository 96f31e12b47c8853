"""Tolerant models of the toy vendor's payloads: unknown keys kept, little required."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class _Wire(BaseModel):
    model_config = ConfigDict(extra="allow")


class Person(_Wire):
    id: int | str
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    updated_at: datetime | None = None


class ToyTask(_Wire):
    id: int | str
    person_id: int | str | None = None
    subject: str | None = None
    done: bool = False


class ItemList(_Wire):
    """Every list: one page of ``items`` and the link to the ``next`` page (or null)."""

    items: list[dict[str, Any]] = []
    next: str | None = None


class ErrorBody(_Wire):
    error: str | None = None
    code: str | None = None
