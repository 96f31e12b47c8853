"""OAuth 2.0 authorization codes (RFC 6749, 4.1) shared by the emulators' authorize endpoints.

An emulator's ``GET .../authorize`` approves at once for its demo user (there
is no person to ask), issues a code with :meth:`AuthorizationCodes.issue` and
sends the browser back with :func:`authorize`'s redirect; its token endpoint
trades the code with :meth:`AuthorizationCodes.redeem`. A code:

* is bound to the ``client_id``, ``redirect_uri``, subject and scope it was
  issued for; presented with another client or redirect URI it is refused and
  stays live (as Doorkeeper does), so the rightful client can still redeem it;
* lives :data:`CODE_TTL` (10 minutes) of sandbox time, the RFC's recommended
  maximum;
* is single-use: the first successful redemption spends it. The RFC's SHOULD,
  revoking the tokens already issued for a code presented twice, is not
  emulated.

Codes are derived from a counter and a seed, as tokens are, so a re-recorded
scenario sees the same codes.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from urllib.parse import urlencode, urlsplit, urlunsplit

from starlette.responses import Response

from ._clock import SandboxClock

CODE_TTL = 600.0


@dataclass(frozen=True)
class AuthorizationGrant:
    """What one code stands for."""

    code: str
    client_id: str
    redirect_uri: str
    subject: str  # the user the code signs in as
    scope: str
    expires_at: float


class CodeProblem(Enum):
    UNKNOWN = "unknown"
    SPENT = "spent"
    EXPIRED = "expired"
    CLIENT_MISMATCH = "client_mismatch"
    REDIRECT_URI_MISMATCH = "redirect_uri_mismatch"


class CodeRefusedError(Exception):
    """A code that cannot be redeemed; token endpoints answer ``invalid_grant`` (RFC 6749, 5.2)."""

    error = "invalid_grant"

    def __init__(self, problem: CodeProblem) -> None:
        super().__init__(f"authorization code refused: {problem.value}")
        self.problem = problem


class AuthorizationCodes:
    """Issues and redeems single-use, short-lived authorization codes; thread-safe."""

    def __init__(
        self, clock: SandboxClock, *, prefix: str = "", ttl: float = CODE_TTL, seed: str = "sandbox"
    ) -> None:
        self._clock = clock
        self._prefix = prefix
        self.ttl = ttl
        self._seed = seed
        self._counter = 0
        self._live: dict[str, AuthorizationGrant] = {}
        self._spent: dict[str, float] = {}  # code -> when it would have expired
        self._lock = threading.Lock()

    def issue(self, client_id: str, redirect_uri: str, subject: str, scope: str = "") -> str:
        """A fresh code for ``subject``, redeemable once by ``client_id`` at ``redirect_uri``."""
        with self._lock:
            now = self._clock.timestamp()
            self._forget_expired(now)
            self._counter += 1
            digest = hashlib.sha256(f"{self._seed}:code:{self._counter}".encode()).hexdigest()
            code = f"{self._prefix}{digest[:40]}"
            self._live[code] = AuthorizationGrant(
                code=code,
                client_id=client_id,
                redirect_uri=redirect_uri,
                subject=subject,
                scope=scope,
                expires_at=now + self.ttl,
            )
            return code

    def redeem(self, code: str, *, client_id: str, redirect_uri: str) -> AuthorizationGrant:
        """Spend ``code`` and answer what it grants; :class:`CodeRefusedError` if it cannot be.

        ``redirect_uri`` must be the one of the authorization request, character for
        character (RFC 6749, 4.1.3).
        """
        with self._lock:
            grant = self._live.get(code)
            if grant is None:
                problem = CodeProblem.SPENT if code in self._spent else CodeProblem.UNKNOWN
                raise CodeRefusedError(problem)
            if self._clock.timestamp() >= grant.expires_at:
                del self._live[code]
                raise CodeRefusedError(CodeProblem.EXPIRED)
            if client_id != grant.client_id:
                raise CodeRefusedError(CodeProblem.CLIENT_MISMATCH)
            if redirect_uri != grant.redirect_uri:
                raise CodeRefusedError(CodeProblem.REDIRECT_URI_MISMATCH)
            del self._live[code]
            self._spent[code] = grant.expires_at
            return grant

    def __len__(self) -> int:
        """How many codes are still redeemable (expired ones included until swept)."""
        with self._lock:
            return len(self._live)

    def reset(self) -> None:
        """Forget every code and restart the counter, as a fresh emulator would."""
        with self._lock:
            self._counter = 0
            self._live.clear()
            self._spent.clear()

    def _forget_expired(self, now: float) -> None:
        # Keeps memory bounded; a swept code is refused as unknown instead of expired/spent.
        for code in [c for c, g in self._live.items() if g.expires_at <= now]:
            del self._live[code]
        for code in [c for c, until in self._spent.items() if until <= now]:
            del self._spent[code]


def valid_redirect_uri(uri: str) -> bool:
    """An absolute ``http``/``https`` URL with a host and no fragment (RFC 6749, 3.1.2).

    Only ASCII without spaces or control characters, as URIs are (RFC 3986), so the
    redirect answers exactly the URI given plus its parameters.
    """
    if (
        not uri
        or not uri.isascii()
        or "#" in uri
        or any(ord(ch) <= 0x20 or ord(ch) == 0x7F for ch in uri)
    ):
        return False
    try:
        parts = urlsplit(uri)
        _ = parts.port  # raises on a malformed port
    except ValueError:
        return False
    return parts.scheme in {"http", "https"} and bool(parts.hostname)


def found(location: str) -> Response:
    """The 302 that sends the browser back to the client (never cached)."""
    return Response(status_code=302, headers={"Location": location, "Cache-Control": "no-store"})


def redirect_to(uri: str, params: Iterable[tuple[str, str]]) -> str:
    """``uri`` with ``params`` appended to the query it already has (kept as given)."""
    parts = urlsplit(uri)
    extra = urlencode(list(params))
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit(parts._replace(query=query))


@dataclass(frozen=True)
class AuthorizeRefusal:
    """An authorize request answered with a 400 and no redirect (RFC 6749, 4.1.2.1).

    ``problem`` is one of ``unknown_client``, ``missing_redirect_uri``,
    ``invalid_redirect_uri``, ``duplicate_parameter``; ``error`` and
    ``description`` are RFC 6749 wording a vendor may replace by its own.
    """

    problem: str
    error: str
    description: str


_REFUSALS = {
    "unknown_client": ("invalid_client", "The client_id is not that of a known client."),
    "missing_redirect_uri": ("invalid_request", "The request has no redirect_uri."),
    "invalid_redirect_uri": (
        "invalid_request",
        "The redirect_uri is not an absolute http or https URL without a fragment.",
    ),
    "duplicate_parameter": ("invalid_request", "client_id or redirect_uri is given twice."),
}


def _refuse(problem: str) -> AuthorizeRefusal:
    error, description = _REFUSALS[problem]
    return AuthorizeRefusal(problem, error, description)


def authorize(
    codes: AuthorizationCodes,
    params: Iterable[tuple[str, str]],
    *,
    client_id: str,
    subject: str,
    scope: Callable[[str | None], str],
) -> str | AuthorizeRefusal:
    """Answer an authorization request that the demo user ``subject`` approves at once.

    ``params`` are the request's query parameters (repeats included);
    ``client_id`` is the one client the emulator knows; ``scope`` turns the
    requested scope (``None`` when absent) into the granted one. Answers the
    URL to redirect to (with ``code`` or ``error``, and ``state`` as given),
    or the :class:`AuthorizeRefusal` to answer with a 400 when the client or
    its redirect URI cannot be trusted.
    """
    values: dict[str, list[str]] = {}
    for key, value in params:
        values.setdefault(key, []).append(value)
    client = values.get("client_id", [])
    redirect = values.get("redirect_uri", [])
    if len(client) > 1 or len(redirect) > 1:
        return _refuse("duplicate_parameter")
    if not client or client[0] != client_id:
        return _refuse("unknown_client")
    if not redirect or not redirect[0]:
        return _refuse("missing_redirect_uri")
    redirect_uri = redirect[0]
    if not valid_redirect_uri(redirect_uri):
        return _refuse("invalid_redirect_uri")
    states = values.get("state", [])
    state = [("state", states[0])] if states else []

    def error(name: str, description: str) -> str:
        return redirect_to(
            redirect_uri, [("error", name), ("error_description", description), *state]
        )

    repeated = sorted(k for k in ("response_type", "state", "scope") if len(values.get(k, [])) > 1)
    if repeated:
        return error("invalid_request", f"The parameter {repeated[0]} is given more than once.")
    response_type = values.get("response_type", [""])[0]
    if not response_type:
        return error("invalid_request", "The request has no response_type.")
    if response_type != "code":
        return error(
            "unsupported_response_type",
            f"The response_type {response_type!r} is not supported; use 'code'.",
        )
    requested = values.get("scope", [None])[0]
    code = codes.issue(client_id, redirect_uri, subject, scope(requested))
    return redirect_to(redirect_uri, [("code", code), *state])
