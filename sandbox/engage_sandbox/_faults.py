"""Fault injection for the emulators, as plain ASGI middleware.

It has to be raw ASGI rather than a Starlette ``BaseHTTPMiddleware``: dropping a
connection half-way through a response is only possible below the framework.
"""

from __future__ import annotations

import asyncio
import fnmatch
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from starlette.types import ASGIApp, Message, Receive, Scope, Send

FaultKind = Literal["status", "timeout", "drop", "expire_token"]

ErrorBody = Callable[[int], tuple[Any, dict[str, str]]]
"""Given an HTTP status, the vendor's JSON error body and extra headers for it."""


@dataclass
class FaultRule:
    """One injected fault.

    ``path`` is a glob matched against the request path (``*`` for any);
    ``after`` lets that many matching requests through first; ``times`` is how
    many matching requests the fault hits (0 means every one from then on).

    By default a fault replaces the request: the emulator never sees it (or,
    for ``timeout``, sees it only after ``delay``: a commit that lands after
    the client gave up). With ``after_commit`` the emulator handles the request
    first, so a write is committed, and then the answer goes wrong: ``status``
    answers that status instead (a 502 after commit), ``timeout`` holds the
    real answer back for ``delay`` seconds, ``drop`` breaks the connection.
    """

    kind: FaultKind = "status"
    status: int = 503
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    delay: float = 0.0
    method: str | None = None
    path: str = "*"
    times: int = 1
    after: int = 0
    after_commit: bool = False
    _seen: int = field(default=0, repr=False)
    _hits: int = field(default=0, repr=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FaultRule:
        allowed = {k: v for k, v in data.items() if not k.startswith("_")}
        return cls(**allowed)

    def matches(self, method: str, path: str) -> bool:
        if self.method and self.method.upper() != method.upper():
            return False
        return fnmatch.fnmatchcase(path, self.path)

    @property
    def spent(self) -> bool:
        return self.times > 0 and self._hits >= self.times


class FaultInjector:
    """A thread-safe list of pending fault rules, consulted on every request."""

    def __init__(self) -> None:
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()
        self.injected = 0

    def add(self, rule: FaultRule | None = None, /, **fields: Any) -> FaultRule:
        rule = rule or FaultRule.from_dict(fields)
        with self._lock:
            self._rules.append(rule)
        return rule

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def take(self, method: str, path: str) -> FaultRule | None:
        with self._lock:
            for rule in self._rules:
                if rule.spent or not rule.matches(method, path):
                    continue
                rule._seen += 1
                if rule._seen <= rule.after:
                    continue
                rule._hits += 1
                self.injected += 1
                return rule
        return None


class FaultMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        injector: FaultInjector,
        error_body: ErrorBody,
        expire_tokens: Callable[[], None],
    ) -> None:
        self.app = app
        self.injector = injector
        self.error_body = error_body
        self.expire_tokens = expire_tokens

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/_sandbox"):
            await self.app(scope, receive, send)
            return
        rule = self.injector.take(scope["method"], scope["path"])
        if rule is None:
            await self.app(scope, receive, send)
        elif rule.after_commit and rule.kind != "expire_token":
            await self._after_commit(rule, scope, receive, send)
        elif rule.kind == "expire_token":
            self.expire_tokens()
            await self.app(scope, receive, send)
        elif rule.kind == "timeout":
            # A late commit: the request reaches the emulator only after ``delay``,
            # typically after the client gave up. Its body is taken in first, so the
            # emulator still handles (and commits) it once the client has hung up.
            body = await _read_body(receive)
            await asyncio.sleep(rule.delay or 5.0)
            await self.app(scope, _replay(body, receive), send)
        elif rule.kind == "drop":
            await _drop(send)
        else:
            await self._respond(rule, send)

    async def _after_commit(
        self, rule: FaultRule, scope: Scope, receive: Receive, send: Send
    ) -> None:
        answer: list[Message] = []

        async def hold(message: Message) -> None:
            answer.append(message)

        await self.app(scope, receive, hold)  # the emulator commits whatever the request does
        if rule.kind == "timeout":
            await asyncio.sleep(rule.delay or 5.0)
            for message in answer:
                await send(message)
        elif rule.kind == "drop":
            await _drop(send)
        else:
            await self._respond(rule, send)

    async def _respond(self, rule: FaultRule, send: Send) -> None:
        body, headers = self.error_body(rule.status)
        if rule.body is not None:
            body = rule.body
        payload = body if isinstance(body, bytes) else json.dumps(body).encode()
        merged = {**headers, **rule.headers}
        merged.setdefault("content-type", "application/json")
        raw_headers = [(k.lower().encode(), str(v).encode()) for k, v in merged.items()]
        raw_headers.append((b"content-length", str(len(payload)).encode()))
        await send({"type": "http.response.start", "status": rule.status, "headers": raw_headers})
        await send({"type": "http.response.body", "body": payload})


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """The request body as one message, then whatever the connection says next."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


class DroppedConnection(Exception):
    """Raised inside the server on purpose so that it closes the connection mid-body."""


async def _drop(send: Send) -> None:
    start: Message = {
        "type": "http.response.start",
        "status": 200,
        "headers": [(b"content-type", b"application/json"), (b"content-length", b"1000")],
    }
    await send(start)
    await send({"type": "http.response.body", "body": b'{"data": [', "more_body": True})
    raise DroppedConnection("sandbox fault: connection dropped")
