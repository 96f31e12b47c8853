"""Per-tenant transport settings."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

MIB = 1024 * 1024


class TransportOptions(BaseModel):
    """Timeouts, deadline and retry bounds (in seconds) and the largest answer read,
    for one tenant."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    timeout: float = Field(default=30.0, gt=0, description="read/write timeout of one request")
    connect_timeout: float = Field(default=10.0, gt=0)
    deadline: float = Field(default=120.0, gt=0, description="whole operation incl. retries")
    max_attempts: int = Field(default=5, ge=1, le=20)
    backoff_base: float = Field(default=0.5, ge=0)
    backoff_cap: float = Field(default=30.0, gt=0, description="longest wait between tries")
    hint_cap: float = Field(default=120.0, gt=0, description="longest server-requested wait")
    retry_budget_ratio: float = Field(default=0.2, ge=0, le=1)
    retry_budget_floor: int = Field(default=10, ge=0)
    max_response_bytes: int = Field(
        default=32 * MIB,
        gt=0,
        description="largest response body read (decoded bytes); a larger one is a ProtocolError",
    )
    commit_window: float = Field(
        default=30.0,
        ge=0,
        description="how long after an ambiguous write engage looks for it before sending it"
        " again (a vendor can commit a request after the client gave up)",
    )
    batch_concurrency: int | None = Field(
        default=None, ge=1, le=64, description="parallel items in batch writes (adapter default)"
    )
