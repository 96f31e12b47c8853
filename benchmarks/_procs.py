"""Emulators in processes of their own, so a benchmark's client does not share a GIL with them."""

from __future__ import annotations

import contextlib
import multiprocessing as mp
from collections.abc import Iterator
from multiprocessing.connection import Connection
from typing import Any

import httpx


def _serve(vendor: str, options: dict[str, Any], conn: Connection) -> None:
    import threading

    from engage_sandbox import SandboxOptions, SandboxServer, create_app

    from ._harness import real_clock

    server = SandboxServer(create_app(vendor, SandboxOptions(clock=real_clock(), **options)))
    server.start()
    conn.send(server.url)
    conn.recv()  # any message (or the parent closing the pipe) stops the server
    server.stop()
    threading.Event().set()


class RemoteSandbox:
    """An emulator served by a child process, driven through its ``/_sandbox`` routes."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._admin = httpx.Client(base_url=f"{url}/_sandbox", timeout=10)

    def add_fault(self, **rule: Any) -> None:
        self._admin.post("/faults", json=rule).raise_for_status()

    def requests(self) -> int:
        return int(self._admin.get("/stats").json()["requests"])

    def close(self) -> None:
        self._admin.close()


@contextlib.contextmanager
def sandbox_process(vendor: str, **options: Any) -> Iterator[RemoteSandbox]:
    """Serve ``vendor``'s emulator (on the wall clock) from a spawned process until exit."""
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    process = ctx.Process(target=_serve, args=(vendor, options, child), daemon=True)
    process.start()
    try:
        if not parent.poll(60):
            raise RuntimeError(f"the {vendor} sandbox process did not start")
        remote = RemoteSandbox(parent.recv())
        try:
            yield remote
        finally:
            remote.close()
    finally:
        with contextlib.suppress(OSError):
            parent.send("stop")
        process.join(10)
        if process.is_alive():
            process.kill()
