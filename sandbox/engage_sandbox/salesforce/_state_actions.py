"""The eight Sales Engagement invocable actions (``/actions/standard/<name>``).

Each input of a call is handled on its own and answers one result, in order:
``{"actionName", "errors", "isSuccess", "outputValues"}``. Business errors use
statusCode UNKNOWN_EXCEPTION with ``outputValues.error`` holding the message,
as the documented samples do; a missing required input is REQUIRED_FIELD_MISSING
and an input the action does not declare is INVALID_API_INPUT (both not shown
in the docs: our choice). The HTTP status is 200 when every input succeeded and
400 when any failed, the body still holding every result. The org's profile
(``_state_profile``) chooses the wording of an already-assigned target and the
one spelling of the manual-completion event that is accepted.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from . import _state_flow as flow
from ._state_ids import normalize
from ._state_profile import OrgProfile
from ._state_store import Record, Store

DISPOSITIONS = [
    "Success",
    "Customer Engaged",
    "Customer Connected",
    "Contact Later",
    "No Response",
    "Not Interested",
    "Disqualified",
    "Bad Data",
    "Duplicate",
]
ATTRIBUTIONS = {"Activation": ("006", "3tt"), "Maturation": ("006",), "Collected": ("3tt",)}


class Failure(Exception):
    def __init__(
        self, message: str, code: str = "UNKNOWN_EXCEPTION", fields: list[str] | None = None
    ):
        super().__init__(message)
        self.message, self.code, self.fields = message, code, fields or []


@dataclass(frozen=True)
class Input:
    name: str
    type: str  # STRING, ID, BOOLEAN
    required: bool
    description: str
    valid: tuple[str, ...] = ()


@dataclass
class Call:
    store: Store
    user: str
    now: datetime
    values: dict[str, Any]
    profile: OrgProfile = field(default_factory=OrgProfile)

    def get(self, name: str) -> Any:
        value = self.values.get(name)
        return None if value == "" else value

    def record(self, name: str, types: tuple[str, ...], message: str) -> Record:
        raw = self.get(name)
        record = self.store.get(normalize(raw) or "") if isinstance(raw, str) else None
        if record is None or record["IsDeleted"] or self.store.type_of(record["Id"]) not in types:
            raise Failure(message)
        return record

    def target_tracker(self, *, states: frozenset[str] = flow.ACTIVE_STATES) -> Record:
        target = self.record(
            "targetId",
            ("Lead", "Contact"),
            "The target needs to be a valid lead, contact, or person account.",
        )
        for tracker in self.store.lookup("ActionCadenceTracker", "TargetId", target["Id"]):
            if tracker["State"] in flow.ACTIVE_STATES:
                if tracker["State"] not in states:
                    raise Failure(f"The target's cadence tracker is {tracker['State']}.")
                return tracker
        raise Failure("The target isn't assigned to an active cadence.")

    def assignee(self, default: str) -> str:
        if self.get("userId") is None:
            return default
        user = self.record("userId", ("User",), "The user needs to be a valid, active user.")
        if not user["IsActive"]:
            raise Failure("The user needs to be a valid, active user.")
        return str(user["Id"])

    def related(self) -> dict[str, Any]:
        changes: dict[str, Any] = {}
        related, attribution = self.get("relatedToId"), self.get("relatedToAttributionType")
        if related is not None:
            related = normalize(related) if isinstance(related, str) else None
            if related is None or related[:3] not in ("006", "3tt"):
                raise Failure("The related record needs to be an opportunity or an invoice.")
            changes["RelatedToId"] = related
        if attribution is not None:
            prefixes = ATTRIBUTIONS.get(attribution)
            if prefixes is None:
                raise Failure(
                    f"The attribution type needs to be one of: {', '.join(ATTRIBUTIONS)}."
                )
            if related is not None and related[:3] not in prefixes:
                raise Failure(
                    f"The attribution type {attribution} isn't valid for this related record."
                )
            changes["RelatedToAttributionType"] = attribution
        disposition = self.get("completionDisposition")
        if disposition is not None:
            if disposition not in DISPOSITIONS:
                raise Failure(
                    f"The completion disposition needs to be one of: {', '.join(DISPOSITIONS)}."
                )
            changes["CompletionDisposition"] = disposition
        return changes


def assign(call: Call) -> dict[str, Any] | None:
    store = call.store
    wanted = call.get("salesCadenceNameOrId")
    cadence = store.get(normalize(wanted) or "") if isinstance(wanted, str) else None
    if cadence is None or store.type_of(cadence["Id"]) != "ActionCadence":
        cadence = next(
            (
                c
                for c in store.rows("ActionCadence")
                if isinstance(wanted, str) and c["Name"].lower() == wanted.lower()
            ),
            None,
        )
    if cadence is None or cadence["IsDeleted"]:
        raise Failure("The object needs to be a valid cadence entity.")
    if cadence["State"] != "Active":
        raise Failure("The cadence needs to be active before targets can be assigned to it.")
    target = call.record(
        "targetId",
        ("Lead", "Contact"),
        "The target needs to be a valid lead, contact, or person account.",
    )
    if target.get("IsConverted"):
        raise Failure("Converted leads can't be assigned to a cadence.")
    if any(
        t["State"] in flow.ACTIVE_STATES
        for t in store.lookup("ActionCadenceTracker", "TargetId", target["Id"])
    ):
        raise Failure(call.profile.assign_conflict_message)
    steps = flow.steps_of(store, cadence["Id"])
    start = steps[0] if steps else None
    step_wanted = call.get("startStepNameOrId")
    if step_wanted is not None:
        key = normalize(step_wanted) if isinstance(step_wanted, str) else None
        start = next((s for s in steps if s["Id"] == key or s["StepName"] == step_wanted), None)
        if start is None:
            raise Failure("The start step needs to be a valid step of the cadence.")
    if start is None:
        raise Failure("The cadence has no steps.")
    owner = store.get(target["OwnerId"])
    default = target["OwnerId"] if owner is not None and owner.get("IsActive") else call.user
    assignee = call.assignee(default)
    related = call.related()
    tracker = store.insert(
        "ActionCadenceTracker",
        {
            "ActionCadenceId": cadence["Id"],
            "TargetId": target["Id"],
            "OwnerId": assignee,
            "State": "Running",
        }
        | related,
        user_id=call.user,
        now=call.now,
    )
    cadence["TotalTargets"] = (cadence["TotalTargets"] or 0) + 1
    cadence["ActiveTargets"] = (cadence["ActiveTargets"] or 0) + 1
    flow.start_step(store, tracker, start, call.user, call.now)
    return None


def remove(call: Call) -> dict[str, Any] | None:
    if call.get("targetId") is None and call.get("actionCadenceTrackerId") is None:
        raise Failure(
            "Missing required input parameter: targetId or actionCadenceTrackerId",
            "REQUIRED_FIELD_MISSING",
            ["targetId", "actionCadenceTrackerId"],
        )
    if call.get("completionReasonCode") != "ManuallyRemoved":
        raise Failure("The completion reason code needs to be ManuallyRemoved.")
    if call.get("actionCadenceTrackerId") is not None:
        tracker = call.record(
            "actionCadenceTrackerId",
            ("ActionCadenceTracker",),
            "The cadence tracker needs to be a valid cadence tracker.",
        )
        if tracker["State"] not in flow.ACTIVE_STATES:
            raise Failure("The cadence tracker is already complete.")
    else:
        tracker = call.target_tracker()
    context = call.get("shouldApplyUserContext")
    if context is not None and not isinstance(context, bool):
        raise Failure("shouldApplyUserContext needs to be true or false.")
    if context and tracker["OwnerId"] != call.user:
        raise Failure("The running user doesn't own an active cadence tracker for this target.")
    changes = call.related()
    flow.complete_tracker(call.store, tracker, "ManuallyRemoved", call.user, call.now)
    call.store.update(tracker, changes, user_id=call.user, now=call.now)
    return None


_RESUME = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:[.:]\d+)?(Z|[+-]\d{2}:?\d{2})?$"
)


def pause(call: Call) -> dict[str, Any] | None:
    tracker = call.target_tracker(states=frozenset({"Running"}))
    resume_at = None
    raw = call.get("resumeTime")
    if raw is not None:
        match = _RESUME.match(str(raw))
        if match is None:
            raise Failure("The resume time needs to be a valid date and time.")
        zone = (match.group(3) or "Z").replace("Z", "+00:00")
        resume_at = datetime.fromisoformat(f"{match.group(1)}T{match.group(2)}{zone}").astimezone(
            UTC
        )
        if resume_at <= call.now:
            raise Failure("The resume time needs to be in the future.")
    current = call.store.get(tracker["CurrentStepId"])
    if current is not None and current["State"] in {"Active", "Scheduled"}:
        call.store.update(
            current, {"State": "Paused", "WasEverPaused": True}, user_id=call.user, now=call.now
        )
    call.store.update(
        tracker,
        {"State": "Paused", "ScheduledResumeDateTime": resume_at},
        user_id=call.user,
        now=call.now,
    )
    if resume_at is not None:
        call.store.timers.add(tracker["Id"])
    return None


def resume(call: Call) -> dict[str, Any] | None:
    tracker = call.target_tracker(states=frozenset({"Paused"}))
    flow.resume(call.store, tracker, call.user, call.now)
    return None


def change_assignee(call: Call) -> dict[str, Any] | None:
    tracker = call.target_tracker()
    call.store.update(
        tracker, {"OwnerId": call.assignee(call.user)}, user_id=call.user, now=call.now
    )
    return None


def modify(call: Call) -> dict[str, Any] | None:
    tracker = call.record(
        "actionCadenceTrackerId",
        ("ActionCadenceTracker",),
        "The cadence tracker needs to be a valid cadence tracker.",
    )
    call.store.update(tracker, call.related(), user_id=call.user, now=call.now)
    return None


def send_event(call: Call) -> dict[str, Any] | None:
    step_tracker = call.record(
        "recordId",
        ("ActionCadenceStepTracker",),
        "The record needs to be a valid cadence step tracker.",
    )
    complete = call.profile.manual_complete_event
    events = {"Skip": "ManuallySkipped", complete: "ManuallyCompleted"}
    event = str(call.get("eventType") or "")
    if event not in events:
        # Refused as an invalid value, in the documented business-error shape.
        raise Failure(f"The event type needs to be Skip or {complete}.")
    tracker = call.store.get(step_tracker["ActionCadenceTrackerId"])
    reason = events[event]
    allowed = {"Active", "Scheduled"} if event == "Skip" else {"Active"}
    if (
        tracker is None
        or tracker["State"] != "Running"
        or tracker["CurrentStepId"] != step_tracker["Id"]
        or step_tracker["State"] not in allowed
    ):
        raise Failure("The step tracker isn't the current step of a running cadence tracker.")
    step = call.store.get(step_tracker["ActionCadenceStepId"])
    if step is not None:
        counter = "AllSkippedCount" if event == "Skip" else "AllManuallyCompletedCount"
        step[counter] = (step[counter] or 0) + 1
    flow.finish_step(call.store, step_tracker, reason, call.user, call.now)
    return None


def select_template(call: Call) -> dict[str, Any] | None:
    step_tracker = call.record(
        "stepTrackerId",
        ("ActionCadenceStepTracker",),
        "The step tracker needs to be a valid cadence step tracker.",
    )
    hidden = call.store.hidden.setdefault(step_tracker["Id"], {})
    if "template" not in hidden:
        step = call.store.get(step_tracker["ActionCadenceStepId"]) or {}
        variants = call.store.hidden.get(step.get("Id", ""), {}).get("variants")
        if not variants and step.get("TemplateId"):
            variants = [(step["TemplateId"], 100.0)]
        if not variants:
            raise Failure("No template was found.")
        # The split is honoured per step tracker, deterministically.
        point = int(hashlib.sha256(step_tracker["Id"].encode()).hexdigest(), 16) % 10000 / 100
        chosen = variants[-1]
        for variant in variants:
            point -= variant[1]
            if point < 0:
                chosen = variant
                break
        hidden["template"] = chosen
    template_id, share = hidden["template"]
    return {"output": {"SplitPercentage": share, "TemplateId": template_id}}
