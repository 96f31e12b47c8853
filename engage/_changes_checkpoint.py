"""The feed's checkpoint: an opaque, versioned string a product stores as it is.

Inside, per stream (an entity's updates, or its deletions): ``low``, the time
before which every change has been delivered, and the positions at or after
``low`` already delivered (the records sharing ``low``'s timestamp among them, so
ties at the boundary are neither lost nor repeated). No vendor cursor is ever kept:
they expire (Salesforce query locators) and resuming a window re-reads it by time.

Layout: ``ecp1.`` + url-safe base64 of zlib-compressed JSON, with a checksum and the
tenant's tag inside, so a corrupted checkpoint, or another tenant's, is refused.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ._changes_event import position_time, stamp, unstamp
from .errors import InputError

__all__ = ["Checkpoint", "StreamState", "decode_checkpoint", "encode_checkpoint", "tenant_tag"]

_PREFIX = "ecp1."
_VERSION = 1
MAX_CHECKPOINT_LENGTH = 64 * 1024 * 1024


@dataclass
class StreamState:
    """Where one stream stands: ``low`` (``None``: never read to the end) and the
    positions at or after it already delivered."""

    low: datetime | None = None
    seen: set[str] = field(default_factory=set)

    def copy(self) -> StreamState:
        return StreamState(self.low, set(self.seen))

    def advanced(self, low: datetime | None) -> StreamState:
        """This state with ``low`` moved to ``low`` (never back), forgetting what is before."""
        if low is None or (self.low is not None and low <= self.low):
            return self.copy()
        return StreamState(low, {p for p in self.seen if position_time(p) >= low})


@dataclass(frozen=True)
class Checkpoint:
    """Where a change feed stands, as an opaque string (``str(checkpoint)``).

    Store the string anywhere (a database column, a :class:`CheckpointStore`) and
    pass it, or ``Checkpoint.parse(text)``, to ``ChangeFeed.poll``. It names no
    vendor cursor, so it does not expire; it is versioned, and a corrupted one or
    another tenant's is refused with :class:`InputError`.
    """

    token: str

    def __post_init__(self) -> None:
        decode_checkpoint(self.token)  # refuse a bad one where it is made

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        return cls(text)

    def __str__(self) -> str:
        return self.token

    def __repr__(self) -> str:
        return f"Checkpoint({len(self.token)} characters)"


def tenant_tag(vendor: str, tenant: str) -> str:
    return hashlib.blake2b(f"{vendor}\x00{tenant}".encode(), digest_size=6).hexdigest()


def _checksum(body: dict[str, Any]) -> str:
    text = json.dumps(body, separators=(",", ":"), sort_keys=True)
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def _pack_stream(state: StreamState) -> dict[str, Any]:
    grouped: dict[str, list[str]] = {}
    for position in sorted(state.seen):
        moment, identity = position.split("|", 1)
        grouped.setdefault(moment, []).append(identity)
    return {"l": stamp(state.low) if state.low else None, "p": grouped}


def encode_checkpoint(tag: str, streams: dict[str, StreamState]) -> str:
    body: dict[str, Any] = {
        "v": _VERSION,
        "t": tag,
        "s": {name: _pack_stream(state) for name, state in sorted(streams.items())},
    }
    body["h"] = _checksum(body)
    data = zlib.compress(json.dumps(body, separators=(",", ":"), sort_keys=True).encode(), 9)
    return _PREFIX + base64.urlsafe_b64encode(data).decode().rstrip("=")


def _refused(why: str) -> InputError:
    return InputError(
        f"not a change-feed checkpoint engage issued ({why}); pass None to start over"
    )


def _unpack_stream(packed: object) -> StreamState:
    if not isinstance(packed, dict) or set(packed) != {"l", "p"}:
        raise _refused("bad stream")
    low, grouped = packed["l"], packed["p"]
    if not isinstance(grouped, dict):
        raise _refused("bad stream")
    try:
        state = StreamState(unstamp(low) if low is not None else None)
        for moment, identities in grouped.items():
            unstamp(moment)
            if not isinstance(identities, list) or not all(
                isinstance(i, str) and i for i in identities
            ):
                raise _refused("bad positions")
            state.seen.update(f"{moment}|{identity}" for identity in identities)
    except (TypeError, ValueError) as exc:
        if isinstance(exc, InputError):
            raise
        raise _refused("bad time") from None
    return state


def decode_checkpoint(token: object) -> tuple[str, dict[str, StreamState]]:
    """The tenant tag and the stream states of a checkpoint string."""
    if isinstance(token, Checkpoint):
        token = token.token
    if not isinstance(token, str):
        raise InputError(f"a checkpoint is a string, got {type(token).__name__}")
    if len(token) > MAX_CHECKPOINT_LENGTH:
        raise _refused("too long")
    if not token.startswith(_PREFIX):
        raise _refused("unknown format or version")
    try:
        payload = token[len(_PREFIX) :]
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        body = json.loads(zlib.decompress(raw))
    except (binascii.Error, zlib.error, ValueError, UnicodeError):
        raise _refused("not readable") from None
    if not isinstance(body, dict) or set(body) != {"v", "t", "s", "h"} or body["v"] != _VERSION:
        raise _refused("unknown format or version")
    if body["h"] != _checksum({k: v for k, v in body.items() if k != "h"}):
        raise _refused("checksum mismatch")
    tag, streams = body["t"], body["s"]
    if not isinstance(tag, str) or not isinstance(streams, dict):
        raise _refused("bad body")
    return tag, {str(name): _unpack_stream(packed) for name, packed in streams.items()}
