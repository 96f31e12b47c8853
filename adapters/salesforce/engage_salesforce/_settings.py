"""A tenant's Salesforce settings: where the org is and exactly one way to log in."""

from __future__ import annotations

import ipaddress
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, model_validator

from engage import Secret, VendorSettings

LoginMethod = Literal["access_token", "password", "jwt", "refresh_token"]

# What each login method needs; the first complete one wins only if it is the only one.
_METHODS: dict[LoginMethod, tuple[str, ...]] = {
    "access_token": ("access_token", "instance_url"),
    "password": ("username", "password", "security_token"),
    "jwt": ("username", "consumer_key", "private_key|private_key_file"),
    # The refresh token is configured, or stored by connecting the tenant (Engage.connect).
    "refresh_token": ("client_id", "client_secret"),
}
# Fields that make a method "started" (so a half-filled one is reported, not ignored).
_MARKERS: dict[LoginMethod, tuple[str, ...]] = {
    "access_token": ("access_token",),
    "password": ("password", "security_token"),
    "jwt": ("consumer_key", "private_key", "private_key_file"),
    "refresh_token": ("client_id", "client_secret", "refresh_token"),
}


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_url(name: str, url: str | None) -> None:
    if url is None:
        return
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and is_loopback(url):
        return  # the local emulator; plain http is refused for every other host
    raise ValueError(f"{name} must be an https:// URL (plain http only for a loopback emulator)")


class SalesforceSettings(VendorSettings):
    """Exactly one login method: ``access_token``, ``password``, ``jwt`` or ``refresh_token``.

    ``login_url`` is where logins go (``https://<domain>.salesforce.com`` by
    default; a My Domain or the emulator otherwise). ``action_batch_size`` is
    how many inputs one invocable-action call carries (see the docs page for
    why 200).
    """

    instance_url: str | None = None
    api_version: str = Field(default="60.0", pattern=r"^\d{2,3}\.0$")
    access_token: Secret | None = None
    username: str | None = None
    password: Secret | None = None
    security_token: Secret | None = None
    domain: str = Field(default="login", pattern=r"^[A-Za-z0-9.-]+$")
    login_url: str | None = None
    consumer_key: str | None = None
    private_key: Secret | None = None
    private_key_file: str | None = None
    client_id: str | None = None
    client_secret: Secret | None = None
    refresh_token: Secret | None = None
    action_batch_size: int = Field(default=200, ge=1, le=2000)
    daily_api_limit: int = Field(default=15000, ge=1)

    @model_validator(mode="after")
    def _one_login(self) -> SalesforceSettings:
        _check_url("instance_url", self.instance_url)
        _check_url("login_url", self.login_url)
        started = [m for m, keys in _MARKERS.items() if any(self._has(k) for k in keys)]
        if not started:
            raise ValueError(
                "no login method: give access_token + instance_url, username + password +"
                " security_token, username + consumer_key + private_key (JWT), or client_id +"
                " client_secret (+ refresh_token, or connect the tenant)"
            )
        if len(started) > 1:
            raise ValueError(f"give exactly one login method, not {' and '.join(started)}")
        missing = [k.replace("|", " or ") for k in _METHODS[started[0]] if not self._has(k)]
        if missing:
            raise ValueError(f"{started[0]} login needs {', '.join(missing)}")
        return self

    def _has(self, key: str) -> bool:
        return any(getattr(self, name) not in (None, "") for name in key.split("|"))

    @property
    def login_method(self) -> LoginMethod:
        for method, keys in _MARKERS.items():
            if any(self._has(k) for k in keys):
                return method
        raise AssertionError("validated settings always have a login method")

    @property
    def login_base(self) -> str:
        return (self.login_url or f"https://{self.domain}.salesforce.com").rstrip("/")

    @property
    def token_url(self) -> str:
        return f"{self.login_base}/services/oauth2/token"

    @property
    def authorize_url(self) -> str:
        return f"{self.login_base}/services/oauth2/authorize"
