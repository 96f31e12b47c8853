"""The OAuth 2.0 authorization-code flow (RFC 6749, 4.1) of every emulator, end to end.

Each emulator's authorize endpoint approves at once for its demo user and sends
the browser back with a single-use code; its token endpoint trades the code for
tokens that call the API and refresh as that vendor's do.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from engage_sandbox import (
    CODE_TTL,
    AuthorizationCodes,
    CodeProblem,
    CodeRefusedError,
    SandboxClock,
    SandboxOptions,
    create_app,
)
from engage_sandbox import outreach as outreach_sandbox
from engage_sandbox import salesforce as salesforce_sandbox
from engage_sandbox import salesloft as salesloft_sandbox
from engage_testing import AppTransport
from starlette.applications import Starlette

BASE_URL = "http://sandbox.test"
REDIRECT_URI = "http://127.0.0.1:8765/callback"
STATE = "xyz ABC+/=&é"  # comes back exactly as given, whatever it holds


@dataclass(frozen=True)
class Vendor:
    name: str
    authorize_path: str
    token_path: str
    client_id: str
    client_secret: str
    refresh_rotates: bool
    answer_keys: frozenset[str]  # of the code grant's answer
    check_api: Callable[[Starlette, httpx.Client, dict[str, Any]], None]

    def __str__(self) -> str:
        return self.name


def _salesloft_api(app: Starlette, client: httpx.Client, tokens: dict[str, Any]) -> None:
    me = client.get("/v2/me", headers=_bearer(tokens["access_token"]))
    assert me.status_code == 200, me.text
    admin_id = min(app.state.emulator.state.users)  # the user of the demo code
    assert me.json()["data"]["id"] == admin_id
    assert me.json()["data"]["team_admin"] is True


def _outreach_api(app: Starlette, client: httpx.Client, tokens: dict[str, Any]) -> None:
    user = client.get(
        f"/api/v2/users/{outreach_sandbox.DEMO_USER_ID}", headers=_bearer(tokens["access_token"])
    )
    assert user.status_code == 200, user.text
    assert user.json()["data"]["id"] == outreach_sandbox.DEMO_USER_ID


def _salesforce_api(app: Starlette, client: httpx.Client, tokens: dict[str, Any]) -> None:
    headers = _bearer(tokens["access_token"])
    assert tokens["instance_url"] == BASE_URL
    identity = client.get(tokens["id"], headers=headers)
    assert identity.status_code == 200, identity.text
    assert identity.json()["user_id"] == app.state.org.admin_id  # the demo refresh token's user
    query = client.get(
        "/services/data/v60.0/query", params={"q": "SELECT Id FROM User"}, headers=headers
    )
    assert query.status_code == 200, query.text
    assert query.json()["totalSize"] >= 1


OAUTH2 = frozenset({"access_token", "token_type", "expires_in", "refresh_token", "scope"})
VENDORS = [
    Vendor(
        "salesloft",
        "/oauth/authorize",
        "/oauth/token",
        salesloft_sandbox.SANDBOX_SALESLOFT_CLIENT_ID,
        salesloft_sandbox.SANDBOX_SALESLOFT_CLIENT_SECRET,
        refresh_rotates=True,
        answer_keys=OAUTH2 | {"created_at"},
        check_api=_salesloft_api,
    ),
    Vendor(
        "outreach",
        "/oauth/authorize",
        "/oauth/token",
        outreach_sandbox.DEMO_CLIENT_ID,
        outreach_sandbox.DEMO_CLIENT_SECRET,
        refresh_rotates=True,
        answer_keys=OAUTH2 | {"created_at"},
        check_api=_outreach_api,
    ),
    Vendor(
        "salesforce",
        "/services/oauth2/authorize",
        "/services/oauth2/token",
        salesforce_sandbox.DEMO_CLIENT_ID,
        salesforce_sandbox.DEMO_CLIENT_SECRET,
        refresh_rotates=False,
        answer_keys=frozenset(
            {
                "access_token",
                "refresh_token",
                "signature",
                "scope",
                "instance_url",
                "id",
                "token_type",
                "issued_at",
            }
        ),
        check_api=_salesforce_api,
    ),
]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Emulator:
    vendor: Vendor
    app: Starlette
    http: httpx.Client

    def authorize(self, **overrides: str | None) -> httpx.Response:
        params: dict[str, str | None] = {
            "response_type": "code",
            "client_id": self.vendor.client_id,
            "redirect_uri": REDIRECT_URI,
            "state": STATE,
        }
        params.update(overrides)
        sent = {key: value for key, value in params.items() if value is not None}
        return self.http.get(self.vendor.authorize_path, params=sent)

    def code(self, **overrides: str | None) -> str:
        response = self.authorize(**overrides)
        assert response.status_code == 302, response.text
        return _callback(response)["code"]

    def exchange(self, code: str, **overrides: str) -> httpx.Response:
        form = {
            "grant_type": "authorization_code",
            "client_id": self.vendor.client_id,
            "client_secret": self.vendor.client_secret,
            "code": code,
            "redirect_uri": REDIRECT_URI,
            **overrides,
        }
        return self.http.post(self.vendor.token_path, data=form)

    def refresh(self, refresh_token: str) -> httpx.Response:
        form = {
            "grant_type": "refresh_token",
            "client_id": self.vendor.client_id,
            "client_secret": self.vendor.client_secret,
            "refresh_token": refresh_token,
        }
        return self.http.post(self.vendor.token_path, data=form)

    def advance(self, seconds: float) -> None:
        self.http.post("/_sandbox/clock", json={"advance": seconds}).raise_for_status()


def _callback(response: httpx.Response) -> dict[str, str]:
    """The single-valued query parameters of a redirect's Location."""
    query = parse_qs(urlsplit(response.headers["location"]).query, keep_blank_values=True)
    assert all(len(values) == 1 for values in query.values()), query
    return {key: values[0] for key, values in query.items()}


