"""Reads against the Outreach emulator: every collection, filters, sort, pages, include."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from engage_sandbox import SandboxOptions, SandboxServer, create_app
from engage_sandbox.outreach import demo_token

COLLECTIONS = [
    "users",
    "mailboxes",
    "accounts",
    "prospects",
    "sequences",
    "sequenceSteps",
    "sequenceStates",
    "tasks",
    "taskPriorities",
    "mailings",
    "calls",
]


@pytest.fixture(scope="module")
def api() -> Iterator[httpx.Client]:
    app = create_app("outreach", SandboxOptions(seed=11, size=0.3))
    with SandboxServer(app) as server:
        headers = {"Authorization": f"Bearer {demo_token(app)}"}
        with httpx.Client(base_url=server.url, headers=headers, timeout=30) as client:
            yield client


def get(api: httpx.Client, path: str, **params: Any) -> dict[str, Any]:
    response = api.get(path, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/vnd.api+json"
    body: dict[str, Any] = response.json()
    return body


def walk(api: httpx.Client, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every row of a collection, following links.next to the end."""
    body = get(api, path, **params)
    rows = list(body["data"])
    while "next" in body["links"]:
        response = api.get(body["links"]["next"])
        assert response.status_code == 200, response.text
        body = response.json()
        rows.extend(body["data"])
    return rows


@pytest.mark.parametrize("plural", COLLECTIONS)
def test_every_collection_lists_and_gets(api: httpx.Client, plural: str) -> None:
    body = get(api, f"/api/v2/{plural}", **{"page[size]": "5"})
    assert body["data"], plural
    first = body["data"][0]
    assert set(first) == {"type", "id", "attributes", "relationships", "links"}
    assert isinstance(first["id"], int)
    assert body["links"]["first"].startswith(str(api.base_url))
    one = get(api, f"/api/v2/{plural}/{first['id']}")
    assert one["data"] == first
    assert one["data"]["links"]["self"].endswith(f"/api/v2/{plural}/{first['id']}")
    assert "meta" not in body  # count only on request


def test_missing_member_is_404_json_api(api: httpx.Client) -> None:
    response = api.get("/api/v2/prospects/987654")
    assert response.status_code == 404
    assert response.json() == {
        "errors": [
            {
                "id": "resourceNotFound",
                "title": "Resource Not Found",
                "detail": "Could not find 'prospect' with ID '987654'.",
            }
        ]
    }
    assert api.get("/api/v2/widgets").status_code == 404
    # Deletes are not emulated: 405 once the write names the media type, 415 before.
    json_api = {"Content-Type": "application/vnd.api+json"}
    deleted = api.delete("/api/v2/tasks/1", headers=json_api)
    assert deleted.json()["errors"][0]["id"] == "methodNotAllowed"
    assert api.delete("/api/v2/tasks/1").json()["errors"][0]["id"] == "unsupportedMediaType"


def test_to_many_links_resolve_to_filtered_collections(api: httpx.Client) -> None:
    prospect = get(api, "/api/v2/prospects", **{"page[size]": "1"})["data"][0]
    related = prospect["relationships"]["sequenceStates"]["links"]["related"]
    states = api.get(related)
    assert states.status_code == 200
    for row in states.json()["data"]:
        assert row["relationships"]["prospect"]["data"] == {
            "type": "prospect",
            "id": prospect["id"],
        }
    for plural in COLLECTIONS:
        row = get(api, f"/api/v2/{plural}", **{"page[size]": "1"})["data"][0]
        for rel in row["relationships"].values():
            link = rel.get("links", {}).get("related")
            if link:
                assert api.get(link).status_code == 200, link


def test_count_on_request(api: httpx.Client) -> None:
    body = get(api, "/api/v2/tasks", count="true", **{"filter[state]": "complete"})
    total = len(walk(api, "/api/v2/tasks", **{"filter[state]": "complete", "page[size]": "1000"}))
    assert body["meta"] == {"count": total, "count_truncated": False}


def test_cursor_paging_reaches_the_end_without_gaps(api: httpx.Client) -> None:
    everything = walk(api, "/api/v2/tasks", **{"page[size]": "1000"})
    paged = walk(api, "/api/v2/tasks", sort="-dueAt", **{"page[size]": "97"})
    assert len(paged) == len(everything)
    assert len({r["id"] for r in paged}) == len(paged)
    due = [r["attributes"]["dueAt"] for r in paged if r["attributes"]["dueAt"]]
    assert due == sorted(due, reverse=True)


def test_prev_link_walks_back(api: httpx.Client) -> None:
    first = get(api, "/api/v2/prospects", sort="lastName", **{"page[size]": "10"})
    assert "prev" not in first["links"]
    second = api.get(first["links"]["next"]).json()
    back = api.get(second["links"]["prev"]).json()
    assert [r["id"] for r in back["data"]] == [r["id"] for r in first["data"]]
    assert "page%5Bafter%5D" in first["links"]["next"]


