"""Recognising a write that may have landed: Salesloft has no idempotency keys for calls
and notes, so after an ambiguous failure the newest ones are compared with what was sent.
Pure functions over payloads, like ``_read``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from engage import CallInput, NoteInput

from . import _wire as w
from ._read import parse


def _recent(created_at: datetime | None, since: datetime) -> bool:
    return created_at is not None and created_at >= since


def is_logged_call(raw: Mapping[str, Any], data: CallInput, since: datetime) -> bool:
    """Whether ``raw`` is the call ``data`` logged (created since ``since``): Salesloft has
    no idempotency keys, so the person, duration and disposition created in the
    window are how an ambiguous write is recognised."""
    c = parse(w.Call, raw, "call")
    person = c.called_person.id if c.called_person else None
    return (
        str(person) == data.target_id
        and c.duration == data.duration_seconds
        and (data.outcome is None or c.disposition == data.outcome)
        and _recent(c.created_at, since)
    )


def call_note_id(raw: Mapping[str, Any]) -> str | None:
    c = parse(w.Call, raw, "call")
    return str(c.note.id) if c.note and c.note.id is not None else None


def note_text(raw: Mapping[str, Any] | None) -> str | None:
    """A note's text (``None`` for no note)."""
    return None if raw is None else parse(w.Note, raw, "note").content


def is_logged_note(raw: Mapping[str, Any], data: NoteInput, since: datetime) -> bool:
    n = parse(w.Note, raw, "note")
    about = n.associated_with.id if n.associated_with else None
    return str(about) == data.target_id and n.content == data.body and _recent(n.created_at, since)
