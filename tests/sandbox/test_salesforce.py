"""The Salesforce emulator: logins, sessions, API limits, faults, sObject REST, determinism."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from engage_sandbox import SandboxClock, SandboxOptions
from engage_sandbox import salesforce as sf
from engage_sandbox.salesforce._data import DemoOrg
from engage_sandbox.salesforce._state_ids import make_id
from engage_sandbox.salesforce._state_store import Store

from .test_salesforce_helpers import Org, V, password_login, running, unsigned_jwt


@pytest.fixture
def org() -> Iterator[Org]:
    with running() as org:
        yield org


# --- logins -------------------------------------------------------------------------------


def test_password_grant_answers_the_documented_token_fields(org: Org) -> None:
    body = password_login(org.http).json()
    assert list(body) == [
        "access_token",
        "instance_url",
        "id",
        "token_type",
        "issued_at",
        "signature",
    ]
    assert body["instance_url"] == org.server.url
    assert re.fullmatch(rf"{org.server.url}/id/00D\w{{15}}/005\w{{15}}", body["id"])
    assert body["token_type"] == "Bearer"
    assert body["issued_at"].isdigit()


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"password": sf.DEMO_PASSWORD}, "invalid_grant"),
        ({"username": "nobody@example.com"}, "invalid_grant"),
        ({"client_id": "other"}, "invalid_client_id"),
        ({"client_secret": "other"}, "invalid_client"),
        ({"grant_type": "client_credentials"}, "unsupported_grant_type"),
    ],
)
def test_password_grant_refusals(org: Org, overrides: dict[str, str], error: str) -> None:
    response = password_login(org.http, **overrides)
    assert response.status_code == 400
    assert response.json()["error"] == error


def _jwt(org: Org, **claims: object) -> httpx.Response:
    now = org.state.now().timestamp()
    base = {
        "iss": sf.DEMO_CLIENT_ID,
        "sub": sf.DEMO_USERNAME,
        "aud": "https://login.salesforce.com",
        "exp": int(now + 180),
    } | claims
    form = {
        "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
        "assertion": unsigned_jwt(base),
    }
    return org.http.post("/services/oauth2/token", data=form)


def test_jwt_bearer_grant_checks_the_claims(org: Org) -> None:
    ok = _jwt(org)
    assert ok.status_code == 200
    assert org.get(
        "limits", headers={"Authorization": f"Bearer {ok.json()['access_token']}"}
    ).is_success
    assert _jwt(org, aud=org.server.url).status_code == 200
    assert _jwt(org, exp=str(int(org.state.now().timestamp()) + 60)).status_code == 200
    assert (
        _jwt(org, aud="https://evil.example").json()["error_description"] == "audience is invalid"
    )
    assert _jwt(org, exp=1).json()["error"] == "invalid_grant"
    assert _jwt(org, iss="someone-else").json()["error"] == "invalid_client_id"
    assert _jwt(org, sub="nobody@example.com").status_code == 400
    garbage = {"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": "a.b"}
    assert org.http.post("/services/oauth2/token", data=garbage).json()["error"] == "invalid_grant"


def test_refresh_token_grant(org: Org) -> None:
    form = {
        "grant_type": "refresh_token",
        "client_id": sf.DEMO_CLIENT_ID,
        "refresh_token": sf.DEMO_REFRESH_TOKEN,
    }
    body = org.http.post("/services/oauth2/token", data=form).json()
    assert body["scope"] == "api refresh_token"
    assert body["access_token"] != org.token
    # Salesforce refresh tokens do not rotate by default: the same one works again.
    assert org.http.post("/services/oauth2/token", data=form).status_code == 200
    bad = org.http.post("/services/oauth2/token", data=form | {"refresh_token": "nope"})
    assert (bad.status_code, bad.json()["error"]) == (400, "invalid_grant")


SOAP = """<?xml version="1.0" encoding="utf-8" ?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
    xmlns:urn="urn:partner.soap.sforce.com"><soapenv:Body><urn:login>