def test_page_size_limits(api: httpx.Client) -> None:
    assert len(get(api, "/api/v2/prospects")["data"]) == 50
    assert len(get(api, "/api/v2/prospects", **{"page[size]": "1000"})["data"]) == 900
    for bad in ("1001", "0", "ten"):
        response = api.get("/api/v2/prospects", params={"page[size]": bad})
        assert response.status_code == 400
        assert response.json()["errors"][0]["title"] == "Bad Request"
    assert api.get("/api/v2/prospects", params={"page[after]": "garbage"}).status_code == 400


def test_offset_paging_is_still_served(api: httpx.Client) -> None:
    body = get(api, "/api/v2/accounts", **{"page[limit]": "20", "page[offset]": "20"})
    assert [r["id"] for r in body["data"]] == list(range(21, 41))
    assert {"first", "prev", "next", "last"} <= set(body["links"])
    assert api.get("/api/v2/accounts", params={"page[offset]": "10001"}).status_code == 400


def test_include_side_loads_each_related_record_once(api: httpx.Client) -> None:
    body = get(
        api,
        "/api/v2/tasks",
        include="prospect,sequence,sequenceStep,sequenceState",
        **{"filter[taskType]": "sequence_step_call,sequence_step_email,sequence_step_task"},
        **{"page[size]": "200"},
    )
    keys = [(r["type"], r["id"]) for r in body["included"]]
    assert len(keys) == len(set(keys))
    assert {"prospect", "sequence", "sequenceStep", "sequenceState"} <= {k[0] for k in keys}
    for task in body["data"]:
        for rel in ("prospect", "sequence", "sequenceStep", "sequenceState"):
            data = task["relationships"][rel]["data"]
            assert (data["type"], data["id"]) in keys
    nested = get(api, "/api/v2/tasks/1", include="prospect.account,sequenceSequenceSteps")
    assert {r["type"] for r in nested.get("included", [])} <= {
        "prospect",
        "account",
        "sequenceStep",
    }
    assert api.get("/api/v2/tasks", params={"include": "wizard"}).status_code == 400


def test_sparse_fieldsets(api: httpx.Client) -> None:
    body = get(api, "/api/v2/prospects/1", **{"fields[prospect]": "firstName,account"})
    assert set(body["data"]["attributes"]) == {"firstName"}
    assert set(body["data"]["relationships"]) == {"account"}


@pytest.mark.parametrize(
    ("params", "check"),
    [
        ({"filter[state]": "incomplete"}, lambda r: r["attributes"]["state"] == "incomplete"),
        (
            {"filter[state]": "pending,complete"},
            lambda r: r["attributes"]["state"] in {"pending", "complete"},
        ),
        (
            {"filter[dueAt]": "2026-01-01..inf"},
            lambda r: r["attributes"]["dueAt"] >= "2026-01-01T00:00:00.000Z",
        ),
        (
            {"filter[dueAt]": "neginf..2025-12-31T23:59:59Z"},
            lambda r: r["attributes"]["dueAt"] <= "2025-12-31T23:59:59.000Z",
        ),
        (
            {"filter[updatedAt]": "2026-01-10..2026-01-14"},
            lambda r: "2026-01-10" <= r["attributes"]["updatedAt"][:10] <= "2026-01-14",
        ),
        ({"filter[taskType]": "manual"}, lambda r: r["attributes"]["taskType"] == "manual"),
        ({"filter[completedAt]": "__null__"}, None),
        ({"filter[scheduledAt]": "__null__"}, lambda r: r["attributes"]["scheduledAt"] is None),
        (
            {"filter[owner][id]": "2"},
            lambda r: r["relationships"]["owner"]["data"] == {"type": "user", "id": 2},
        ),
        (
            {"filter[sequence][id]": "1"},
            lambda r: r["relationships"]["sequence"]["data"]["id"] == 1,
        ),
        (
            {"filter[prospect][id]": "5..9"},
            lambda r: 5 <= r["relationships"]["prospect"]["data"]["id"] <= 9,
        ),
        ({"filter[sequenceStep][stepType]": "call"}, lambda r: r["attributes"]["action"] == "call"),
        ({"filter[id]": "1,2,3"}, lambda r: r["id"] in {1, 2, 3}),
        (
            {"filter[taskPriority][id]": "1"},
            lambda r: r["relationships"]["taskPriority"]["data"]["id"] == 1,
        ),
    ],
)
def test_task_filters(api: httpx.Client, params: dict[str, str], check: Any) -> None:
    response = api.get("/api/v2/tasks", params={**params, "page[size]": "1000"})
    if check is None:  # completedAt is not filterable per the reference
        assert response.status_code == 400
        assert response.json()["errors"][0]["id"] == "badFilter"
        return
    assert response.status_code == 200, response.text
    rows = response.json()["data"]
    assert rows, params
    assert all(check(r) for r in rows)


