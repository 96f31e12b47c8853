"""Per-tenant configuration.

A tenant is a name, a vendor, optional transport options, and the vendor's
own settings (credentials, base URL, ...), which the vendor's adapter
validates with its settings model. Tenants come from a TOML file, from
``ENGAGE_*`` environment variables, or from a mapping or callable that a
product backs with its own database.

Secrets may be given literally or as references: ``env:NAME`` reads an
environment variable, ``file:PATH`` reads a file. They are held as
``SecretStr`` and never printed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any, Protocol, TypeAlias, runtime_checkable

import pydantic
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    SerializerFunctionWrapHandler,
    field_serializer,
    model_serializer,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from ._transport import TransportOptions
from .errors import ConfigurationError, TenantNotFoundError

__all__ = [
    "ConfigPath",
    "EngageSettings",
    "Secret",
    "TenantConfig",
    "TenantSource",
    "Tenants",
    "resolve_secret",
]

ConfigPath: TypeAlias = str | os.PathLike[str]
"""Where a config file is: a string or a path-like object (``pathlib.Path``)."""


def resolve_secret(value: object) -> object:
    """Turn ``env:NAME`` / ``file:PATH`` references into their values."""
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    if not isinstance(value, str):
        return value
    if value.startswith("env:"):
        name = value[4:]
        if name not in os.environ:
            raise ValueError(f"environment variable {name} is not set")
        return os.environ[name]
    if value.startswith("file:"):
        path = Path(value[5:]).expanduser()
        try:
            return path.read_text().strip()
        except OSError as exc:
            problem = f"cannot read secret file {str(path)!r}: {exc.strerror}"
        raise ValueError(problem)
    return value


Secret = Annotated[SecretStr, BeforeValidator(resolve_secret)]
"""A secret setting: literal, ``env:NAME`` or ``file:PATH``; never printed."""

_SECRETISH = re.compile(r"token|secret|password|passwd|key|assertion|credential|session", re.I)
_NOT_SECRET = re.compile(r"(_url|_uri|_id|_ttl|_type|_name)$", re.I)
MASK = "**********"
_URL_PASSWORD = re.compile(r"(://[^:/@]*:)[^@/]+@")


def _secret_key(key: str) -> bool:
    """Whether a vendor setting of this name holds a secret (``api_key``, not ``token_url``)."""
    return bool(_SECRETISH.search(key)) and not _NOT_SECRET.search(key)


class TenantConfig(BaseModel):
    """One tenant: its name, its vendor, and everything the vendor's adapter needs.

    Keys other than ``name``, ``vendor`` and ``transport`` are the vendor
    settings, validated later by the adapter's settings model.
    """

    model_config = ConfigDict(frozen=True, extra="allow")

    name: str = Field(min_length=1)
    vendor: str = Field(min_length=1)
    transport: TransportOptions = Field(default_factory=TransportOptions)

    @property
    def vendor_settings(self) -> dict[str, Any]:
        return dict(self.model_extra or {})

    def __repr_args__(self) -> Any:
        for key, value in super().__repr_args__():
            if key and _secret_key(key) and not isinstance(value, SecretStr):
                yield key, MASK
            else:
                yield key, value

    @model_serializer(mode="wrap")
    def _masked(self, handler: SerializerFunctionWrapHandler) -> Any:
        """Dumps (``model_dump``, ``model_dump_json``) never show a secret setting."""
        data = handler(self)
        if isinstance(data, dict):
            for key in self.model_extra or {}:
                if key in data and _secret_key(key) and data[key] is not None:
                    data[key] = MASK
        return data


def describe_validation_error(what: str, exc: pydantic.ValidationError) -> str:
    """A one-line summary of a validation error that never echoes the input values.

    ``what`` is said once: a problem with no field of its own (a model-level check)
    is told without repeating it, and pydantic's "Value error, " prefix is dropped.
    """
    problems = []
    for err in exc.errors():
        message = str(err["msg"]).removeprefix("Value error, ")
        field = ".".join(str(p) for p in err["loc"])
        problems.append(f"{field}: {message}" if field else message)
    return f"{what}: {'; '.join(problems)}"


def tenant_config(name: str, data: TenantConfig | Mapping[str, object]) -> TenantConfig:
    if isinstance(data, TenantConfig):
        return data
    try:
        return TenantConfig.model_validate({"name": name, **data})
    except pydantic.ValidationError as exc:
        problem = describe_validation_error(f"tenant {name!r} config", exc)
    # Raised outside the handler: the validation error (which holds the input,
    # secrets included) must not ride along as the hidden __context__.
    raise ConfigurationError(problem)


@runtime_checkable
class TenantSource(Protocol):
    """Where tenant configs come from; a product may back it with its own database."""

    def get(self, name: str) -> TenantConfig | None: ...

    def names(self) -> list[str]: ...


# A tenant's settings are the vendor's (an adapter's settings model checks them), so a
# mapping of them is typed by its keys only; Mapping is covariant: any dict[str, X] fits.
Tenants: TypeAlias = (
    Mapping[str, TenantConfig | Mapping[str, object]]
    | Callable[[str], TenantConfig | Mapping[str, object] | None]
    | TenantSource
)
"""What ``Engage(tenants)`` takes: name -> config, a look-up ``name -> config``, or a
:class:`TenantSource`."""


class MappingTenantSource:
    def __init__(self, tenants: Mapping[str, TenantConfig | Mapping[str, object]]) -> None:
        self._tenants = {name: tenant_config(name, data) for name, data in tenants.items()}

    def get(self, name: str) -> TenantConfig | None:
        return self._tenants.get(name)

    def names(self) -> list[str]:
        return sorted(self._tenants)


class CallableTenantSource:
    """Tenants looked up one at a time, e.g. ``lambda name: db.load_tenant(name)``."""

    def __init__(
        self,
        lookup: Callable[[str], TenantConfig | Mapping[str, object] | None],
        names: Callable[[], list[str]] | None = None,
    ) -> None:
        self._lookup = lookup
        self._names = names

    def get(self, name: str) -> TenantConfig | None:
        data = self._lookup(name)
        return None if data is None else tenant_config(name, data)

    def names(self) -> list[str]:
        return sorted(self._names()) if self._names else []


def as_tenant_source(tenants: object) -> TenantSource:
    if tenants is None:
        return MappingTenantSource({})
    if isinstance(tenants, TenantSource):
        return tenants
    if isinstance(tenants, Mapping):
        return MappingTenantSource(tenants)
    if callable(tenants):
        return CallableTenantSource(tenants)
    raise ConfigurationError(
        f"tenants must be a mapping, a callable or a TenantSource, not {type(tenants).__name__}"
    )


def require_tenant(source: TenantSource, name: str) -> TenantConfig:
    config = source.get(name)
    if config is None:
        raise TenantNotFoundError(name, source.names())
    return config


class EngageSettings(BaseSettings):
    """engage's own settings: a TOML file overlaid by ``ENGAGE_*`` environment variables.

    Nested values use ``__``: ``ENGAGE_TENANTS__ACME__VENDOR=salesloft``.
    """

    model_config = SettingsConfigDict(
        env_prefix="ENGAGE_", env_nested_delimiter="__", extra="ignore", toml_file=None
    )

    tenants: dict[str, dict[str, Any]] = Field(default_factory=dict)
    plugins: str | None = Field(default=None, description="comma-separated entry points to load")
    token_store: str = Field(
        default="default",
        description="default (a file in the user data directory), file:PATH, redis://..., "
        "or memory (tests only: lost on exit)",
    )
    pacer_storage: str = Field(default="memory://", description="memory:// or redis://...")

    @field_serializer("tenants")
    def _masked_tenants(self, tenants: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        return {
            name: {k: MASK if _secret_key(k) and v is not None else v for k, v in data.items()}
            for name, data in tenants.items()
        }

    @field_serializer("token_store", "pacer_storage")
    def _masked_url(self, url: str) -> str:
        return _URL_PASSWORD.sub(rf"\1{MASK}@", url)

    def __repr_args__(self) -> Any:
        for key, value in super().__repr_args__():
            if key == "tenants":
                yield key, self._masked_tenants(value)
            elif key in ("token_store", "pacer_storage"):
                yield key, self._masked_url(value)
            else:
                yield key, value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))

    @classmethod
    def load(cls, path: ConfigPath | None = None) -> EngageSettings:
        """Read ``path`` (default: ``ENGAGE_CONFIG``, if set) and the environment."""
        if path is not None and not isinstance(path, str | os.PathLike):
            raise ConfigurationError(
                f"a config path is a str or os.PathLike, not {type(path).__name__}"
            )
        path = path or os.environ.get("ENGAGE_CONFIG")
        settings_cls: type[EngageSettings] = cls
        if path is not None:
            file = Path(path)
            if not file.is_file():
                raise ConfigurationError(f"config file {str(file)!r} does not exist")
            config = {**cls.model_config, "toml_file": file}
            settings_cls = type("EngageFileSettings", (cls,), {"model_config": config})
        try:
            return settings_cls()
        except pydantic.ValidationError as exc:
            problem = describe_validation_error("engage settings", exc)
        except ValueError as exc:  # e.g. a TOML syntax error
            problem = f"cannot read {path}: {exc}"
        raise ConfigurationError(problem)  # outside the handler: no input in __context__