@pytest.fixture(params=VENDORS, ids=str)
def emu(request: pytest.FixtureRequest) -> Iterator[Emulator]:
    vendor: Vendor = request.param
    app = create_app(vendor.name, SandboxOptions(size=0.05))
    with httpx.Client(transport=AppTransport(app), base_url=BASE_URL) as http:
        yield Emulator(vendor, app, http)


def _invalid_grant(response: httpx.Response) -> None:
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "invalid_grant"


# The whole flow


def test_authorize_exchange_call_the_api_and_refresh(emu: Emulator) -> None:
    authorized = emu.authorize()
    assert authorized.status_code == 302
    assert authorized.headers["cache-control"] == "no-store"
    location = authorized.headers["location"]
    assert location.startswith(f"{REDIRECT_URI}?")
    callback = _callback(authorized)
    assert set(callback) == {"code", "state"}
    assert callback["state"] == STATE

    exchanged = emu.exchange(callback["code"])
    assert exchanged.status_code == 200, exchanged.text
    tokens = exchanged.json()
    assert set(tokens) == emu.vendor.answer_keys
    assert tokens["access_token"] and tokens["refresh_token"]
    assert tokens["token_type"].lower() == "bearer"
    if "expires_in" in tokens:
        assert tokens["expires_in"] == 7200
    emu.vendor.check_api(emu.app, emu.http, tokens)

    refreshed = emu.refresh(tokens["refresh_token"])
    assert refreshed.status_code == 200, refreshed.text
    renewed = refreshed.json()
    assert renewed["access_token"] != tokens["access_token"]
    emu.vendor.check_api(emu.app, emu.http, renewed)
    again = emu.refresh(tokens["refresh_token"])
    if emu.vendor.refresh_rotates:
        # Salesloft and Outreach hand out a new refresh token and spend the old one.
        assert set(renewed) == set(tokens)
        assert renewed["refresh_token"] != tokens["refresh_token"]
        _invalid_grant(again)
        assert emu.refresh(renewed["refresh_token"]).status_code == 200
    else:
        # Salesforce keeps the refresh token: its answer has none, and it works again.
        assert set(renewed) == set(tokens) - {"refresh_token"}
        assert again.status_code == 200, again.text


