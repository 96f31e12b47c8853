"""Tokens across restarts and processes: real processes, a real file store, kills where it matters.

The toy emulator rotates refresh tokens like Salesloft and Outreach: a spent
refresh token is refused with ``invalid_grant``.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from engage_sandbox import SandboxServer

from engage import Engage, FileTokenStore, ReauthorizationRequired, TokenSet
from tests.support import toyvendor

ROOT = Path(__file__).resolve().parent.parent
# spawn, not fork: forking a process with live threads can deadlock the child.
ctx = multiprocessing.get_context("spawn")


def _oauth_tenant(
    base_url: str, refresh_token: str = toyvendor.FIRST_REFRESH_TOKEN
) -> dict[str, Any]:
    return {
        "vendor": "toy",
        "base_url": base_url,
        "client_id": toyvendor.CLIENT_ID,
        "client_secret": toyvendor.CLIENT_SECRET,
        "refresh_token": refresh_token,
    }


PRODUCT = """
import json, sys
from engage import Engage, EngageError
from tests.support import toyvendor
config = json.loads(sys.argv[1])
eng = Engage({"acme": config}, plugins=[toyvendor])
try:
    print("ok", eng.tenant("acme").targets.get("1").id)
except EngageError as exc:
    print("failed", type(exc).__name__, exc)
finally:
    eng.close()
