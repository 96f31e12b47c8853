"""Where Salesloft's documents are explicit the emulator is strict, and its options can
produce the vendor answers and values the adapter must cope with.

* A task's ``due_date`` is "ISO-8601 date format required" (POST and PUT /v2/tasks),
  ``remind_at`` an "ISO-8601 datetime".
* The answer to adding a person already on the cadence is not documented, so its status
  and body are options (``enroll_conflict_status``, ``enroll_conflict_body``).
* ``archived``: "The cadence this person belonged to has been archived and all actions
  and people were archived with it" (``archived_cadences``).
* Action types: "New types may be added in the future" (``action_types``).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from .test_salesloft_support import data, list_all, make_client, task_body


@pytest.mark.parametrize(
    "due_date",
    ["2026-01-20T15:00:00Z", "2026-01-20T00:00:00+00:00", "20260120", "2026-1-20"],
)
def test_task_due_date_must_be_a_plain_iso_date(due_date: str) -> None:
    client = make_client()
    created = client.post("/v2/tasks", json=task_body(client, due_date=due_date))
    assert created.status_code == 422
    assert list(created.json()["errors"]) == ["due_date"]
    task = data(client.post("/v2/tasks", json=task_body(client)))
    updated = client.put(f"/v2/tasks/{task['id']}", json={"due_date": due_date})
    assert updated.status_code == 422
    assert list(updated.json()["errors"]) == ["due_date"]


def test_task_date_and_reminder_are_kept_as_sent() -> None:
    client = make_client()
    body = task_body(client, remind_at="2026-01-21T02:30:00+00:00")
    task = data(client.post("/v2/tasks", json=body))
    # Nothing documented sets due_at from a date: the emulator invents no time of day.
    assert (task["due_date"], task["due_at"]) == ("2026-01-20", None)
    assert task["remind_at"] == "2026-01-21T02:30:00.000000+00:00"
    moved = data(
        client.put(
            f"/v2/tasks/{task['id']}",
            json={"due_date": "2026-01-25", "remind_at": "2026-01-24T23:00:00+00:00"},
        )
    )
    assert (moved["due_date"], moved["due_at"]) == ("2026-01-25", None)
    assert moved["remind_at"] == "2026-01-24T23:00:00.000000+00:00"


def test_task_remind_at_must_be_a_datetime() -> None:
    client = make_client()
    refused = client.post("/v2/tasks", json=task_body(client, remind_at="2026-01-20"))
    assert refused.json() == {"errors": {"remind_at": ["must be an iso8601 timestamp"]}}
    task = data(client.post("/v2/tasks", json=task_body(client)))
    again = client.put(f"/v2/tasks/{task['id']}", json={"remind_at": "tomorrow"})
    assert list(again.json()["errors"]) == ["remind_at"]


def _enrol(client: httpx.Client) -> tuple[dict[str, Any], dict[str, Any]]:
    person = data(client.post("/v2/people", json={"email_address": "twice@example.com"}))
    cadence = next(
        c for c in list_all(client, "/v2/cadences", people_addable="true") if c["team_cadence"]
    )
    pair = {"person_id": person["id"], "cadence_id": cadence["id"]}
    data(client.post("/v2/cadence_memberships", params=pair))
    return pair, cadence


def test_enrol_conflict_default_answer() -> None:
    client = make_client()
    pair, _ = _enrol(client)
    again = client.post("/v2/cadence_memberships", params=pair)
    assert again.status_code == 422
    assert again.json() == {"errors": {"person_id": ["is already on this cadence"]}}


@pytest.mark.parametrize(
    ("extras", "status", "body"),
    [
        (
            {"enroll_conflict_body": {"errors": {"base": ["Person is on this cadence"]}}},
            422,
            {"errors": {"base": ["Person is on this cadence"]}},
        ),
        ({"enroll_conflict_status": 409}, 409, {"error": "Conflict"}),
        (
            {"enroll_conflict_status": 409, "enroll_conflict_body": {"error": "duplicate"}},
            409,
            {"error": "duplicate"},
        ),
    ],
)
def test_enrol_conflict_answer_is_an_option(
    extras: dict[str, Any], status: int, body: dict[str, Any]
) -> None:
    client = make_client(extras=extras)
    pair, _ = _enrol(client)
    again = client.post("/v2/cadence_memberships", params=pair)
    assert (again.status_code, again.json()) == (status, body)


@pytest.mark.parametrize(
    "extras",
    [
        {"enroll_conflict_status": 404},
        {"enroll_conflict_body": "already"},
        {"archived_cadences": "2001"},
        {"action_types": {"other": 5}},
    ],
)
def test_bad_options_are_refused_when_the_emulator_is_built(extras: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="extras"):
        make_client(extras=extras)


def test_archived_cadence_archives_its_people_and_actions() -> None:
    plain = make_client()
    cadence = next(
        c for c in list_all(plain, "/v2/cadences", people_addable="true") if c["team_cadence"]
    )
    before = list_all(plain, "/v2/cadence_memberships", cadence_id=cadence["id"])
    live = {m["id"] for m in before if m["currently_on_cadence"]}
    assert live and list_all(plain, "/v2/actions", cadence_id=cadence["id"])

    client = make_client(extras={"archived_cadences": [cadence["id"]]})
    archived = data(client.get(f"/v2/cadences/{cadence['id']}"))
    assert archived["archived_at"] is not None
    after = {
        m["id"]: m for m in list_all(client, "/v2/cadence_memberships", cadence_id=cadence["id"])
    }
    assert {i for i, m in after.items() if m["current_state"] == "archived"} == live
    assert not any(m["currently_on_cadence"] for m in after.values())
    ended = {m["id"]: m["current_state"] for m in before if not m["currently_on_cadence"]}
    assert {i: after[i]["current_state"] for i in ended} == ended
    assert list_all(client, "/v2/actions", cadence_id=cadence["id"]) == []
    person = before[0]["person"]["id"]
    refused = client.post(
        "/v2/cadence_memberships", params={"person_id": person, "cadence_id": cadence["id"]}
    )
    assert refused.status_code == 422


def test_action_types_option_names_new_action_types() -> None:
    assert list_all(make_client(), "/v2/actions", type="linkedin") == []
    client = make_client(extras={"action_types": {"other": "linkedin"}})
    linkedin = list_all(client, "/v2/actions", type="linkedin")
    assert linkedin
    steps = {s["id"]: s for s in list_all(client, "/v2/steps")}
    assert {steps[a["step"]["id"]]["type"] for a in linkedin} == {"other"}
    assert list_all(client, "/v2/actions", type="other") == []
    # Actions opened later follow the same option.
    person = data(client.post("/v2/people", json={"email_address": "li@example.com"}))
    addable = {c["id"]: c for c in list_all(client, "/v2/cadences", people_addable="true")}
    other_step = next(
        s for s in steps.values() if s["type"] == "other" and s["cadence"]["id"] in addable
    )
    cadence = addable[other_step["cadence"]["id"]]
    user = cadence["owner"]["id"]
    membership = data(
        client.post(
            "/v2/cadence_memberships",
            params={
                "person_id": person["id"],
                "cadence_id": cadence["id"],
                "step_id": other_step["id"],
                "user_id": user,
            },
        )
    )
    action = data(client.get(f"/v2/actions/{membership['latest_action']['id']}"))
    assert action["type"] == "linkedin"
