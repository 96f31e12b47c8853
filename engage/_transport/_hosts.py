"""Following vendor links only to the tenant's own API host."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from ..errors import DisallowedHostError


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port


class HostAllowList:
    """Origins (scheme, host, port) that links from a vendor may point to."""

    def __init__(self, vendor: str, base_url: str, *extra: str) -> None:
        self.vendor = vendor
        self.base_url = base_url
        self._allowed = {_origin(base_url), *(_origin(url) for url in extra)}

    def allow(self, url: str) -> None:
        self._allowed.add(_origin(url))

    def check(self, url: str) -> str:
        """Resolve ``url`` against the base URL and return it if its origin is allowed."""
        absolute = urljoin(self.base_url, url)
        if _origin(absolute) not in self._allowed:
            host = urlsplit(absolute).hostname
            raise DisallowedHostError(
                f"refusing to follow a link to {host!r}: not the tenant's API host",
                vendor=self.vendor,
            )
        return absolute
