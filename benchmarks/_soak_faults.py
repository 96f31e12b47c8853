"""The soak's faults: what each kind is, where it lands, and which write it hit.

Faults are the emulators' own (:class:`engage_sandbox.FaultRule` in the app's
``kit.faults``); nothing here changes an emulator. Two things are added around
one, from the outside:

* :class:`FaultPlan` decides, from a seed, which of the write requests (``POST``
  under the vendor's API path) are hit and by which kind, and turns that into
  ``times=1`` rules whose ``after`` offsets make each rule fire on exactly its
  planned request (see :meth:`FaultPlan.rules`);
* :class:`Tagger` is ASGI middleware put in front of the emulator app. It reads
  the body of each write request, finds which soak write it belongs to (the
  write's unique marker, or for an enrollment its target id), and keeps that
  in a context variable, so that the injector's ``take`` (wrapped by
  :func:`record_injections`) can log every injected fault against its write.
"""

from __future__ import annotations

import contextvars
import json
import random
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from engage_sandbox import FaultInjector, FaultRule

MARKER = re.compile(r"soak\d+x\d+")
"""Every soak write carries one marker (``soak<seed>x<index>``) in its e-mail or text."""

# --- the fault kinds ----------------------------------------------------------------


@dataclass(frozen=True)
class FaultKind:
    """One kind of fault: the FaultRule fields it sets, and whether the write commits."""

    name: str
    fields: Mapping[str, Any]
    commits: bool  # the emulator applies the write (now, or after ``delay``)
    doc: str


def fault_kinds(timeout: float) -> tuple[FaultKind, ...]:
    """The fault mix; ``timeout`` is the client's read timeout, which delays must exceed."""
    late, very_late = round(timeout + 0.5, 3), round(timeout + 5.0, 3)
    return (
        FaultKind(
            "429",
            {"kind": "status", "status": 429, "headers": {"Retry-After": "1"}},
            False,
            "429 Too Many Requests with Retry-After: 1, before the write is applied",
        ),
        FaultKind(
            "503",
            {"kind": "status", "status": 503, "headers": {"Retry-After": "1"}},
            False,
            "503 with Retry-After: 1, before the write is applied",
        ),
        FaultKind(
            "500 after commit",
            {"kind": "status", "status": 500, "after_commit": True},
            True,
            "the write is applied, then the answer is replaced by a 500",
        ),
        FaultKind(
            "502 after commit",
            {"kind": "status", "status": 502, "after_commit": True},
            True,
            "the write is applied, then the answer is replaced by a 502",
        ),
        FaultKind(
            "drop after commit",
            {"kind": "drop", "after_commit": True},
            True,
            "the write is applied, then the connection breaks half-way through the answer",
        ),
        FaultKind(
            "timeout after commit",
            {"kind": "timeout", "after_commit": True, "delay": late},
            True,
            f"the write is applied, its answer held back {late} s (past the client's timeout)",
        ),
        FaultKind(
            "late commit",
            {"kind": "timeout", "delay": late},
            True,
            f"the request waits {late} s before the emulator sees it: the write lands 0.5 s "
            "after the client gave up",
        ),
        FaultKind(
            "very late commit",
            {"kind": "timeout", "delay": very_late},
            True,
            f"the request waits {very_late} s before the emulator sees it: the write lands 5 s "
            "after the client gave up",
        ),
        FaultKind(
            "drop before commit",
            {"kind": "drop"},
            False,
            "the connection breaks and the emulator never sees the request",
        ),
    )


# Salesforce's emulator answers an injected 500 with UNABLE_TO_LOCK_ROW and a 502 with
# SERVER_UNAVAILABLE: codes that say the request was *not* processed (both are retryable).
# After a commit that would be the server lying, so those faults carry the body Salesforce
# sends when a request failed in an unknown state.
UNKNOWN_STATE_BODIES: dict[str, Any] = {
    "salesforce": [
        {
            "message": "An unexpected error occurred. Please include this ErrorId if you "
            "contact support: 1234567890-12345 (-1234567890)",
            "errorCode": "UNKNOWN_EXCEPTION",
        }
    ],
}


def rule_fields(kind: FaultKind, vendor: str) -> dict[str, Any]:
    """The FaultRule fields of ``kind`` for ``vendor`` (method and path are set by the plan)."""
    fields = dict(kind.fields)
    body = UNKNOWN_STATE_BODIES.get(vendor)
    if body is not None and fields.get("after_commit") and fields.get("kind") == "status":
        fields["body"] = body
    return fields


