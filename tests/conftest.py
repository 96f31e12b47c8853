from __future__ import annotations

import os

# engage's default token store is a file in the user's data directory; the
# suite must not read or write a developer's real tokens. Tests of the default
# store point it (or XDG_DATA_HOME) at a temporary directory explicitly.
os.environ["ENGAGE_TOKEN_STORE"] = "memory"

from collections.abc import Iterator
from typing import Any

import pytest
from engage_sandbox import SandboxOptions
from engage_testing import AppTransport

import engage
from tests.support import toyvendor
from tests.support.secret_scan import scanning


@pytest.fixture(autouse=True)
def _no_secret_on_any_surface() -> Iterator[None]:
    """Every test: DEBUG logs and the errors it raised (with library frame locals)."""
    with scanning() as leaks:
        yield
    if leaks:
        pytest.fail("secrets leaked:\n" + "\n".join(sorted(set(leaks))[:20]), pytrace=False)


@pytest.fixture
def toy_app() -> Any:
    return toyvendor.create_app(SandboxOptions())


@pytest.fixture
def toy_transport(toy_app: Any) -> AppTransport:
    return AppTransport(toy_app)


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def toy_engage(toy_transport: AppTransport, sleeps: list[float]) -> Iterator[engage.Engage]:
    eng = engage.Engage(
        {"acme": {"vendor": "toy", "api_key": toyvendor.API_KEY}},
        plugins=[toyvendor],
        http_transport=toy_transport,
        sleep=sleeps.append,
    )
    yield eng
    eng.close()


@pytest.fixture
def toy(toy_engage: engage.Engage) -> engage.TenantClient:
    return toy_engage.tenant("acme")


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A private redis-server on a free loopback port (`make system` installs redis-server)."""
    import shutil
    import socket
    import subprocess
    import time

    binary = shutil.which("redis-server")
    if binary is None:
        # Never a skip: a skipped test proves nothing. `make test` installs it.
        pytest.fail("redis-server is missing: run `make system` (or apt-get install redis-server)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    workdir = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                proc.kill()
                pytest.fail("redis-server did not start")
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)
