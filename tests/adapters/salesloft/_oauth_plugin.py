"""A test-only registration of the Salesloft adapter configured for OAuth2.

The recorder builds tenants from ``sandbox_settings``, which for the real
adapter is the demo API key; this subclass signs in the OAuth way instead. The
emulator it starts has already issued a refresh token to the team admin, as
after the authorization-code exchange, and the tenant starts from that token.
Token exchanges are scrubbed in cassettes, so on replay any value stands in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from engage_salesloft import SalesloftAdapter

import engage
from engage import Adapter
from engage.sandbox import SandboxOptions
from engage.sandbox.salesloft import SANDBOX_SALESLOFT_CLIENT_ID, SANDBOX_SALESLOFT_CLIENT_SECRET

REPLAYED = "replayed-refresh-token"


class SalesloftOAuthAdapter(SalesloftAdapter):
    vendor = "salesloft-oauth"
    issued_refresh_token: ClassVar[str | None] = None

    @classmethod
    def create_sandbox_app(cls, options: Any = None) -> Any:
        app = SalesloftAdapter.create_sandbox_app(options or SandboxOptions())
        admin = min(app.state.emulator.state.users)
        issued = app.state.emulator.kit.tokens.issue(str(admin), "all")
        cls.issued_refresh_token = issued.refresh_token
        return app

    @classmethod
    def sandbox_settings(cls, base_url: str) -> dict[str, Any]:
        refresh, cls.issued_refresh_token = cls.issued_refresh_token or REPLAYED, None
        return {
            "base_url": base_url,
            "client_id": SANDBOX_SALESLOFT_CLIENT_ID,
            "client_secret": SANDBOX_SALESLOFT_CLIENT_SECRET,
            "refresh_token": refresh,
            "token_url": f"{base_url}/oauth/token",
        }


@engage.hookimpl
def register_adapters(register: Callable[[type[Adapter]], None]) -> None:
    register(SalesloftOAuthAdapter)
