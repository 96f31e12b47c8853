"""Attribute templates for each record type, shared by the seeder and the create routes.

Each template lists the attributes the emulator renders for a type, in the
alphabetical order Outreach renders them, with Outreach's defaults. Creating a
record through the API and seeding one therefore yield the same key set.
"""

from __future__ import annotations

from typing import Any

from ._state_schema import RESOURCES
from ._state_store import Ref

STEP_TYPES = ("auto_email", "manual_email", "call", "task")
STEP_TASK = {
    "manual_email": ("sequence_step_email", "email"),
    "call": ("sequence_step_call", "call"),
    "task": ("sequence_step_task", "action_item"),
}
SEQUENCE_STATE_STATES = (
    "active",
    "paused",
    "finished",
    "failed",
    "bounced",
    "disabled",
    "pending",
    "opted_out",
)
TASK_ACTIONS = ("action_item", "call", "email", "in_person")
OPPORTUNITY_ASSOCIATIONS = ("recent_created", "recent_updated", "noop")
ADVANCEABLE_TASK_TYPES = frozenset(
    {
        "sequence_step_call",
        "sequence_step_email",
        "sequence_step_linkedin_interact_with_post",
        "sequence_step_linkedin_other",
        "sequence_step_linkedin_send_connection_request",
        "sequence_step_linkedin_send_message",
        "sequence_step_linkedin_view_profile",
        "sequence_step_sms",
        "sequence_step_task",
    }
)


def blank_rels(type_: str, **refs: Ref | None) -> dict[str, Ref | None]:
    """Every to-one relationship of ``type_``, unset unless given."""
    rels: dict[str, Ref | None] = dict.fromkeys(sorted(RESOURCES[type_].to_one))
    for name, ref in refs.items():
        if name not in rels:
            raise KeyError(f"{type_} has no to-one relationship {name!r}")
        rels[name] = ref
    return rels


def _ordered(values: dict[str, Any]) -> dict[str, Any]:
    return dict(sorted(values.items()))


def user_attrs(now: str, first: str, last: str, email: str, title: str) -> dict[str, Any]:
    return _ordered(
        {
            "createdAt": now,
            "currentSignInAt": now,
            "email": email,
            "firstName": first,
            "lastName": last,
            "locked": False,
            "name": f"{first} {last}",
            "title": title,
            "updatedAt": now,
            "username": email.split("@")[0],
        }
    )


def mailbox_attrs(now: str, email: str, user_id: int) -> dict[str, Any]:
    return _ordered(
        {
            "createdAt": now,
            "editable": True,
            "email": email,
            "emailProvider": "google",
            "maxEmailsPerDay": 500,
            "sendDisabled": False,
            "syncDisabled": False,
            "updatedAt": now,
            "userId": user_id,
            "username": email,
        }
    )


def account_attrs(now: str, name: str, domain: str) -> dict[str, Any]:
    return _ordered(
        {
            "buyerIntentScore": None,
            "createdAt": now,
            "customId": None,
            "description": None,
            "domain": domain,
            "industry": None,
            "name": name,
            "named": True,
            "numberOfEmployees": None,
            "tags": [],
            "touchedAt": None,
            "updatedAt": now,
            "websiteUrl": f"https://{domain}",
        }
    )


def prospect_attrs(now: str) -> dict[str, Any]:
    """A blank prospect; callers fill names, e-mails and the rest."""
    values: dict[str, Any] = {
        "addressCity": None,
        "addressCountry": None,
        "addressState": None,
        "addressStreet": None,
        "addressZip": None,
        "clickCount": 0,
        "company": None,
        "createdAt": now,
        "emails": [],
        "engagedAt": None,
        "engagedScore": 0.0,
        "externalSource": "outreach-api",
        "firstName": None,
        "homePhones": [],
        "lastName": None,
        "linkedInUrl": None,
        "middleName": None,
        "mobilePhones": [],
        "name": None,
        "occupation": None,
        "openCount": 0,
        "optedOut": False,
        "optedOutAt": None,
        "otherPhones": [],
        "replyCount": 0,
        "tags": [],
        "timeZone": None,
        "title": None,
        "touchedAt": None,
        "updatedAt": now,
        "voipPhones": [],
        "websiteUrl1": None,
        "workPhones": [],
    }
    for n in range(1, 6):
        values[f"custom{n}"] = None
    return _ordered(values)


def prospect_name(attrs: dict[str, Any]) -> str | None:
    parts = [p for p in (attrs.get("firstName"), attrs.get("lastName")) if p]
    return " ".join(parts) or None


_COUNTERS = (
    "bounceCount",
    "clickCount",
    "deliverCount",
    "failureCount",
    "negativeReplyCount",
    "neutralReplyCount",
    "openCount",
    "optOutCount",
    "positiveReplyCount",
    "replyCount",
    "scheduleCount",
)