def test_the_code_answer_has_the_shape_of_the_refresh_answer(emu: Emulator) -> None:
    tokens = emu.exchange(emu.code()).json()
    renewed = emu.refresh(tokens["refresh_token"]).json()
    assert set(renewed) <= set(tokens)
    assert set(tokens) - set(renewed) <= {"refresh_token"}
    assert tokens["scope"] == renewed["scope"]


def test_the_redirect_keeps_the_query_the_redirect_uri_has(emu: Emulator) -> None:
    redirect_uri = "https://app.example.com/oauth/cb?tenant=acme&x=a%20b"
    authorized = emu.authorize(redirect_uri=redirect_uri)
    assert authorized.status_code == 302
    location = authorized.headers["location"]
    assert location.startswith(f"{redirect_uri}&code=")
    callback = _callback(authorized)
    assert callback["tenant"] == "acme"
    assert callback["x"] == "a b"
    assert callback["state"] == STATE
    assert emu.exchange(callback["code"], redirect_uri=redirect_uri).status_code == 200


def test_no_state_asked_none_sent_back(emu: Emulator) -> None:
    authorized = emu.authorize(state=None)
    assert authorized.status_code == 302
    assert set(_callback(authorized)) == {"code"}


def test_each_authorization_gets_a_fresh_code(emu: Emulator) -> None:
    first, second = emu.code(), emu.code()
    assert first != second
    assert emu.exchange(second).status_code == 200
    assert emu.exchange(first).status_code == 200


# Codes the token endpoint refuses


def test_a_code_is_single_use(emu: Emulator) -> None:
    code = emu.code()
    assert emu.exchange(code).status_code == 200
    _invalid_grant(emu.exchange(code))


def test_another_redirect_uri_is_refused(emu: Emulator) -> None:
    code = emu.code()
    _invalid_grant(emu.exchange(code, redirect_uri="http://127.0.0.1:8765/elsewhere"))
    _invalid_grant(emu.exchange(code, redirect_uri=""))
    # A refused attempt does not spend the code: the rightful client can still redeem it.
    assert emu.exchange(code).status_code == 200


def test_the_client_must_authenticate_to_redeem(emu: Emulator) -> None:
    code = emu.code()
    wrong_secret = emu.exchange(code, client_secret="not-the-secret")
    assert wrong_secret.status_code in {400, 401}
    assert wrong_secret.json()["error"] == "invalid_client"
    other_client = emu.exchange(code, client_id="someone-else")
    assert other_client.status_code in {400, 401}
    assert other_client.json()["error"].startswith("invalid_client")
    assert emu.exchange(code).status_code == 200


def test_an_unknown_code_is_refused(emu: Emulator) -> None:
    _invalid_grant(emu.exchange("never-issued"))


def test_a_code_expires_after_ten_minutes_of_sandbox_time(emu: Emulator) -> None:
    fresh = emu.code()
    stale = emu.code()
    emu.advance(CODE_TTL - 30)
    assert emu.exchange(fresh).status_code == 200
    emu.advance(30)
    _invalid_grant(emu.exchange(stale))


def test_a_reset_forgets_the_codes(emu: Emulator) -> None:
    code = emu.code()
    emu.http.post("/_sandbox/reset").raise_for_status()
    _invalid_grant(emu.exchange(code))


@pytest.mark.parametrize(
    ("vendor", "demo"),
    [
        (VENDORS[0], {"code": salesloft_sandbox.SANDBOX_SALESLOFT_AUTH_CODE}),
        (
            VENDORS[1],
            {
                "code": outreach_sandbox.DEMO_AUTH_CODE,
                "redirect_uri": outreach_sandbox.DEMO_REDIRECT_URI,
            },
        ),
    ],
    ids=str,
)
def test_the_fixed_demo_codes_still_work(vendor: Vendor, demo: dict[str, str]) -> None:
    """Salesloft and Outreach also keep their reusable demo codes (Salesforce has none)."""
    app = create_app(vendor.name, SandboxOptions(size=0.05))
    with httpx.Client(transport=AppTransport(app), base_url=BASE_URL) as http:
        emu = Emulator(vendor, app, http)
        for _ in range(2):  # reusable, unlike the codes of the authorize endpoint
            response = emu.exchange(**demo)
            assert response.status_code == 200, response.text
            vendor.check_api(app, http, response.json())


