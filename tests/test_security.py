"""Tokens never reach messages, reprs or logs; links are followed only to the tenant's host."""

from __future__ import annotations

import logging

import httpx
import pytest

from engage import DisallowedHostError, Engage, NotFoundError, TenantClient
from engage._transport import HostAllowList, redact_headers, redact_url
from tests.support import toyvendor

SECRET = toyvendor.API_KEY


def test_redact_url_hides_secrets_and_personal_data() -> None:
    url = (
        "https://api.test/v2/people?email_addresses[]=ada@example.com&access_token=abc123"
        "&per_page=100&client_secret=s3&first_name=Ada"
        "&q=SELECT+Id+FROM+Lead+WHERE+Email+%3D+%27ada%40example.com%27"
    )
    text = redact_url(url)
    for leaked in ("ada@example.com", "ada%40example.com", "abc123", "s3", "Ada"):
        assert leaked not in text
    assert "per_page=100" in text and "SELECT" in text
    assert redact_url("https://user:pw@api.test/x") == "https://api.test/x"


def test_redact_headers() -> None:
    headers = redact_headers({"Authorization": "Bearer xyz", "Accept": "json", "Cookie": "a=b"})
    assert headers == {"Authorization": "REDACTED", "Accept": "json", "Cookie": "REDACTED"}


def test_tokens_never_in_error_messages_reprs_or_logs(
    toy: TenantClient, toy_engage: Engage, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="engage")
    with pytest.raises(NotFoundError) as info:
        toy.targets.get("12345")
    error = info.value
    texts = [
        str(error),
        repr(error),
        str(error.__cause__),
        repr(toy),
        repr(toy_engage),
        repr(toy.config),
        repr(toy.adapter.settings),
        repr(toy.adapter.http),  # type: ignore[attr-defined]
        repr(toy.raw.auth),
        caplog.text,
    ]
    assert "GET https://api.toy.test/people/12345 -> 404" in caplog.text
    for text in texts:
        assert SECRET not in text


def test_debug_log_redacts_personal_query_values(
    toy: TenantClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="engage")
    toy.targets.find_by_email("person7@example.com")
    assert "person7@example.com" not in caplog.text
    assert "email=REDACTED" in caplog.text


def test_host_allow_list() -> None:
    hosts = HostAllowList("v", "https://api.vendor.test/v2/")
    assert hosts.check("/v2/people?page=2") == "https://api.vendor.test/v2/people?page=2"
    assert hosts.check("https://api.vendor.test:443/v2/x").startswith("https://api.vendor.test")
    for bad in (
        "https://evil.test/v2/people",
        "http://api.vendor.test/v2/people",  # scheme downgrade
        "https://api.vendor.test.evil.test/",
        "https://api.vendor.test:8443/",
        "//evil.test/steal",
    ):
        with pytest.raises(DisallowedHostError):
            hosts.check(bad)


def test_a_vendor_link_to_another_host_is_not_followed() -> None:
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(
            200,
            json={"items": [{"id": 1}], "next": "https://collector.evil.test/people?cursor=10"},
        )

    eng = Engage(
        {"acme": {"vendor": "toy", "api_key": SECRET}},
        plugins=[toyvendor],
        http_transport=httpx.MockTransport(handler),
    )
    with pytest.raises(DisallowedHostError, match=r"collector\.evil\.test"):
        list(eng.tenant("acme").targets.list())
    assert [r.url.host for r in requests] == ["api.toy.test"]
