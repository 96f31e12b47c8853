"""OAuth token bookkeeping shared by the emulators' token endpoints."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from enum import Enum

from ._clock import SandboxClock


class TokenStatus(Enum):
    VALID = "valid"
    EXPIRED = "expired"
    UNKNOWN = "unknown"


@dataclass
class IssuedToken:
    access_token: str
    refresh_token: str
    expires_at: float
    subject: str  # the user / org the token acts for
    scope: str


class TokenRegistry:
    """Issues access tokens and rotating refresh tokens, deterministically.

    Tokens are derived from a counter and a fixed seed, so a re-recorded
    scenario issues the same (fake) tokens; cassettes scrub them anyway.
    A used refresh token is spent: presenting it again fails, as it does at
    vendors that rotate refresh tokens.
    """

    def __init__(
        self, clock: SandboxClock, *, prefix: str, access_ttl: float, seed: str = "sandbox"
    ) -> None:
        self._clock = clock
        self._prefix = prefix
        self.access_ttl = access_ttl
        self._seed = seed
        self._counter = 0
        self._by_access: dict[str, IssuedToken] = {}
        self._by_refresh: dict[str, IssuedToken] = {}
        self._static: dict[str, str] = {}
        self._lock = threading.Lock()

    def _mint(self, kind: str) -> str:
        self._counter += 1
        digest = hashlib.sha256(f"{self._seed}:{kind}:{self._counter}".encode()).hexdigest()
        return f"{self._prefix}{kind[0]}_{digest[:40]}"

    def issue(self, subject: str, scope: str = "") -> IssuedToken:
        with self._lock:
            token = IssuedToken(
                access_token=self._mint("access"),
                refresh_token=self._mint("refresh"),
                expires_at=self._clock.timestamp() + self.access_ttl,
                subject=subject,
                scope=scope,
            )
            self._by_access[token.access_token] = token
            self._by_refresh[token.refresh_token] = token
            return token

    def refresh(self, refresh_token: str) -> IssuedToken | None:
        """Spend ``refresh_token`` and issue a new pair; ``None`` if it is not live."""
        with self._lock:
            old = self._by_refresh.pop(refresh_token, None)
        if old is None:
            return None
        return self.issue(old.subject, old.scope)

    def add_refresh_token(self, refresh_token: str, subject: str, scope: str = "") -> None:
        """Accept a known refresh token for ``subject``, such as a demo tenant's configured one.

        It is spent on first use like any issued refresh token; :meth:`reset` forgets it.
        """
        with self._lock:
            self._by_refresh[refresh_token] = IssuedToken(
                access_token="",
                refresh_token=refresh_token,
                expires_at=0.0,
                subject=subject,
                scope=scope,
            )

    def add_static(self, token: str, subject: str) -> None:
        """Register a long-lived credential such as an API key."""
        with self._lock:
            self._static[token] = subject

    def check(self, token: str) -> tuple[TokenStatus, str | None]:
        with self._lock:
            if token in self._static:
                return TokenStatus.VALID, self._static[token]
            issued = self._by_access.get(token)
        if issued is None:
            return TokenStatus.UNKNOWN, None
        if self._clock.timestamp() >= issued.expires_at:
            return TokenStatus.EXPIRED, issued.subject
        return TokenStatus.VALID, issued.subject

    def reset(self) -> None:
        """Forget every issued token (static credentials stay) and restart the counter."""
        with self._lock:
            self._counter = 0
            self._by_access.clear()
            self._by_refresh.clear()

    def expire_all(self) -> None:
        """Fault injection: every live access token expires now."""
        now = self._clock.timestamp()
        with self._lock:
            for token in self._by_access.values():
                token.expires_at = min(token.expires_at, now)
