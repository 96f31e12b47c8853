"""The facade: ``Engage`` holds the tenants, ``TenantClient`` is one tenant's API."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar, Unpack

import httpx
import pydantic
from pydantic import JsonValue

from ._changes_checkpoint import Checkpoint
from ._changes_event import ChangeEntity
from ._changes_feed import DEFAULT_ACTIVITY_LAG, DEFAULT_LAG, ChangeFeed, ChangePoll
from ._connect import Connection, check_redirect_uri
from ._dispatch import Dispatcher
from ._plugins import AdapterRegistry, make_plugin_manager
from ._resources import Activities, Enrollments, Sequences, Targets, Tasks
from ._transport import (
    BudgetPacer,
    FileTokenStore,
    MemoryTokenStore,
    Pacer,
    RetryPolicy,
    TenantPacer,
    TokenSet,
    TokenStore,
)
from ._transport._tokens import default_token_store_path
from .adapter import Adapter, Capability, JsonParam, TenantContext, VendorSettings
from .config import (
    ConfigPath,
    EngageSettings,
    TenantConfig,
    Tenants,
    as_tenant_source,
    describe_validation_error,
    require_tenant,
)
from .errors import ConfigurationError, InputError
from .models import Record

if TYPE_CHECKING:  # the change feed loads on first use (start-up time)
    from ._changes_checkpoint import Checkpoint
    from ._changes_event import ChangeEntity
    from ._changes_feed import ChangePoll

T = TypeVar("T")

__all__ = ["Engage", "EngageOptions", "TenantClient"]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class EngageOptions(TypedDict, total=False):
    """The keywords of :class:`Engage` that ``from_config`` / ``from_env`` pass on
    (all but ``settings``, which the config file and environment make)."""

    plugins: Iterable[object]
    load_entrypoints: bool
    token_store: TokenStore | None
    pacer: Pacer | None
    sleep: Callable[[float], None]
    clock: Callable[[], datetime]
    rng: random.Random | None
    http_transport: httpx.BaseTransport | None


def _token_store_from(setting: str) -> TokenStore:
    if setting == "default":
        return FileTokenStore(default_token_store_path())
    if setting == "memory":
        return MemoryTokenStore()
    if setting.startswith("file:"):
        return FileTokenStore(Path(setting[5:]).expanduser())
    if setting.startswith(("redis://", "rediss://", "unix://")):
        from ._redis import RedisTokenStore

        return RedisTokenStore.from_url(setting)
    raise ConfigurationError(
        f"unknown token store {setting!r}: use default, file:PATH, redis://... or memory"
    )


class TenantClient:
    """One tenant's view of its vendor, through the neutral API.

    Resource namespaces: ``targets``, ``sequences``, ``enrollments``,
    ``tasks``, ``activities``. ``capabilities`` lists what the vendor can do;
    anything else raises :class:`UnsupportedOperationError` before a request.
    """

    def __init__(self, config: TenantConfig, adapter: Adapter) -> None:
        self.config = config
        self.adapter = adapter
        self._dispatch = Dispatcher(config.name, adapter, config.transport.deadline)
        self.targets = Targets(self._dispatch)
        self.sequences = Sequences(self._dispatch)
        self.enrollments = Enrollments(self._dispatch)
        self.tasks = Tasks(self._dispatch)
        self.activities = Activities(self._dispatch)

    def __repr__(self) -> str:
        return f"TenantClient(tenant={self.name!r}, vendor={self.vendor!r})"

    @property
    def name(self) -> str:
        return self.config.name

    @property
    def vendor(self) -> str:
        return self.adapter.vendor

    @property
    def capabilities(self) -> frozenset[Capability]:
        return self.adapter.capabilities

    def supports(self, capability: Capability | str) -> bool:
        return Capability(capability) in self.capabilities

    # Any: the client's class is the vendor's (httpx, simple-salesforce, ...) and which
    # vendor a tenant has is configuration, known only at run time; narrow it with
    # isinstance (``isinstance(tenant.raw, httpx.Client)``) to have it checked.
    @property
    def raw(self) -> Any:
        """The vendor client bound to this tenant (an httpx client, or simple-salesforce)."""
        return self._dispatch.run(Capability.RAW, self.adapter.raw_client)

    def vendor_action(self, name: str, /, **params: JsonParam) -> JsonValue | Record:
        """Run a vendor-specific action by its vendor name, e.g. ``"deliver"``.

        Answers the vendor's decoded JSON, or the neutral record the action changed
        (Outreach's task and sequence-state actions answer the Task or Enrollment).
        """
        if not isinstance(name, str) or not name:
            raise InputError("vendor_action needs the action's name")
        return self._dispatch.run(
            Capability.VENDOR_ACTION, lambda: self.adapter.vendor_action(name, params)
        )

    def changes(
        self,
        since: Checkpoint | str | None = None,
        *,
        entities: Iterable[ChangeEntity] | None = None,
        lag: timedelta | None = None,
        activity_lag: timedelta | None = None,
        clock: Callable[[], datetime] | None = None,
        page_size: int | None = None,
        ordered: bool = True,
    ) -> ChangePoll:
        """What changed since ``since`` (see docs/changes.md): iterate the events, then
        store ``str(poll.checkpoint)``; a :class:`ChangeFeed` adds stores and workers.
        ``lag`` and ``activity_lag`` default to the feed's (2 minutes, 1 day)."""
        # Imported here: the feed (and sqlite3 under its stores) costs start-up time
        # that a product not using it should not pay.

        feed = ChangeFeed(
            self,
            entities,
            lag=DEFAULT_LAG if lag is None else lag,
            activity_lag=DEFAULT_ACTIVITY_LAG if activity_lag is None else activity_lag,
            clock=clock or _utc_now,
            page_size=page_size,
            ordered=ordered,
        )
        return feed.poll(since)

    def close(self) -> None:
        self.adapter.close()

    def __enter__(self) -> TenantClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Engage:
    """The entry point: tenants, their adapters, and shared token storage and pacing.

    >>> eng = Engage.from_config("engage.toml")
    >>> acme = eng.tenant("acme")
    >>> for task in acme.tasks.list(status="open", limit=10): ...

    ``tenants`` may be a mapping of name -> config, a callable ``name -> config``
    (backed by a product's own database), or a :class:`TenantSource`.
    ``sleep`` is how waits (backoff, pacing) pass; tests replaying recordings
    make it instant; ``clock`` and ``rng`` are what retries read server hints
    against and draw jitter from (the recorder passes the sandbox's). ``http_transport`` (an ``httpx.BaseTransport``) replaces
    the network for HTTP adapters: a proxy, a mock, an in-process app.
    """

    def __init__(
        self,
        tenants: Tenants | None = None,
        *,
        plugins: Iterable[object] = (),
        load_entrypoints: bool = True,
        token_store: TokenStore | None = None,
        pacer: Pacer | None = None,
        settings: EngageSettings | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], datetime] = _utc_now,
        rng: random.Random | None = None,
        http_transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.settings = settings or EngageSettings()
        self._sleep = sleep
        self._clock = clock
        self._rng = rng
        self._http_transport = http_transport
        failure: ConfigurationError | None = None
        try:
            self._source = as_tenant_source(tenants)
        except ConfigurationError as exc:
            failure = exc
        if failure is not None:
            # The tenants mapping holds the caller's secrets in plain text: raise
            # from a frame without it, and without the frames below that held it
            # (error trackers capture every frame's locals).
            del tenants
            raise failure.with_traceback(None)
        if load_entrypoints:
            self._registry = AdapterRegistry.lazy(plugins, only=self.settings.plugins)
        else:
            self._registry = AdapterRegistry(make_plugin_manager(plugins, load_entrypoints=False))
        self.token_store = token_store or _token_store_from(self.settings.token_store)
        self.pacer = pacer or BudgetPacer(self.settings.pacer_storage, sleep=sleep)
        self._clients: dict[str, TenantClient] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_config(
        cls, path: ConfigPath | None = None, **options: Unpack[EngageOptions]
    ) -> Engage:
        """Tenants from a TOML file (``[tenants.<name>]`` tables) and ``ENGAGE_*`` variables."""
        settings = EngageSettings.load(path)
        return cls(settings.tenants, settings=settings, **options)

    @classmethod
    def from_env(cls, **options: Unpack[EngageOptions]) -> Engage:
        """Tenants from ``ENGAGE_TENANTS__<NAME>__<KEY>`` variables (and ``ENGAGE_CONFIG``)."""
        return cls.from_config(None, **options)

    def __repr__(self) -> str:
        # Cheap and side-effect free (reprs run in debuggers and error trackers):
        # the tenants already opened, not a plugin scan or a tenant-source query.
        return f"Engage(open_tenants={sorted(getattr(self, '_clients', {}))})"

    @property
    def vendors(self) -> list[str]:
        """The vendors with an installed adapter."""
        return self._registry.vendors

    def adapter_class(self, vendor: str) -> type[Adapter]:
        return self._registry.get(vendor)

    def tenant_names(self) -> list[str]:
        return self._source.names()

    def tenant(self, name: str) -> TenantClient:
        """The client for tenant ``name`` (created once, then reused)."""
        with self._lock:
            client = self._clients.get(name)
            if client is None:
                client = self._build(require_tenant(self._source, name))
                self._clients[name] = client
            return client

    def drop_tenant(self, name: str) -> bool:
        """Close tenant ``name``'s client and forget it; the next :meth:`tenant` call
        builds it again from the tenant source (call it when the tenant's
        configuration changed). Answers whether a client was open."""
        with self._lock:
            client = self._clients.pop(name, None)
        if client is not None:
            client.close()
        return client is not None

    def forget_tokens(self, name: str) -> int:
        """Delete every token set stored for tenant ``name`` (all its credentials) and
        drop its client; answers how many were deleted. The tenant then needs a
        configured refresh token or :meth:`connect` again."""
        vendor = self.tenant(name).vendor
        self.drop_tenant(name)
        keys = self.token_store.keys(f"{vendor}:{name}:")
        for key in keys:
            self.token_store.delete(key)
        return len(keys)

    def replace_tokens(self, name: str, tokens: TokenSet) -> None:
        """Store ``tokens`` as tenant ``name``'s current tokens (obtained elsewhere, e.g.
        by the product's own OAuth flow) and drop its client so they are used next."""
        if not isinstance(tokens, TokenSet):
            raise InputError("replace_tokens needs an engage.TokenSet")
        app = self.tenant(name).adapter.oauth_app()
        try:
            self.token_store.put(app.store_key, tokens)
        finally:
            app.grant.close()
        self.drop_tenant(name)

    def connect(
        self,
        name: str,
        *,
        redirect_uri: str,
        scopes: Iterable[str] | None = None,
        state: str | None = None,
    ) -> Connection:
        """Start connecting tenant ``name`` with the vendor's authorization-code flow.

        Send the person who authorises the tenant to ``connection.authorize_url``;
        when the vendor redirects them to ``redirect_uri``, pass that URL to
        ``connection.complete(...)``: the tokens are stored where the tenant's
        adapter reads them. ``scopes`` replaces the adapter's default scopes.
        """
        check_redirect_uri(redirect_uri)  # before anything is built or sent
        if isinstance(scopes, str):
            raise InputError("scopes must be a list of scope names, not one string")
        app = self.tenant(name).adapter.oauth_app()
        return Connection(
            name,
            app,
            redirect_uri=redirect_uri,
            store=self.token_store,
            scopes=None if scopes is None else tuple(scopes),
            state=state,
            on_connected=lambda: self.drop_tenant(name),
        )

    def _build(self, config: TenantConfig) -> TenantClient:
        adapter_cls = self._registry.get(config.vendor)
        settings = self._validate_settings(config, adapter_cls.settings_model)
        context = TenantContext(
            tenant=config.name,
            vendor=adapter_cls.vendor,
            settings=settings,
            options=config.transport,
            token_store=self.token_store,
            pacer=TenantPacer(self.pacer),
            retry=RetryPolicy(
                config.transport, sleep=self._sleep, clock=self._clock, rng=self._rng
            ),
            http_transport=self._http_transport,
        )
        return TenantClient(config, adapter_cls(context))

    @staticmethod
    def _validate_settings(config: TenantConfig, model: type[VendorSettings]) -> VendorSettings:
        try:
            return model.model_validate(config.vendor_settings)
        except pydantic.ValidationError as exc:
            problem = describe_validation_error(
                f"tenant {config.name!r} ({config.vendor} settings)", exc
            )
        raise ConfigurationError(problem)  # outside the handler: no settings in __context__

    def close(self) -> None:
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            client.close()

    def __enter__(self) -> Engage:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
