"""Open a Redis client from a URL, for the stores and pacers that share state in Redis."""

from __future__ import annotations

from typing import Any

from ..errors import ConfigurationError


def redis_from_url(url: str, what: str) -> Any:
    """A ``redis.Redis`` for ``url`` (Any: redis is an optional dependency); a
    ConfigurationError naming ``what`` when the ``redis`` extra is not installed."""
    try:
        import redis
    except ImportError:
        raise ConfigurationError(
            f"{what} needs the redis extra: pip install 'engage-core[redis]'"
        ) from None
    return redis.Redis.from_url(url)
