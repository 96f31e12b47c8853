"""OAuth token sets and where they are kept between processes and restarts."""

from __future__ import annotations

import json
import os
import tempfile
import threading
from pathlib import Path
from typing import Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, SecretStr


class TokenSet(BaseModel):
    """An access token, the refresh token that goes with it, and its expiry (epoch s)."""

    model_config = ConfigDict(frozen=True)

    access_token: SecretStr
    refresh_token: SecretStr | None = None
    expires_at: float | None = None
    instance_url: str | None = None

    def expired(self, now: float, leeway: float = 60.0) -> bool:
        return self.expires_at is not None and now >= self.expires_at - leeway

    def dump(self) -> dict[str, object]:
        return {
            "access_token": self.access_token.get_secret_value(),
            "refresh_token": self.refresh_token.get_secret_value() if self.refresh_token else None,
            "expires_at": self.expires_at,
            "instance_url": self.instance_url,
        }


@runtime_checkable
class TokenStore(Protocol):
    """Keeps each tenant's tokens. A rotated refresh token is stored before use.

    ``key`` is the tenant name (plus vendor); implementations must be safe to
    call from several threads. A store shared by several processes should also
    offer ``refresh_lock(key)`` (a context manager), so that only one process
    refreshes a tenant's rotating refresh token at a time (the Redis store does).
    """

    def get(self, key: str) -> TokenSet | None: ...

    def put(self, key: str, tokens: TokenSet) -> None: ...


class MemoryTokenStore:
    """Tokens kept in this process only."""

    def __init__(self) -> None:
        self._tokens: dict[str, TokenSet] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> TokenSet | None:
        with self._lock:
            return self._tokens.get(key)

    def put(self, key: str, tokens: TokenSet) -> None:
        with self._lock:
            self._tokens[key] = tokens

    def __repr__(self) -> str:
        return f"MemoryTokenStore(keys={sorted(self._tokens)})"


class FileTokenStore:
    """Tokens kept in one JSON file (mode 0600), replaced atomically on every write."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def _read(self) -> dict[str, dict[str, object]]:
        try:
            data = json.loads(self.path.read_text())
        except FileNotFoundError:
            return {}
        return data if isinstance(data, dict) else {}

    def get(self, key: str) -> TokenSet | None:
        with self._lock:
            entry = self._read().get(key)
        return TokenSet.model_validate(entry) if entry else None

    def put(self, key: str, tokens: TokenSet) -> None:
        with self._lock:
            data = self._read()
            data[key] = tokens.dump()
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".tokens-")
            try:
                os.fchmod(fd, 0o600)
                with os.fdopen(fd, "w") as handle:
                    json.dump(data, handle)
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise

    def __repr__(self) -> str:
        return f"FileTokenStore({str(self.path)!r})"
