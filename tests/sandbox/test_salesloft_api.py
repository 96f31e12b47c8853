"""Salesloft emulator: envelope, paging, errors, auth, OAuth, rate limits, determinism."""

from __future__ import annotations

import math
from datetime import timedelta

import httpx
import pytest
from engage_sandbox.salesloft import (
    SANDBOX_SALESLOFT_AUTH_CODE,
    SANDBOX_SALESLOFT_CLIENT_ID,
    SANDBOX_SALESLOFT_CLIENT_SECRET,
)

from .test_salesloft_support import ADMIN_KEY, client_for, data, list_all, make_app, make_client

LISTS = [
    "/v2/people",
    "/v2/cadences",
    "/v2/steps",
    "/v2/cadence_memberships",
    "/v2/tasks",
    "/v2/actions",
    "/v2/activity_histories",
    "/v2/activities/calls",
    "/v2/activities/emails",
    "/v2/notes",
]


@pytest.mark.parametrize("path", LISTS)
def test_list_envelope_and_paging_to_the_end(path: str) -> None:
    client = make_client()
    first = client.get(path, params={"per_page": 7, "include_paging_counts": "true"})
    assert first.status_code == 200
    body = first.json()
    assert set(body) == {"data", "metadata"}
    assert set(body["metadata"]) == {"filtering", "paging", "sorting"}
    paging = body["metadata"]["paging"]
    total = paging["total_count"]
    assert total > 7
    assert paging == {
        "per_page": 7,
        "current_page": 1,
        "next_page": 2,
        "prev_page": None,
        "total_pages": math.ceil(total / 7),
        "total_count": total,
    }
    everything = list_all(client, path)
    assert len(everything) == total
    assert len({record["id"] for record in everything}) == total
    last = client.get(path, params={"per_page": 7, "page": paging["total_pages"]}).json()
    assert last["metadata"]["paging"]["next_page"] is None
    assert last["metadata"]["paging"]["prev_page"] == paging["total_pages"] - 1
    assert "total_count" not in last["metadata"]["paging"]
    beyond = client.get(path, params={"page": 10_000}).json()
    assert beyond["data"] == []
    assert beyond["metadata"]["paging"]["next_page"] is None


@pytest.mark.parametrize("path", ["/v2/people", "/v2/people.json"])
def test_json_suffix_and_plain_paths_answer_alike(path: str) -> None:
    assert data(make_client().get(path, params={"per_page": 3}))


def test_item_paths_accept_json_suffix() -> None:
    client = make_client()
    person = data(client.get("/v2/people", params={"per_page": 1}))[0]
    assert data(client.get(f"/v2/people/{person['id']}.json"))["id"] == person["id"]
    assert data(client.get(f"/v2/people/{person['id']}"))["id"] == person["id"]


def test_limit_paging_counts_caps_at_ten_thousand() -> None:
    client = make_client(size=3.5)
    params = {"include_paging_counts": "true", "per_page": 100}
    plain = client.get("/v2/people", params=params).json()["metadata"]["paging"]
    capped = client.get("/v2/people", params={**params, "limit_paging_counts": "true"}).json()
    assert plain["total_count"] > 10_000
    assert capped["metadata"]["paging"]["total_count"] == 10_000
    assert capped["metadata"]["paging"]["total_pages"] == 100


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"per_page": 101}, "per_page"),
        ({"per_page": 0}, "per_page"),
        ({"per_page": "many"}, "per_page"),
        ({"page": 0}, "page"),
        ({"sort_by": "first_name"}, "sort_by"),
        ({"sort_direction": "up"}, "sort_direction"),
        ({"updated_at[gt]": "yesterday"}, "updated_at"),
        ({"do_not_contact": "maybe"}, "do_not_contact"),
    ],
)
def test_bad_list_parameters_are_422_with_field_errors(
    params: dict[str, object], field: str
) -> None:
    response = make_client().get("/v2/people", params=params)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert list(errors) == [field]
    assert all(isinstance(message, str) for message in errors[field])


def test_per_page_message_quotes_the_documented_range() -> None:
    body = make_client().get("/v2/actions", params={"per_page": 500}).json()
    assert body == {"errors": {"per_page": ["must be in the range [1, 100]"]}}


