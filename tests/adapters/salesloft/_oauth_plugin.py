"""A test-only registration of the Salesloft adapter configured for OAuth2.

The recorder builds tenants from the sandbox registration's ``tenant_settings``,
which for Salesloft is the demo API key; ``SANDBOX`` here signs in the OAuth
way instead. The
emulator it starts has already issued a refresh token to the team admin, as
after the authorization-code exchange, and the tenant starts from that token.
Token exchanges are scrubbed in cassettes, so on replay any value stands in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from engage_salesloft import SalesloftAdapter
from engage_sandbox import SandboxOptions, SandboxVendor, salesloft
from engage_sandbox.salesloft import SANDBOX_SALESLOFT_CLIENT_ID, SANDBOX_SALESLOFT_CLIENT_SECRET

import engage
from engage import Adapter

REPLAYED = "replayed-refresh-token"


class SalesloftOAuthAdapter(SalesloftAdapter):
    vendor = "salesloft-oauth"


class _Issued:
    refresh_token: ClassVar[str | None] = None


def _create_app(options: SandboxOptions) -> Any:
    app = salesloft.create_app(options)
    admin = min(app.state.emulator.state.users)
    _Issued.refresh_token = app.state.emulator.kit.tokens.issue(str(admin), "all").refresh_token
    return app


def _tenant_settings(base_url: str) -> dict[str, Any]:
    refresh, _Issued.refresh_token = _Issued.refresh_token or REPLAYED, None
    return {
        "base_url": base_url,
        "client_id": SANDBOX_SALESLOFT_CLIENT_ID,
        "client_secret": SANDBOX_SALESLOFT_CLIENT_SECRET,
        "refresh_token": refresh,
        "token_url": f"{base_url}/oauth/token",
    }


SANDBOX = SandboxVendor(
    vendor="salesloft-oauth", create_app=_create_app, tenant_settings=_tenant_settings
)


@engage.hookimpl
def register_adapters(register: Callable[[type[Adapter]], None]) -> None:
    register(SalesloftOAuthAdapter)
