"""Connect a tenant: the snippet of docs/connect.md, run against each vendor's sandbox.

The authorize endpoints approve at once and redirect with a code; the code is
exchanged by ``Connection.complete`` and the tenant works, in this ``Engage``
and in a new one on the same token store (another process).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from engage_sandbox import SandboxOptions, SandboxServer, sandbox_for
from engage_sandbox import outreach as outreach_sandbox
from engage_sandbox import salesforce as salesforce_sandbox
from engage_sandbox import salesloft as salesloft_sandbox

from engage import (
    AuthError,
    ConfigurationError,
    Engage,
    InputError,
    ReauthorizationRequired,
    TokenSet,
)

ROOT = Path(__file__).resolve().parents[1]
VENDORS = ["salesloft", "outreach", "salesforce"]


def _client_only(vendor: str, url: str) -> dict[str, Any]:
    """A tenant with the product's OAuth app and nothing else: it must be connected."""
    if vendor == "salesloft":
        return {
            "base_url": url,
            "token_url": f"{url}/oauth/token",
            "client_id": salesloft_sandbox.SANDBOX_SALESLOFT_CLIENT_ID,
            "client_secret": salesloft_sandbox.SANDBOX_SALESLOFT_CLIENT_SECRET,
        }
    if vendor == "outreach":
        return {
            "base_url": url,
            "client_id": outreach_sandbox.DEMO_CLIENT_ID,
            "client_secret": outreach_sandbox.DEMO_CLIENT_SECRET,
        }
    return {
        "login_url": url,
        "client_id": salesforce_sandbox.DEMO_CLIENT_ID,
        "client_secret": salesforce_sandbox.DEMO_CLIENT_SECRET,
    }


def _toml(tenants: dict[str, dict[str, Any]], store: Path) -> str:
    lines = [f'token_store = "file:{store}"']
    for name, settings in tenants.items():
        lines.append(f"[tenants.{name}]")
        lines += [f'{key} = "{value}"' for key, value in settings.items()]
    return "\n".join(lines) + "\n"


@pytest.fixture(params=VENDORS)
def vendor_server(request: pytest.FixtureRequest) -> Iterator[tuple[str, SandboxServer]]:
    vendor = request.param
    with SandboxServer(sandbox_for(vendor).create_app(SandboxOptions())) as server:
        yield vendor, server