"""


def _start_product(base_url: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", PRODUCT, json.dumps(_oauth_tenant(base_url))],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return (done.stdout.strip() or done.stderr.strip()).splitlines()[-1]


def _env(data_home: Path, store: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "ENGAGE_TOKEN_STORE"}
    env["XDG_DATA_HOME"] = str(data_home)
    if store is not None:
        env["ENGAGE_TOKEN_STORE"] = store
    return env


def test_a_product_restarted_20_times_on_the_default_store_keeps_working(tmp_path: Path) -> None:
    with SandboxServer(toyvendor.create_app()) as server:
        outcomes = []
        for _ in range(20):
            server.kit.tokens.expire_all()  # every start must refresh, spending a token
            outcomes.append(_start_product(server.url, _env(tmp_path, None)))
    assert outcomes == ["ok 1"] * 20
    stored = json.loads((tmp_path / "engage" / "tokens.json").read_text())
    assert len(stored) == 1 and next(iter(stored)).startswith("toy:acme:")


def test_the_memory_store_loses_the_rotated_token_on_restart(tmp_path: Path) -> None:
    """Why the default persists: on the memory store the second start is locked out."""
    with SandboxServer(toyvendor.create_app()) as server:
        first = _start_product(server.url, _env(tmp_path, "memory"))
        second = _start_product(server.url, _env(tmp_path, "memory"))
    assert first == "ok 1"
    assert second.startswith("failed ReauthorizationRequired")
    assert "re-authorised" in second


def _refresh_once(store_path: str, base_url: str, tenant: str, start: Any, done: Any) -> None:
    eng = Engage(
        {tenant: _oauth_tenant(base_url)},
        plugins=[toyvendor],
        token_store=FileTokenStore(store_path),
    )
    client = eng.tenant(tenant)  # built before the start signal: only the refresh races
    start.wait()
    try:
        client.targets.get("1")
        done.put("ok")
    except Exception as exc:  # reported to the parent
        done.put(f"{type(exc).__name__}: {exc}")
    finally:
        eng.close()


def test_four_processes_on_one_file_store_refresh_once(tmp_path: Path) -> None:
    with SandboxServer(toyvendor.create_app()) as server:
        # A slow token endpoint keeps every process inside the refresh at once.
        server.kit.faults.add(kind="timeout", delay=0.5, path="/oauth/token", times=4)
        start, done = ctx.Event(), ctx.Queue()
        store = str(tmp_path / "tokens.json")
        workers = [
            ctx.Process(target=_refresh_once, args=(store, server.url, "acme", start, done))
            for _ in range(4)
        ]
        for worker in workers:
            worker.start()
        start.set()
        outcomes = [done.get(timeout=60) for _ in workers]
        for worker in workers:
            worker.join(timeout=30)
        token_calls = server.kit.stats.snapshot()["by_route"].get("POST /oauth/token", 0)
    assert outcomes == ["ok"] * 4
    assert token_calls == 1


def _cycle(store_path: str, base_url: str, tenant: str, rounds: int, go: Any, done: Any) -> None:
    eng = Engage(
        {tenant: _oauth_tenant(base_url, refresh_token=f"{tenant}-refresh")},
        plugins=[toyvendor],
        token_store=FileTokenStore(store_path),
    )
    client = eng.tenant(tenant)
    try:
        for _ in range(rounds):
            go.wait()
            try:
                client.targets.get("1")
                done.put("ok")
            except Exception as exc:
                done.put(f"{type(exc).__name__}: {exc}")
    finally:
        eng.close()


def test_two_processes_with_two_tenants_never_lock_each_other_out(tmp_path: Path) -> None:
    """20 rounds: both tokens expire, both processes refresh their own tenant at once."""
    rounds = 20
    app = toyvendor.create_app()
    tokens = app.state.kit.tokens
    for tenant in ("alpha", "beta"):
        tokens.add_refresh_token(f"{tenant}-refresh", tenant)
    with SandboxServer(app) as server:
        store = str(tmp_path / "tokens.json")
        barrier = ctx.Barrier(3)
        done = ctx.Queue()
        workers = [
            ctx.Process(target=_cycle, args=(store, server.url, t, rounds, barrier, done))
            for t in ("alpha", "beta")
        ]
        for worker in workers:
            worker.start()
        outcomes = []
        for _ in range(rounds):
            tokens.expire_all()
            barrier.wait(timeout=60)
            outcomes += [done.get(timeout=60), done.get(timeout=60)]
        for worker in workers:
            worker.join(timeout=30)
        token_calls = server.kit.stats.snapshot()["by_route"].get("POST /oauth/token", 0)
    assert outcomes == ["ok"] * 2 * rounds
    assert token_calls == 2 * rounds
    assert len(json.loads(Path(store).read_text())) == 2


def _put_many(store_path: str, owner: int, count: int) -> None:
    from pydantic import SecretStr

    store = FileTokenStore(store_path)
    for i in range(count):
        store.put(f"toy:p{owner}-{i}:x", TokenSet(access_token=SecretStr(f"a{owner}-{i}")))


def test_four_processes_writing_one_file_store_keep_every_key(tmp_path: Path) -> None:
    store = str(tmp_path / "tokens.json")
    workers = [ctx.Process(target=_put_many, args=(store, owner, 20)) for owner in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert len(FileTokenStore(store).keys("toy:")) == 80


def _write_forever(store_path: str, ready: Any) -> None:
    from pydantic import SecretStr

    store = FileTokenStore(store_path)
    ready.set()
    i = 0
    while True:
        i += 1
        store.put(f"toy:t{i % 50}:x", TokenSet(access_token=SecretStr("a" * (i % 500 + 1))))


def test_sigkill_mid_write_never_leaves_a_torn_store(tmp_path: Path) -> None:
    store = tmp_path / "tokens.json"
    for delay in (0.05, 0.13, 0.21, 0.34, 0.55):
        ready = ctx.Event()
        writer = ctx.Process(target=_write_forever, args=(str(store), ready))
        writer.start()
        assert ready.wait(30)
        time.sleep(delay)
        assert writer.pid is not None
        os.kill(writer.pid, signal.SIGKILL)
        writer.join(10)
        data = json.loads(store.read_text())  # whole JSON, whatever instant the kill hit
        assert data and all(key.startswith("toy:t") for key in data)
    assert FileTokenStore(store).keys("toy:")  # and the store still works


def _refresh_then_hang(store_path: str, base_url: str, started: Any) -> None:
    eng = Engage(
        {"acme": _oauth_tenant(base_url)},
        plugins=[toyvendor],
        token_store=FileTokenStore(store_path),
    )
    started.set()
    eng.tenant("acme").targets.get("1")  # the token endpoint answers slowly: killed meanwhile


def test_a_process_killed_during_a_refresh_leaves_a_clear_message(tmp_path: Path) -> None:
    store = str(tmp_path / "tokens.json")
    with SandboxServer(toyvendor.create_app()) as server:
        # The vendor rotates at once but answers after 4 s: the process dies in between.
        server.kit.faults.add(kind="timeout", delay=4, path="/oauth/token", after_commit=True)
        started = ctx.Event()
        victim = ctx.Process(target=_refresh_then_hang, args=(store, server.url, started))
        victim.start()
        assert started.wait(30)
        # The request is on its way once the tenant is built; the vendor rotates at
        # once and holds the answer back for 4 s, so 1.5 s in, it is mid-refresh.
        time.sleep(1.5)
        assert victim.pid is not None
        os.kill(victim.pid, signal.SIGKILL)
        victim.join(10)
        server.kit.faults.clear()
        json.loads(Path(store).read_text())  # not torn
        eng = Engage(
            {"acme": _oauth_tenant(server.url)},
            plugins=[toyvendor],
            token_store=FileTokenStore(store),
        )
        with pytest.raises(ReauthorizationRequired) as refused:
            eng.tenant("acme").targets.get("1")
        calls = server.kit.stats.snapshot()["by_route"].get("POST /oauth/token", 0)
        with pytest.raises(ReauthorizationRequired):
            eng.tenant("acme").targets.get("1")  # refused again without asking the vendor
        assert server.kit.stats.snapshot()["by_route"].get("POST /oauth/token", 0) == calls
        eng.close()
    message = str(refused.value)
    assert "re-authorised" in message and "never stored its answer" in message
    assert toyvendor.FIRST_REFRESH_TOKEN not in message
