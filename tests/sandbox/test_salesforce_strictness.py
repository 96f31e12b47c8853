"""Where the emulator is as strict as Salesforce's docs: sortable and filterable fields,
orphan cadence steps, orgs without CRM Call Center, and the configurable wordings
and spellings the docs leave open (``SandboxOptions.extras``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from engage_sandbox import SandboxOptions, create_app

from .test_salesforce_helpers import Org, running

Row = dict[str, Any]
NO_CALL_CENTER = SandboxOptions(extras={"call_center": False})
CALL_FIELDS = ("CallType", "CallDisposition", "CallDurationInSeconds", "CallObject")


@pytest.fixture(scope="module")
def org() -> Iterator[Org]:
    with running() as org:
        yield org


def _error(org: Org, soql: str) -> dict[str, Any]:
    response = org.query(soql)
    assert response.status_code == 400, response.text[:300]
    [error] = response.json()
    assert set(error) == {"message", "errorCode"}
    return dict(error)


@pytest.mark.parametrize(
    ("soql", "field"),
    [
        ("SELECT Id FROM Lead ORDER BY Description", "Description"),
        ("SELECT Id FROM Task ORDER BY Subject, Description DESC", "Description"),
        ("SELECT Id FROM ActionCadenceStep ORDER BY DayGroup ASC NULLS LAST, Id", "DayGroup"),
        ("SELECT Id FROM ActionCadenceStep ORDER BY MinuteGroup", "MinuteGroup"),
        (
            "SELECT Id FROM ActionCadenceStepTracker ORDER BY ActionCadenceStep.DayGroup",
            "DayGroup",
        ),
    ],
)
def test_order_by_a_field_that_is_not_sortable_is_refused(org: Org, soql: str, field: str) -> None:
    error = _error(org, soql)
    assert error["errorCode"] == "INVALID_FIELD"
    assert error["message"].endswith(f"field '{field}' can not be sorted in a query call")
    assert "ERROR at Row:1:Column:" in error["message"]


@pytest.mark.parametrize(
    ("soql", "field"),
    [
        ("SELECT Id FROM Lead WHERE Description = 'x'", "Description"),
        ("SELECT Id FROM Task WHERE IsClosed = true AND Description LIKE '%x%'", "Description"),
        ("SELECT Id FROM Note WHERE Body != null", "Body"),
        ("SELECT Id FROM ActionCadenceStep WHERE DayGroup = 1", "DayGroup"),
        ("SELECT Id FROM ActionCadenceStep WHERE MinuteGroup IN (0, 1)", "MinuteGroup"),
        (
            "SELECT Id FROM ActionCadence WHERE Id IN "
            "(SELECT ActionCadenceId FROM ActionCadenceStep WHERE StepComments = null)",
            "StepComments",
        ),
    ],
)
def test_where_on_a_field_that_is_not_filterable_is_refused(
    org: Org, soql: str, field: str
) -> None:
    error = _error(org, soql)
    assert error["errorCode"] == "INVALID_FIELD"
    assert error["message"].endswith(f"field '{field}' can not be filtered in a query call")


def test_non_filterable_fields_can_still_be_selected(org: Org) -> None:
    rows = org.records(
        "SELECT Id, StepComments, DayGroup, MinuteGroup FROM ActionCadenceStep "
        "ORDER BY StepName, Id LIMIT 5"
    )
    assert rows and all("DayGroup" in r and "StepComments" in r for r in rows)


def test_describe_says_which_fields_sort_and_filter(org: Org) -> None:
    step = {f["name"]: f for f in org.get("sobjects/ActionCadenceStep/describe").json()["fields"]}
    for name in ("DayGroup", "MinuteGroup", "SubCadenceName", "StepComments"):
        assert (step[name]["sortable"], step[name]["filterable"]) == (False, False), name
    for name in ("Id", "IsOrphan", "StepName", "ActionCadenceId"):
        assert (step[name]["sortable"], step[name]["filterable"]) == (True, True), name
    lead = {f["name"]: f for f in org.get("sobjects/Lead/describe").json()["fields"]}
    assert (lead["Description"]["sortable"], lead["Description"]["filterable"]) == (False, False)


def test_orphan_steps_exist_and_cadences_never_run_them(org: Org) -> None:
    orphans = org.records(
        "SELECT Id, ActionCadenceId, GraphState, DayGroup FROM ActionCadenceStep "
        "WHERE IsOrphan = true"
    )
    assert orphans and {r["GraphState"] for r in orphans} == {"Orphaned"}
    orphan_ids = {r["Id"] for r in orphans}
    cadence = orphans[0]["ActionCadenceId"]
    live = org.records(
        f"SELECT Id FROM ActionCadenceStep WHERE ActionCadenceId = '{cadence}' AND IsOrphan = false"
    )
    total = org.records(f"SELECT TotalSteps FROM ActionCadence WHERE Id = '{cadence}'")[0]
    assert total["TotalSteps"] == len(live)
    ran = org.records("SELECT ActionCadenceStepId FROM ActionCadenceStepTracker")
    assert not orphan_ids & {r["ActionCadenceStepId"] for r in ran}


def test_an_org_without_call_center_has_no_call_fields_on_task() -> None:
    with running(NO_CALL_CENTER) as org:
        fields = {f["name"] for f in org.get("sobjects/Task/describe").json()["fields"]}
        assert not fields & set(CALL_FIELDS) and {"Subject", "TaskSubtype"} <= fields
        error = _error(org, "SELECT Id, CallType FROM Task")
        assert error["errorCode"] == "INVALID_FIELD"
        assert "No such column 'CallType' on entity 'Task'" in error["message"]
        assert _error(org, "SELECT Id FROM Task WHERE CallDurationInSeconds > 0")["errorCode"] == (
            "INVALID_FIELD"
        )
        lead = org.records("SELECT Id FROM Lead LIMIT 1")[0]["Id"]
        refused = org.post(
            "sobjects/Task", {"WhoId": lead, "Subject": "Call", "CallType": "Inbound"}
        )
        assert (refused.status_code, refused.json()[0]["errorCode"]) == (400, "INVALID_FIELD")
        made = org.post("sobjects/Task", {"WhoId": lead, "Subject": "Call", "TaskSubtype": "Call"})
        assert made.status_code == 201
        row = org.get(f"sobjects/Task/{made.json()['id']}").json()
        assert not set(row) & set(CALL_FIELDS)
    with running() as org:  # the default org has CRM Call Center
        fields = {f["name"] for f in org.get("sobjects/Task/describe").json()["fields"]}
        assert set(CALL_FIELDS) <= fields


def _free_lead(org: Org) -> str:
    return str(org.post("sobjects/Lead", {"LastName": "Target", "Company": "Co"}).json()["id"])


def _active_cadence(org: Org) -> str:
    return str(
        org.records("SELECT Id FROM ActionCadence WHERE State = 'Active' ORDER BY Name LIMIT 1")[0][
            "Id"
        ]
    )


def _assign(org: Org, cadence: str, lead: str) -> Row:
    response = org.act(
        "assignTargetToSalesCadence", {"salesCadenceNameOrId": cadence, "targetId": lead}
    )
    return dict(response.json()[0])


def test_the_already_assigned_wording_is_configurable() -> None:
    wording = "Target can't be added: it already has a live tracker."
    for options, expected in (
        (SandboxOptions(), "The target is already assigned to a cadence."),
        (SandboxOptions(extras={"assign_conflict_message": wording}), wording),
    ):
        with running(options) as org:
            lead, cadence = _free_lead(org), _active_cadence(org)
            assert _assign(org, cadence, lead)["isSuccess"] is True
            again = _assign(org, cadence, lead)
            assert again["isSuccess"] is False
            assert again["errors"] == [
                {"statusCode": "UNKNOWN_EXCEPTION", "message": expected, "fields": []}
            ]
            assert again["outputValues"] == {"error": expected}


@pytest.mark.parametrize(
    ("options", "accepted", "refused"),
    [
        (SandboxOptions(), "ManualComplete", "Manual Complete"),
        (
            SandboxOptions(extras={"manual_complete_event": "Manual Complete"}),
            "Manual Complete",
            "ManualComplete",
        ),
    ],
)
def test_exactly_one_manual_complete_spelling_is_accepted(
    options: SandboxOptions, accepted: str, refused: str
) -> None:
    with running(options) as org:
        lead, cadence = _free_lead(org), _active_cadence(org)
        assert _assign(org, cadence, lead)["isSuccess"] is True
        tracker = org.records(
            f"SELECT CurrentStepId FROM ActionCadenceTracker WHERE TargetId = '{lead}'"
        )[0]
        step = tracker["CurrentStepId"]
        bad = org.act("sendSalesCadenceEvent", {"recordId": step, "eventType": refused})
        assert bad.status_code == 400
        [result] = bad.json()
        assert result["isSuccess"] is False and result["actionName"] == "sendSalesCadenceEvent"
        [error] = result["errors"]
        assert (error["statusCode"], error["fields"]) == ("UNKNOWN_EXCEPTION", [])
        assert accepted in error["message"] and result["outputValues"] == {
            "error": error["message"]
        }
        state = org.records(f"SELECT State FROM ActionCadenceStepTracker WHERE Id = '{step}'")
        assert state[0]["State"] == "Active"  # the refused event changed nothing
        good = org.act("sendSalesCadenceEvent", {"recordId": step, "eventType": accepted})
        assert good.status_code == 200 and good.json()[0]["isSuccess"] is True
        done = org.records(
            f"SELECT State, CompletionReason FROM ActionCadenceStepTracker WHERE Id = '{step}'"
        )[0]
        assert (done["State"], done["CompletionReason"]) == ("Completed", "ManuallyCompleted")


def test_unknown_option_values_are_refused() -> None:
    with pytest.raises(ValueError, match="manual_complete_event"):
        create_app("salesforce", SandboxOptions(extras={"manual_complete_event": "Done"}))
