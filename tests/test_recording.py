"""Record against the sandbox, replay offline; scrubbed, canonical, byte-identical."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from engage_testing import Recorder, find_secrets, json_body_matcher, pseudonym_email, scrub_body
from vcr.errors import CannotOverwriteExistingCassetteException

from engage import NotFoundError
from tests.support import toyvendor


def _scenario(recorder: Recorder) -> list[object]:
    tenant = recorder.tenant
    recorder.inject(status=429, headers={"retry-after": "2"}, path="/people/2")
    out: list[object] = [p.email for p in tenant.targets.list(page_size=10, limit=15)]
    out.append(tenant.targets.get("2").email)
    out.append(tenant.targets.create(email="new@example.com", first_name="N").id)
    try:
        tenant.targets.get("999")
    except NotFoundError as exc:
        out.append(exc.code)
    return out


def _record(path: Path, mode: str) -> list[object]:
    with Recorder(
        vendor="toy",
        cassette=path,
        record_mode=mode,
        plugins=[toyvendor],
        sandbox=toyvendor.SANDBOX,
    ) as rec:
        assert rec.recording == (mode != "none")
        return _scenario(rec)


def test_record_then_replay_offline(tmp_path: Path) -> None:
    cassette = tmp_path / "toy" / "scenario.yaml"
    recorded = _record(cassette, "rewrite")
    text = cassette.read_text()
    assert "127.0.0.1" not in text and "toy.sandbox.engage.test" in text
    assert toyvendor.API_KEY not in text and "REDACTED" in text
    assert find_secrets(text) == []
    replayed = _record(cassette, "none")
    assert replayed == recorded
    assert recorded[-1] == "not_found" and recorded[-2] == "26"


def test_re_recording_is_byte_identical(tmp_path: Path) -> None:
    one, two = tmp_path / "one.yaml", tmp_path / "two.yaml"
    _record(one, "rewrite")
    _record(two, "rewrite")
    assert one.read_bytes() == two.read_bytes()


def test_an_unrecorded_request_fails_on_replay(tmp_path: Path) -> None:
    cassette = tmp_path / "short.yaml"
    with Recorder(
        vendor="toy",
        cassette=cassette,
        record_mode="rewrite",
        plugins=[toyvendor],
        sandbox=toyvendor.SANDBOX,
    ) as rec:
        rec.tenant.targets.get("1")
    with Recorder(
        vendor="toy", cassette=cassette, plugins=[toyvendor], sandbox=toyvendor.SANDBOX
    ) as rec:
        rec.tenant.targets.get("1")
        with pytest.raises(CannotOverwriteExistingCassetteException):
            rec.tenant.targets.get("2")


def test_token_exchanges_are_scrubbed(tmp_path: Path) -> None:
    form = "grant_type=refresh_token&refresh_token=rt-0123456789abcdef&client_secret=cs-1234567"
    assert (
        scrub_body(form) == "grant_type=refresh_token&refresh_token=REDACTED&client_secret=REDACTED"
    )
    token_response = json.dumps({"access_token": "at-0123456789abcdef", "expires_in": 7200})
    scrubbed = json.loads(scrub_body(token_response))  # type: ignore[arg-type]
    assert scrubbed == {"access_token": "REDACTED", "expires_in": 7200}
    soap = "<env><n1:username>ada@example.com</n1:username><n1:password>pw!</n1:password></env>"
    assert "pw!" not in str(scrub_body(soap)) and "ada@example.com" not in str(scrub_body(soap))
    untouched = '{"data": {"id": 1, "name": "été"}}'
    assert scrub_body(untouched) == untouched  # exact bytes kept when nothing is secret
    task = json.loads(scrub_body('{"idempotency_key": "9f8e7d6c5b4a", "subject": "x"}'))  # type: ignore[arg-type]
    assert task == {"idempotency_key": "VOLATILE", "subject": "x"}  # random per run


def test_personal_data_is_pseudonymised_when_asked() -> None:
    body = json.dumps(
        {
            "email": "Ada@Example.com",
            "mobile_phone": "+1 (415) 555-2671",
            "first_name": "Ada",
            "id": 3,
            "updated_at": "2026-01-03T09:00:00Z",
        }
    )
    cleaned = json.loads(scrub_body(body, personal=True))  # type: ignore[arg-type]
    assert cleaned["email"] == pseudonym_email("ada@example.com")
    assert cleaned["mobile_phone"] == "+1 555 0100" and cleaned["id"] == 3
    assert cleaned["first_name"].startswith("Person ") and "Ada" not in cleaned["first_name"]
    assert cleaned["updated_at"] == "2026-01-03T09:00:00Z"
    # Scrubbing twice changes nothing more (vcrpy applies its filters twice).
    assert scrub_body(scrub_body(body, personal=True), personal=True) == scrub_body(
        body, personal=True
    )


def test_find_secrets_spots_live_tokens() -> None:
    assert find_secrets("Authorization: Bearer abcdefghijklmnop1234")
    assert find_secrets('{"refresh_token": "abcdefghijklmnop1234"}')
    assert find_secrets("refresh_token=abcdefghijklmnop1234&x=1")
    assert not find_secrets('{"refresh_token": "REDACTED"} Bearer REDACTED')


class _Req:
    def __init__(self, body: bytes, content_type: str) -> None:
        self.body = body
        self.headers = {"Content-Type": content_type}


def test_json_api_body_matcher() -> None:
    a = _Req(
        b'{"data": {"type": "task", "attributes": {"a": 1, "b": 2}}}', "application/vnd.api+json"
    )
    b = _Req(b'{"data":{"attributes":{"b":2,"a":1},"type":"task"}}', "application/vnd.api+json")
    json_body_matcher(a, b)
    c = _Req(b'{"data":{"attributes":{"b":3,"a":1},"type":"task"}}', "application/vnd.api+json")
    with pytest.raises(AssertionError):
        json_body_matcher(a, c)
    json_body_matcher(
        _Req(b"x=1&y=2", "application/x-www-form-urlencoded"),
        _Req(b"y=2&x=1", "application/x-www-form-urlencoded"),
    )


def test_cassette_file_is_valid_vcr_yaml(tmp_path: Path) -> None:
    cassette = tmp_path / "c.yaml"
    _record(cassette, "rewrite")
    data = yaml.safe_load(cassette.read_text())
    uris = [i["request"]["uri"] for i in data["interactions"]]
    assert all(u.startswith("https://toy.sandbox.engage.test/") for u in uris)
    statuses = [i["response"]["status"]["code"] for i in data["interactions"]]
    assert 429 in statuses and 404 in statuses


def test_recording_a_real_account_hides_its_host_and_personal_data(tmp_path: Path) -> None:
    from engage_sandbox import SandboxServer

    from engage import TenantConfig

    cassette = tmp_path / "live.yaml"
    with SandboxServer(toyvendor.create_app()) as real:
        real_url = real.url
        account = TenantConfig(
            name="acme", vendor="toy", base_url=real_url, api_key=toyvendor.API_KEY
        )
        with Recorder(
            vendor="toy",
            cassette=cassette,
            record_mode="rewrite",
            plugins=[toyvendor],
            sandbox=toyvendor.SANDBOX,
            live=account,
        ) as rec:
            assert rec.server is None  # no sandbox: the account itself
            found = rec.tenant.targets.find_by_email("person3@example.com")
            assert found is not None and found.email == "person3@example.com"
    text = cassette.read_text()
    assert real_url not in text and "toy.sandbox.engage.test" in text
    assert "person3@example.com" not in text and "person3%40example.com" not in text
    with Recorder(
        vendor="toy", cassette=cassette, plugins=[toyvendor], sandbox=toyvendor.SANDBOX
    ) as rec:
        replayed = rec.tenant.targets.find_by_email("person3@example.com")
    assert replayed is not None and replayed.id == found.id
    assert replayed.email == pseudonym_email("person3@example.com")
