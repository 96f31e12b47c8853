"""Every error engage raises.

    EngageError
    ├── ConfigurationError            the config cannot be used
    │   ├── TenantNotFoundError       no tenant of that name (known names listed)
    │   └── AdapterNotFoundError      no adapter for that vendor (installed ones listed)
    ├── PluginError                   a plugin is broken (misspelt hook, bad registration)
    ├── UnsupportedOperationError     the vendor cannot do it (raised before any request)
    ├── InputError                    bad input from the caller (raised before any request)
    ├── MappingError                  a vendor payload could not be turned into the model
    └── VendorError                   the vendor refused or failed
        ├── AuthError                 credentials missing, wrong or expired for good
        │   └── ReauthorizationRequired   the refresh token was refused: a person must reconnect
        ├── PermissionDeniedError     authenticated but not allowed
        ├── NotFoundError             the record does not exist
        ├── ConflictError             the write clashes with the current state
        ├── ValidationError           the vendor rejected the input (field -> messages)
        ├── RateLimitError            slow down; ``retry_at`` says until when
        ├── QuotaExhaustedError       a daily / hourly allowance is used up
        ├── UnavailableError          5xx, maintenance, timeouts, dropped connections
        ├── DisallowedHostError       a vendor link pointed outside the tenant's API host
        ├── ProtocolError             the vendor broke its own protocol (a next link that loops)
        └── PartialFailure            a batch where some items failed (per-item results)

Vendor errors carry the vendor, tenant, operation, HTTP status, vendor error
code and request id, plus ``retryable``. They never carry a token or a whole
request body: messages are built from the vendor's error text only, and the
underlying exception is chained as ``__cause__``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

__all__ = [
    "AdapterNotFoundError",
    "AuthError",
    "ConfigurationError",
    "ConflictError",
    "DisallowedHostError",
    "EngageError",
    "InputError",
    "MappingError",
    "NotFoundError",
    "PartialFailure",
    "PermissionDeniedError",
    "PluginError",
    "ProtocolError",
    "QuotaExhaustedError",
    "RateLimitError",
    "ReauthorizationRequired",
    "TenantNotFoundError",
    "UnavailableError",
    "UnsupportedOperationError",
    "ValidationError",
    "VendorError",
]


class EngageError(Exception):
    """The root of every engage error."""


class ConfigurationError(EngageError):
    """The configuration cannot be used as given."""


def _listing(known: Sequence[str]) -> str:
    return ", ".join(sorted(known)) if known else "none"


class TenantNotFoundError(ConfigurationError):
    def __init__(self, tenant: str, known: Sequence[str]) -> None:
        self.tenant = tenant
        self.known = tuple(sorted(known))
        super().__init__(f"no tenant named {tenant!r}; known tenants: {_listing(known)}")


class AdapterNotFoundError(ConfigurationError):
    def __init__(self, vendor: str, known: Sequence[str]) -> None:
        self.vendor = vendor
        self.known = tuple(sorted(known))
        super().__init__(
            f"no adapter for vendor {vendor!r}; installed adapters: {_listing(known)}"
            " (install one, e.g. `pip install engage-core[all]`, or check ENGAGE_PLUGINS)"
        )


class PluginError(EngageError):
    """A plugin failed to load or registered something invalid."""


class UnsupportedOperationError(EngageError):
    """The tenant's vendor cannot do this operation; nothing was sent."""

    def __init__(self, vendor: str, operation: str, alternative: str | None = None) -> None:
        self.vendor = vendor
        self.operation = operation
        self.alternative = alternative
        message = f"{vendor} does not support {operation}"
        if alternative:
            message += f"; nearest alternative: {alternative}"
        super().__init__(message)


class InputError(EngageError, ValueError):
    """The caller's input is invalid; raised before any request is sent."""


class MappingError(EngageError):
    """A vendor payload did not fit the neutral model (the request succeeded; its
    answer could not be read). ``tenant`` and ``operation`` are filled in by the
    facade."""

    def __init__(
        self,
        message: str,
        *,
        vendor: str,
        object_type: str,
        tenant: str | None = None,
        operation: str | None = None,
    ) -> None:
        self.vendor = vendor
        self.object_type = object_type
        self.tenant = tenant
        self.operation = operation
        super().__init__(f"{vendor} {object_type}: {message}")

    def with_context(self, *, tenant: str | None, operation: str | None) -> MappingError:
        self.tenant = self.tenant or tenant
        self.operation = self.operation or operation
        return self


