"""Settings, SOQL escaping, the limit header, error mapping and the loopback emulator's URLs."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from engage_salesforce import SalesforceAdapter, SalesforceSettings
from engage_salesforce import _protocol_soql as soql
from engage_salesforce._protocol import api_protocol, parse_limit_info

import engage
from engage import (
    AuthError,
    ConfigurationError,
    ConflictError,
    DisallowedHostError,
    InputError,
    NotFoundError,
    QuotaExhaustedError,
    RateLimitError,
    ValidationError,
)
from engage._transport import RetryPolicy, TransportOptions
from engage.transport import HttpTransport, RateObservation, operation_scope

pytestmark = pytest.mark.filterwarnings("error")

CTX = {"vendor": "salesforce", "tenant": "t", "operation": "op"}


def _settings(**values: Any) -> SalesforceSettings:
    return SalesforceSettings.model_validate(values)


@pytest.mark.parametrize(
    ("values", "method"),
    [
        ({"instance_url": "https://a.my.salesforce.com", "access_token": "x"}, "access_token"),
        ({"username": "u", "password": "p", "security_token": "s"}, "password"),
        ({"username": "u", "consumer_key": "k", "private_key_file": "/k.pem"}, "jwt"),
        ({"client_id": "c", "client_secret": "s", "refresh_token": "r"}, "refresh_token"),
    ],
)
def test_each_login_method(values: dict[str, Any], method: str) -> None:
    settings = _settings(**values)
    assert settings.login_method == method and settings.api_version == "60.0"
    assert "x" not in repr(settings.access_token) if settings.access_token else True


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({}, "no login method"),
        ({"access_token": "x"}, "access_token login needs instance_url"),
        ({"username": "u", "password": "p"}, "password login needs security_token"),
        ({"username": "u", "consumer_key": "k"}, "private_key or private_key_file"),
        ({"client_id": "c", "refresh_token": "r"}, "refresh_token login needs client_secret"),
        (
            {"access_token": "x", "instance_url": "https://a.example", "password": "p"},
            "exactly one login method",
        ),
        ({"access_token": "x", "instance_url": "http://a.example"}, "must be an https:// URL"),
    ],
)
def test_incomplete_or_ambiguous_logins_are_refused(values: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        _settings(**values)


def test_settings_errors_surface_as_configuration_errors() -> None:
    eng = engage.Engage({"t": {"vendor": "salesforce", "access_token": "secret-value-123"}})
    with pytest.raises(ConfigurationError, match="instance_url") as caught:
        eng.tenant("t")
    assert "secret-value-123" not in str(caught.value)


def test_plain_http_only_for_loopback() -> None:
    assert _settings(access_token="x", instance_url="http://127.0.0.1:9999").instance_url
    with pytest.raises(ValueError, match="https"):
        _settings(access_token="x", instance_url="http://evil.example:9999")


def test_raw_client_urls_of_a_loopback_emulator_go_to_it_as_plain_http_and_no_other() -> None:
    sent: list[tuple[str, dict[str, float]]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append((str(request.url), request.extensions["timeout"]))
        return httpx.Response(200, json={})

    eng = engage.Engage(
        {
            "t": {
                "vendor": "salesforce",
                "access_token": "x",
                "instance_url": "http://127.0.0.1:8123",
                "transport": {"connect_timeout": 3, "timeout": 9},
            }
        },
        http_transport=httpx.MockTransport(handler),
    )
    raw = eng.tenant("t").raw
    assert raw.session.get("https://127.0.0.1:8123/x").status_code == 200
    with pytest.raises(DisallowedHostError):
        raw.session.get("https://other.example/x")
    assert [url for url, _ in sent] == ["http://127.0.0.1:8123/x"]
    assert sent[0][1]["connect"] == 3.0 and sent[0][1]["read"] == 9.0


def test_soql_literals_escape_everything_that_could_end_them() -> None:
    assert soql.quote("o'brien") == r"'o\'brien'"
    assert soql.quote("a\\' OR Id != '") == r"'a\\\' OR Id != \''"
    assert soql.quote('line\nbreak"') == r"'line\nbreak\"'"
    assert soql.sf_id("00Q5e0000000001EAA") == "'00Q5e0000000001EAA'"
    for bad in ("00Q' OR Id != '", "short", "00Q5e0000000001EA%"):
        with pytest.raises(InputError):
            soql.sf_id(bad)


def test_limit_info_becomes_a_rate_observation() -> None:
    seen = parse_limit_info("api-usage=18/5000")
    assert seen == RateObservation(remaining=4982, limit=5000, quota=True)
    per_app = "api-usage=25/5000; per-app-api-usage=17/250(appName=x)"
    assert parse_limit_info(per_app) == RateObservation(remaining=4975, limit=5000, quota=True)
    assert parse_limit_info(None) is None and parse_limit_info("nonsense") is None
    # Spent: no reset time from Salesforce (a rolling day), so one check in 5 minutes.
    spent = parse_limit_info("api-usage=5001/5000", now=1000.0)
    assert spent == RateObservation(remaining=0, limit=5000, reset_at=1300.0, quota=True)


def error_for(status: int, body: bytes, *, idempotent: bool) -> engage.VendorError:
    """The error the tenant's transport raises for this answer, built by Salesforce's protocol."""
    answer = httpx.MockTransport(
        lambda _: httpx.Response(status, content=body, headers={"Content-Type": "application/json"})
    )
    http = HttpTransport(
        protocol=api_protocol("refresh_token", 15000),
        tenant="t",
        base_url="https://acme.my.salesforce.com",
        options=TransportOptions(max_attempts=1),
        retry=RetryPolicy(TransportOptions(max_attempts=1)),
        transport=answer,
    )
    with (
        operation_scope(vendor="salesforce", tenant="t", operation="op", deadline_seconds=9),
        pytest.raises(engage.VendorError) as caught,
    ):
        http.request("POST", "/services/data/v60.0/query", idempotent=idempotent)
    http.close()
    assert (caught.value.vendor, caught.value.tenant, caught.value.operation) == tuple(CTX.values())
    return caught.value


@pytest.mark.parametrize(
    ("status", "code", "message", "kind", "retryable"),
    [
        (
            403,
            "REQUEST_LIMIT_EXCEEDED",
            "TotalRequests Limit exceeded.",
            QuotaExhaustedError,
            False,
        ),
        (
            403,
            "REQUEST_LIMIT_EXCEEDED",
            "ConcurrentPerOrgLongTxn Limit exceeded",
            RateLimitError,
            True,
        ),
        (409, "UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access", ConflictError, True),
        (500, "UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access", ConflictError, True),
        # How row locks show up in real orgs: wrapped in a flow or trigger failure.
        (
            400,
            "CANNOT_EXECUTE_FLOW_TRIGGER",
            "We can't save this record because the \u201cLead Routing\u201d process failed."
            "\nError ID: 1234 (-5678)\nUNABLE_TO_LOCK_ROW: unable to obtain exclusive access"
            " to this record or 1 records: 00Q5e000001abcdEAA",
            ConflictError,
            True,
        ),
        (
            400,
            "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY",
            "LeadTrigger: execution of AfterUpdate caused by: System.DmlException: Update"
            " failed. First exception on row 0; first error: UNABLE_TO_LOCK_ROW, unable to"
            " obtain exclusive access to this record: []",
            ConflictError,
            True,
        ),
        (
            400,
            "CANNOT_EXECUTE_FLOW_TRIGGER",
            "The flow failed: FIELD_CUSTOM_VALIDATION_EXCEPTION: Email is required",
            ValidationError,
            False,
        ),
        (400, "MALFORMED_QUERY", "unexpected token: 'x'\nSELECT Id FROM", ValidationError, False),
        (400, "INVALID_FIELD", "No such column 'Nope'", ValidationError, False),
        (404, "NOT_FOUND", "The requested resource does not exist", NotFoundError, False),
        (401, "INVALID_SESSION_ID", "Session expired or invalid", AuthError, False),
    ],
)
def test_error_codes(status: int, code: str, message: str, kind: type, retryable: bool) -> None:
    body = json.dumps([{"message": message, "errorCode": code, "fields": ["Email"]}]).encode()
    error = error_for(status, body, idempotent=True)
    assert type(error) is kind and error.retryable is retryable and error.code == code
    assert "\n" not in str(error) and "SELECT" not in str(error)
    assert "00Q5e000001abcdEAA" not in str(error)  # record ids in later lines stay out


def test_an_error_without_a_json_body() -> None:
    error = error_for(502, b"<html>bad gateway</html>", idempotent=False)
    assert isinstance(error, engage.UnavailableError) and error.ambiguous and not error.retryable
    assert "html" not in str(error)


def test_every_operation_is_declared() -> None:
    assert SalesforceAdapter.capabilities == frozenset(engage.Capability)


def test_raw_is_the_vendor_payload_untouched() -> None:
    from engage_salesforce import _read as read

    row = {
        "attributes": {
            "type": "Lead",
            "url": "/services/data/v60.0/sobjects/Lead/00Q000000000001AAA",
        },
        "Id": "00Q000000000001AAA",
        "Email": "ada@example.com",
        "LastName": "Lovelace",
        "Company": "Analytical Engines",
        "LastModifiedDate": "2026-01-15T09:00:00.000+0000",
        "Custom__c": "kept",
    }
    target = read.PARSE_LEAD(row)
    assert target.raw == row  # not re-serialised: the vendor's own timestamp format survives
    assert target.raw["LastModifiedDate"] == "2026-01-15T09:00:00.000+0000"
