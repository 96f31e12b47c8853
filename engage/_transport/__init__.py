"""HTTP plumbing shared by the adapters: auth, retries, pacing, redaction, host checks."""

from ._auth import BearerAuth, OAuth2RefreshGrant, Refresher, RefreshingAuth
from ._budget import RateObservation
from ._hints import parse_epoch, parse_retry_after
from ._hosts import HostAllowList
from ._http import ErrorDetails, HttpTransport, VendorHttp, build_error, error_class_for
from ._options import TransportOptions
from ._pacer import BudgetPacer, NullPacer, Pacer, PacingRule, TenantPacer
from ._redact import REDACTED, redact_headers, redact_params, redact_url
from ._retry import Backoff, RetryBudget, RetryPolicy
from ._scope import OperationScope, current_scope, operation_scope
from ._tokens import FileTokenStore, MemoryTokenStore, TokenSet, TokenStore

__all__ = [
    "REDACTED",
    "Backoff",
    "BearerAuth",
    "BudgetPacer",
    "ErrorDetails",
    "FileTokenStore",
    "HostAllowList",
    "HttpTransport",
    "MemoryTokenStore",
    "NullPacer",
    "OAuth2RefreshGrant",
    "OperationScope",
    "Pacer",
    "PacingRule",
    "RateObservation",
    "Refresher",
    "RefreshingAuth",
    "RetryBudget",
    "RetryPolicy",
    "TenantPacer",
    "TokenSet",
    "TokenStore",
    "TransportOptions",
    "VendorHttp",
    "build_error",
    "current_scope",
    "error_class_for",
    "operation_scope",
    "parse_epoch",
    "parse_retry_after",
    "redact_headers",
    "redact_params",
    "redact_url",
]