class VendorError(EngageError):
    """The vendor answered with an error, or could not be reached."""

    default_retryable = False

    def __init__(
        self,
        message: str,
        *,
        vendor: str,
        tenant: str | None = None,
        operation: str | None = None,
        status: int | None = None,
        code: str | None = None,
        request_id: str | None = None,
        retryable: bool | None = None,
    ) -> None:
        self.message = message
        self.vendor = vendor
        self.tenant = tenant
        self.operation = operation
        self.status = status
        self.code = code
        self.request_id = request_id
        self.retryable = self.default_retryable if retryable is None else retryable
        super().__init__(message)

    def __str__(self) -> str:
        where = " ".join(
            part
            for part in (
                self.vendor,
                f"tenant={self.tenant}" if self.tenant else "",
                f"operation={self.operation}" if self.operation else "",
                f"status={self.status}" if self.status is not None else "",
                f"code={self.code}" if self.code else "",
                f"request_id={self.request_id}" if self.request_id else "",
            )
            if part
        )
        return f"{self.message} [{where}]"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self!s})"

    def with_context(self, *, tenant: str | None, operation: str | None) -> VendorError:
        """Fill in the tenant and operation where the raiser did not know them."""
        self.tenant = self.tenant or tenant
        self.operation = self.operation or operation
        return self


class AuthError(VendorError):
    pass


class ReauthorizationRequired(AuthError):
    """The vendor refused the tenant's refresh token (``invalid_grant``): spent, revoked
    or expired. Only a person can fix this, by connecting the tenant again (an
    authorization-code exchange) or configuring a new refresh token; engage
    stops calling the token endpoint for that token until then."""


class PermissionDeniedError(VendorError):
    pass


class NotFoundError(VendorError):
    pass


class ConflictError(VendorError):
    pass


class ValidationError(VendorError):
    def __init__(
        self, message: str, *, fields: Mapping[str, Sequence[str]] | None = None, **kw: Any
    ) -> None:
        self.fields: dict[str, list[str]] = {k: list(v) for k, v in (fields or {}).items()}
        if self.fields:
            detail = "; ".join(f"{k}: {', '.join(v)}" for k, v in sorted(self.fields.items()))
            message = f"{message} ({detail})"
        super().__init__(message, **kw)


class RateLimitError(VendorError):
    default_retryable = True

    def __init__(self, message: str, *, retry_at: datetime | None = None, **kw: Any) -> None:
        self.retry_at = retry_at
        super().__init__(message, **kw)


class QuotaExhaustedError(VendorError):
    def __init__(self, message: str, *, retry_at: datetime | None = None, **kw: Any) -> None:
        self.retry_at = retry_at
        super().__init__(message, **kw)


class UnavailableError(VendorError):
    """The vendor could not be reached or did not answer in time.

    ``ambiguous`` is true when the request may have been applied all the same
    (a timeout after sending, a dropped connection, a 500/502/504): a write is
    then looked up before it is tried again, never blindly repeated.
    """

    default_retryable = True

    def __init__(
        self,
        message: str,
        *,
        retry_at: datetime | None = None,
        ambiguous: bool = False,
        **kw: Any,
    ) -> None:
        self.retry_at = retry_at
        self.ambiguous = ambiguous
        super().__init__(message, **kw)


class DisallowedHostError(VendorError):
    """A link from the vendor pointed to a host other than the tenant's API host."""


class ProtocolError(VendorError):
    """The vendor answered against its own protocol: a paging link that repeats an earlier
    page, an answer engage cannot read. Retrying the same request will not help."""


class BatchOutcome(Protocol):
    """What :class:`PartialFailure` carries: an :class:`engage.BatchResult`.

    Declared here as a protocol so that this module depends on nothing else in
    engage (the models depend on it).
    """

    @property
    def ok(self) -> bool: ...

    @property
    def failed(self) -> Sequence[Any]: ...

    @property
    def succeeded(self) -> Sequence[Any]: ...

    def __len__(self) -> int: ...


class PartialFailure(VendorError):
    """Some items of a batch failed; ``results`` holds every item's outcome."""

    def __init__(self, message: str, *, results: BatchOutcome, **kw: Any) -> None:
        self.results = results
        super().__init__(message, **kw)
