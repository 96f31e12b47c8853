"""The eight Sales Engagement actions, from the documented sample inputs (ids adapted)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .test_salesforce_helpers import Org, running

Row = dict[str, Any]


@pytest.fixture
def org() -> Iterator[Org]:
    with running() as org:
        yield org


def _one(org: Org, soql: str) -> Row:
    rows = org.records(soql)
    assert rows, soql
    return rows[0]


def _new_lead(org: Org) -> str:
    return str(org.post("sobjects/Lead", {"LastName": "Target", "Company": "Co"}).json()["id"])


def _cadence(org: Org) -> Row:
    return _one(
        org, "SELECT Id, Name, TotalTargets FROM ActionCadence WHERE State = 'Active' ORDER BY Name"
    )


def _tracker(org: Org, target: str) -> Row:
    return _one(
        org,
        "SELECT Id, State, OwnerId, CompletionReason, CompletionDisposition, ScheduledResumeDateTime, "
        "RelatedToId, RelatedToAttributionType, IsTrackerActive, CurrentStepId, LastCompletedStepId, "
        f"CurrentStep.State, CurrentStep.StepType, CurrentStep.ActionCadenceStepId FROM ActionCadenceTracker "
        f"WHERE TargetId = '{target}' ORDER BY CreatedDate DESC",
    )


def _enrolled(org: Org) -> tuple[str, Row]:
    lead = _new_lead(org)
    cadence = _cadence(org)
    assert (
        org.act(
            "assignTargetToSalesCadence", {"salesCadenceNameOrId": cadence["Id"], "targetId": lead}
        ).status_code
        == 200
    )
    return lead, _tracker(org, lead)


def test_list_and_describe(org: Org) -> None:
    names = [a["name"] for a in org.get("actions/standard").json()["actions"]]
    assert len(names) == 8 and "sendSalesCadenceEvent" in names
    described = org.get("actions/standard/assignTargetToSalesCadence").json()
    required = {i["name"] for i in described["inputs"] if i["required"]}
    assert required == {"salesCadenceNameOrId", "targetId"}
    assert (
        org.get("/services/data/v49.0/actions/standard/pauseSalesCadenceTracker").status_code == 404
    )
    assert (
        org.get("/services/data/v49.0/actions/standard/assignTargetToSalesCadence").status_code
        == 200
    )


def test_assign_creates_a_running_tracker_on_the_first_step(org: Org) -> None:
    lead = _new_lead(org)
    cadence = _cadence(org)
    response = org.act(
        "assignTargetToSalesCadence", {"salesCadenceNameOrId": cadence["Id"], "targetId": lead}
    )
    assert response.status_code == 200
    assert response.json() == [
        {
            "actionName": "assignTargetToSalesCadence",
            "errors": None,
            "isSuccess": True,
            "outputValues": None,
        }
    ]
    tracker = _tracker(org, lead)
    first = _one(
        org,
        f"SELECT Id FROM ActionCadenceStep WHERE ActionCadenceId = '{cadence['Id']}' ORDER BY Id",
    )
    assert (tracker["State"], tracker["IsTrackerActive"]) == ("Running", True)
    assert tracker["CurrentStep"]["State"] == "Active"
    assert tracker["CurrentStep"]["ActionCadenceStepId"] == first["Id"]
    assert (
        _one(org, f"SELECT TotalTargets FROM ActionCadence WHERE Id = '{cadence['Id']}'")[
            "TotalTargets"
        ]
        == cadence["TotalTargets"] + 1
    )
    again = org.act(
        "assignTargetToSalesCadence", {"salesCadenceNameOrId": cadence["Id"], "targetId": lead}
    )
    assert again.status_code == 400
    assert again.json()[0]["errors"][0]["message"] == "The target is already assigned to a cadence."


def test_assign_by_name_with_start_step_and_assignee(org: Org) -> None:
    lead = _new_lead(org)
    cadence = _cadence(org)
    rep = _one(
        org,
        "SELECT Id FROM User WHERE IsActive = true AND Username != 'admin@engage-sandbox.example'",
    )
    inputs = {
        "salesCadenceNameOrId": cadence["Name"],
        "targetId": lead,
        "startStepNameOrId": "Step 3",
        "userId": rep["Id"],
    }
    assert org.act("assignTargetToSalesCadence", inputs).status_code == 200
    tracker = _tracker(org, lead)
    step = _one(
        org,
        f"SELECT StepName FROM ActionCadenceStep WHERE Id = '{tracker['CurrentStep']['ActionCadenceStepId']}'",
    )
    assert (step["StepName"], tracker["OwnerId"]) == ("Step 3", rep["Id"])


@pytest.mark.parametrize(
    ("inputs", "code", "message"),
    [
        (
            {"salesCadenceNameOrId": "77C5e0000000999AAA"},
            "UNKNOWN_EXCEPTION",
            "The object needs to be a valid cadence entity.",
        ),
        (
            {"salesCadenceNameOrId": "No such cadence"},
            "UNKNOWN_EXCEPTION",
            "The object needs to be a valid cadence entity.",
        ),
        (
            {"targetId": None},
            "REQUIRED_FIELD_MISSING",
            "Missing required input parameter: targetId",
        ),
        (
            {"startStepNameOrId": "Step 99"},
            "UNKNOWN_EXCEPTION",
            "The start step needs to be a valid step of the cadence.",
        ),
        ({"colour": "blue"}, "INVALID_API_INPUT", "Invalid input parameter: colour"),
    ],
)
def test_assign_errors(org: Org, inputs: dict[str, Any], code: str, message: str) -> None:
    base = {"salesCadenceNameOrId": _cadence(org)["Id"], "targetId": _new_lead(org)}
    result = org.act(
        "assignTargetToSalesCadence", {k: v for k, v in (base | inputs).items() if v is not None}
    ).json()[0]
    assert result["isSuccess"] is False
    assert result["errors"][0]["statusCode"] == code
    assert result["errors"][0]["message"] == message
    assert result["outputValues"] == {"error": message}


def test_assign_refuses_inactive_cadences(org: Org) -> None:
    inactive = _one(org, "SELECT Id FROM ActionCadence WHERE State != 'Active'")
    result = org.act(
        "assignTargetToSalesCadence",
        {"salesCadenceNameOrId": inactive["Id"], "targetId": _new_lead(org)},
    )
    assert result.json()[0]["isSuccess"] is False


def test_remove_by_target_and_by_tracker(org: Org) -> None:
    lead, tracker = _enrolled(org)
    response = org.act(
        "removeTargetFromSalesCadence",
        {
            "completionReasonCode": "ManuallyRemoved",
            "targetId": lead,
            "completionDisposition": "Not Interested",
        },
    )
    assert response.status_code == 200
    done = _tracker(org, lead)
    assert (
        done["State"],
        done["CompletionReason"],
        done["CompletionDisposition"],
        done["IsTrackerActive"],
    ) == ("Complete", "ManuallyRemoved", "Not Interested", False)
    step = _one(
        org,
        f"SELECT State, CompletionReason FROM ActionCadenceStepTracker WHERE Id = '{tracker['CurrentStepId']}'",
    )
    assert step == {
        "attributes": step["attributes"],
        "State": "Cancelled",
        "CompletionReason": "AutomaticallyExited",
    }
    other, other_tracker = _enrolled(org)
    by_id = org.act(
        "removeTargetFromSalesCadence",
        {"completionReasonCode": "ManuallyRemoved", "actionCadenceTrackerId": other_tracker["Id"]},
    )
    assert by_id.status_code == 200 and _tracker(org, other)["State"] == "Complete"
    wrong = org.act(
        "removeTargetFromSalesCadence", {"completionReasonCode": "Finished", "targetId": lead}
    ).json()[0]
    assert (
        wrong["errors"][0]["message"] == "The completion reason code needs to be ManuallyRemoved."
    )
    neither = org.act(
        "removeTargetFromSalesCadence", {"completionReasonCode": "ManuallyRemoved"}
    ).json()[0]
    assert neither["errors"][0]["statusCode"] == "REQUIRED_FIELD_MISSING"
    not_enrolled = org.act(
        "removeTargetFromSalesCadence",
        {"completionReasonCode": "ManuallyRemoved", "targetId": lead},
    ).json()[0]
    assert not_enrolled["errors"][0]["message"] == "The target isn't assigned to an active cadence."


def test_pause_and_resume(org: Org) -> None:
    lead, _ = _enrolled(org)
    # The documented sample's odd ':521917' fraction separator is accepted; the date is moved into the future.
    paused = org.act(
        "pauseSalesCadenceTracker", {"targetId": lead, "resumeTime": "2026-06-15T05:30:00:521917Z"}
    )
    assert paused.status_code == 200, paused.text
    tracker = _tracker(org, lead)
    assert (tracker["State"], tracker["ScheduledResumeDateTime"]) == (
        "Paused",
        "2026-06-15T05:30:00.000+0000",
    )
    assert tracker["CurrentStep"]["State"] == "Paused"
    twice = org.act("pauseSalesCadenceTracker", {"targetId": lead}).json()[0]
    assert twice["errors"][0]["message"] == "The target's cadence tracker is Paused."
    assert org.act("resumeSalesCadenceTracker", {"targetId": lead}).status_code == 200
    resumed = _tracker(org, lead)
    assert (
        resumed["State"],
        resumed["CurrentStep"]["State"],
        resumed["ScheduledResumeDateTime"],
    ) == ("Running", "Active", None)
    assert org.act("resumeSalesCadenceTracker", {"targetId": lead}).json()[0]["isSuccess"] is False
    past = org.act(
        "pauseSalesCadenceTracker", {"targetId": lead, "resumeTime": "2021-06-15T05:30:00:521917Z"}
    ).json()[0]
    assert past["errors"][0]["message"] == "The resume time needs to be in the future."


def test_paused_tracker_resumes_when_its_time_comes(org: Org) -> None:
    lead, _ = _enrolled(org)
    org.act("pauseSalesCadenceTracker", {"targetId": lead, "resumeTime": "2026-01-16T09:00:00Z"})
    assert _tracker(org, lead)["State"] == "Paused"
    org.advance(86400)
    org.token = org.http.post(
        "/services/oauth2/token",
        data={
            "grant_type": "refresh_token",
            "client_id": "3MVG9engageSandboxConsumerKey",
            "refresh_token": "5Aep861engageSandboxRefreshToken",
        },
    ).json()["access_token"]
    assert _tracker(org, lead)["State"] == "Running"


def test_change_assignee(org: Org) -> None:
    lead, tracker = _enrolled(org)
    rep = _one(org, f"SELECT Id FROM User WHERE IsActive = true AND Id != '{tracker['OwnerId']}'")
    assert (
        org.act(
            "changeSalesCadenceTargetAssignee", {"targetId": lead, "userId": rep["Id"]}
        ).status_code
        == 200
    )
    assert _tracker(org, lead)["OwnerId"] == rep["Id"]
    inactive = _one(org, "SELECT Id FROM User WHERE IsActive = false")
    refused = org.act(
        "changeSalesCadenceTargetAssignee", {"targetId": lead, "userId": inactive["Id"]}
    ).json()[0]
    assert refused["errors"][0]["message"] == "The user needs to be a valid, active user."


def test_modify_tracker_attributes(org: Org) -> None:
    lead, tracker = _enrolled(org)
    sample = {
        "actionCadenceTrackerId": tracker["Id"],
        "completionDisposition": "Customer Engaged",
        "relatedToId": "006R0000003DNpJIAW",
        "relatedToAttributionType": "Activation",
    }
    assert org.act("modifyCadenceTrackerAttributes", sample).status_code == 200
    after = _tracker(org, lead)
    assert (
        after["CompletionDisposition"],
        after["RelatedToId"],
        after["RelatedToAttributionType"],
    ) == ("Customer Engaged", "006R0000003DNpJIAW", "Activation")
    collected = org.act(
        "modifyCadenceTrackerAttributes", sample | {"relatedToAttributionType": "Collected"}
    ).json()[0]
    assert collected["isSuccess"] is False
    bad = org.act(
        "modifyCadenceTrackerAttributes", sample | {"completionDisposition": "Happy"}
    ).json()[0]
    assert bad["isSuccess"] is False


def test_send_event_completes_skips_and_finishes_the_cadence(org: Org) -> None:
    lead, tracker = _enrolled(org)
    # The docs' sample spells the event "Manual Complete"; the valid value is ManualComplete
    # (the default org accepts only that one: test_salesforce_strictness covers the other).
    first = tracker["CurrentStepId"]
    assert (
        org.act(
            "sendSalesCadenceEvent", {"recordId": first, "eventType": "ManualComplete"}
        ).status_code
        == 200
    )
    done = _one(
        org,
        f"SELECT State, CompletionReason, IsActionTaken, CompletedById FROM ActionCadenceStepTracker WHERE Id = '{first}'",
    )
    assert (done["State"], done["CompletionReason"], done["IsActionTaken"]) == (
        "Completed",
        "ManuallyCompleted",
        True,
    )
    moved = _tracker(org, lead)
    assert moved["LastCompletedStepId"] == first and moved["CurrentStepId"] != first
    again = org.act("sendSalesCadenceEvent", {"recordId": first, "eventType": "Skip"}).json()[0]
    assert again["isSuccess"] is False
    for _ in range(10):
        current = _tracker(org, lead)
        if current["State"] == "Complete":
            break
        assert (
            org.act(
                "sendSalesCadenceEvent", {"recordId": current["CurrentStepId"], "eventType": "Skip"}
            ).status_code
            == 200
        )
    final = _tracker(org, lead)
    assert (final["State"], final["CompletionReason"], final["CurrentStepId"]) == (
        "Complete",
        "NoMoreSteps",
        None,
    )
    skipped = org.records(
        f"SELECT CompletionReason FROM ActionCadenceStepTracker WHERE TargetId = '{lead}' AND CompletionReason = 'ManuallySkipped'"
    )
    assert skipped
    bad = org.act("sendSalesCadenceEvent", {"recordId": first, "eventType": "Complete"}).json()[0]
    assert bad["errors"][0]["message"] == "The event type needs to be Skip or ManualComplete."


def test_wait_steps_end_by_themselves(org: Org) -> None:
    waiting = _one(
        org,
        "SELECT Id, ActionCadenceTrackerId, DueDateTime FROM ActionCadenceStepTracker "
        "WHERE State = 'Scheduled' AND StepType = 'Wait' AND ActionCadenceTracker.State = 'Running'",
    )
    org.advance(3 * 86400)
    org.token = org.http.post(
        "/services/oauth2/token",
        data={
            "grant_type": "refresh_token",
            "client_id": "3MVG9engageSandboxConsumerKey",
            "refresh_token": "5Aep861engageSandboxRefreshToken",
        },
    ).json()["access_token"]
    after = _one(
        org,
        f"SELECT State, CompletionReason FROM ActionCadenceStepTracker WHERE Id = '{waiting['Id']}'",
    )
    assert (after["State"], after["CompletionReason"]) == ("Completed", "AutomaticallyCompleted")


def test_select_template_one_success_one_failure(org: Org) -> None:
    email = _one(org, "SELECT Id FROM ActionCadenceStepTracker WHERE StepType = 'SendAnEmail'")
    call = _one(org, "SELECT Id FROM ActionCadenceStepTracker WHERE StepType = 'MakeACall'")
    response = org.act(
        "selectTemplateForSalesCadenceStepTracker",
        {"stepTrackerId": email["Id"]},
        {"stepTrackerId": call["Id"]},
    )
    assert response.status_code == 400
    ok, failed = response.json()
    output = ok["outputValues"]["output"]
    assert list(output) == ["SplitPercentage", "TemplateId"] and output["TemplateId"].startswith(
        "00X"
    )
    assert failed == {
        "actionName": "selectTemplateForSalesCadenceStepTracker",
        "errors": [
            {"statusCode": "UNKNOWN_EXCEPTION", "message": "No template was found.", "fields": []}
        ],
        "isSuccess": False,
        "outputValues": {"error": "No template was found."},
    }
    again = org.act(
        "selectTemplateForSalesCadenceStepTracker", {"stepTrackerId": email["Id"]}
    ).json()[0]
    assert again["outputValues"] == ok["outputValues"]


def test_partial_failure_keeps_order_and_applies_the_successes(org: Org) -> None:
    cadence = _cadence(org)["Id"]
    leads = [_new_lead(org) for _ in range(3)]
    inputs = [
        {"salesCadenceNameOrId": cadence, "targetId": leads[0]},
        {"salesCadenceNameOrId": cadence, "targetId": "00Q5e0000000999AAA"},
        {"salesCadenceNameOrId": cadence, "targetId": leads[2]},
    ]
    response = org.act("assignTargetToSalesCadence", *inputs)
    assert response.status_code == 400
    assert [r["isSuccess"] for r in response.json()] == [True, False, True]
    assert _tracker(org, leads[2])["State"] == "Running"


def test_request_shape_and_input_limit(org: Org) -> None:
    assert (
        org.post("actions/standard/resumeSalesCadenceTracker", {"input": []}).json()[0]["errorCode"]
        == "JSON_PARSER_ERROR"
    )
    too_many = org.act("resumeSalesCadenceTracker", *[{"targetId": "00Q5e0000000001AAA"}] * 201)
    assert (too_many.status_code, too_many.json()[0]["errorCode"]) == (400, "LIMIT_EXCEEDED")
    assert org.act("noSuchAction", {}).status_code == 404