@pytest.fixture
def config(
    vendor_server: tuple[str, SandboxServer], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    vendor, server = vendor_server
    path = tmp_path / "engage.toml"
    tenant = {"vendor": vendor, **_client_only(vendor, server.url)}
    path.write_text(_toml({"acme": tenant}, tmp_path / "tokens.json"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ENGAGE_TOKEN_STORE")  # the suite's memory store would override the file
    return path


def _use(eng: Engage) -> int:
    return len(list(eng.tenant("acme").targets.list(limit=1)))


def _snippet() -> str:
    """The page's first block: the product's two handlers (the next plays the browser)."""
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "docs" / "connect.md").read_text(), re.S)
    assert blocks and "def callback" in blocks[0]
    return blocks[0]


def _vendor_redirect(authorize_url: str) -> str:
    """What the person's browser does: consent (the sandbox approves), then the redirect."""
    answer = httpx.get(authorize_url, follow_redirects=False)
    assert answer.status_code == 302, answer.text
    return answer.headers["location"]


def test_the_documented_snippet_connects_a_tenant(config: Path) -> None:
    saved: dict[str, str] = {}
    product: dict[str, Any] = {
        "save_for_callback": saved.__setitem__,
        "load_for_callback": saved.__getitem__,
    }
    exec(_snippet(), product)
    eng: Engage = product["eng"]
    with pytest.raises(ReauthorizationRequired, match="connect"):
        _use(eng)  # not connected yet
    authorize_url = product["start"]("acme")
    callback_url = _vendor_redirect(authorize_url)
    assert "code=" in callback_url and f"state={saved['acme']}" in callback_url
    product["callback"]("acme", callback_url)
    assert len(list(eng.tenant("acme").targets.list(limit=2))) == 2
    eng.close()
    # Another process on the same token store finds the tenant connected.
    with Engage.from_config(config) as other:
        assert len(list(other.tenant("acme").targets.list(limit=2))) == 2


def test_a_forged_or_replayed_callback_is_refused_before_any_request(config: Path) -> None:
    with Engage.from_config(config) as eng:
        connection = eng.connect("acme", redirect_uri="http://127.0.0.1:9/callback")
        callback_url = _vendor_redirect(connection.authorize_url)
        forged = re.sub(r"state=[^&]+", "state=forged", callback_url)
        with pytest.raises(InputError, match="state"):
            connection.complete(forged)
        with pytest.raises(AuthError, match="access_denied") as declined:
            connection.complete(
                f"http://127.0.0.1:9/callback?error=access_denied&state={connection.state}"
            )
        assert declined.value.tenant == "acme" and declined.value.operation == "connect"
        connection.complete(callback_url)
        with pytest.raises(InputError, match="already complete"):
            connection.complete(callback_url)
        # The same code again, through a new connection with the same state: the vendor refuses.
        again = eng.connect(
            "acme", redirect_uri="http://127.0.0.1:9/callback", state=connection.state
        )
        with pytest.raises(AuthError, match="invalid_grant") as refused:
            again.complete(callback_url)
        assert refused.value.tenant == "acme" and refused.value.code == "invalid_grant"


def test_redirect_uris_are_checked_before_anything_is_sent(config: Path) -> None:
    with Engage.from_config(config) as eng:
        for bad in ("http://app.example.com/cb", "ftp://x/cb", "/cb", "https://x/cb#frag"):
            with pytest.raises(InputError, match="redirect_uri"):
                eng.connect("acme", redirect_uri=bad)
        with pytest.raises(InputError, match="scopes"):
            eng.connect("acme", redirect_uri="https://x/cb", scopes="api")  # type: ignore[arg-type]


def test_forget_and_replace_tokens(config: Path) -> None:
    with Engage.from_config(config) as eng:
        connection = eng.connect("acme", redirect_uri="https://app.example.com/cb")
        tokens = connection.complete(_vendor_redirect(connection.authorize_url))
        assert "**" in repr(tokens)  # the secrets never print
        assert _use(eng) == 1
        assert eng.forget_tokens("acme") == 1
        with pytest.raises(ReauthorizationRequired):
            _use(eng)
        eng.replace_tokens("acme", tokens)
        assert _use(eng) == 1
        with pytest.raises(InputError, match="TokenSet"):
            eng.replace_tokens("acme", {"access_token": "x"})  # type: ignore[arg-type]


def test_drop_tenant_reads_a_changed_configuration() -> None:
    tenants: dict[str, dict[str, Any]] = {"acme": {"vendor": "outreach", "access_token": "one"}}
    eng = Engage(lambda name: tenants.get(name))
    first = eng.tenant("acme")
    tenants["acme"] = {"vendor": "outreach", "access_token": "two", "page_size": 5}
    assert eng.tenant("acme") is first  # kept until dropped
    assert eng.drop_tenant("acme") is True and eng.drop_tenant("acme") is False
    assert eng.tenant("acme") is not first
    assert eng.tenant("acme").adapter.settings.model_dump()["page_size"] == 5
    eng.close()


def test_tenants_signed_in_otherwise_say_what_to_configure() -> None:
    eng = Engage(
        {
            "key": {"vendor": "salesloft", "api_key": "k"},
            "pw": {
                "vendor": "salesforce",
                "username": "u",
                "password": "p",
                "security_token": "t",
            },
        }
    )
    for name in ("key", "pw"):
        with pytest.raises(ConfigurationError, match="client_id and client_secret"):
            eng.connect(name, redirect_uri="https://app.example.com/cb")
    eng.close()


def test_a_token_set_is_typed() -> None:
    assert TokenSet(access_token="a").refresh_token is None  # type: ignore[arg-type]
