"""Redis-backed state shared across processes (needs the ``redis`` extra)."""

from __future__ import annotations

import json
from typing import Any

from ._transport import TokenSet
from ._transport._redis_url import redis_from_url


class RedisTokenStore:
    """Tokens in Redis, so every process of a product sees a rotated refresh token."""

    def __init__(self, client: Any, *, prefix: str = "engage:tokens:") -> None:
        self._redis = client
        self._prefix = prefix

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> RedisTokenStore:
        return cls(redis_from_url(url, "a redis:// token store"), **kwargs)

    def get(self, key: str) -> TokenSet | None:
        raw = self._redis.get(self._prefix + key)
        return TokenSet.model_validate(json.loads(raw)) if raw else None

    def put(self, key: str, tokens: TokenSet) -> None:
        self._redis.set(self._prefix + key, json.dumps(tokens.dump()))

    def delete(self, key: str) -> None:
        self._redis.delete(self._prefix + key)

    def keys(self, prefix: str = "") -> list[str]:
        found = self._redis.scan_iter(match=f"{self._prefix}{prefix}*")
        names = (k.decode() if isinstance(k, bytes) else str(k) for k in found)
        start = len(self._prefix)
        return sorted(n[start:] for n in names if not n.endswith(":refresh"))

    def refresh_lock(self, key: str, *, timeout: float = 60.0) -> Any:
        """A lock every process sharing this Redis takes around one tenant's refresh."""
        return self._redis.lock(
            f"{self._prefix}{key}:refresh", timeout=timeout, blocking_timeout=timeout
        )

    def __repr__(self) -> str:
        return f"RedisTokenStore(prefix={self._prefix!r})"
