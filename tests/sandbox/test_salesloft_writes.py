"""Salesloft emulator writes: people, upserts, memberships, tasks, calls, notes."""

from __future__ import annotations

from typing import Any

import httpx

from .test_salesloft_support import (
    REP_KEY,
    client_for,
    data,
    list_all,
    make_app,
    make_client,
    state_of,
    task_body,
)

NOW = "2026-01-15T09:00"


def _person(client: httpx.Client, **fields: Any) -> dict[str, Any]:
    body = {"email_address": "new.person@example.com", "first_name": "New", "last_name": "Person"}
    return data(client.post("/v2/people", json={**body, **fields}))  # type: ignore[no-any-return]


def test_create_get_update_delete_person() -> None:
    client = make_client()
    created = _person(client, tags=["vip"], custom_fields={"Lead Source": "Event"})
    assert created["created_at"].startswith(NOW)
    assert created["display_name"] == "New Person"
    assert created["owner"]["id"] == 1001
    assert created["custom_fields"] == {"Lead Source": "Event"}
    assert data(client.get(f"/v2/people/{created['id']}")) == created
    updated = data(
        client.put(f"/v2/people/{created['id']}", data={"title": "CTO", "tags[]": ["a"]})
    )
    assert updated["title"] == "CTO"
    assert updated["tags"] == ["a"]
    assert updated["updated_at"] > created["updated_at"]
    assert client.delete(f"/v2/people/{created['id']}").status_code == 204
    assert client.get(f"/v2/people/{created['id']}").status_code == 404
    assert client.delete(f"/v2/people/{created['id']}").status_code == 204
    assert client.delete("/v2/people/42").status_code == 404


def test_person_create_validation() -> None:
    client = make_client()
    missing = client.post("/v2/people", json={"first_name": "Only"})
    assert missing.status_code == 422
    assert list(missing.json()["errors"]) == ["base"]
    by_phone = data(client.post("/v2/people", json={"phone": "+15550000000", "last_name": "P"}))
    assert by_phone["email_address"] is None
    _person(client)
    taken = client.post("/v2/people", json={"email_address": "NEW.person@example.com"})
    assert taken.json() == {"errors": {"email_address": ["has already been taken"]}}
    bad = client.post(
        "/v2/people",
        json={"email_address": "x@example.com", "job_seniority": "boss", "owner_id": 5},
    )
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"job_seniority", "owner_id"}
    crm = client.post("/v2/people", json={"email_address": "y@example.com", "crm_id": "003AAA"})
    assert "crm_id_type" in crm.json()["errors"]


def test_person_upserts() -> None:
    client = make_client()
    created = data(
        client.post(
            "/v2/person_upserts",
            json={"upsert_key": "email_address", "email_address": "up@example.com", "title": "A"},
        )
    )
    assert created["upsert_type"] == "create"
    person_id = created["person"]["id"]
    updated = data(
        client.post(
            "/v2/person_upserts",
            json={"upsert_key": "email_address", "email_address": "up@example.com", "title": "B"},
        )
    )
    assert updated["upsert_type"] == "update"
    assert updated["person"]["id"] == person_id
    assert updated["person"]["title"] == "B"
    by_id = data(client.post("/v2/person_upserts", json={"upsert_key": "id", "id": person_id}))
    assert by_id["upsert_type"] == "update"
    unknown = client.post("/v2/person_upserts", json={"upsert_key": "id", "id": 5})
    assert unknown.status_code == 422
    no_value = client.post("/v2/person_upserts", json={"upsert_key": "crm_id"})
    assert list(no_value.json()["errors"]) == ["crm_id"]
    mismatch = client.post(
        "/v2/person_upserts",
        json={"upsert_key": "email_address", "email_address": "up@example.com", "id": 1},
    )
    assert list(mismatch.json()["errors"]) == ["id"]
    without_key = client.post("/v2/person_upserts", json={"email_address": "up@example.com"})
    assert without_key.status_code == 422  # without upsert_key it only creates


def _free_person(client: httpx.Client) -> dict[str, Any]:
    return _person(client, email_address="enrol.me@example.com")


def _cadences(client: httpx.Client) -> list[dict[str, Any]]:
    return list_all(client, "/v2/cadences", people_addable="true")


