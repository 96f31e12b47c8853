"""The action catalogue: each action's documented inputs, and how one input is invoked.

Inputs, required flags and valid values are those of the Actions Developer
Guide ("Sales Engagement Actions"); ``since`` is the first API version that has
the action, and older versions answer NOT_FOUND for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ._state_actions import (
    DISPOSITIONS,
    Call,
    Failure,
    Input,
    assign,
    change_assignee,
    modify,
    pause,
    remove,
    resume,
    select_template,
    send_event,
)
from ._state_profile import OrgProfile
from ._state_store import Store

MAX_INPUTS = 200  # undocumented for these actions; 200 is our choice


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    since: float
    inputs: tuple[Input, ...]
    run: Callable[[Call], dict[str, Any] | None]
    outputs: tuple[tuple[str, str, str], ...] = ()


def _i(name: str, kind: str, required: bool, description: str, valid: str = "") -> Input:
    return Input(name, kind, required, description, tuple(valid.split("|")) if valid else ())


_TARGET = _i("targetId", "ID", True, "The contact, lead or person account.")
_USER = _i("userId", "ID", False, "The user designated as the target assignee.")
_RELATED = _i("relatedToId", "ID", False, "The target's related opportunity or invoice.")
_ATTRIBUTION = _i(
    "relatedToAttributionType",
    "STRING",
    False,
    "Attribution type.",
    "Activation|Maturation|Collected",
)
_DISPOSITION = _i(
    "completionDisposition", "STRING", False, "Disposition of the tracker.", "|".join(DISPOSITIONS)
)
_TRACKER = _i("actionCadenceTrackerId", "ID", False, "The action cadence tracker.")

ACTIONS: dict[str, Action] = {
    a.name: a
    for a in (
        Action(
            "assignTargetToSalesCadence",
            "Assign Target To Cadence",
            45.0,
            (
                _i("salesCadenceNameOrId", "STRING", True, "The name or ID of the cadence."),
                _i("startStepNameOrId", "STRING", False, "The step where the target starts."),
                _TARGET,
                _USER,
                _RELATED,
            ),
            assign,
        ),
        Action(
            "removeTargetFromSalesCadence",
            "Remove Target From Cadence",
            45.0,
            (
                _i("targetId", "ID", False, "Required if actionCadenceTrackerId is null."),
                _TRACKER,
                _i(
                    "completionReasonCode",
                    "STRING",
                    True,
                    "How the target completed.",
                    "ManuallyRemoved",
                ),
                _DISPOSITION,
                _RELATED,
                _ATTRIBUTION,
                _i(
                    "shouldApplyUserContext",
                    "BOOLEAN",
                    False,
                    "Only trackers owned by the running user.",
                ),
            ),
            remove,
        ),
        Action(
            "pauseSalesCadenceTracker",
            "Pause Cadence Tracker",
            50.0,
            (_TARGET, _i("resumeTime", "STRING", False, "The scheduled end time for the pause.")),
            pause,
        ),
        Action("resumeSalesCadenceTracker", "Resume Cadence Tracker", 50.0, (_TARGET,), resume),
        Action(
            "changeSalesCadenceTargetAssignee",
            "Change Cadence Target Assignee",
            50.0,
            (_TARGET, _USER),
            change_assignee,
        ),
        Action(
            "modifyCadenceTrackerAttributes",
            "Modify Cadence Tracker Attributes",
            51.0,
            (
                Input("actionCadenceTrackerId", "ID", True, "The cadence tracker."),
                _DISPOSITION,
                _RELATED,
                _ATTRIBUTION,
            ),
            modify,
        ),
        Action(
            "sendSalesCadenceEvent",
            "Send Cadence Event",
            52.0,
            (
                _i("recordId", "ID", True, "The cadence step tracker."),
                _i("eventType", "STRING", True, "The event to send.", "Skip|ManualComplete"),
            ),
            send_event,
        ),
        Action(
            "selectTemplateForSalesCadenceStepTracker",
            "Select Template For Cadence Step Tracker",
            53.0,
            (_i("stepTrackerId", "ID", True, "The cadence step tracker."),),
            select_template,
            (
                (
                    "output",
                    "JSON",
                    "The email template or call script ID and its split percentage.",
                ),
                ("error", "STRING", "The error message returned when the action fails."),
            ),
        ),
    )
}


def invoke_one(
    action: Action,
    store: Store,
    user: str,
    now: datetime,
    values: Any,
    profile: OrgProfile | None = None,
) -> dict[str, Any]:
    try:
        if not isinstance(values, dict):
            raise Failure("Each input needs to be a JSON object.", "INVALID_API_INPUT")
        known = {i.name for i in action.inputs}
        unknown = sorted(set(values) - known)
        if unknown:
            raise Failure(
                f"Invalid input parameter: {unknown[0]}", "INVALID_API_INPUT", unknown[:1]
            )
        for spec in action.inputs:
            if spec.required and values.get(spec.name) in (None, ""):
                raise Failure(
                    f"Missing required input parameter: {spec.name}",
                    "REQUIRED_FIELD_MISSING",
                    [spec.name],
                )
        with store.lock:
            output = action.run(Call(store, user, now, values, profile or OrgProfile()))
    except Failure as failure:
        return {
            "actionName": action.name,
            "errors": [
                {"statusCode": failure.code, "message": failure.message, "fields": failure.fields}
            ],
            "isSuccess": False,
            "outputValues": {"error": failure.message},
        }
    return {"actionName": action.name, "errors": None, "isSuccess": True, "outputValues": output}


def describe(action: Action, version: str) -> dict[str, Any]:
    return {
        "description": None,
        "inputs": [
            {
                "byteLength": 0,
                "description": i.description,
                "label": i.name,
                "maxOccurs": 1,
                "name": i.name,
                "picklistValues": [{"label": v, "value": v} for v in i.valid] or None,
                "required": i.required,
                "sobjectType": None,
                "type": i.type,
            }
            for i in action.inputs
        ],
        "label": action.label,
        "name": action.name,
        "outputs": [
            {
                "description": d,
                "label": n,
                "maxOccurs": 1,
                "name": n,
                "sobjectType": None,
                "type": t,
            }
            for n, t, d in action.outputs
        ],
        "standard": True,
        "targetEntityName": None,
        "type": action.name.upper(),
        "url": f"/services/data/v{version}/actions/standard/{action.name}",
    }