# Authorization requests answered without a redirect (RFC 6749, 4.1.2.1)


@pytest.mark.parametrize("client_id", ["someone-else", "", None])
def test_an_unknown_client_gets_a_400_and_no_redirect(emu: Emulator, client_id: str | None) -> None:
    response = emu.authorize(client_id=client_id)
    assert response.status_code == 400
    assert "location" not in response.headers
    assert response.json()["error"] in {"invalid_client", "invalid_client_id"}


@pytest.mark.parametrize(
    "redirect_uri",
    [
        None,
        "",
        "/callback",
        "127.0.0.1:8765/callback",
        "ftp://127.0.0.1/callback",
        "javascript:alert(1)",
        "http:///callback",
        "http://127.0.0.1:8765/callback#fragment",
        "http://127.0.0.1:notaport/callback",
        "http://127.0.0.1/call back",
    ],
)
def test_a_missing_or_invalid_redirect_uri_gets_a_400_and_no_redirect(
    emu: Emulator, redirect_uri: str | None
) -> None:
    response = emu.authorize(redirect_uri=redirect_uri)
    assert response.status_code == 400
    assert "location" not in response.headers
    assert response.json()["error"]


def test_a_repeated_client_or_redirect_uri_gets_a_400(emu: Emulator) -> None:
    params = [
        ("response_type", "code"),
        ("client_id", emu.vendor.client_id),
        ("redirect_uri", REDIRECT_URI),
        ("redirect_uri", "https://attacker.example/cb"),
    ]
    response = emu.http.get(emu.vendor.authorize_path, params=params)
    assert response.status_code == 400
    assert "location" not in response.headers


# Authorization requests refused by a redirect (RFC 6749, 4.1.2.1)


@pytest.mark.parametrize("response_type", ["token", "id_token", "code token"])
def test_another_response_type_is_refused_by_redirect(emu: Emulator, response_type: str) -> None:
    response = emu.authorize(response_type=response_type)
    assert response.status_code == 302
    callback = _callback(response)
    assert response.headers["location"].startswith(f"{REDIRECT_URI}?")
    assert callback["error"] == "unsupported_response_type"
    assert callback["state"] == STATE
    assert "code" not in callback


def test_a_missing_response_type_is_an_invalid_request(emu: Emulator) -> None:
    response = emu.authorize(response_type=None)
    assert response.status_code == 302
    callback = _callback(response)
    assert callback["error"] == "invalid_request"
    assert callback["state"] == STATE
    assert "code" not in callback


# Scopes, where the vendor has them


def test_outreach_grants_the_scopes_asked_for() -> None:
    app = create_app("outreach", SandboxOptions(size=0.05))
    with httpx.Client(transport=AppTransport(app), base_url=BASE_URL) as http:
        emu = Emulator(VENDORS[1], app, http)
        tokens = emu.exchange(emu.code(scope="prospects.read  tasks.all")).json()
        assert tokens["scope"] == "prospects.read tasks.all"
        headers = _bearer(tokens["access_token"])
        assert http.get("/api/v2/prospects", headers=headers).status_code == 200
        denied = http.get(f"/api/v2/users/{outreach_sandbox.DEMO_USER_ID}", headers=headers)
        assert denied.status_code == 403
        renewed = emu.refresh(tokens["refresh_token"]).json()
        assert renewed["scope"] == "prospects.read tasks.all"


def test_salesforce_answers_a_refresh_token_only_for_an_offline_scope() -> None:
    app = create_app("salesforce", SandboxOptions(size=0.05))
    with httpx.Client(transport=AppTransport(app), base_url=BASE_URL) as http:
        emu = Emulator(VENDORS[2], app, http)
        default = emu.exchange(emu.code()).json()
        assert default["scope"] == "api refresh_token"
        online = emu.exchange(emu.code(scope="api")).json()
        assert online["scope"] == "api"
        assert "refresh_token" not in online
        assert http.get(online["id"], headers=_bearer(online["access_token"])).status_code == 200
        offline = emu.exchange(emu.code(scope="api offline_access")).json()
        assert emu.refresh(offline["refresh_token"]).status_code == 200


