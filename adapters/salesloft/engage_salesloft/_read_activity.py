"""Salesloft activity payloads -> neutral ``Activity`` records: pure functions, no I/O.

The feed (``/v2/activity_histories``), calls, notes and e-mails, each read with one
validation (``_read_fields.read_record``). ``_read`` re-exports them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engage import Activity, ActivityKind

from . import _read_fields as f
from . import _wire as w

# Every activity type the /v2/activity_histories page documents (seed 001).
ACTIVITY_KINDS: dict[str, ActivityKind] = {
    "added_to_cadence": ActivityKind.SEQUENCE,
    "account_added_to_cadence": ActivityKind.SEQUENCE,
    "call": ActivityKind.CALL,
    "completed_action": ActivityKind.SEQUENCE,
    "dnc_event": ActivityKind.OTHER,
    "email_reply": ActivityKind.EMAIL,
    "external_meeting": ActivityKind.MEETING,
    "live_chat": ActivityKind.OTHER,
    "meeting": ActivityKind.MEETING,
    "meeting_held": ActivityKind.MEETING,
    "message_conversation": ActivityKind.SMS,
    "note": ActivityKind.NOTE,
    "opportunity_amount_change": ActivityKind.OTHER,
    "opportunity_close_date_change": ActivityKind.OTHER,
    "opportunity_stage_change": ActivityKind.OTHER,
    "received_email": ActivityKind.EMAIL,
    "requested_email": ActivityKind.EMAIL,
    "residency_change": ActivityKind.OTHER,
    "sent_email": ActivityKind.EMAIL,
    "site_visit": ActivityKind.OTHER,
    "share_internal_note": ActivityKind.NOTE,
    "success": ActivityKind.OTHER,
    "task": ActivityKind.TASK,
    "voicemail": ActivityKind.CALL,
    "review": ActivityKind.OTHER,
}


def history_activity(raw: Mapping[str, Any], user_ids: Mapping[str, str]) -> Activity:
    """An activity-feed entry; ``user_ids`` maps user guids to ids (the feed names guids)."""

    def build(d: Mapping[str, Any], kept: dict[str, Any]) -> Activity:
        static, dynamic = f.mapping(d.get("static_data")), f.mapping(d.get("dynamic_data"))
        kind, guid = f.text(d.get("type")), f.text(d.get("user_guid"))
        about, about_id = f.text(d.get("resource_type")), d.get("resource_id")
        about_ref = None if about_id is None else f.ident(about_id)
        person = about_ref if about == "person" and about_id else None
        return f.validated(Activity, {
            "ref": f.vendor_ref("activity_history", f.ident(d.get("id"))),
            "raw": kept,
            "kind": f.kind_of(ACTIVITY_KINDS, kind, ActivityKind.OTHER),
            "vendor_kind": kind,
            "occurred_at": f.moment(d.get("occurred_at")),
            "target_id": person,
            "owner_id": user_ids.get(guid) if guid else None,
            "subject": f.loose_text(dynamic.get("subject")),
            "body": f.loose_text(dynamic.get("content")),
            "sequence_id": f.loose_text(static.get("cadence_id")),
            "step_id": f.loose_text(static.get("step_id")),
            "outcome": f.loose_text(dynamic.get("disposition") or dynamic.get("status")),
            "duration_seconds": f.loose_int(dynamic.get("duration")),
        })  # fmt: skip

    return f.read_record(build, w.History, raw, "activity_history")


def _call(d: Mapping[str, Any], raw: dict[str, Any]) -> Activity:
    return f.validated(Activity, {
        "ref": f.vendor_ref("call", f.ident(d.get("id"))),
        "raw": raw,
        "kind": ActivityKind.CALL,
        "vendor_kind": "call",
        "occurred_at": f.moment(d.get("created_at")),
        "target_id": f.ref(d.get("called_person")),
        "owner_id": f.ref(d.get("user")),
        "sequence_id": f.ref(d.get("cadence")),
        "step_id": f.ref(d.get("step")),
        "outcome": d.get("disposition"),
        "duration_seconds": d.get("duration"),
    })  # fmt: skip


def call_activity(raw: Mapping[str, Any]) -> Activity:
    return f.read_record(_call, w.Call, raw, "call")


def _note(d: Mapping[str, Any], raw: dict[str, Any]) -> Activity:
    about_type, about = f.text(d.get("associated_type")), d.get("associated_with")
    about_id = f.ref(about)
    on_person = about_type == "person" or (
        about_type is None and about is not None and "/people/" in (f.href(about) or "")
    )
    return f.validated(Activity, {
        "ref": f.vendor_ref("note", f.ident(d.get("id"))),
        "raw": raw,
        "kind": ActivityKind.NOTE,
        "vendor_kind": "note",
        "occurred_at": f.moment(d.get("created_at")),
        "target_id": about_id if on_person else None,
        "owner_id": f.ref(d.get("user")),
        "body": d.get("content"),
    })  # fmt: skip


def note_activity(raw: Mapping[str, Any]) -> Activity:
    return f.read_record(_note, w.Note, raw, "note")


def _email(d: Mapping[str, Any], raw: dict[str, Any]) -> Activity:
    sent, after = f.moment(d.get("sent_at")), f.moment(d.get("send_after"))
    created = f.moment(d.get("created_at"))
    return f.validated(Activity, {
        "ref": f.vendor_ref("email", f.ident(d.get("id"))),
        "raw": raw,
        "kind": ActivityKind.EMAIL,
        "vendor_kind": "email",
        "occurred_at": sent or after or created,
        "target_id": f.ref(d.get("recipient")),
        "owner_id": f.ref(d.get("user")),
        "sequence_id": f.ref(d.get("cadence")),
        "step_id": f.ref(d.get("step")),
        "outcome": d.get("status"),
    })  # fmt: skip


def email_activity(raw: Mapping[str, Any]) -> Activity:
    return f.read_record(_email, w.Email, raw, "email")
