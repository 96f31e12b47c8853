"""OAuth token sets and where they are kept between processes and restarts.

Salesloft and Outreach rotate refresh tokens: once spent, a refresh token is
gone, and a tenant whose newest one is lost must be re-authorised by a person.
So storage is part of correctness, not a cache:

- :class:`FileTokenStore` (the default, under the platform's user data
  directory) survives restarts, and is safe for several processes on one
  machine: a cross-process file lock guards every read-modify-write and each
  tenant's refresh, and every write replaces the file atomically (fsynced), so
  a process killed mid-write leaves the previous file whole.
- ``RedisTokenStore`` (``engage-core[redis]``) shares tokens across machines.
- :class:`MemoryTokenStore` is for tests and throwaway scripts only: what it
  holds dies with the process, including a refresh token it already rotated.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, SecretStr


class TokenSet(BaseModel):
    """An access token, the refresh token that goes with it, and its expiry (epoch s).

    ``refreshing_since`` is set (epoch s) while a refresh is in flight: if the
    process dies before storing the answer, the next one can say so.
    """

    model_config = ConfigDict(frozen=True)

    access_token: SecretStr
    refresh_token: SecretStr | None = None
    expires_at: float | None = None
    instance_url: str | None = None
    refreshing_since: float | None = None

    def expired(self, now: float, leeway: float = 60.0) -> bool:
        return self.expires_at is not None and now >= self.expires_at - leeway

    def dump(self) -> dict[str, object]:
        return {
            "access_token": self.access_token.get_secret_value(),
            "refresh_token": self.refresh_token.get_secret_value() if self.refresh_token else None,
            "expires_at": self.expires_at,
            "instance_url": self.instance_url,
            "refreshing_since": self.refreshing_since,
        }


@runtime_checkable
class TokenStore(Protocol):
    """Keeps each tenant's tokens. A rotated refresh token is stored before use.

    Keys start with ``<vendor>:<tenant>:`` and end with a fingerprint of the
    credential (client, token endpoint, configured refresh token), so tenants of
    two configurations never share tokens. Implementations must be safe to call
    from several threads. A store shared by several processes should also offer
    ``refresh_lock(key)`` (a context manager), so that only one process
    refreshes a tenant's rotating refresh token at a time (the file and Redis
    stores do).
    """

    def get(self, key: str) -> TokenSet | None: ...

    def put(self, key: str, tokens: TokenSet) -> None: ...

    def delete(self, key: str) -> None: ...

    def keys(self, prefix: str = "") -> list[str]: ...


def credential_fingerprint(*parts: str | None) -> str:
    """A short, one-way digest of the values that identify a credential."""
    digest = hashlib.sha256("\x1f".join(p or "" for p in parts).encode())
    return digest.hexdigest()[:16]


class MemoryTokenStore:
    """Tokens kept in this process only: for tests and throwaway scripts.

    Everything here is lost when the process ends, including a refresh token
    the vendor has already rotated, so a product restarted on this store must
    be re-authorised. Products use the default file store or Redis.
    """

    def __init__(self) -> None:
        self._tokens: dict[str, TokenSet] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> TokenSet | None:
        with self._lock:
            return self._tokens.get(key)

    def put(self, key: str, tokens: TokenSet) -> None:
        with self._lock:
            self._tokens[key] = tokens

    def delete(self, key: str) -> None:
        with self._lock:
            self._tokens.pop(key, None)

    def keys(self, prefix: str = "") -> list[str]:
        with self._lock:
            return sorted(k for k in self._tokens if k.startswith(prefix))

    def __repr__(self) -> str:
        return f"MemoryTokenStore(keys={len(self._tokens)})"


def default_token_store_path() -> Path:
    """Where the default store keeps tokens: ``<user data dir>/engage/tokens.json``."""
    import platformdirs

    return platformdirs.user_data_path("engage", appauthor=False) / "tokens.json"


class FileTokenStore:
    """Tokens kept in one JSON file (mode 0600), safe across threads and processes.

    A file lock (``<file>.lock``) guards every read-modify-write, so processes
    never overwrite each other's tenants; ``refresh_lock(key)`` is a second,
    per-tenant lock held around a refresh. Writes go to a temporary file that
    is fsynced and then renamed over the old one.
    """

    def __init__(self, path: str | Path, *, lock_timeout: float = 60.0) -> None:
        from filelock import FileLock

        self.path = Path(path).expanduser()
        self._timeout = lock_timeout
        self._thread_lock = threading.RLock()
        self._file_lock = FileLock(f"{self.path}.lock", timeout=lock_timeout)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._thread_lock, self._file_lock:
            yield

    def _read(self) -> dict[str, dict[str, object]]:
        try:
            data = json.loads(self.path.read_text())
        except FileNotFoundError:
            return {}
        return data if isinstance(data, dict) else {}

    def _write(self, data: dict[str, Any]) -> None:
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".tokens-")
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w") as handle:
                json.dump(data, handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> TokenSet | None:
        with self._locked():
            entry = self._read().get(key)
        return TokenSet.model_validate(entry) if entry else None

    def put(self, key: str, tokens: TokenSet) -> None:
        with self._locked():
            data = self._read()
            data[key] = tokens.dump()
            self._write(data)

    def delete(self, key: str) -> None:
        with self._locked():
            data = self._read()
            if data.pop(key, None) is not None:
                self._write(data)

    def keys(self, prefix: str = "") -> list[str]:
        with self._locked():
            return sorted(k for k in self._read() if k.startswith(prefix))

    def refresh_lock(self, key: str) -> Any:
        """A lock every process on this machine takes around one tenant's refresh."""
        from filelock import FileLock

        self.path.parent.mkdir(parents=True, exist_ok=True)
        name = hashlib.sha256(key.encode()).hexdigest()[:16]
        return FileLock(f"{self.path}.{name}.refresh.lock", timeout=self._timeout)

    def __repr__(self) -> str:
        return f"FileTokenStore({str(self.path)!r})"
