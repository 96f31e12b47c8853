"""OAuth2: refresh on first use, refresh again when the access token expires, rotate."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from engage_salesloft import SalesloftAdapter
from engage_testing import Recorder
from engage_testing._plugin import cassette_path

from engage.transport import RefreshingAuth

from . import _oauth_plugin

pytestmark = pytest.mark.engage_vendor("salesloft")


def test_token_refresh_and_rotation(
    engage_recorder: Callable[..., Recorder], request: pytest.FixtureRequest
) -> None:
    cassette = cassette_path(request, "salesloft")
    with engage_recorder(
        "salesloft-oauth", cassette=cassette, plugins=[_oauth_plugin], sandbox=_oauth_plugin.SANDBOX
    ) as rec:
        tenant = rec.tenant
        assert tenant.targets.get("1000277").id == "1000277"
        rec.advance(2 * 3600 + 1)  # Salesloft access tokens live two hours
        assert tenant.sequences.get("2001").id == "2001"
        adapter = tenant.adapter
        assert isinstance(adapter, SalesloftAdapter)
        auth = adapter.http.client.auth
        assert isinstance(auth, RefreshingAuth) and auth.refreshes == 2
        assert rec.engage is not None
        (key,) = rec.engage.token_store.keys("salesloft:test:")
        stored = rec.engage.token_store.get(key)
        assert stored is not None and stored.refresh_token is not None
        paths = [r.path for r in rec.cassette.requests]
        assert paths == [
            "/oauth/token",  # first use: the refresh token buys an access token
            "/v2/people/1000277",
            "/v2/cadences/2001",  # 401: expired
            "/oauth/token",  # refreshed once, with the rotated refresh token
            "/v2/cadences/2001",
        ]
        assert [int(r["status"]["code"]) for r in rec.cassette.responses][2] == 401
