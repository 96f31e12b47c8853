"""The tenant settings of an Outreach tenant."""

from __future__ import annotations

from typing import Self

from pydantic import model_validator

from engage import Secret, VendorSettings


class OutreachSettings(VendorSettings):
    """OAuth2 client credentials with a refresh token, or a bare access token.

    With ``client_id``/``client_secret`` and a ``refresh_token`` (configured, or
    stored by connecting the tenant with ``Engage.connect``) the adapter refreshes
    the two-hour access tokens itself and keeps the rotated refresh token in the
    engage token store (key ``outreach:<tenant>``); an ``access_token`` given
    alongside seeds that store. An ``access_token`` alone is used as-is until it
    expires, which suits scripts more than services.
    """

    base_url: str = "https://api.outreach.io"
    token_url: str | None = None  # default: <base_url>/oauth/token
    client_id: str | None = None
    client_secret: Secret | None = None
    refresh_token: Secret | None = None
    access_token: Secret | None = None
    # The Outreach user the token acts for. Outreach counts 10,000 requests an hour
    # per user, so tenants that share a user should share a pacing budget too.
    user_id: str | None = None
    # Records per page of a read that names no page_size. None: Outreach's largest
    # (1000), halved for the tenant if large pages fail; a number: exactly that.
    page_size: int | None = None

    @model_validator(mode="after")
    def _credentials(self) -> Self:
        oauth = self.client_id is not None or self.client_secret is not None
        if oauth and (self.client_id is None or self.client_secret is None):
            raise ValueError("client_id and client_secret go together")
        # An OAuth2 client alone is a tenant to connect (Engage.connect): its tokens
        # then live in the token store.
        if not oauth and self.access_token is None:
            raise ValueError("give client_id, client_secret and refresh_token, or an access_token")
        if self.page_size is not None and not 1 <= self.page_size <= 1000:
            raise ValueError("page_size must be between 1 and 1000 (Outreach's maximum)")
        return self

    @property
    def api_root(self) -> str:
        return self.base_url.rstrip("/")

    @property
    def oauth_token_url(self) -> str:
        return self.token_url or f"{self.api_root}/oauth/token"

    @property
    def oauth_authorize_url(self) -> str:
        return f"{self.api_root}/oauth/authorize"