def sequence_attrs(now: str, name: str, enabled: bool, step_count: int) -> dict[str, Any]:
    values: dict[str, Any] = dict.fromkeys(_COUNTERS, 0)
    values.update(
        {
            "automationPercentage": 0.0,
            "createdAt": now,
            "description": f"{name} (sandbox)",
            "durationInDays": step_count * 2,
            "enabled": enabled,
            "enabledAt": now if enabled else None,
            "finishOnReply": True,
            "lastUsedAt": now,
            "locked": False,
            "lockedAt": None,
            "maxActivations": 150,
            "name": name,
            "numContactedProspects": 0,
            "numRepliedProspects": 0,
            "scheduleIntervalType": "calendar",
            "sequenceStepCount": step_count,
            "sequenceType": "interval",
            "shareType": "shared",
            "tags": [],
            "throttleCapacity": None,
            "throttleMaxAddsPerDay": None,
            "throttlePaused": False,
            "throttlePausedAt": None,
            "transactional": False,
            "updatedAt": now,
        }
    )
    return _ordered(values)


def step_attrs(now: str, order: int, step_type: str, interval: int) -> dict[str, Any]:
    values: dict[str, Any] = dict.fromkeys(_COUNTERS, 0)
    label = step_type.replace("_", " ").capitalize()
    values.update(
        {
            "createdAt": now,
            "date": None,
            "displayName": f"Day {1 + interval // 86400}: {label}",
            "interval": interval,
            "order": order,
            "stepType": step_type,
            "taskAutoskipDelay": None,
            "taskNote": None if step_type == "auto_email" else f"Step {order}: {label}",
            "updatedAt": now,
        }
    )
    return _ordered(values)


def sequence_state_attrs(now: str, state: str) -> dict[str, Any]:
    values: dict[str, Any] = dict.fromkeys(_COUNTERS, 0)
    values.update(
        {
            "activeAt": now if state == "active" else None,
            "callCompletedAt": None,
            "createdAt": now,
            "errorReason": None,
            "pauseReason": None,
            "repliedAt": None,
            "state": state,
            "stateChangedAt": now,
            "updatedAt": now,
        }
    )
    return _ordered(values)


def task_attrs(
    now: str, *, action: str, task_type: str, due_at: str | None, note: str | None = None
) -> dict[str, Any]:
    return _ordered(
        {
            "action": action,
            "autoskipAt": None,
            "compiledSequenceTemplateHtml": None,
            "completed": False,
            "completedAt": None,
            "createdAt": now,
            "dueAt": due_at,
            "note": note,
            "opportunityAssociation": "recent_created",
            "scheduledAt": None,
            "state": "incomplete",
            "stateChangedAt": now,
            "taskType": task_type,
            "updatedAt": now,
        }
    )


def mailing_attrs(now: str, *, state: str, subject: str, mailbox_email: str) -> dict[str, Any]:
    return _ordered(
        {
            "bodyHtml": f"<p>{subject}</p>",
            "bodyText": subject,
            "bouncedAt": None,
            "clickCount": 0,
            "clickedAt": None,
            "createdAt": now,
            "deliveredAt": None,
            "errorReason": None,
            "mailboxAddress": mailbox_email,
            "mailingType": "sequence",
            "messageId": None,
            "notifyThreadStatus": None,
            "openCount": 0,
            "openedAt": None,
            "repliedAt": None,
            "scheduledAt": None,
            "state": state,
            "stateChangedAt": now,
            "subject": subject,
            "trackLinks": True,
            "trackOpens": True,
            "unsubscribedAt": None,
            "updatedAt": now,
        }
    )


def call_attrs(now: str) -> dict[str, Any]:
    return _ordered(
        {
            "answeredAt": None,
            "completedAt": None,
            "createdAt": now,
            "dialedAt": None,
            "direction": None,
            "externalVendor": None,
            "from": None,
            "note": None,
            "outcome": None,
            "recordingUrl": None,
            "returnedAt": None,
            "sequenceAction": None,
            "shouldRecordCall": False,
            "state": "completed",
            "stateChangedAt": now,
            "tags": [],
            "to": None,
            "uid": None,
            "updatedAt": now,
            "userCallType": None,
            "vendorCallId": None,
            "voicemailRecordingUrl": None,
        }
    )


NOTE_TYPES = ("note", "call", "coffee", "beer", "meeting")


def prospect_note_attrs(now: str) -> dict[str, Any]:
    return _ordered({"createdAt": now, "message": None, "noteType": "note", "pinned": False})


def task_priority_attrs(now: str, name: str, weight: int, color: int) -> dict[str, Any]:
    return _ordered(
        {"color": color, "createdAt": now, "name": name, "updatedAt": now, "weight": weight}
    )