def test_sorting_metadata_and_order() -> None:
    client = make_client()
    body = client.get("/v2/people", params={"sort_by": "created_at", "sort_direction": "asc"})
    sorting = body.json()["metadata"]["sorting"]
    assert sorting == {"sort_by": "created_at", "sort_direction": "ASC"}
    stamps = [p["created_at"] for p in body.json()["data"]]
    assert stamps == sorted(stamps)
    default = client.get("/v2/people").json()
    assert default["metadata"]["sorting"] == {"sort_by": "updated_at", "sort_direction": "DESC"}
    stamps = [p["updated_at"] for p in default["data"]]
    assert stamps == sorted(stamps, reverse=True)


def test_ids_filter_silently_omits_missing_ids() -> None:
    client = make_client()
    people = data(client.get("/v2/people", params={"per_page": 2}))
    wanted = [people[0]["id"], 999_999_999, people[1]["id"]]
    response = client.get("/v2/people", params={"ids[]": wanted})
    assert response.status_code == 200
    assert {p["id"] for p in response.json()["data"]} == {people[0]["id"], people[1]["id"]}
    assert response.json()["metadata"]["filtering"] == {"ids": [str(i) for i in wanted]}


def test_unknown_records_and_routes_are_404() -> None:
    client = make_client()
    for path in ("/v2/people/1", "/v2/people/abc", "/v2/cadences/9", "/v2/nowhere"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.json() == {"error": "Not Found"}


def test_missing_or_bad_token_is_401() -> None:
    app = make_app()
    assert client_for(app, key=None).get("/v2/me").status_code == 401
    response = client_for(app, key="not-a-key").get("/v2/me")
    assert response.status_code == 401
    assert response.json() == {"error": "Unauthorized"}
    assert "x-ratelimit-endpoint-cost" not in response.headers


def _oauth(client: httpx.Client, **fields: str) -> httpx.Response:
    form = {
        "client_id": SANDBOX_SALESLOFT_CLIENT_ID,
        "client_secret": SANDBOX_SALESLOFT_CLIENT_SECRET,
        **fields,
    }
    return client.post("/oauth/token", data=form)


def test_oauth_code_then_refresh_rotates_and_spends_the_old_token() -> None:
    app = make_app()
    anon = client_for(app, key=None)
    first = _oauth(anon, grant_type="authorization_code", code=SANDBOX_SALESLOFT_AUTH_CODE)
    assert first.status_code == 200
    tokens = first.json()
    assert tokens["expires_in"] == 7200
    assert tokens["token_type"] == "Bearer"
    assert data(client_for(app, key=tokens["access_token"]).get("/v2/me"))["team_admin"]
    second = _oauth(anon, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert second.status_code == 200
    rotated = second.json()
    assert rotated["refresh_token"] != tokens["refresh_token"]
    assert rotated["access_token"] != tokens["access_token"]
    again = _oauth(anon, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"
    assert client_for(app, key=rotated["access_token"]).get("/v2/me").status_code == 200


def test_oauth_rejects_bad_client_code_and_grant() -> None:
    anon = client_for(make_app(), key=None)
    bad_client = anon.post("/oauth/token", data={"grant_type": "refresh_token", "client_id": "x"})
    assert bad_client.status_code == 401
    assert bad_client.json()["error"] == "invalid_client"
    assert _oauth(anon, grant_type="authorization_code", code="nope").status_code == 400
    assert _oauth(anon, grant_type="password").json()["error"] == "unsupported_grant_type"


def test_access_tokens_expire_after_two_hours_of_sandbox_time() -> None:
    app = make_app()
    tokens = _oauth(
        client_for(app, key=None), grant_type="authorization_code", code=SANDBOX_SALESLOFT_AUTH_CODE
    ).json()
    client = client_for(app, key=tokens["access_token"])
    assert client.get("/v2/me").status_code == 200
    app.state.kit.clock.advance(timedelta(hours=2))
    expired = client.get("/v2/me")
    assert expired.status_code == 401
    assert expired.json() == {"error": "Unauthorized"}


def test_access_token_ttl_option_is_honoured() -> None:
    app = make_app(access_token_ttl=30)
    tokens = _oauth(
        client_for(app, key=None), grant_type="authorization_code", code=SANDBOX_SALESLOFT_AUTH_CODE
    ).json()
    assert tokens["expires_in"] == 30
    app.state.kit.clock.advance(31)
    assert client_for(app, key=tokens["access_token"]).get("/v2/me").status_code == 401


@pytest.mark.parametrize(
    ("page", "cost"),
    [(1, 1), (100, 1), (101, 3), (150, 3), (151, 8), (250, 8), (251, 10), (500, 10), (501, 30)],
)
def test_deep_pages_cost_more(page: int, cost: int) -> None:
    app = make_app()
    response = client_for(app).get("/v2/people", params={"page": page, "per_page": 1})
    assert response.status_code == 200
    assert response.headers["x-ratelimit-endpoint-cost"] == str(cost)
    assert response.headers["x-ratelimit-remaining-minute"] == str(600 - cost)
    assert app.state.kit.stats.cost == cost


def test_budget_is_per_team_and_429_carries_retry_after() -> None:
    app = make_app(rate_limit=20)
    admin, rep = client_for(app), client_for(app, key="sandbox-salesloft-rep-api-key")
    remaining = [
        int((admin if i % 2 else rep).get("/v2/me").headers["x-ratelimit-remaining-minute"])
        for i in range(20)
    ]
    assert remaining == list(range(19, -1, -1))
    refused = admin.get("/v2/me")
    assert refused.status_code == 429
    assert refused.json() == {"error": "Rate limit exceeded"}
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.headers["x-ratelimit-remaining-minute"] == "0"
    assert app.state.kit.stats.cost == 20
    app.state.kit.clock.advance(int(refused.headers["retry-after"]))
    assert admin.get("/v2/me").status_code == 200


def test_a_deep_page_that_does_not_fit_is_refused_and_charges_nothing() -> None:
    app = make_app(rate_limit=10)
    client = client_for(app)
    refused = client.get("/v2/people", params={"page": 600})
    assert refused.status_code == 429
    assert refused.headers["x-ratelimit-endpoint-cost"] == "30"
    assert client.get("/v2/me").headers["x-ratelimit-remaining-minute"] == "9"


def test_errors_carry_rate_limit_headers_too() -> None:
    response = make_client().get("/v2/people", params={"per_page": 500})
    assert response.status_code == 422
    assert response.headers["x-ratelimit-endpoint-cost"] == "1"


SCENARIO = [
    ("GET", "/v2/people", {"per_page": 5}),
    ("GET", "/v2/actions", {"per_page": 5, "sort_by": "created_at"}),
    ("POST", "/v2/tasks", None),
    ("GET", "/v2/activity_histories", {"per_page": 5}),
    ("GET", "/v2/cadence_memberships", {"per_page": 5}),
]


def _run_scenario(client: httpx.Client) -> list[bytes]:
    out = []
    person = data(client.get("/v2/people", params={"per_page": 1}))[0]
    for method, path, params in SCENARIO:
        if method == "POST":
            body = {
                "subject": "Call back",
                "person_id": person["id"],
                "user_id": 1001,
                "task_type": "call",
                "due_date": "2026-01-20",
                "current_state": "scheduled",
            }
            response = client.post(path, json=body)
        else:
            response = client.get(path, params=params)
        out.append(response.content)
        out.append(str(sorted(response.headers.items())).encode())
    return out


def test_two_fresh_apps_answer_byte_identically() -> None:
    assert _run_scenario(make_client(seed=3)) == _run_scenario(make_client(seed=3))
    assert _run_scenario(make_client(seed=3)) != _run_scenario(make_client(seed=4))


def test_reset_restores_the_seeded_data() -> None:
    app = make_app()
    client = client_for(app)
    before = client.get("/v2/people", params={"per_page": 3}).json()["data"]
    person_id = before[0]["id"]
    assert client.delete(f"/v2/people/{person_id}").status_code == 204
    assert client.post("/_sandbox/reset").status_code == 200
    after = client.get("/v2/people", params={"per_page": 3}).json()["data"]
    assert after == before


def test_hrefs_point_at_the_sandbox() -> None:
    membership = data(make_client().get("/v2/cadence_memberships", params={"per_page": 1}))[0]
    assert membership["person"]["_href"] == (
        f"http://sandbox.test/v2/people/{membership['person']['id']}"
    )


def test_admin_key_constant_is_the_admin() -> None:
    me = data(make_client().get("/v2/me"))
    assert me["team_admin"] is True
    assert ADMIN_KEY.startswith("sandbox-")
