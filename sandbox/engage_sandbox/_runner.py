"""Serve an emulator on 127.0.0.1 from a background thread."""

from __future__ import annotations

import logging
import socket
import threading
import time
from types import TracebackType
from typing import Any

import uvicorn
from starlette.applications import Starlette


class SandboxServer:
    """Runs one emulator app with uvicorn on a free loopback port.

    >>> with SandboxServer(app) as server:
    ...     httpx.get(server.url + "/v2/me")
    """

    def __init__(self, app: Starlette, *, port: int = 0, host: str = "127.0.0.1") -> None:
        if host not in {"127.0.0.1", "localhost", "::1"}:
            raise ValueError("the sandbox only listens on the loopback interface")
        self.app = app
        self._host = host
        self._requested_port = port
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    @property
    def kit(self) -> Any:
        return self.app.state.kit

    @property
    def port(self) -> int:
        if self._socket is None:
            raise RuntimeError("the sandbox server is not running")
        return int(self._socket.getsockname()[1])

    @property
    def url(self) -> str:
        return f"http://{self._host}:{self.port}"

    def start(self, timeout: float = 10.0) -> SandboxServer:
        if self._server is not None:
            return self
        sock = socket.socket(socket.AF_INET6 if ":" in self._host else socket.AF_INET)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Accepted connections inherit this; without it, Nagle's algorithm and the
        # client's delayed ACK cost ~40 ms per response (measured: 44 ms -> 1 ms).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            sock.bind((self._host, self._requested_port))
        except OSError:
            sock.close()  # a busy port must not leak the socket (a ResourceWarning)
            raise
        self._socket = sock
        config = uvicorn.Config(
            self.app,
            log_level="critical",
            lifespan="off",
            server_header=False,
            date_header=False,
            access_log=False,
            timeout_keep_alive=30,
            # Stopping never waits long on a client that keeps its connection open.
            timeout_graceful_shutdown=2,
        )
        server = uvicorn.Server(config)
        self._server = server
        self._thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="engage-sandbox", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the sandbox server did not start")
            time.sleep(0.01)
        logging.getLogger("uvicorn.error").setLevel(logging.CRITICAL)
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = self._socket = None

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
