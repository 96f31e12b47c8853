"""Know what changed in a tenant: neutral change events from a durable checkpoint.

>>> feed = ChangeFeed(tenant, entities=["enrollment", "task"], store=SQLiteCheckpointStore())
>>> feed.sync(handle)  # poll from the stored checkpoint, handle each event, commit

or, keeping the checkpoint yourself:

>>> poll = feed.poll(since=saved)  # a Checkpoint, its string, or None
>>> for event in poll:
...     handle(event)
>>> saved = str(poll.checkpoint)  # after handling: at-least-once

Each event's ``position`` orders it within its tenant and entity and identifies it:
a resumed poll may repeat events handed out after the last commit, always with the
same positions, so a sink drops a position it has already applied. Guarantees,
clock skew, deletions per vendor and running it in a loop: docs/changes.md.
"""

from __future__ import annotations

from ._changes_checkpoint import Checkpoint
from ._changes_event import ChangeEntity, ChangeEvent, ChangeKind, Deletion
from ._changes_feed import (
    CREATED_WITHIN,
    DEFAULT_ACTIVITY_LAG,
    DEFAULT_LAG,
    ChangeFeed,
    ChangePoll,
    SyncResult,
)
from ._changes_sources import reports_deletions
from ._checkpoints import (
    CheckpointStore,
    MemoryCheckpointStore,
    RedisCheckpointStore,
    SQLiteCheckpointStore,
    default_checkpoint_path,
)

__all__ = [
    "CREATED_WITHIN",
    "DEFAULT_ACTIVITY_LAG",
    "DEFAULT_LAG",
    "ChangeEntity",
    "ChangeEvent",
    "ChangeFeed",
    "ChangeKind",
    "ChangePoll",
    "Checkpoint",
    "CheckpointStore",
    "Deletion",
    "MemoryCheckpointStore",
    "RedisCheckpointStore",
    "SQLiteCheckpointStore",
    "SyncResult",
    "default_checkpoint_path",
    "reports_deletions",
]