# --- the plan -----------------------------------------------------------------------


@dataclass
class FaultPlan:
    """Which write requests are hit, and how: ``hits[i]`` is the (1-based position among
    matching requests, kind) of the i-th fault, positions increasing."""

    hits: list[tuple[int, FaultKind]]

    @classmethod
    def draw(
        cls,
        rng: random.Random,
        kinds: tuple[FaultKind, ...],
        *,
        rate: float,
        requests: int,
    ) -> FaultPlan:
        """Each of the first ``requests`` matching requests is hit with probability ``rate``,
        by a kind drawn uniformly."""
        hits = [(n, rng.choice(kinds)) for n in range(1, requests + 1) if rng.random() < rate]
        return cls(hits)

    def rules(self, vendor: str, method: str, path: str) -> list[FaultRule]:
        """One ``times=1`` rule per hit, in order.

        The injector offers a request to each pending rule in turn, and every rule
        still waiting counts it (``_seen``) until one fires. So the i-th rule (from 1)
        has counted, when its planned request arrives, every earlier request except
        the i-1 taken by earlier rules: ``after`` is the number of unfaulted requests
        before its position, and each rule fires on exactly its planned request.
        """
        rules = []
        for i, (position, kind) in enumerate(self.hits, 1):
            fields = rule_fields(kind, vendor)
            rules.append(
                FaultRule.from_dict(
                    {**fields, "method": method, "path": path, "times": 1, "after": position - i}
                )
            )
        return rules


# --- who was hit ----------------------------------------------------------------------

CURRENT_WRITE: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "soak_current_write", default=None
)


@dataclass
class Injection:
    kind: str
    method: str
    path: str
    write: int | None  # the soak write's index, None when it could not be told
    lands_at: float | None = None  # a late commit: when (time.monotonic) it reaches the emulator


@dataclass
class InjectionLog:
    entries: list[Injection] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, entry: Injection) -> None:
        with self.lock:
            self.entries.append(entry)

    def snapshot(self) -> list[Injection]:
        with self.lock:
            return list(self.entries)

    def settled_at(self) -> float:
        """When (time.monotonic) the last late commit injected so far reaches the emulator."""
        with self.lock:
            return max((e.lands_at for e in self.entries if e.lands_at is not None), default=0.0)


def record_injections(
    injector: FaultInjector, kind_of: Callable[[FaultRule], str], log: InjectionLog
) -> None:
    """Wrap ``injector.take`` so that every fault it hands out is logged with its write."""
    original = injector.take

    def take(method: str, path: str) -> FaultRule | None:
        rule = original(method, path)
        if rule is not None:
            late = rule.kind == "timeout" and not rule.after_commit
            lands_at = time.monotonic() + (rule.delay or 5.0) if late else None
            log.add(Injection(kind_of(rule), method, path, CURRENT_WRITE.get(), lands_at))
        return rule

    injector.take = take  # type: ignore[method-assign]


def _scalars(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _scalars(v)]
    if isinstance(value, list):
        return [s for v in value for s in _scalars(v)]
    return [] if value is None else [str(value)]


class Tagger:
    """ASGI middleware: tells, for each write request, which soak write sent it.

    ``markers`` maps a write's marker to its index; ``targets`` maps the target id
    of an enrollment write to its index (an enrollment body holds no text of ours).
    Both may be filled after the server started.
    """

    def __init__(self, app: Any, markers: dict[str, int], targets: dict[str, int]) -> None:
        self.app = app
        self.state = app.state  # SandboxServer.kit reads app.state.kit
        self.markers = markers
        self.targets = targets

    def owner(self, body: bytes) -> int | None:
        text = body.decode("utf-8", "replace")
        for found in MARKER.findall(text):
            if found in self.markers:
                return self.markers[found]
        try:
            payload = json.loads(text) if text else None
        except ValueError:
            return None
        for value in _scalars(payload):
            if value in self.targets:
                return self.targets[value]
        return None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        messages: list[Any] = []
        body = b""
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            body += message.get("body", b"")
            if not message.get("more_body"):
                break

        async def replay() -> Any:
            if messages:
                return messages.pop(0)
            return await receive()

        token = CURRENT_WRITE.set(self.owner(body))
        try:
            await self.app(scope, replay, send)
        finally:
            CURRENT_WRITE.reset(token)
