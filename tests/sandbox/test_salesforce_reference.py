"""Response shapes checked against ../shared/reference/salesforce, read in place (skipped when absent)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from .test_salesforce_helpers import REFERENCE, Org, V, recording, running

pytestmark = pytest.mark.skipif(
    not REFERENCE.is_dir(), reason=f"the shared Salesforce reference data is not at {REFERENCE}"
)
CADENCE_OBJECTS = [
    "ActionCadence",
    "ActionCadenceStep",
    "ActionCadenceTracker",
    "ActionCadenceStepTracker",
]
DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$")


@pytest.fixture(scope="module")
def org() -> Iterator[Org]:
    with running() as org:
        yield org


def _reference_fields(name: str) -> dict[str, dict[str, Any]]:
    data = json.loads((REFERENCE / "sobjects" / f"{name}.fields.json").read_text())
    return {f["name"]: f for f in data["fields"]}


@pytest.mark.parametrize("name", CADENCE_OBJECTS)
def test_cadence_describe_matches_the_field_reference(org: Org, name: str) -> None:
    reference = _reference_fields(name)
    described = {f["name"]: f for f in org.get(f"sobjects/{name}/describe").json()["fields"]}
    assert set(described) == set(reference)
    for field, ours in described.items():
        theirs = reference[field]
        for key in ("type", "createable", "updateable", "nillable", "filterable", "sortable"):
            assert ours[key] == theirs[key], (field, key)
        assert ours["referenceTo"] == (theirs["referenceTo"] or []), field
        assert ours["relationshipName"] == theirs["relationshipName"], field
        values = [p if isinstance(p, str) else p["value"] for p in theirs["picklistValues"] or []]
        assert [p["value"] for p in ours["picklistValues"]] == values, field


def _matches(kind: str, value: Any) -> bool:
    if value is None:
        return True
    checks = {
        "boolean": lambda v: isinstance(v, bool),
        "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "datetime": lambda v: isinstance(v, str) and DATETIME.match(v) is not None,
        "date": lambda v: isinstance(v, str) and re.fullmatch(r"\d{4}-\d\d-\d\d", v) is not None,
        "id": lambda v: isinstance(v, str) and len(v) == 18,
        "reference": lambda v: isinstance(v, str) and len(v) == 18,
    }
    return checks.get(kind, lambda v: isinstance(v, str))(value)


@pytest.mark.parametrize("name", CADENCE_OBJECTS)
def test_cadence_rows_only_hold_documented_fields_of_the_right_type(org: Org, name: str) -> None:
    reference = _reference_fields(name)
    rows = org.records(f"SELECT {', '.join(reference)} FROM {name} LIMIT 300")
    rows.append(org.get(f"sobjects/{name}/{rows[0]['Id']}").json())
    assert rows
    for row in rows:
        for field, value in row.items():
            if field == "attributes":
                continue
            assert field in reference, field
            assert _matches(reference[field]["type"], value), (field, value)
            values = [
                p if isinstance(p, str) else p["value"]
                for p in reference[field]["picklistValues"] or []
            ]
            if values and value is not None:
                assert value in values, (field, value)


def test_query_shapes_match_the_recordings(org: Org) -> None:
    _, _, recorded = recording("query-records")
    ours = org.query("SELECT Id, Name FROM Account LIMIT 5")
    assert list(ours.json()) == list(recorded["response"])
    assert list(ours.json()["records"][0]) == list(recorded["response"]["records"][0])
    assert list(ours.json()["records"][0]["attributes"]) == ["type", "url"]
    assert ours.headers["content-type"] == recorded["headers"]["content-type"]
    _, path, more = recording("retrieve-query-more")
    assert re.fullmatch(r"/services/data/v\d+\.0/query/\w{18}-2000", path)
    assert "nextRecordsUrl" not in more["response"] and more["response"]["done"] is True
    page = org.query(
        "SELECT Id FROM Task", headers={"Sforce-Query-Options": "batchSize=200"}
    ).json()
    assert re.fullmatch(rf"{V}/query/\w{{18}}-200", page["nextRecordsUrl"])
    while not page["done"]:
        page = org.get(page["nextRecordsUrl"]).json()
    assert list(page) == list(more["response"])


def test_record_and_write_shapes_match_the_recordings(org: Org) -> None:
    _, _, got = recording("get-record")
    row = org.get(
        f"sobjects/Account/{org.records('SELECT Id FROM Account LIMIT 1')[0]['Id']}"
    ).json()
    assert list(row)[:2] == list(got["response"])[:2]
    assert DATETIME.match(got["response"]["CreatedDate"]) and DATETIME.match(row["CreatedDate"])
    _, _, created = recording("create-record")
    ours = org.post("sobjects/Account/", {"Name": "Shape Check"})
    assert ours.status_code == created["status"]
    assert list(ours.json()) == list(created["response"])
    assert ours.headers["Location"] == f"{V}/sobjects/Account/{ours.json()['id']}"
    for name, method, body in (
        ("update-record", "PATCH", {"Name": "Renamed"}),
        ("delete-record", "DELETE", None),
    ):
        _, _, recorded = recording(name)
        response = org.request(method, f"sobjects/Account/{ours.json()['id']}", json=body)
        assert response.status_code == recorded["status"] == 204
        assert ("sforce-limit-info" in recorded["headers"]) == (
            "sforce-limit-info" in response.headers
        )


def test_limits_versions_and_header_match_the_recordings(org: Org) -> None:
    _, _, limits = recording("get-limits")
    ours = org.get("limits")
    assert set(ours.json()["DailyApiRequests"]) == set(limits["response"]["DailyApiRequests"])
    errors = json.loads((REFERENCE / "errors" / "rest-errors-and-limit-header.json").read_text())
    assert re.match(
        errors["sforceLimitInfoHeader"]["parseRegex"], ours.headers["sforce-limit-info"]
    )
    recorded_versions = json.loads(
        (REFERENCE / "recorded" / "nango" / "list-available-resources.test.json").read_text()
    )
    [[_, listed]] = [(p, v) for m in recorded_versions["api"].values() for p, v in m.items()]
    if isinstance(listed["response"], list):
        theirs = {v["version"]: v for v in listed["response"]}
        for version in org.http.get("/services/data").json():
            if version["version"] in theirs:
                assert version == theirs[version["version"]]
    assert (
        errors["topLevelErrorBody"]["documentedExamples"][0]["body"]
        == org.http.get(f"{V}/limits").json()
    )


def test_actions_match_the_documented_inputs(org: Org) -> None:
    documented = json.loads((REFERENCE / "actions" / "sales-engagement-actions.json").read_text())[
        "actions"
    ]
    for name, spec in documented.items():
        described = org.get(f"actions/standard/{name}").json()
        inputs = {i["name"]: i for i in described["inputs"]}
        assert set(inputs) == set(spec["inputs"]), name
        for input_name, doc in spec["inputs"].items():
            assert inputs[input_name]["required"] == (doc["required"] is True), (name, input_name)
            if "validValues" in doc:
                assert [p["value"] for p in inputs[input_name]["picklistValues"]] == doc[
                    "validValues"
                ]
        sample = spec.get("sampleInput")
        if sample:
            # The sample ids do not exist in the sandbox: the call must still answer one result per input.
            results = org.act(name, *sample["inputs"]).json()
            assert [set(r) for r in results] == [
                {"actionName", "errors", "isSuccess", "outputValues"}
            ] * len(sample["inputs"])
