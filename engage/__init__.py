"""engage: one vendor-neutral API over sales-engagement platforms.

>>> from engage import Engage
>>> eng = Engage.from_config("engage.toml")
>>> acme = eng.tenant("acme")
>>> target = acme.targets.find_by_email("ada@example.com")
>>> acme.enrollments.enroll(target_id=target.id, sequence_id="42")
"""

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


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("engage-core")
    except PackageNotFoundError:  # a source tree on sys.path, not installed
        return "0+unknown"


__version__ = _version()

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
