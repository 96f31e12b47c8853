"""Salesloft emulator: every documented list filter narrows results the way the docs say."""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx
import pytest

from .test_salesloft_support import REP_KEY, client_for, data, list_all, make_app, make_client


@pytest.fixture(scope="module")
def client() -> httpx.Client:
    return make_client(size=0.1)


@pytest.fixture(scope="module")
def rep(client: httpx.Client) -> httpx.Client:
    return client_for(make_app(size=0.1), key=REP_KEY)


def _all(client: httpx.Client, path: str, **params: Any) -> list[dict[str, Any]]:
    return list_all(client, path, **params)


# --- /v2/actions (seed 000) -------------------------------------------------


def test_actions_only_in_progress_and_admin_sees_the_team(client: httpx.Client) -> None:
    actions = _all(client, "/v2/actions")
    assert {a["status"] for a in actions} == {"in_progress"}
    assert len({a["user"]["id"] for a in actions}) > 1


def test_actions_by_ids_step_type_person_cadence_multitouch(client: httpx.Client) -> None:
    actions = _all(client, "/v2/actions")
    sample = actions[:3]
    got = _all(client, "/v2/actions", **{"ids[]": [a["id"] for a in sample] + [1]})
    assert {a["id"] for a in got} == {a["id"] for a in sample}
    step_id = sample[0]["step"]["id"]
    got = _all(client, "/v2/actions", step_id=step_id)
    assert got
    assert {a["step"]["id"] for a in got} == {step_id}
    assert {a["type"] for a in _all(client, "/v2/actions", type="phone")} == {"phone"}
    people = [a["person"]["id"] for a in sample]
    got = _all(client, "/v2/actions", **{"person_id[]": people})
    assert {a["person"]["id"] for a in got} == set(people)
    cadences = sorted({a["cadence"]["id"] for a in actions})[:2]
    got = _all(client, "/v2/actions", **{"cadence_id[]": cadences})
    assert {a["cadence"]["id"] for a in got} == set(cadences)
    expected = [a for a in actions if a["cadence"]["id"] in cadences]
    assert len(got) == len(expected)
    grouped = [a for a in actions if a["multitouch_group_id"] is not None]
    assert grouped
    group = grouped[0]["multitouch_group_id"]
    got = _all(client, "/v2/actions", **{"multitouch_group_id[]": [group]})
    assert got
    assert {a["multitouch_group_id"] for a in got} == {group}