<urn:username>{user}</urn:username><urn:password>{password}</urn:password>
</urn:login></soapenv:Body></soapenv:Envelope>"""


def test_soap_login(org: Org) -> None:
    body = SOAP.format(user=sf.DEMO_USERNAME, password=sf.DEMO_PASSWORD + sf.DEMO_SECURITY_TOKEN)
    response = org.http.post("/services/Soap/u/60.0", content=body, headers={"SOAPAction": "login"})
    assert response.status_code == 200
    session = re.search(r"<sessionId>(.+?)</sessionId>", response.text)
    server_url = re.search(r"<serverUrl>(.+?)</serverUrl>", response.text)
    assert session and server_url
    assert server_url.group(1).startswith(f"{org.server.url}/services/Soap/u/60.0/00D")
    limits = org.get("limits", headers={"Authorization": f"Bearer {session.group(1)}"})
    assert limits.status_code == 200


def test_soap_login_fault(org: Org) -> None:
    body = SOAP.format(user=sf.DEMO_USERNAME, password="wrong")
    response = org.http.post("/services/Soap/u/60.0", content=body)
    assert response.status_code == 500
    assert "<sf:exceptionCode>INVALID_LOGIN</sf:exceptionCode>" in response.text
    assert org.http.post("/services/Soap/u/60.0", content="<not xml").status_code == 500


def test_session_expiry_and_bad_tokens_answer_invalid_session_id(org: Org) -> None:
    assert org.get("limits").status_code == 200
    org.advance(2 * 3600)
    expired = org.get("limits")
    assert expired.status_code == 401
    assert expired.json() == [
        {"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}
    ]
    assert expired.headers["WWW-Authenticate"] == "Token"
    assert "Sforce-Limit-Info" not in expired.headers
    assert org.http.get(f"{V}/limits").status_code == 401
    assert org.http.get(f"{V}/limits", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_session_lifetime_follows_the_option() -> None:
    with running(SandboxOptions(access_token_ttl=60)) as org:
        org.advance(50)
        assert org.get("limits").status_code == 200
        org.advance(15)
        assert org.get("limits").status_code == 401


def test_identity_url(org: Org) -> None:
    identity = password_login(org.http).json()["id"]
    body = org.http.get(identity, headers=org.headers).json()
    assert body["username"] == sf.DEMO_USERNAME
    assert body["organization_id"] == identity.split("/")[-2]


# --- API usage, limits and faults --------------------------------------------------------


def test_limit_header_counts_calls_and_is_absent_on_204(org: Org) -> None:
    first = org.get("limits")
    second = org.query("SELECT Id FROM Lead LIMIT 1")
    assert first.headers["Sforce-Limit-Info"] == "api-usage=1/15000"
    assert second.headers["Sforce-Limit-Info"] == "api-usage=2/15000"
    assert first.json() == {"DailyApiRequests": {"Max": 15000, "Remaining": 14999}}
    lead = org.post("sobjects/Lead", {"LastName": "Quiet", "Company": "Co"}).json()["id"]
    patched = org.patch(f"sobjects/Lead/{lead}", {"Title": "CEO"})
    assert patched.status_code == 204
    assert "Sforce-Limit-Info" not in patched.headers
    assert "Sforce-Limit-Info" not in org.http.get("/services/data").headers
    assert org.http.get("/_sandbox/stats").json()["cost"] == 4


def test_request_limit_exceeded() -> None:
    with running(SandboxOptions(rate_limit=3)) as org:
        for _ in range(3):
            assert org.get("limits").status_code == 200
        refused = org.get("limits")
        assert refused.status_code == 403
        assert refused.json() == [
            {"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}
        ]
        org.advance(86400)
        org.token = password_login(org.http).json()["access_token"]
        assert org.get("limits").status_code == 200


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (401, "INVALID_SESSION_ID"),
        (403, "REQUEST_LIMIT_EXCEEDED"),
        (409, "UNABLE_TO_LOCK_ROW"),
        (500, "UNABLE_TO_LOCK_ROW"),
        (503, "SERVER_UNAVAILABLE"),
    ],
)
def test_injected_faults_use_salesforce_bodies(org: Org, status: int, code: str) -> None:
    org.fault(status=status, path=f"{V}/query*")
    response = org.query("SELECT Id FROM Lead")
    assert response.status_code == status
    assert response.json()[0]["errorCode"] == code
    assert org.query("SELECT Id FROM Lead LIMIT 1").status_code == 200


def test_injected_fault_body_override(org: Org) -> None:
    custom = [{"message": "custom", "errorCode": "STORAGE_LIMIT_EXCEEDED"}]
    org.fault(status=400, path="*", body=custom)
    response = org.get("limits")
    assert (response.status_code, response.json()) == (400, custom)


# --- versions, resources, describe --------------------------------------------------------


def test_versions_and_resources(org: Org) -> None:
    versions = org.http.get("/services/data").json()
    assert versions[0] == {"label": "Spring '19", "url": "/services/data/v45.0", "version": "45.0"}
    assert versions[-1]["version"] == "66.0"
    assert org.get("/services/data/v44.0/limits").status_code == 404
    assert org.get("/services/data/v67.0/limits").status_code == 404
    assert org.get(f"{V}").json()["query"] == f"{V}/query"
    assert org.get("nope").json() == [
        {"message": "The requested resource does not exist", "errorCode": "NOT_FOUND"}
    ]
    wrong = org.request("PUT", "limits")
    assert wrong.status_code == 405
    assert wrong.json()[0]["errorCode"] == "METHOD_NOT_ALLOWED"


def test_describe(org: Org) -> None:
    names = {o["name"]: o for o in org.get("sobjects").json()["sobjects"]}
    assert names["Lead"]["keyPrefix"] == "00Q"
    assert names["ActionCadenceStepTracker"]["createable"] is False
    lead = org.get("sobjects/Lead/describe").json()
    fields = {f["name"]: f for f in lead["fields"]}
    assert fields["OwnerId"]["referenceTo"] == ["Group", "User"]
    assert fields["Status"]["picklistValues"][0]["value"] == "Open - Not Contacted"
    assert fields["Name"]["updateable"] is False
    assert org.get("sobjects/Lead").json()["objectDescribe"]["name"] == "Lead"
    assert org.get("sobjects/Nope/describe").status_code == 404


def test_pretty_print(org: Org) -> None:
    assert org.get("limits", headers={"X-PrettyPrint": "1"}).text.startswith("{\n  ")


# --- sObject rows ----------------------------------------------------------------------------


def test_create_read_update_delete(org: Org) -> None:
    created = org.post("sobjects/Lead/", {"FirstName": "Ann", "LastName": "Lee", "Company": "Acme"})
    assert created.status_code == 201
    body = created.json()
    assert body == {"id": body["id"], "success": True, "errors": []}
    assert body["id"].startswith("00Q") and len(body["id"]) == 18
    assert created.headers["Location"] == f"{V}/sobjects/Lead/{body['id']}"
    row = org.get(f"sobjects/Lead/{body['id']}").json()
    assert row["attributes"] == {"type": "Lead", "url": f"{V}/sobjects/Lead/{body['id']}"}
    assert (row["Name"], row["Status"], row["IsDeleted"]) == (
        "Ann Lee",
        "Open - Not Contacted",
        False,
    )
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000\+0000", row["CreatedDate"])
    assert org.get(f"sobjects/Lead/{body['id'][:15]}").status_code == 200
    assert org.patch(f"sobjects/Lead/{body['id']}", {"title": "CTO"}).status_code == 204
    partial = org.get(f"sobjects/Lead/{body['id']}", params={"fields": "Title,Name"}).json()
    assert list(partial) == ["attributes", "Title", "Name"] and partial["Title"] == "CTO"
    assert org.delete(f"sobjects/Lead/{body['id']}").status_code == 204
    assert org.get(f"sobjects/Lead/{body['id']}").status_code == 404
    again = org.delete(f"sobjects/Lead/{body['id']}")
    assert (again.status_code, again.json()[0]["errorCode"]) == (404, "ENTITY_IS_DELETED")


@pytest.mark.parametrize(
    ("path", "body", "code", "fields"),
    [
        ("sobjects/Lead", {"FirstName": "X"}, "REQUIRED_FIELD_MISSING", ["LastName", "Company"]),
        ("sobjects/Contact", {"FirstName": "X"}, "REQUIRED_FIELD_MISSING", ["LastName"]),
        ("sobjects/Lead", {"LastName": "X", "Company": "Y", "Nope": 1}, "INVALID_FIELD", None),
        (
            "sobjects/Lead",
            {"LastName": "X", "Company": "Y", "Name": "Z"},
            "INVALID_FIELD_FOR_INSERT_UPDATE",
            ["Name"],
        ),
        (
            "sobjects/Lead",
            {"LastName": "X", "Company": "Y", "NumberOfEmployees": "ten"},
            "JSON_PARSER_ERROR",
            None,
        ),
        (
            "sobjects/Contact",
            {"LastName": "X", "AccountId": "00Q5e0000000001AAA"},
            "FIELD_INTEGRITY_EXCEPTION",
            ["AccountId"],
        ),
        (
            "sobjects/Contact",
            {"LastName": "X", "AccountId": make_id("001", 99_999)},
            "INVALID_CROSS_REFERENCE_KEY",
            ["AccountId"],
        ),
        (
            "sobjects/ActionCadenceTracker",
            {"TargetId": "00Q5e0000000001AAA"},
            "INVALID_TYPE_FOR_OPERATION",
            None,
        ),
        ("sobjects/ActionCadenceStepTracker", {}, "INVALID_TYPE_FOR_OPERATION", None),
        ("sobjects/ActionCadence", {"Name": "New"}, "INVALID_TYPE_FOR_OPERATION", None),
    ],
)
def test_create_refusals(
    org: Org, path: str, body: dict[str, object], code: str, fields: list[str] | None
) -> None:
    response = org.post(path, body)
    assert response.status_code == 400, response.text
    error = response.json()[0]
    assert error["errorCode"] == code
    if fields is not None:
        assert error["fields"] == fields


def test_cadence_objects_follow_their_supported_calls(org: Org) -> None:
    cadence = org.records("SELECT Id FROM ActionCadence LIMIT 1")[0]["Id"]
    step_tracker = org.records("SELECT Id FROM ActionCadenceStepTracker LIMIT 1")[0]["Id"]
    tracker = org.records("SELECT Id FROM ActionCadenceTracker WHERE State = 'Running' LIMIT 1")[0][
        "Id"
    ]
    assert (
        org.patch(f"sobjects/ActionCadence/{cadence}", {"Description": "Edited"}).status_code == 204
    )
    locked = org.patch(f"sobjects/ActionCadence/{cadence}", {"TotalSteps": 9}).json()[0]
    assert (locked["errorCode"], locked["fields"]) == (
        "INVALID_FIELD_FOR_INSERT_UPDATE",
        ["TotalSteps"],
    )
    read_only = org.patch(
        f"sobjects/ActionCadenceStepTracker/{step_tracker}", {"State": "Completed"}
    )
    assert read_only.status_code == 400
    assert read_only.json() == [
        {
            "message": "entity type cannot be updated: Cadence Step Tracker",
            "errorCode": "INVALID_TYPE_FOR_OPERATION",
        }
    ]
    assert org.delete(f"sobjects/ActionCadenceStepTracker/{step_tracker}").status_code == 400
    assert (
        org.patch(f"sobjects/ActionCadenceTracker/{tracker}", {"State": "Paused"}).status_code
        == 400
    )
    assert org.delete(f"sobjects/ActionCadenceTracker/{tracker}").status_code == 204
    gone = org.records(
        f"SELECT Id FROM ActionCadenceStepTracker WHERE ActionCadenceTrackerId = '{tracker}'"
    )
    assert gone == []
    step = org.post(
        "sobjects/ActionCadenceStep",
        {"ActionCadenceId": cadence, "Type": "MakeACall", "StepName": "Extra"},
    )
    assert step.status_code == 201 and step.json()["id"].startswith("7cs")


def test_bad_json_and_unknown_records(org: Org) -> None:
    bad = org.request(
        "POST", "sobjects/Lead", content=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert (bad.status_code, bad.json()[0]["errorCode"]) == (400, "JSON_PARSER_ERROR")
    assert org.get("sobjects/Lead/00Q5e00000000ZZAAA").status_code == 404
    contact = org.records("SELECT Id FROM Contact LIMIT 1")[0]["Id"]
    assert org.get(f"sobjects/Lead/{contact}").status_code == 404


# --- determinism and scale -----------------------------------------------------------------


def _scenario(org: Org) -> list[bytes]:
    out = [
        org.query(
            "SELECT Id, Name, Owner.Name, CreatedDate FROM Lead ORDER BY Name LIMIT 50"
        ).content
    ]
    cadence = org.records("SELECT Id FROM ActionCadence WHERE State = 'Active' LIMIT 1")[0]["Id"]
    lead = org.post("sobjects/Lead", {"LastName": "Same", "Company": "Co"})
    out.append(lead.content)
    out.append(
        org.act(
            "assignTargetToSalesCadence",
            {"salesCadenceNameOrId": cadence, "targetId": lead.json()["id"]},
        ).content
    )
    out.append(
        org.query(
            "SELECT Id, State, CreatedDate, CurrentStep.DueDateTime FROM ActionCadenceTracker ORDER BY CreatedDate DESC LIMIT 5"
        ).content
    )
    page = org.query("SELECT Id FROM Task", headers={"Sforce-Query-Options": "batchSize=200"})
    out += [page.content, org.get(page.json()["nextRecordsUrl"]).content]
    # The port differs between two servers, and with it the URLs and their signature.
    token = password_login(org.http).json()
    out.append(f"{token['access_token']} {token['issued_at']}".encode())
    return out


def test_same_scenario_gives_byte_identical_responses() -> None:
    with running() as first:
        one = _scenario(first)
    with running() as second:
        two = _scenario(second)
    assert one == two
    with running(SandboxOptions(seed=8)) as other:
        assert _scenario(other)[0] != one[0]


def test_reset_restores_the_seeded_org(org: Org) -> None:
    before = org.query("SELECT Id, Name FROM Lead ORDER BY Id LIMIT 20").json()
    org.post("sobjects/Lead", {"LastName": "Temp", "Company": "Co"})
    org.http.post("/_sandbox/reset").raise_for_status()
    org.token = password_login(org.http).json()["access_token"]
    after = org.query("SELECT Id, Name FROM Lead ORDER BY Id LIMIT 20").json()
    assert after == before
    assert org.query("SELECT COUNT() FROM Lead WHERE LastName = 'Temp'").json()["totalSize"] == 0


def test_size_scales() -> None:
    # Build time is for `make bench`; a timed unit test flakes on a shared machine.
    now = SandboxClock().now()
    small = Store()
    DemoOrg(small, seed=7, size=0.2, now=now).build()
    big = Store()
    DemoOrg(big, seed=7, size=20, now=now).build()
    total = sum(len(t) for t in big.tables.values())
    assert total > 40_000
    assert sum(len(t) for t in small.tables.values()) < total / 50
    trackers = {r["State"] for r in big.tables["ActionCadenceTracker"].values()}
    assert trackers == {"Running", "Paused", "Complete", "Error", "Processing", "Initializing"}
    assert now - timedelta(days=400) < min(r["CreatedDate"] for r in big.tables["Lead"].values())
