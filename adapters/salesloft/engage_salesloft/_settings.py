"""A Salesloft tenant's settings: where the API is and how to authenticate."""

from __future__ import annotations

from typing import Self

from pydantic import model_validator

from engage import Secret, VendorSettings

VENDOR = "salesloft"
DEFAULT_BASE_URL = "https://api.salesloft.com"
DEFAULT_TOKEN_URL = "https://accounts.salesloft.com/oauth/token"


class SalesloftSettings(VendorSettings):
    """Either ``api_key`` or an OAuth2 client (``client_id``, ``client_secret``).

    With an OAuth2 client the tokens come from ``refresh_token`` or from
    connecting the tenant (``Engage.connect``), and rotate in the token store.

    ``team_id`` is optional: Salesloft counts its 600-a-minute budget per team,
    so tenants that share a team should name it to share one pacing budget
    (otherwise each tenant is paced on its own, which is right for one
    tenant per team and costs no extra request to discover).
    """

    base_url: str = DEFAULT_BASE_URL
    api_key: Secret | None = None
    client_id: str | None = None
    client_secret: Secret | None = None
    refresh_token: Secret | None = None
    token_url: str = DEFAULT_TOKEN_URL
    authorize_url: str | None = None  # default: token_url's /oauth/authorize
    team_id: str | None = None

    @model_validator(mode="after")
    def _one_credential(self) -> Self:
        oauth = self.client_id is not None or self.client_secret is not None
        if self.api_key is None and not oauth:
            raise ValueError("set api_key, or client_id and client_secret (OAuth2)")
        if self.api_key is not None and oauth:
            raise ValueError("set api_key or the OAuth2 client, not both")
        if oauth and (self.client_id is None or self.client_secret is None):
            raise ValueError("OAuth2 needs both client_id and client_secret")
        return self

    @property
    def oauth_authorize_url(self) -> str:
        if self.authorize_url:
            return self.authorize_url
        root, _, _ = self.token_url.rstrip("/").rpartition("/")
        return f"{root}/authorize"