@pytest.mark.parametrize("op", ["gt", "gte", "lt", "lte"])
@pytest.mark.parametrize("field", ["due_on", "updated_at"])
def test_actions_time_ranges(client: httpx.Client, op: str, field: str) -> None:
    actions = _all(client, "/v2/actions")
    pivot = sorted(a[field] for a in actions)[len(actions) // 2]
    got = _all(client, "/v2/actions", **{f"{field}[{op}]": pivot})
    compare = {
        "gt": lambda v: v > pivot,
        "gte": lambda v: v >= pivot,
        "lt": lambda v: v < pivot,
        "lte": lambda v: v <= pivot,
    }[op]
    assert {a["id"] for a in got} == {a["id"] for a in actions if compare(a[field])}


def test_actions_due_on_window(client: httpx.Client) -> None:
    got = _all(
        client,
        "/v2/actions",
        **{"due_on[gte]": "2026-01-15T00:00:00Z", "due_on[lt]": "2026-01-16T00:00:00Z"},
    )
    assert got
    assert {a["due_on"] for a in got} == {"2026-01-15T00:00:00.000000+00:00"}
    assert all(a["due"] for a in got)


@pytest.mark.parametrize("field", ["created_at", "updated_at"])
@pytest.mark.parametrize("direction", ["ASC", "DESC"])
def test_actions_sorting(client: httpx.Client, field: str, direction: str) -> None:
    got = client.get("/v2/actions", params={"sort_by": field, "sort_direction": direction})
    values = [a[field] for a in got.json()["data"]]
    assert values == sorted(values, reverse=direction == "DESC")


def test_actions_user_guid_for_admins(client: httpx.Client) -> None:
    users = data(client.get("/v2/users"))
    guid = next(u["guid"] for u in users if not u["team_admin"])
    user_id = next(u["id"] for u in users if u["guid"] == guid)
    got = _all(client, "/v2/actions", **{"user_guid[]": [guid]})
    assert got
    assert {a["user"]["id"] for a in got} == {user_id}


def test_non_admin_sees_only_own_actions_and_may_not_ask_for_others(rep: httpx.Client) -> None:
    me = data(rep.get("/v2/me"))
    mine = _all(rep, "/v2/actions")
    assert mine
    assert {a["user"]["id"] for a in mine} == {me["id"]}
    assert _all(rep, "/v2/actions", **{"user_guid[]": [me["guid"]]}) == mine
    users = data(rep.get("/v2/users"))
    other = next(u["guid"] for u in users if u["id"] != me["id"])
    refused = rep.get("/v2/actions", params={"user_guid[]": [other]})
    assert refused.status_code == 403
    assert "error" in refused.json()
    foreign = next(a for a in _all_admin_actions() if a["user"]["id"] != me["id"])
    assert rep.get(f"/v2/actions/{foreign['id']}").status_code == 404


def _all_admin_actions() -> list[dict[str, Any]]:
    return _all(make_client(size=0.1), "/v2/actions")


def test_pending_activity_actions_are_gettable_but_not_listed(client: httpx.Client) -> None:
    listed = {a["id"] for a in _all(client, "/v2/actions")}
    state = client._transport._asgi.app.state.emulator.state  # type: ignore[attr-defined]
    pending = [a["id"] for a in state.actions.values() if a["status"] == "pending_activity"]
    assert pending
    assert not set(pending) & listed
    assert data(client.get(f"/v2/actions/{pending[0]}"))["status"] == "pending_activity"


# --- /v2/activity_histories (seed 001) -------------------------------------


def test_histories_types_and_many_kinds(client: httpx.Client) -> None:
    every = _all(client, "/v2/activity_histories")
    kinds = Counter(h["type"] for h in every)
    assert len(kinds) >= 15
    got = _all(client, "/v2/activity_histories", **{"type[]": ["call", "note"]})
    assert {h["type"] for h in got} == {"call", "note"}
    assert len(got) == kinds["call"] + kinds["note"]
    single = _all(client, "/v2/activity_histories", type="sent_email")
    assert single
    assert {h["type"] for h in single} == {"sent_email"}


def test_histories_type_scoped_by_resource_type(client: httpx.Client) -> None:
    got = _all(client, "/v2/activity_histories", **{"type[account][]": ["note"]})
    assert got
    assert {(h["resource_type"], h["type"]) for h in got} == {("account", "note")}


def test_histories_unknown_type_is_422(client: httpx.Client) -> None:
    response = client.get("/v2/activity_histories", params={"type": "telegram"})
    assert response.status_code == 422
    assert "type" in response.json()["errors"]


def test_histories_resource_id_needs_resource_type(client: httpx.Client) -> None:
    person = data(client.get("/v2/people", params={"per_page": 1}))[0]
    refused = client.get("/v2/activity_histories", params={"resource_id[]": [person["id"]]})
    assert refused.status_code == 422
    assert list(refused.json()["errors"]) == ["resource_id"]
    every = _all(client, "/v2/activity_histories")
    target = next(h for h in every if h["resource_type"] == "person")
    got = _all(
        client,
        "/v2/activity_histories",
        resource_type="person",
        **{"resource_id[]": [target["resource_id"]]},
    )
    assert got
    assert {(h["resource_type"], h["resource_id"]) for h in got} == {
        ("person", target["resource_id"])
    }
    types = _all(
        client, "/v2/activity_histories", **{"resource_type[]": ["account", "crm_opportunity"]}
    )
    assert {h["resource_type"] for h in types} == {"account", "crm_opportunity"}
    bad = client.get("/v2/activity_histories", params={"resource_type": "planet"})
    assert bad.status_code == 422


def test_histories_pinned_user_guid_id_and_ranges(client: httpx.Client) -> None:
    every = _all(client, "/v2/activity_histories")
    pinned = _all(client, "/v2/activity_histories", pinned="true")
    assert pinned
    assert all(h["pinned_at"] for h in pinned)
    unpinned = _all(client, "/v2/activity_histories", pinned="false")
    assert len(pinned) + len(unpinned) == len(every)
    assert client.get("/v2/activity_histories", params={"pinned": "yes"}).status_code == 422
    guid = every[0]["user_guid"]
    mine = _all(client, "/v2/activity_histories", user_guid=guid)
    assert mine
    assert {h["user_guid"] for h in mine} == {guid}
    one = _all(client, "/v2/activity_histories", id=every[3]["id"])
    assert [h["id"] for h in one] == [every[3]["id"]]
    pivot = sorted(h["occurred_at"] for h in every)[len(every) // 2]
    later = _all(client, "/v2/activity_histories", **{"occurred_at[gte]": pivot})
    assert {h["id"] for h in later} == {h["id"] for h in every if h["occurred_at"] >= pivot}
    earlier = _all(client, "/v2/activity_histories", **{"updated_at[lt]": pivot})
    assert {h["id"] for h in earlier} == {h["id"] for h in every if h["updated_at"] < pivot}


def test_histories_sorting(client: httpx.Client) -> None:
    body = client.get("/v2/activity_histories", params={"sort_direction": "ASC"}).json()
    assert body["metadata"]["sorting"] == {"sort_by": "occurred_at", "sort_direction": "ASC"}
    stamps = [h["occurred_at"] for h in body["data"]]
    assert stamps == sorted(stamps)
    bad = client.get("/v2/activity_histories", params={"sort_by": "created_at"})
    assert bad.status_code == 422


# --- the other lists --------------------------------------------------------


def test_people_filters(client: httpx.Client) -> None:
    people = _all(client, "/v2/people")
    target = next(p for p in people if p["email_address"])
    got = _all(client, "/v2/people", **{"email_addresses[]": [target["email_address"].upper()]})
    assert [p["id"] for p in got] == [target["id"]]
    no_email = _all(client, "/v2/people", **{"email_addresses[]": ["_is_null"]})
    assert no_email
    assert all(p["email_address"] is None for p in no_email)
    owner = target["owner"]["id"]
    assert {p["owner"]["id"] for p in _all(client, "/v2/people", **{"owner_id[]": [owner]})} == {
        owner
    }
    dnc = _all(client, "/v2/people", do_not_contact="true")
    assert dnc
    assert all(p["do_not_contact"] for p in dnc)
    can_email = _all(client, "/v2/people", can_email="true")
    assert all(p["email_address"] and not p["do_not_contact"] for p in can_email)
    seniors = _all(client, "/v2/people", **{"job_seniority[]": ["manager", "_is_null"]})
    assert {p["job_seniority"] for p in seniors} <= {"manager", None}
    cadence = next(c for p in people for c in p["cadences"])["id"]
    on = _all(client, "/v2/people", **{"cadence_id[]": [cadence]})
    assert on
    assert all(cadence in {c["id"] for c in p["cadences"]} for p in on)
    fields = _all(client, "/v2/people", **{"custom_fields[Lead Source]": "website"})
    assert fields
    assert {p["custom_fields"]["Lead Source"] for p in fields} == {"Website"}
    titled = _all(client, "/v2/people", **{"title[]": ["director"]})
    assert titled
    assert all("director" in p["title"].lower() for p in titled)
    pivot = sorted(p["updated_at"] for p in people)[len(people) // 2]
    newer = _all(client, "/v2/people", **{"updated_at[gt]": pivot})
    assert {p["id"] for p in newer} == {p["id"] for p in people if p["updated_at"] > pivot}
    never = _all(client, "/v2/people", last_contacted="_is_null")
    assert never
    assert all(p["last_contacted_at"] is None for p in never)


def test_people_sort_by_name(client: httpx.Client) -> None:
    got = data(client.get("/v2/people", params={"sort_by": "name", "sort_direction": "ASC"}))
    names = [p["display_name"].lower() for p in got]
    assert names == sorted(names)


def test_cadence_filters(client: httpx.Client) -> None:
    cadences = _all(client, "/v2/cadences")
    team = _all(client, "/v2/cadences", team_cadence="true")
    assert team
    assert all(c["team_cadence"] for c in team)
    addable = _all(client, "/v2/cadences", people_addable="true")
    assert all(not c["draft"] and c["archived_at"] is None for c in addable)
    assert len(addable) == len(cadences) - 2
    archived = _all(client, "/v2/cadences", archived="true")
    assert [c["archived_at"] is not None for c in archived] == [True]
    name = cadences[0]["name"]
    assert [c["name"] for c in _all(client, "/v2/cadences", **{"name[]": [name]})] == [name]
    users = data(client.get("/v2/users"))
    owner_guid = next(u["guid"] for u in users if u["id"] == cadences[0]["owner"]["id"])
    owned = _all(client, "/v2/cadences", **{"owned_by_guid[]": [owner_guid]})
    assert {c["owner"]["id"] for c in owned} == {cadences[0]["owner"]["id"]}
    grouped = [c for c in cadences if c["groups"]]
    group = grouped[0]["groups"][0]["id"]
    got = _all(client, "/v2/cadences", group_ids=f"[{group}]")
    assert got
    assert all(group in {g["id"] for g in c["groups"]} for c in got)


def test_step_filters(client: httpx.Client) -> None:
    cadence = data(client.get("/v2/cadences", params={"per_page": 1}))[0]
    steps = _all(client, "/v2/steps", cadence_id=cadence["id"])
    assert steps
    assert {s["cadence"]["id"] for s in steps} == {cadence["id"]}
    numbers = sorted(s["step_number"] for s in steps)
    assert numbers == list(range(1, len(steps) + 1))
    emails = _all(client, "/v2/steps", type="email")
    assert emails
    assert {s["type"] for s in emails} == {"email"}
    due = _all(client, "/v2/steps", has_due_actions="true")
    due_steps = {
        a["step"]["id"]
        for a in _all(client, "/v2/actions", **{"due_on[lte]": "2026-01-15T09:00:00Z"})
    }
    assert {s["id"] for s in due} == due_steps


def test_membership_filters_and_states(client: httpx.Client) -> None:
    memberships = _all(client, "/v2/cadence_memberships")
    states = {m["current_state"] for m in memberships}
    assert states == {
        "processing",
        "staged",
        "active",
        "scheduled",
        "completed",
        "removed",
        "removed_no_action",
        "reassigned",
    }
    person = memberships[0]["person"]["id"]
    got = _all(client, "/v2/cadence_memberships", person_id=person)
    assert got
    assert {m["person"]["id"] for m in got} == {person}
    cadence = memberships[0]["cadence"]["id"]
    got = _all(client, "/v2/cadence_memberships", cadence_id=cadence)
    assert got
    assert {m["cadence"]["id"] for m in got} == {cadence}
    on = _all(client, "/v2/cadence_memberships", currently_on_cadence="true")
    assert on
    assert all(m["currently_on_cadence"] for m in on)
    off = _all(client, "/v2/cadence_memberships", currently_on_cadence="false")
    assert len(on) + len(off) == len(memberships)
    body = client.get("/v2/cadence_memberships", params={"person_id": person}).json()
    assert body["metadata"]["filtering"] == {"person_id": str(person)}
    added = data(client.get("/v2/cadence_memberships", params={"sort_by": "added_at"}))
    assert [m["added_at"] for m in added] == sorted((m["added_at"] for m in added), reverse=True)


def test_task_filters(client: httpx.Client) -> None:
    tasks = _all(client, "/v2/tasks")
    assert [t["due_date"] for t in tasks] == sorted(t["due_date"] for t in tasks)
    done = _all(client, "/v2/tasks", **{"current_state[]": ["completed"]})
    assert done
    assert {t["current_state"] for t in done} == {"completed"}
    calls = _all(client, "/v2/tasks", **{"task_type[]": ["call"]})
    assert calls
    assert {t["task_type"] for t in calls} == {"call"}
    user = tasks[0]["user"]["id"]
    assert {t["user"]["id"] for t in _all(client, "/v2/tasks", **{"user_id[]": [user]})} == {user}
    overdue = _all(client, "/v2/tasks", time_interval_filter="overdue")
    assert overdue
    assert all(t["due_date"] < "2026-01-15" and t["current_state"] == "scheduled" for t in overdue)
    today = _all(client, "/v2/tasks", time_interval_filter="today")
    assert all(t["due_date"] == "2026-01-15" for t in today)
    week = _all(client, "/v2/tasks", time_interval_filter="this_week")
    assert all("2026-01-12" <= t["due_date"] <= "2026-01-18" for t in week)
    assert client.get("/v2/tasks", params={"time_interval_filter": "someday"}).status_code == 422
    assert client.get("/v2/tasks", params={"current_state[]": ["skipped"]}).status_code == 422


def test_call_email_note_user_filters(client: httpx.Client) -> None:
    calls = _all(client, "/v2/activities/calls")
    disposition = calls[0]["disposition"]
    got = _all(client, "/v2/activities/calls", **{"disposition[]": [disposition]})
    assert got
    assert {c["disposition"] for c in got} == {disposition}
    person = calls[0]["called_person"]["id"]
    got = _all(client, "/v2/activities/calls", **{"person_id[]": [person]})
    assert {c["called_person"]["id"] for c in got} == {person}
    emails = _all(client, "/v2/activities/emails")
    one_off = _all(client, "/v2/activities/emails", one_off="true")
    assert one_off
    assert all(e["cadence"] is None for e in one_off)
    sent = _all(client, "/v2/activities/emails", **{"status[]": ["sent"]})
    assert sent
    assert len(sent) < len(emails)
    assert {e["status"] for e in sent} == {"sent"}
    bounced = _all(client, "/v2/activities/emails", bounced="true")
    assert all(e["bounced"] for e in bounced)
    notes = _all(client, "/v2/notes", associated_with_type="Account")
    assert notes
    assert all("/v2/accounts/" in n["associated_with"]["_href"] for n in notes)
    refused = client.get("/v2/notes", params={"associated_with_id": 5})
    assert refused.status_code == 422
    users = data(client.get("/v2/users"))
    assert all(u["active"] for u in users)
    everyone = data(client.get("/v2/users", params={"visible_only": "false"}))
    assert len(everyone) == len(users) + 1
    paged = client.get("/v2/users", params={"page": 1, "per_page": 2}).json()
    assert len(paged["data"]) == 2
    assert paged["metadata"]["paging"]["next_page"] == 2
    found = data(client.get("/v2/users", params={"search": users[0]["first_name"]}))
    assert users[0]["id"] in {u["id"] for u in found}
