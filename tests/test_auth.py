"""OAuth2 refresh is single-flight per tenant and persists the rotated refresh token first."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from engage_testing import AppTransport

from engage import AuthError, Engage, MemoryTokenStore, TokenSet
from tests.support import toyvendor

N = 8


def _stored(store: MemoryTokenStore, prefix: str) -> TokenSet | None:
    """The one token set stored under ``prefix`` (keys end with a credential fingerprint)."""
    keys = store.keys(prefix)
    assert len(keys) <= 1, keys
    return store.get(keys[0]) if keys else None


def _token_calls(transport: AppTransport) -> int:
    return sum(1 for r in transport.requests if r.url.path == "/oauth/token")


@pytest.fixture
def store() -> MemoryTokenStore:
    return MemoryTokenStore()


@pytest.fixture
def oauth_engage(toy_transport: AppTransport, store: MemoryTokenStore) -> Engage:
    return Engage(
        {
            "acme": {
                "vendor": "toy",
                "client_id": toyvendor.CLIENT_ID,
                "client_secret": toyvendor.CLIENT_SECRET,
                "refresh_token": toyvendor.FIRST_REFRESH_TOKEN,
            }
        },
        plugins=[toyvendor],
        http_transport=toy_transport,
        token_store=store,
        sleep=lambda _: None,
    )


def _concurrently(fn: Any) -> list[Any]:
    barrier = threading.Barrier(N)

    def run(_: int) -> Any:
        barrier.wait()
        return fn()

    with ThreadPoolExecutor(N) as pool:
        return list(pool.map(run, range(N)))


def test_first_use_refreshes_once_for_all_concurrent_calls(
    oauth_engage: Engage, toy_transport: AppTransport, store: MemoryTokenStore
) -> None:
    tenant = oauth_engage.tenant("acme")
    people = _concurrently(lambda: tenant.targets.get("1"))
    assert [p.id for p in people] == ["1"] * N
    assert _token_calls(toy_transport) == 1
    saved = _stored(store, "toy:acme:")
    assert saved is not None and saved.refresh_token is not None
    assert saved.refresh_token.get_secret_value() != toyvendor.FIRST_REFRESH_TOKEN


def test_expired_token_makes_exactly_one_refresh_request(
    oauth_engage: Engage, toy_transport: AppTransport, toy_app: Any, store: MemoryTokenStore
) -> None:
    tenant = oauth_engage.tenant("acme")
    tenant.targets.get("1")
    before = _stored(store, "toy:acme:")
    assert _token_calls(toy_transport) == 1
    toy_app.state.kit.tokens.expire_all()  # every access token is now rejected with 401
    people = _concurrently(lambda: tenant.targets.get("2"))
    assert [p.id for p in people] == ["2"] * N
    assert _token_calls(toy_transport) == 2
    after = _stored(store, "toy:acme:")
    assert after is not None and before is not None
    assert after.access_token != before.access_token
    assert after.refresh_token != before.refresh_token  # rotated, and stored


def test_token_expiring_by_the_clock_is_refreshed_before_the_request(
    toy_transport: AppTransport, store: MemoryTokenStore
) -> None:
    import httpx
    from pydantic import SecretStr

    from engage._transport import OAuth2RefreshGrant, RefreshingAuth

    store.put(
        "k",
        TokenSet(
            access_token=SecretStr("old"),
            refresh_token=SecretStr(toyvendor.FIRST_REFRESH_TOKEN),
            expires_at=100.0,
        ),
    )
    grant = OAuth2RefreshGrant(
        vendor="toy",
        token_url="https://api.toy.test/oauth/token",
        client_id=toyvendor.CLIENT_ID,
        client_secret=SecretStr(toyvendor.CLIENT_SECRET),
        http=httpx.Client(transport=toy_transport),
        clock=lambda: 1000.0,
    )
    auth = RefreshingAuth(store, "k", grant, clock=lambda: 1000.0)
    fresh = auth.current()
    assert fresh.access_token.get_secret_value() != "old"
    assert fresh.expires_at == 1000.0 + 3600
    assert auth.refreshes == 1 and auth.current() == fresh and auth.refreshes == 1


def test_a_refused_refresh_is_an_auth_error_without_the_token(
    toy_transport: AppTransport,
) -> None:
    eng = Engage(
        {
            "acme": {
                "vendor": "toy",
                "client_id": toyvendor.CLIENT_ID,
                "client_secret": toyvendor.CLIENT_SECRET,
                "refresh_token": "a-refresh-token-nobody-issued",
            }
        },
        plugins=[toyvendor],
        http_transport=toy_transport,
    )
    with pytest.raises(AuthError) as info:
        eng.tenant("acme").targets.get("1")
    assert info.value.code == "invalid_grant"
    assert "a-refresh-token-nobody-issued" not in str(info.value) + repr(info.value)


def test_token_sets_never_print_their_tokens() -> None:
    from pydantic import SecretStr

    tokens = TokenSet(
        access_token=SecretStr("access-123456789"), refresh_token=SecretStr("refresh-123456789")
    )
    assert "123456789" not in repr(tokens) + str(tokens)


def test_file_token_store_round_trips_with_private_permissions(tmp_path: Any) -> None:
    from pydantic import SecretStr

    from engage import FileTokenStore

    path = tmp_path / "tokens.json"
    store = FileTokenStore(path)
    store.put(
        "toy:acme",
        TokenSet(access_token=SecretStr("a"), refresh_token=SecretStr("r"), expires_at=5.0),
    )
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    again = FileTokenStore(path).get("toy:acme")
    assert again is not None and again.refresh_token is not None
    assert again.refresh_token.get_secret_value() == "r" and again.expires_at == 5.0
    assert FileTokenStore(path).get("nobody") is None


def test_redis_token_store_shares_tokens_between_stores(redis_url: str) -> None:
    from pydantic import SecretStr

    from engage._redis import RedisTokenStore

    one = RedisTokenStore.from_url(redis_url, prefix="test-share:")
    two = RedisTokenStore.from_url(redis_url, prefix="test-share:")
    one.put("toy:acme", TokenSet(access_token=SecretStr("a"), refresh_token=SecretStr("r2")))
    got = two.get("toy:acme")
    assert got is not None and got.refresh_token is not None
    assert got.refresh_token.get_secret_value() == "r2"
    assert "r2" not in repr(two)


def test_engage_builds_the_configured_token_store(redis_url: str, tmp_path: Any) -> None:
    from engage import EngageSettings, FileTokenStore
    from engage._redis import RedisTokenStore

    redis_backed = Engage(settings=EngageSettings(token_store=redis_url))
    assert isinstance(redis_backed.token_store, RedisTokenStore)
    file_backed = Engage(settings=EngageSettings(token_store=f"file:{tmp_path}/t.json"))
    assert isinstance(file_backed.token_store, FileTokenStore)


def _refresh_in_process(redis_url: str, base_url: str, start: Any, done: Any) -> None:
    from engage._redis import RedisTokenStore

    eng = Engage(
        {
            "acme": {
                "vendor": "toy",
                "base_url": base_url,
                "client_id": toyvendor.CLIENT_ID,
                "client_secret": toyvendor.CLIENT_SECRET,
                "refresh_token": toyvendor.FIRST_REFRESH_TOKEN,
            }
        },
        plugins=[toyvendor],
        token_store=RedisTokenStore.from_url(redis_url, prefix="test-processes:"),
    )
    tenant = eng.tenant("acme")  # built before the start signal: only the refresh races
    start.wait()
    try:
        tenant.targets.get("1")
        done.put("ok")
    except Exception as exc:  # reported to the parent
        done.put(f"{type(exc).__name__}: {exc}")
    finally:
        eng.close()


def test_processes_sharing_redis_refresh_once(redis_url: str) -> None:
    """Four processes find no token at once: one refreshes, the others reuse its tokens."""
    import multiprocessing

    from engage_sandbox import SandboxServer

    # spawn, not fork: forking a process with live threads can deadlock the child.
    ctx = multiprocessing.get_context("spawn")
    with SandboxServer(toyvendor.create_app()) as server:
        # A slow token endpoint keeps every process inside the refresh at once.
        server.kit.faults.add(kind="timeout", delay=0.5, path="/oauth/token", times=4)
        start, done = ctx.Event(), ctx.Queue()
        workers = [
            ctx.Process(target=_refresh_in_process, args=(redis_url, server.url, start, done))
            for _ in range(4)
        ]
        for worker in workers:
            worker.start()
        start.set()
        # A liveness bound, not a speed claim: spawned workers import engage slowly under load.
        outcomes = [done.get(timeout=180) for _ in workers]
        for worker in workers:
            worker.join(timeout=30)
        token_calls = server.kit.stats.snapshot()["by_route"].get("POST /oauth/token", 0)
    assert outcomes == ["ok"] * 4
    assert token_calls == 1