def test_salesloft_grants_its_one_scope_whatever_is_asked() -> None:
    app = create_app("salesloft", SandboxOptions(size=0.05))
    with httpx.Client(transport=AppTransport(app), base_url=BASE_URL) as http:
        emu = Emulator(VENDORS[0], app, http)
        assert emu.exchange(emu.code(scope="people:read")).json()["scope"] == "all"


# The shared code registry itself


def test_codes_are_bound_to_their_client_and_redirect_uri() -> None:
    codes = AuthorizationCodes(SandboxClock())
    code = codes.issue("client-a", REDIRECT_URI, "user-1", "api")
    for client_id, redirect_uri, problem in [
        ("client-b", REDIRECT_URI, CodeProblem.CLIENT_MISMATCH),
        ("client-a", f"{REDIRECT_URI}/", CodeProblem.REDIRECT_URI_MISMATCH),
    ]:
        with pytest.raises(CodeRefusedError) as refused:
            codes.redeem(code, client_id=client_id, redirect_uri=redirect_uri)
        assert refused.value.problem is problem
        assert refused.value.error == "invalid_grant"
    grant = codes.redeem(code, client_id="client-a", redirect_uri=REDIRECT_URI)
    assert (grant.code, grant.subject, grant.scope) == (code, "user-1", "api")
    with pytest.raises(CodeRefusedError) as spent:
        codes.redeem(code, client_id="client-a", redirect_uri=REDIRECT_URI)
    assert spent.value.problem is CodeProblem.SPENT
    with pytest.raises(CodeRefusedError) as unknown:
        codes.redeem("nope", client_id="client-a", redirect_uri=REDIRECT_URI)
    assert unknown.value.problem is CodeProblem.UNKNOWN


def test_codes_expire_on_the_sandbox_clock_at_ten_minutes() -> None:
    clock = SandboxClock()
    codes = AuthorizationCodes(clock)
    assert CODE_TTL == 600
    live, dead = (codes.issue("c", REDIRECT_URI, "u") for _ in range(2))
    clock.advance(timedelta(seconds=CODE_TTL - 1))
    assert codes.redeem(live, client_id="c", redirect_uri=REDIRECT_URI).subject == "u"
    clock.advance(1)
    with pytest.raises(CodeRefusedError) as expired:
        codes.redeem(dead, client_id="c", redirect_uri=REDIRECT_URI)
    assert expired.value.problem is CodeProblem.EXPIRED
    codes.issue("c", REDIRECT_URI, "u")  # sweeps what expired
    assert len(codes) == 1


def test_codes_are_deterministic_and_reset() -> None:
    first, second = AuthorizationCodes(SandboxClock()), AuthorizationCodes(SandboxClock())
    issued = [first.issue("c", REDIRECT_URI, "u") for _ in range(3)]
    assert issued == [second.issue("c", REDIRECT_URI, "u") for _ in range(3)]
    assert len(set(issued)) == 3
    first.reset()
    assert len(first) == 0
    with pytest.raises(CodeRefusedError):
        first.redeem(issued[0], client_id="c", redirect_uri=REDIRECT_URI)


def test_only_one_of_concurrent_redemptions_wins() -> None:
    codes = AuthorizationCodes(SandboxClock())
    code = codes.issue("c", REDIRECT_URI, "u")
    barrier = threading.Barrier(8)
    won: list[str] = []
    refused: list[CodeProblem] = []

    def redeem() -> None:
        barrier.wait()
        try:
            won.append(codes.redeem(code, client_id="c", redirect_uri=REDIRECT_URI).subject)
        except CodeRefusedError as exc:
            refused.append(exc.problem)

    threads = [threading.Thread(target=redeem) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert won == ["u"]
    assert refused == [CodeProblem.SPENT] * 7
