"""engage: one vendor-neutral API over sales-engagement platforms.

>>> from engage import Engage
>>> eng = Engage.from_config("engage.toml")
>>> acme = eng.tenant("acme")
>>> target = acme.targets.find_by_email("ada@example.com")
>>> acme.enrollments.enroll(target_id=target.id, sequence_id="42")
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Every public name is imported on first use, not here: the models, the transport
# (httpx, limits), the settings (pydantic-settings), the change feed (sqlite3) and
# the async client (anyio) cost over a second to import, and a program that only
# needs an error class or one vendor's tenant should not pay for the rest.
# Type checkers read the imports below; the table maps each name to its module.
if TYPE_CHECKING:
    from ._async import AsyncEngage, AsyncPager, AsyncTenantClient
    from ._client import Engage, EngageOptions, TenantClient
    from ._connect import Connection
    from ._transport import (
        FileTokenStore,
        MemoryTokenStore,
        TokenSet,
        TokenStore,
        TransportOptions,
    )
    from .adapter import Adapter, Capability, JsonParam, TenantContext, VendorSettings
    from .changes import (
        ChangeEvent,
        ChangeFeed,
        ChangePoll,
        Checkpoint,
        CheckpointStore,
        Deletion,
        MemoryCheckpointStore,
        RedisCheckpointStore,
        SQLiteCheckpointStore,
        SyncResult,
    )
    from .config import ConfigPath, EngageSettings, Secret, TenantConfig, Tenants, TenantSource
    from .errors import (
        AdapterNotFoundError,
        AuthError,
        ConfigurationError,
        ConflictError,
        DisallowedHostError,
        EngageError,
        InputError,
        MappingError,
        NotFoundError,
        PartialFailure,
        PermissionDeniedError,
        PluginError,
        ProtocolError,
        QuotaExhaustedError,
        RateLimitError,
        ReauthorizationRequired,
        TenantNotFoundError,
        UnavailableError,
        UnsupportedOperationError,
        ValidationError,
        VendorError,
    )
    from .hookspecs import hookimpl
    from .models import (
        Activity,
        ActivityKind,
        BatchResult,
        CallDirection,
        CallInput,
        Enrollment,
        EnrollmentInput,
        EnrollmentState,
        ItemResult,
        NoteInput,
        Record,
        Sequence,
        Step,
        StepKind,
        Target,
        TargetInput,
        TargetKind,
        Task,
        TaskInput,
        TaskKind,
        TaskOrigin,
        TaskStatus,
        VendorRef,
    )
    from .pagination import Page, Pager
    from .queries import ActivityQuery, EnrollmentQuery, SequenceQuery, TargetQuery, TaskQuery

_SUBMODULES = frozenset(
    {"adapter", "changes", "config", "errors", "hookspecs", "models", "pagination", "queries"}
    | {"transport"}
)

_LAZY: dict[str, str] = {
    "Activity": "models",
    "ActivityKind": "models",
    "ActivityQuery": "queries",
    "Adapter": "adapter",
    "AdapterNotFoundError": "errors",
    "AsyncEngage": "_async",
    "AsyncPager": "_async",
    "AsyncTenantClient": "_async",
    "AuthError": "errors",
    "BatchResult": "models",
    "CallDirection": "models",
    "CallInput": "models",
    "Capability": "adapter",
    "ChangeEvent": "changes",
    "ChangeFeed": "changes",
    "ChangePoll": "changes",
    "Checkpoint": "changes",
    "CheckpointStore": "changes",
    "ConfigPath": "config",
    "ConfigurationError": "errors",
    "ConflictError": "errors",
    "Connection": "_connect",
    "Deletion": "changes",
    "DisallowedHostError": "errors",
    "Engage": "_client",
    "EngageError": "errors",
    "EngageOptions": "_client",
    "EngageSettings": "config",
    "Enrollment": "models",
    "EnrollmentInput": "models",
    "EnrollmentQuery": "queries",
    "EnrollmentState": "models",
    "FileTokenStore": "_transport",
    "InputError": "errors",
    "ItemResult": "models",
    "JsonParam": "adapter",
    "MappingError": "errors",
    "MemoryCheckpointStore": "changes",
    "MemoryTokenStore": "_transport",
    "NotFoundError": "errors",
    "NoteInput": "models",
    "Page": "pagination",
    "Pager": "pagination",
    "PartialFailure": "errors",
    "PermissionDeniedError": "errors",
    "PluginError": "errors",
    "ProtocolError": "errors",
    "QuotaExhaustedError": "errors",
    "RateLimitError": "errors",
    "ReauthorizationRequired": "errors",
    "Record": "models",
    "RedisCheckpointStore": "changes",
    "SQLiteCheckpointStore": "changes",
    "Secret": "config",
    "Sequence": "models",
    "SequenceQuery": "queries",
    "Step": "models",
    "StepKind": "models",
    "SyncResult": "changes",
    "Target": "models",
    "TargetInput": "models",
    "TargetKind": "models",
    "TargetQuery": "queries",
    "Task": "models",
    "TaskInput": "models",
    "TaskKind": "models",
    "TaskOrigin": "models",
    "TaskQuery": "queries",
    "TaskStatus": "models",
    "TenantClient": "_client",
    "TenantConfig": "config",
    "TenantContext": "adapter",
    "TenantNotFoundError": "errors",
    "TenantSource": "config",
    "Tenants": "config",
    "TokenSet": "_transport",
    "TokenStore": "_transport",
    "TransportOptions": "_transport",
    "UnavailableError": "errors",
    "UnsupportedOperationError": "errors",
    "ValidationError": "errors",
    "VendorError": "errors",
    "VendorRef": "models",
    "VendorSettings": "adapter",
    "hookimpl": "hookspecs",
}


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("engage-core")
    except PackageNotFoundError:  # a source tree on sys.path, not installed
        return "0+unknown"


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is not None:
        value = getattr(importlib.import_module(f".{module}", __name__), name)
    elif name in _SUBMODULES:  # ``engage.models`` and the like, as before they were lazy
        value = importlib.import_module(f".{name}", __name__)
    elif name == "__version__":
        value = _version()  # importlib.metadata is not free either
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__) | {"__version__"})


__version__: str

__all__ = [
    "Activity",
    "ActivityKind",
    "ActivityQuery",
    "Adapter",
    "AdapterNotFoundError",
    "AsyncEngage",
    "AsyncPager",
    "AsyncTenantClient",
    "AuthError",
    "BatchResult",
    "CallDirection",
    "CallInput",
    "Capability",
    "ChangeEvent",
    "ChangeFeed",
    "ChangePoll",
    "Checkpoint",
    "CheckpointStore",
    "ConfigPath",
    "ConfigurationError",
    "ConflictError",
    "Connection",
    "Deletion",
    "DisallowedHostError",
    "Engage",
    "EngageError",
    "EngageOptions",
    "EngageSettings",
    "Enrollment",
    "EnrollmentInput",
    "EnrollmentQuery",
    "EnrollmentState",
    "FileTokenStore",
    "InputError",
    "ItemResult",
    "JsonParam",
    "MappingError",
    "MemoryCheckpointStore",
    "MemoryTokenStore",
    "NotFoundError",
    "NoteInput",
    "Page",
    "Pager",
    "PartialFailure",
    "PermissionDeniedError",
    "PluginError",
    "ProtocolError",
    "QuotaExhaustedError",
    "RateLimitError",
    "ReauthorizationRequired",
    "Record",
    "RedisCheckpointStore",
    "SQLiteCheckpointStore",
    "Secret",
    "Sequence",
    "SequenceQuery",
    "Step",
    "StepKind",
    "SyncResult",
    "Target",
    "TargetInput",
    "TargetKind",
    "TargetQuery",
    "Task",
    "TaskInput",
    "TaskKind",
    "TaskOrigin",
    "TaskQuery",
    "TaskStatus",
    "TenantClient",
    "TenantConfig",
    "TenantContext",
    "TenantNotFoundError",
    "TenantSource",
    "Tenants",
    "TokenSet",
    "TokenStore",
    "TransportOptions",
    "UnavailableError",
    "UnsupportedOperationError",
    "ValidationError",
    "VendorError",
    "VendorRef",
    "VendorSettings",
    "hookimpl",
]
