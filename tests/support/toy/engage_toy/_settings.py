"""A toy tenant's settings: where the API is and how to sign in."""

from __future__ import annotations

from typing import Self

from pydantic import model_validator

from engage import Secret, VendorSettings

VENDOR = "toy"


class ToySettings(VendorSettings):
    """Either ``api_key``, or the OAuth2 trio ``client_id``, ``client_secret``, ``refresh_token``.

    Secrets are typed :data:`engage.Secret`: ``env:NAME`` and ``file:PATH``
    references resolve, and the values never print.
    """

    base_url: str = "https://api.toy.test"
    api_key: Secret | None = None
    client_id: str | None = None
    client_secret: Secret | None = None
    refresh_token: Secret | None = None

    @model_validator(mode="after")
    def _one_credential(self) -> Self:
        if self.api_key is None and (self.client_id is None or self.client_secret is None):
            raise ValueError("set api_key, or client_id and client_secret (OAuth2)")
        return self