def test_relationship_attribute_filters(api: httpx.Client) -> None:
    user = get(api, "/api/v2/users/3")["data"]["attributes"]
    rows = get(api, "/api/v2/tasks", **{"filter[owner][email]": user["email"].upper()})["data"]
    assert rows
    assert all(r["relationships"]["owner"]["data"]["id"] == 3 for r in rows)
    prospect = get(api, "/api/v2/prospects/7")["data"]["attributes"]
    rows = get(api, "/api/v2/tasks", **{"filter[prospect][firstName]": prospect["firstName"]})[
        "data"
    ]
    assert rows
    call = walk(api, "/api/v2/calls", **{"page[size]": "1000"})[0]
    assert api.get("/api/v2/tasks", params={"filter[calls][id]": call["id"]}).status_code == 200
    step = get(api, "/api/v2/sequenceSteps/1")["data"]
    rows = get(api, "/api/v2/tasks", **{"filter[sequenceSequenceSteps][id]": "1"})["data"]
    seq_id = step["relationships"]["sequence"]["data"]["id"]
    assert all(r["relationships"]["sequence"]["data"]["id"] == seq_id for r in rows)
    bad = api.get("/api/v2/tasks", params={"filter[creator][id]": "1"})
    assert bad.status_code == 400


def test_other_collection_filters(api: httpx.Client) -> None:
    prospect = get(api, "/api/v2/prospects/12")["data"]
    email = prospect["attributes"]["emails"][0]
    found = get(api, "/api/v2/prospects", **{"filter[emails]": email})["data"]
    assert [r["id"] for r in found] == [12]
    by_q = get(api, "/api/v2/prospects", **{"filter[q]": email[:6]})["data"]
    assert 12 in {r["id"] for r in by_q}
    steps = get(api, "/api/v2/sequenceSteps", **{"filter[sequence][id]": "2"}, sort="order")["data"]
    assert [s["attributes"]["order"] for s in steps] == list(range(1, len(steps) + 1))
    paused = get(api, "/api/v2/sequenceStates", **{"filter[state]": "paused"})["data"]
    assert paused
    assert {s["attributes"]["state"] for s in paused} == {"paused"}
    states = get(api, "/api/v2/sequenceStates", **{"filter[prospect][emails]": email})["data"]
    assert all(s["relationships"]["prospect"]["data"]["id"] == 12 for s in states)
    mailings = get(
        api, "/api/v2/mailings", **{"filter[state]": "delivered", "filter[sequence][id]": "1"}
    )
    assert all(m["attributes"]["state"] == "delivered" for m in mailings["data"])
    calls = get(api, "/api/v2/calls", **{"filter[outcome]": "Answered"})["data"]
    assert calls
    assert {c["attributes"]["outcome"] for c in calls} == {"Answered"}
    boxes = get(api, "/api/v2/mailboxes", **{"filter[userId]": "2"})["data"]
    assert [b["attributes"]["userId"] for b in boxes] == [2]
    users = get(api, "/api/v2/users", **{"filter[locked]": "false"})["data"]
    assert users
    assert api.get("/api/v2/users", params={"filter[locked]": "maybe"}).status_code == 400


def test_new_filter_syntax(api: httpx.Client) -> None:
    rows = get(
        api,
        "/api/v2/prospects",
        newFilterSyntax="true",
        **{"filter[id][gte]": "5", "filter[id][lte]": "10"},
    )["data"]
    assert [r["id"] for r in rows] == list(range(5, 11))
    response = api.get(
        "/api/v2/tasks",
        params=[
            ("newFilterSyntax", "true"),
            ("filter[state][]", "complete"),
            ("filter[state][]", "pending"),
        ],
    )
    assert {r["attributes"]["state"] for r in response.json()["data"]} <= {"complete", "pending"}


def test_sort_orders_and_rejects_unknown(api: httpx.Client) -> None:
    rows = get(api, "/api/v2/prospects", sort="lastName,-firstName", **{"page[size]": "300"})[
        "data"
    ]
    keys = [(r["attributes"]["lastName"], r["attributes"]["firstName"]) for r in rows]
    for a, b in itertools.pairwise(keys):
        assert a[0] < b[0] or (a[0] == b[0] and a[1] >= b[1])
    response = api.get("/api/v2/prospects", params={"sort": "account.name"})
    assert response.status_code == 400
    assert "not allowed" in response.json()["errors"][0]["detail"]