def test_enrol_on_team_cadence_for_a_teammate_then_remove() -> None:
    client = make_client()
    person = _free_person(client)
    team = next(c for c in _cadences(client) if c["team_cadence"])
    teammate = 1002
    membership = data(
        client.post(
            "/v2/cadence_memberships",
            params={"person_id": person["id"], "cadence_id": team["id"], "user_id": teammate},
        )
    )
    assert membership["current_state"] == "staged"
    assert membership["currently_on_cadence"] is True
    assert membership["user"]["id"] == teammate
    action_id = membership["latest_action"]["id"]
    action = data(client.get(f"/v2/actions/{action_id}"))
    assert action["person"]["id"] == person["id"]
    first_step = min(
        list_all(client, "/v2/steps", cadence_id=team["id"]), key=lambda s: s["step_number"]
    )
    assert action["step"]["id"] == first_step["id"]
    again = client.post(
        "/v2/cadence_memberships", data={"person_id": person["id"], "cadence_id": team["id"]}
    )
    assert again.status_code == 422
    assert client.delete(f"/v2/cadence_memberships/{membership['id']}").status_code == 204
    removed = data(client.get(f"/v2/cadence_memberships/{membership['id']}"))
    assert removed["currently_on_cadence"] is False
    assert removed["current_state"] == "removed_no_action"
    assert client.get(f"/v2/actions/{action_id}").status_code == 404
    revived = data(
        client.post(
            "/v2/cadence_memberships", json={"person_id": person["id"], "cadence_id": team["id"]}
        )
    )
    assert revived["id"] == membership["id"]
    assert revived["created_at"] == membership["created_at"]
    assert revived["added_at"] > membership["added_at"]
    feed = list_all(client, "/v2/activity_histories", type="added_to_cadence")
    assert sum(1 for h in feed if h["resource_id"] == person["id"]) == 2


def test_personal_cadence_only_for_its_owner() -> None:
    client = make_client()
    person = _free_person(client)
    personal = next(c for c in _cadences(client) if not c["team_cadence"])
    owner = personal["owner"]["id"]
    stranger = next(u["id"] for u in data(client.get("/v2/users")) if u["id"] not in (owner,))
    refused = client.post(
        "/v2/cadence_memberships",
        params={"person_id": person["id"], "cadence_id": personal["id"], "user_id": stranger},
    )
    assert refused.status_code == 403
    assert "error" in refused.json()
    ok = client.post(
        "/v2/cadence_memberships",
        params={"person_id": person["id"], "cadence_id": personal["id"], "user_id": owner},
    )
    assert data(ok)["user"]["id"] == owner


def test_membership_create_validation() -> None:
    client = make_client()
    assert client.post("/v2/cadence_memberships").json() == {
        "errors": {"person_id": ["can't be blank"], "cadence_id": ["can't be blank"]}
    }
    person = _free_person(client)
    team = next(c for c in _cadences(client) if c["team_cadence"])
    missing = client.post(
        "/v2/cadence_memberships", params={"person_id": 7, "cadence_id": team["id"]}
    )
    assert missing.status_code == 404
    wrong_step = next(s for s in list_all(client, "/v2/steps") if s["cadence"]["id"] != team["id"])
    bad = client.post(
        "/v2/cadence_memberships",
        params={"person_id": person["id"], "cadence_id": team["id"], "step_id": wrong_step["id"]},
    )
    assert list(bad.json()["errors"]) == ["step_id"]
    dnc = _person(client, email_address="dnc@example.com", do_not_contact=True)
    refused = client.post(
        "/v2/cadence_memberships", params={"person_id": dnc["id"], "cadence_id": team["id"]}
    )
    assert refused.status_code == 422


def _task_body(client: httpx.Client, **extra: Any) -> dict[str, Any]:
    return task_body(client, **{"remind_at": "2026-01-20T15:00:00Z", **extra})


def test_task_idempotency_key_returns_the_same_task() -> None:
    client = make_client()
    body = _task_body(client, idempotency_key="retry-me")
    first = data(client.post("/v2/tasks", json=body))
    count = len(state_of(client).tasks)
    second = data(client.post("/v2/tasks", json={**body, "subject": "changed"}))
    assert second == first
    assert len(state_of(client).tasks) == count
    found = list_all(client, "/v2/tasks", idempotency_key="retry-me")
    assert [t["id"] for t in found] == [first["id"]]
    assert first["due_date"] == "2026-01-20"
    assert first["remind_at"] == "2026-01-20T15:00:00.000000+00:00"
    other = data(client.post("/v2/tasks", json={**body, "idempotency_key": "another"}))
    assert other["id"] != first["id"]


def test_task_create_validation() -> None:
    client = make_client()
    blank = client.post("/v2/tasks", json={})
    assert set(blank.json()["errors"]) == {
        "subject",
        "person_id",
        "user_id",
        "task_type",
        "due_date",
        "current_state",
    }
    wrong = client.post(
        "/v2/tasks", json=_task_body(client, current_state="completed", task_type="x")
    )
    assert set(wrong.json()["errors"]) == {"current_state", "task_type"}


