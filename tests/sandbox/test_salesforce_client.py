"""A real simple_salesforce client against the emulator.

simple-salesforce always builds ``https://`` URLs (``https://{domain}.salesforce.com``
for logins, ``https://{instance}`` afterwards), so the client gets a requests
session whose adapter sends every such URL to the sandbox's plain-HTTP port.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import pytest
from engage_sandbox import SandboxClock, SandboxOptions
from engage_sandbox import salesforce as sf

from .test_salesforce_helpers import Org, running

requests = pytest.importorskip("requests")
simple_salesforce = pytest.importorskip("simple_salesforce")


class _ToSandbox(requests.adapters.HTTPAdapter):  # type: ignore[misc]
    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = base

    def send(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        parts = urlsplit(request.url)
        request.url = self.base + parts.path + (f"?{parts.query}" if parts.query else "")
        return super().send(request, *args, **kwargs)


def _session(org: Org) -> Any:
    session = requests.Session()
    session.mount("https://", _ToSandbox(org.server.url))
    return session


@pytest.fixture
def org() -> Iterator[Org]:
    with running() as org:
        yield org


def test_password_login_over_soap_then_query_create_update_delete(org: Org) -> None:
    client = simple_salesforce.Salesforce(
        username=sf.DEMO_USERNAME,
        password=sf.DEMO_PASSWORD,
        security_token=sf.DEMO_SECURITY_TOKEN,
        session=_session(org),
        version="60.0",
    )
    assert client.sf_instance == f"127.0.0.1:{org.server.port}"
    everything = client.query_all(
        "SELECT Id FROM Task", headers={"Sforce-Query-Options": "batchSize=200"}
    )
    assert everything["totalSize"] == len(everything["records"]) > 200
    assert client.api_usage["api-usage"].total == 15000
    created = client.Lead.create({"LastName": "Client", "Company": "Simple"})
    assert created["success"] is True
    client.Lead.update(created["id"], {"Title": "Buyer"})
    assert client.Lead.get(created["id"])["Title"] == "Buyer"
    client.Lead.delete(created["id"])
    with pytest.raises(simple_salesforce.exceptions.SalesforceResourceNotFound):
        client.Lead.get(created["id"])
    with pytest.raises(simple_salesforce.exceptions.SalesforceMalformedRequest):
        client.query("SELECT Nope FROM Lead")


def test_client_logs_in_again_when_the_session_expires(org: Org) -> None:
    client = simple_salesforce.Salesforce(
        username=sf.DEMO_USERNAME,
        password=sf.DEMO_PASSWORD,
        security_token=sf.DEMO_SECURITY_TOKEN,
        session=_session(org),
        version="60.0",
    )
    old = client.session_id
    org.http.post("/_sandbox/expire-tokens").raise_for_status()
    assert client.query("SELECT COUNT() FROM Lead")["totalSize"] > 0
    assert client.session_id != old


def test_session_id_and_instance_url_with_soap_login_helper(org: Org) -> None:
    session_id, instance = simple_salesforce.SalesforceLogin(
        username=sf.DEMO_USERNAME,
        password=sf.DEMO_PASSWORD,
        security_token=sf.DEMO_SECURITY_TOKEN,
        scratch_url=org.server.url,
        sf_version="60.0",
    )
    assert instance == f"127.0.0.1:{org.server.port}"
    client = simple_salesforce.Salesforce(
        instance_url=org.server.url, session_id=session_id, session=_session(org), version="60.0"
    )
    tracker = client.query(
        "SELECT TargetId FROM ActionCadenceTracker WHERE State = 'Running' LIMIT 1"
    )
    target = tracker["records"][0]["TargetId"]
    result = client.restful(
        "actions/standard/pauseSalesCadenceTracker",
        method="POST",
        json={"inputs": [{"targetId": target}]},
    )
    assert result[0]["isSuccess"] is True
    with pytest.raises(simple_salesforce.exceptions.SalesforceAuthenticationFailed):
        simple_salesforce.SalesforceLogin(
            username=sf.DEMO_USERNAME,
            password="wrong",
            security_token="",
            scratch_url=org.server.url,
        )


def test_jwt_bearer_login() -> None:
    rsa = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.rsa")
    serialization = pytest.importorskip("cryptography.hazmat.primitives.serialization")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    # simple-salesforce dates the assertion by the wall clock, so this sandbox starts there too.
    clock = SandboxClock(datetime.now(UTC))
    with running(SandboxOptions(clock=clock)) as org:
        client = simple_salesforce.Salesforce(
            username=sf.DEMO_USERNAME,
            consumer_key=sf.DEMO_CLIENT_ID,
            privatekey=pem,
            session=_session(org),
            version="60.0",
        )
        assert client.query("SELECT COUNT() FROM ActionCadence")["totalSize"] >= 4
