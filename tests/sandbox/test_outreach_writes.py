"""Writes against the Outreach emulator: creates, updates, enrolment, every action."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from engage_sandbox import SandboxOptions, SandboxServer, create_app
from engage_sandbox.outreach import demo_token

MEDIA = "application/vnd.api+json"


class Api:
    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    def get(self, path: str, **params: Any) -> dict[str, Any]:
        response = self.client.get(path, params=params)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def send(self, method: str, path: str, body: Any = None, **params: Any) -> httpx.Response:
        """A write as Outreach wants every write: with its media type, body or none."""
        content = json.dumps(body) if body is not None else None
        headers = {"Content-Type": MEDIA}
        return self.client.request(method, path, content=content, headers=headers, params=params)

    def post(self, path: str, params: dict[str, str] | None = None) -> httpx.Response:
        return self.send("POST", path, **(params or {}))

    def action(self, path: str, **params: str) -> httpx.Response:
        return self.send("POST", path, **{f"actionParams[{k}]": v for k, v in params.items()})


@pytest.fixture
def api() -> Iterator[Api]:
    app = create_app("outreach", SandboxOptions(seed=5, size=0.1))
    with SandboxServer(app) as server:
        headers = {"Authorization": f"Bearer {demo_token(app)}"}
        with httpx.Client(base_url=server.url, headers=headers, timeout=30) as client:
            yield Api(client)


def error(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    errors = response.json()["errors"]
    assert len(errors) == 1
    assert {"id", "title", "detail"} <= set(errors[0])
    first: dict[str, Any] = errors[0]
    return first


def ident(type_: str, id_: int) -> dict[str, Any]:
    return {"data": {"type": type_, "id": id_}}


def enroll(api: Api, prospect: int, sequence: int, mailbox: int = 1) -> httpx.Response:
    rels = {
        "prospect": ident("prospect", prospect),
        "sequence": ident("sequence", sequence),
        "mailbox": ident("mailbox", mailbox),
    }
    return api.send(
        "POST", "/api/v2/sequenceStates", {"data": {"type": "sequenceState", "relationships": rels}}
    )


def new_prospect(api: Api, email: str) -> int:
    body = {
        "data": {
            "type": "prospect",
            "attributes": {"firstName": "Ada", "lastName": "Vance", "emails": [email]},
        }
    }
    response = api.send("POST", "/api/v2/prospects", body)
    assert response.status_code == 201, response.text
    return int(response.json()["data"]["id"])


def enabled_sequence(api: Api, first_step: str) -> int:
    for seq in api.get("/api/v2/sequences")["data"]:
        if not seq["attributes"]["enabled"]:
            continue
        steps = api.get(
            "/api/v2/sequenceSteps", sort="order", **{"filter[sequence][id]": seq["id"]}
        )
        if steps["data"][0]["attributes"]["stepType"] == first_step:
            return int(seq["id"])
    raise AssertionError(f"no enabled sequence starts with {first_step}")


def step_task(api: Api, state_id: int) -> dict[str, Any]:
    rows = api.get(
        "/api/v2/tasks", **{"filter[sequenceState][id]": state_id, "filter[state]": "incomplete"}
    )
    assert len(rows["data"]) == 1, rows
    task: dict[str, Any] = rows["data"][0]
    return task


def test_prospect_create_update_and_duplicate_email(api: Api) -> None:
    pid = new_prospect(api, "ada.vance@example.com")
    got = api.get(f"/api/v2/prospects/{pid}")["data"]
    assert got["attributes"]["name"] == "Ada Vance"
    assert got["attributes"]["createdAt"].endswith(".000Z")
    dup = api.send(
        "POST",
        "/api/v2/prospects",
        {"data": {"type": "prospect", "attributes": {"emails": ["ADA.VANCE@example.com"]}}},
    )
    assert error(dup, 422)["source"] == {"pointer": "/data/attributes/emails"}
    patch = {
        "data": {
            "type": "prospect",
            "id": pid,
            "attributes": {"title": "CFO"},
            "relationships": {"owner": ident("user", 2)},
        }
    }
    updated = api.send("PATCH", f"/api/v2/prospects/{pid}", patch)
    assert updated.status_code == 200
    assert updated.json()["data"]["attributes"]["title"] == "CFO"
    assert updated.json()["data"]["relationships"]["owner"]["data"] == {"type": "user", "id": 2}
    assert updated.json()["data"]["attributes"]["updatedAt"] > got["attributes"]["updatedAt"]
    found = api.get("/api/v2/prospects", **{"filter[emails]": "ada.vance@example.com"})
    assert [r["id"] for r in found["data"]] == [pid]
    readonly = api.send(
        "PATCH",
        f"/api/v2/prospects/{pid}",
        {"data": {"type": "prospect", "id": pid, "attributes": {"createdAt": "2020-01-01"}}},
    )
    assert error(readonly, 422)["source"]["pointer"] == "/data/attributes/createdAt"
    assert error(
        api.send(
            "PATCH", f"/api/v2/prospects/{pid}", {"data": {"type": "prospect", "id": pid + 1}}
        ),
        409,
    )
    unknown_owner = {
        "data": {"type": "prospect", "id": pid, "relationships": {"owner": ident("user", 999)}}
    }
    assert (
        error(api.send("PATCH", f"/api/v2/prospects/{pid}", unknown_owner), 422)["source"][
            "pointer"
        ]
        == "/data/relationships/owner"
    )


# Outreach's "Content Negotiation" section gives this body (``details``, plural).
UNSUPPORTED = {
    "errors": [
        {
            "id": "unsupportedMediaType",
            "title": "Unsupported Media Type",
            "details": "Expected Content-Type header to be 'application/vnd.api+json'.",
        }
    ]
}


def test_writes_need_the_json_api_media_type(api: Api) -> None:
    body = {"data": {"type": "prospect", "attributes": {"emails": ["mt@example.com"]}}}
    refused = [
        # plain JSON, a body under no media type, a body-less action, a PATCH, a DELETE
        api.client.post("/api/v2/prospects", json=body),
        api.client.post("/api/v2/prospects", content=json.dumps(body)),
        api.client.post("/api/v2/tasks/1/actions/snooze"),
        api.client.post("/api/v2/sequenceStates/1/actions/pause"),
        api.client.patch("/api/v2/prospects/1", json={"data": {"type": "prospect", "id": 1}}),
        api.client.delete("/api/v2/prospects/1"),
        api.client.delete("/api/v2/tasks/1"),  # not emulated: 405 with the media type
    ]
    for response in refused:
        assert response.status_code == 415, (response.request.method, response.request.url)
        assert response.headers["content-type"] == MEDIA
        assert response.json() == UNSUPPORTED
    nothing_written = api.get("/api/v2/prospects", **{"filter[emails]": "mt@example.com"})
    assert nothing_written["data"] == []
    assert api.get("/api/v2/tasks/1")["data"]["attributes"]["dueAt"]  # reads need none
    assert api.client.head("/api/v2/tasks/1").status_code == 200
    assert api.client.delete("/api/v2/tasks/1", headers={"Content-Type": MEDIA}).status_code == 405
    assert api.get("/api/v2/prospects/1")["data"]["id"] == 1  # the bare DELETE deleted nothing
    # The media type, its letters in any case, with a parameter: accepted.
    charset = {"Content-Type": "Application/VND.API+JSON; charset=utf-8"}
    created = api.client.post("/api/v2/prospects", content=json.dumps(body), headers=charset)
    assert created.status_code == 201, created.text
    assert error(api.send("POST", "/api/v2/prospects", {"nodata": 1}), 400)
    assert error(api.send("POST", "/api/v2/prospects", {"data": {"type": "task"}}), 409)


def test_a_prospect_is_deleted_with_204_and_no_body(api: Api) -> None:
    pid = new_prospect(api, "gone@example.com")
    deleted = api.send("DELETE", f"/api/v2/prospects/{pid}")
    assert deleted.status_code == 204 and deleted.content == b""
    assert "X-RateLimit-Remaining" in deleted.headers
    assert error(api.client.get(f"/api/v2/prospects/{pid}"), 404)
    assert error(api.send("DELETE", f"/api/v2/prospects/{pid}"), 404)
    listed = api.get("/api/v2/prospects", **{"filter[emails]": "gone@example.com"})
    assert listed["data"] == []


def test_task_create_validation_and_patch(api: Api) -> None:
    body = {
        "data": {
            "type": "task",
            "attributes": {"action": "call", "dueAt": "2026-02-01T10:00:00Z", "note": "Call back"},
            "relationships": {"owner": ident("user", 1), "subject": ident("prospect", 3)},
        }
    }
    response = api.send("POST", "/api/v2/tasks", body, include="prospect")
    assert response.status_code == 201
    task = response.json()
    assert "included" not in task  # include is not honoured on create
    attrs = task["data"]["attributes"]
    assert (attrs["taskType"], attrs["state"], attrs["dueAt"]) == (
        "manual",
        "incomplete",
        "2026-02-01T10:00:00.000Z",
    )
    assert task["data"]["relationships"]["prospect"]["data"] == {"type": "prospect", "id": 3}
    missing_owner = json.loads(json.dumps(body))
    del missing_owner["data"]["relationships"]["owner"]
    assert (
        error(api.send("POST", "/api/v2/tasks", missing_owner), 422)["source"]["pointer"]
        == "/data/relationships/owner"
    )
    bad_action = json.loads(json.dumps(body))
    bad_action["data"]["attributes"]["action"] = "dance"
    assert (
        error(api.send("POST", "/api/v2/tasks", bad_action), 422)["source"]["pointer"]
        == "/data/attributes/action"
    )
    no_due = json.loads(json.dumps(body))
    del no_due["data"]["attributes"]["dueAt"]
    assert (
        error(api.send("POST", "/api/v2/tasks", no_due), 422)["detail"] == "Due at can't be blank."
    )
    tid = task["data"]["id"]
    patch = {"data": {"type": "task", "id": tid, "attributes": {"note": "Moved"}}}
    assert (
        api.send("PATCH", f"/api/v2/tasks/{tid}", patch).json()["data"]["attributes"]["note"]
        == "Moved"
    )


def test_log_call_against_a_sequence_task_advances_it(api: Api) -> None:
    pid = new_prospect(api, "caller@example.com")
    state = enroll(api, pid, enabled_sequence(api, "call")).json()["data"]
    task = step_task(api, state["id"])
    assert task["attributes"]["taskType"] == "sequence_step_call"
    body = {
        "data": {
            "type": "call",
            "attributes": {
                "direction": "outbound",
                "outcome": "Answered",
                "sequenceAction": "Advance",
                "note": "Good chat",
            },
            "relationships": {"task": ident("task", task["id"])},
        }
    }
    response = api.send("POST", "/api/v2/calls", body)
    assert response.status_code == 201, response.text
    call = response.json()["data"]
    assert call["relationships"]["prospect"]["data"] == {"type": "prospect", "id": pid}
    assert call["relationships"]["user"]["data"] == {"type": "user", "id": 1}
    done = api.get(f"/api/v2/tasks/{task['id']}")["data"]
    assert done["attributes"]["state"] == "complete"
    assert done["relationships"]["call"]["data"]["id"] == call["id"]
    listed = api.get("/api/v2/calls", **{"filter[prospect][id]": pid})["data"]
    assert [c["id"] for c in listed] == [call["id"]]
    bad = api.send(
        "POST", "/api/v2/calls", {"data": {"type": "call", "attributes": {"direction": "sideways"}}}
    )
    assert error(bad, 422)["source"]["pointer"] == "/data/attributes/direction"


def test_enroll_then_already_in_sequence(api: Api) -> None:
    pid = new_prospect(api, "enrol@example.com")
    seq = enabled_sequence(api, "manual_email")
    first = enroll(api, pid, seq)
    assert first.status_code == 201
    state = first.json()["data"]
    assert state["attributes"]["state"] == "active"
    assert state["relationships"]["sequenceStep"]["data"]["type"] == "sequenceStep"
    again = error(enroll(api, pid, seq), 422)
    assert "already in this sequence" in again["detail"]
    assert again["source"] == {"pointer": "/data/relationships/prospect"}
    missing = api.send(
        "POST",
        "/api/v2/sequenceStates",
        {"data": {"type": "sequenceState", "relationships": {"prospect": ident("prospect", pid)}}},
    )
    assert error(missing, 422)["source"]["pointer"] == "/data/relationships/sequence"
    assert (
        error(enroll(api, 999999, seq), 422)["source"]["pointer"] == "/data/relationships/prospect"
    )
    # After finishing, the prospect may be sequenced again.
    assert api.post(f"/api/v2/sequenceStates/{state['id']}/actions/finish").status_code == 200
    assert enroll(api, pid, seq).status_code == 201


@pytest.mark.parametrize(
    ("extras", "status", "detail"),
    [
        ({"already_enrolled_detail": "Prospect has already been added"}, 422, None),
        (
            {"already_enrolled_detail": "Validation error", "already_enrolled_status": 409},
            409,
            None,
        ),
        (
            {"already_enrolled_detail": "{prospect} is in {sequence} ({state}, #{state_id}) {x}"},
            422,
            "*",
        ),
        ({"already_enrolled_detail": "a stray { brace"}, 422, "a stray { brace"),
    ],
)
def test_the_second_enrolment_refusal_says_what_the_options_say(
    extras: dict[str, Any], status: int, detail: str | None
) -> None:
    app = create_app("outreach", SandboxOptions(seed=5, size=0.1, extras=extras))
    with SandboxServer(app) as server:
        headers = {"Authorization": f"Bearer {demo_token(app)}"}
        with httpx.Client(base_url=server.url, headers=headers, timeout=30) as client:
            api = Api(client)
            pid = new_prospect(api, "twice@example.com")
            seq = enabled_sequence(api, "call")
            sid = enroll(api, pid, seq).json()["data"]["id"]
            refused = error(enroll(api, pid, seq), status)
    if detail == "*":  # the placeholders filled in, an unknown one left as written
        detail = f"{pid} is in {seq} (active, #{sid}) {{x}}"
    assert refused["detail"] == (detail or extras["already_enrolled_detail"])
    assert refused["source"] == {"pointer": "/data/relationships/prospect"}


def test_sequence_state_actions_and_preconditions(api: Api) -> None:
    pid = new_prospect(api, "states@example.com")
    sid = enroll(api, pid, enabled_sequence(api, "call")).json()["data"]["id"]
    post = api.post
    assert (
        "only paused" in error(post(f"/api/v2/sequenceStates/{sid}/actions/resume"), 422)["detail"]
    )
    paused = post(f"/api/v2/sequenceStates/{sid}/actions/pause").json()["data"]["attributes"]
    assert (paused["state"], paused["pauseReason"]) == ("paused", "manual")
    assert error(post(f"/api/v2/sequenceStates/{sid}/actions/pause"), 422)
    assert (
        post(f"/api/v2/sequenceStates/{sid}/actions/resume").json()["data"]["attributes"]["state"]
        == "active"
    )
    finished = post(f"/api/v2/sequenceStates/{sid}/actions/finish").json()["data"]["attributes"]
    assert finished["state"] == "finished"
    assert (
        api.get(
            "/api/v2/tasks", **{"filter[sequenceState][id]": sid, "filter[state]": "incomplete"}
        )["data"]
        == []
    )
    assert (
        "already finished"
        in error(post(f"/api/v2/sequenceStates/{sid}/actions/finish"), 422)["detail"]
    )
    assert error(
        post(f"/api/v2/sequenceStates/{sid}/actions/pause", params={"actionParams[x]": "1"}), 400
    )
    assert error(post("/api/v2/sequenceStates/999999/actions/pause"), 404)


def test_advance_moves_to_the_next_step(api: Api) -> None:
    pid = new_prospect(api, "advance@example.com")
    sid = enroll(api, pid, enabled_sequence(api, "call")).json()["data"]["id"]
    task = step_task(api, sid)
    response = api.post(f"/api/v2/tasks/{task['id']}/actions/advance")
    assert response.status_code == 200
    assert response.json()["data"]["attributes"]["state"] == "complete"
    state = api.get(f"/api/v2/sequenceStates/{sid}")["data"]
    assert (
        state["relationships"]["sequenceStep"]["data"]
        != task["relationships"]["sequenceStep"]["data"]
    )
    manual = api.get(
        "/api/v2/tasks", **{"filter[taskType]": "manual", "filter[state]": "incomplete"}
    )["data"][0]
    assert (
        "Only sequence step tasks"
        in error(api.post(f"/api/v2/tasks/{manual['id']}/actions/advance"), 422)["detail"]
    )
    assert error(api.post(f"/api/v2/tasks/{task['id']}/actions/advance"), 422)


def test_mark_complete_and_its_completion_actions(api: Api) -> None:
    manual = api.get(
        "/api/v2/tasks", **{"filter[taskType]": "manual", "filter[state]": "incomplete"}
    )["data"][0]
    done = api.action(f"/api/v2/tasks/{manual['id']}/actions/markComplete", completionNote="Done")
    attrs = done.json()["data"]["attributes"]
    assert (attrs["state"], attrs["completed"]) == ("complete", True)
    assert attrs["completedAt"] is not None
    assert done.json()["data"]["relationships"]["completer"]["data"] == {"type": "user", "id": 1}
    assert (
        "only incomplete"
        in error(api.post(f"/api/v2/tasks/{manual['id']}/actions/markComplete"), 422)["detail"]
    )
    pid = new_prospect(api, "replied@example.com")
    sid = enroll(api, pid, enabled_sequence(api, "task")).json()["data"]["id"]
    task = step_task(api, sid)
    api.action(
        f"/api/v2/tasks/{task['id']}/actions/markComplete", completionAction="finish_replied"
    )
    state = api.get(f"/api/v2/sequenceStates/{sid}")["data"]["attributes"]
    assert state["state"] == "finished"
    assert state["repliedAt"] is not None
    assert error(api.action(f"/api/v2/tasks/{task['id']}/actions/markComplete", bogus="1"), 400)


def test_deliver_schedules_the_drafted_mailing(api: Api) -> None:
    pid = new_prospect(api, "deliver@example.com")
    sid = enroll(api, pid, enabled_sequence(api, "manual_email")).json()["data"]["id"]
    task = step_task(api, sid)
    mailing_id = task["relationships"]["mailing"]["data"]["id"]
    assert api.get(f"/api/v2/mailings/{mailing_id}")["data"]["attributes"]["state"] == "drafted"
    assert api.post(f"/api/v2/tasks/{task['id']}/actions/deliver").status_code == 200
    mailing = api.get(f"/api/v2/mailings/{mailing_id}")["data"]["attributes"]
    assert mailing["state"] == "scheduled"
    assert error(api.post(f"/api/v2/tasks/{task['id']}/actions/deliver"), 422)
    manual = api.get("/api/v2/tasks", **{"filter[taskType]": "manual"})["data"][0]
    assert (
        "no mailing"
        in error(api.post(f"/api/v2/tasks/{manual['id']}/actions/deliver"), 422)["detail"]
    )


def test_reassign_reschedule_snooze_note_association(api: Api) -> None:
    task = api.get(
        "/api/v2/tasks", **{"filter[state]": "incomplete", "filter[taskType]": "manual"}
    )["data"][0]
    path = f"/api/v2/tasks/{task['id']}/actions"
    assert "ownerId" in error(api.post(f"{path}/reassignOwner"), 400)["detail"]
    assert error(api.action(f"{path}/reassignOwner", ownerId="4242"), 422)
    moved = api.action(f"{path}/reassignOwner", ownerId="3").json()["data"]
    assert moved["relationships"]["owner"]["data"] == {"type": "user", "id": 3}
    assert error(api.post(f"{path}/reschedule"), 400)
    assert error(api.action(f"{path}/reschedule", dueAt="next tuesday"), 422)
    due = api.action(f"{path}/reschedule", dueAt="2026-03-01T08:30:00Z").json()["data"][
        "attributes"
    ]["dueAt"]
    assert due == "2026-03-01T08:30:00.000Z"
    snoozed = api.post(f"{path}/snooze").json()["data"]["attributes"]["dueAt"]
    assert snoozed == "2026-03-02T08:30:00.000Z"  # a day after the later of now and dueAt
    urgent = api.action(f"{path}/snooze", dueAt="2026-04-01", markAsUrgent="true").json()["data"]
    assert urgent["attributes"]["dueAt"] == "2026-04-01T00:00:00.000Z"
    assert urgent["relationships"]["taskPriority"]["data"]["id"] == 1
    assert error(api.post(f"{path}/updateNote"), 400)
    assert (
        api.action(f"{path}/updateNote", note="New note").json()["data"]["attributes"]["note"]
        == "New note"
    )
    assert error(
        api.action(f"{path}/updateOpportunityAssociation", opportunityAssociation="latest"), 422
    )
    assoc = api.action(f"{path}/updateOpportunityAssociation", opportunityAssociation="noop")
    assert assoc.json()["data"]["attributes"]["opportunityAssociation"] == "noop"
    api.post(f"{path}/markComplete")
    assert "already complete" in error(api.action(f"{path}/snooze"), 422)["detail"]
    assert error(api.action(f"{path}/reschedule", dueAt="2026-05-01"), 422)
    assert error(api.post(f"{path}/teleport"), 404)