def test_task_update_complete_and_reschedule() -> None:
    client = make_client()
    task = data(client.post("/v2/tasks", json=_task_body(client)))
    moved = data(
        client.put(f"/v2/tasks/{task['id']}", data={"due_date": "2026-02-01", "description": "x"})
    )
    assert moved["due_date"] == "2026-02-01"
    assert moved["due_at"] is None
    assert moved["description"] == "x"
    skipped = client.put(f"/v2/tasks/{task['id']}", json={"current_state": "skipped"})
    assert skipped.status_code == 422
    done = data(client.put(f"/v2/tasks/{task['id']}", json={"current_state": "completed"}))
    assert done["current_state"] == "completed"
    assert done["completed_by"]["id"] == 1001
    assert done["completed_at"] is not None
    assert client.put("/v2/tasks/1", json={"subject": "x"}).status_code == 404


def test_log_call_completes_its_phone_action() -> None:
    client = make_client()
    action = next(a for a in list_all(client, "/v2/actions", type="phone"))
    person_id = action["person"]["id"]
    call = data(
        client.post(
            "/v2/activities/calls",
            json={
                "person_id": person_id,
                "to": "+15551234567",
                "duration": 120,
                "disposition": "Connected",
                "sentiment": "Interested",
                "notes": "Spoke briefly",
                "action_id": action["id"],
            },
        )
    )
    assert call["action"] == {"id": action["id"]}
    assert call["cadence"]["id"] == action["cadence"]["id"]
    assert data(client.get(f"/v2/notes/{call['note']['id']}"))["content"] == "Spoke briefly"
    assert client.get(f"/v2/actions/{action['id']}").status_code == 404
    reused = client.post(
        "/v2/activities/calls", json={"person_id": person_id, "action_id": action["id"]}
    )
    assert reused.json() == {"errors": {"action_id": ["has already been used"]}}
    feed = list_all(client, "/v2/activity_histories", type="call", resource_type="person")
    assert any(h["static_data"].get("call_id") == call["id"] for h in feed)
    assert data(client.get(f"/v2/activities/calls/{call['id']}")) == call


def test_call_validation_and_admin_only_user_guid() -> None:
    app = make_app()
    admin, rep = client_for(app), client_for(app, key=REP_KEY)
    person = data(admin.get("/v2/people", params={"per_page": 1}))[0]
    assert admin.post("/v2/activities/calls", json={}).status_code == 422
    bad = admin.post("/v2/activities/calls", json={"person_id": person["id"], "disposition": "?"})
    assert list(bad.json()["errors"]) == ["disposition"]
    admin_guid = data(admin.get("/v2/me"))["guid"]
    forbidden = rep.post(
        "/v2/activities/calls", json={"person_id": person["id"], "user_guid": admin_guid}
    )
    assert forbidden.status_code == 403
    rep_guid = data(rep.get("/v2/me"))["guid"]
    for_rep = admin.post(
        "/v2/activities/calls", json={"person_id": person["id"], "user_guid": rep_guid}
    )
    assert data(for_rep)["user"]["id"] == 1002


def test_notes_crud() -> None:
    client = make_client()
    person = data(client.get("/v2/people", params={"per_page": 1}))[0]
    call = data(client.post("/v2/activities/calls", json={"person_id": person["id"]}))
    note = data(
        client.post(
            "/v2/notes",
            data={
                "content": "hello",
                "associated_with_type": "Person",
                "associated_with_id": person["id"],
                "call_id": call["id"],
            },
        )
    )
    assert note["associated_type"] == "person"
    assert note["call"]["id"] == call["id"]
    taken = client.post(
        "/v2/notes",
        json={
            "content": "again",
            "associated_with_type": "person",
            "associated_with_id": person["id"],
            "call_id": call["id"],
        },
    )
    assert taken.json() == {"errors": {"call_id": ["already has a note"]}}
    edited = data(client.put(f"/v2/notes/{note['id']}", json={"content": "edited"}))
    assert edited["content"] == "edited"
    assert client.put(f"/v2/notes/{note['id']}", json={}).status_code == 422
    mine = list_all(
        client, "/v2/notes", associated_with_type="person", associated_with_id=person["id"]
    )
    assert note["id"] in {n["id"] for n in mine}
    assert client.delete(f"/v2/notes/{note['id']}").status_code == 204
    assert client.delete(f"/v2/notes/{note['id']}").status_code == 204
    assert client.get(f"/v2/notes/{note['id']}").status_code == 404
    missing = client.post("/v2/notes", json={"content": "x"})
    assert set(missing.json()["errors"]) == {"associated_with_type", "associated_with_id"}


def test_writes_are_stamped_by_the_sandbox_clock() -> None:
    client = make_client()
    client.post("/_sandbox/clock", json={"advance": 3600})
    now = client.get("/_sandbox/clock").json()["now"]
    created = _person(client)
    assert created["created_at"] == created["updated_at"]
    assert created["created_at"][:16] == now.replace("+00:00", "")[:16]
