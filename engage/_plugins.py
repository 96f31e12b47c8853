"""Finding adapters: pluggy over the ``engage`` entry-point group, imported on demand.

Entry points are listed (cheap: package metadata only) but a plugin is
imported only when something needs it: the tenant of a vendor whose entry
point bears that vendor's name loads that one plugin, so a product whose
tenants are all on Salesloft never imports the Salesforce adapter (or
simple-salesforce). Listing vendors, or asking for a vendor no entry point is
named after, loads them all.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from importlib.metadata import EntryPoint, entry_points

import pluggy

from . import hookspecs
from .adapter import Adapter
from .errors import AdapterNotFoundError, PluginError

ENTRY_POINT_GROUP = "engage"


def _allowed_names(value: str | None) -> set[str] | None:
    """``ENGAGE_PLUGINS=a,b`` loads only those entry points; empty loads none."""
    if value is None:
        return None
    return {name.strip() for name in value.split(",") if name.strip()}


def plugin_entry_points(only: str | None = None) -> dict[str, EntryPoint]:
    """The ``engage`` entry points allowed by ``only`` (default: ``ENGAGE_PLUGINS``), by name."""
    allowed = _allowed_names(only if only is not None else os.environ.get("ENGAGE_PLUGINS"))
    found: dict[str, EntryPoint] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if allowed is None or ep.name in allowed:
            found.setdefault(ep.name, ep)
    return found


def _check(pm: pluggy.PluginManager) -> None:
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginError(f"invalid engage plugin: {exc}") from exc


def load_entry_point(pm: pluggy.PluginManager, ep: EntryPoint) -> object | None:
    """Import one entry point's plugin and register it (once); ``None`` if already there."""
    if pm.get_plugin(ep.name) is not None:
        return None
    try:
        plugin: object = ep.load()
    except Exception as exc:
        raise PluginError(f"plugin {ep.name!r} failed to import: {exc}") from exc
    try:
        pm.register(plugin, name=ep.name)
    except pluggy.PluginValidationError as exc:
        raise PluginError(f"invalid engage plugin: {exc}") from exc
    _check(pm)
    return plugin


def make_plugin_manager(
    extra_plugins: Iterable[object] = (),
    *,
    load_entrypoints: bool = True,
    only: str | None = None,
) -> pluggy.PluginManager:
    """A plugin manager with every entry-point plugin and ``extra_plugins`` registered.

    ``only`` restricts entry points by name (default: ``ENGAGE_PLUGINS``).
    Misspelt hooks and hooks with unknown arguments raise :class:`PluginError`.
    """
    pm = pluggy.PluginManager("engage")
    pm.add_hookspecs(hookspecs)
    if load_entrypoints:
        for ep in plugin_entry_points(only).values():
            load_entry_point(pm, ep)
    _register_extra(pm, extra_plugins)
    return pm


def _register_extra(pm: pluggy.PluginManager, plugins: Iterable[object]) -> None:
    try:
        for plugin in plugins:
            pm.register(plugin)
    except pluggy.PluginValidationError as exc:
        raise PluginError(f"invalid engage plugin: {exc}") from exc
    _check(pm)


class AdapterRegistry:
    """The adapter classes the plugins registered, by vendor name.

    ``pending`` entry points are imported only when needed (see the module
    docstring); plugins already in ``pm`` register at once.
    """

    def __init__(self, pm: pluggy.PluginManager, pending: Iterable[EntryPoint] = ()) -> None:
        self.plugin_manager = pm
        self._adapters: dict[str, type[Adapter]] = {}
        self._pending = {ep.name: ep for ep in pending if pm.get_plugin(ep.name) is None}
        pm.hook.register_adapters(register=self._register)

    @classmethod
    def lazy(
        cls, extra_plugins: Iterable[object] = (), *, only: str | None = None
    ) -> AdapterRegistry:
        """A registry over the entry points (none imported yet) and ``extra_plugins``."""
        pm = pluggy.PluginManager("engage")
        pm.add_hookspecs(hookspecs)
        _register_extra(pm, extra_plugins)
        return cls(pm, plugin_entry_points(only).values())

    def _register(self, adapter: type[Adapter]) -> None:
        if not (isinstance(adapter, type) and issubclass(adapter, Adapter)):
            raise PluginError(f"register_adapters got {adapter!r}, not an Adapter subclass")
        vendor = getattr(adapter, "vendor", None)
        if not isinstance(vendor, str) or not vendor:
            raise PluginError(f"{adapter.__qualname__} has no vendor name")
        existing = self._adapters.get(vendor)
        if existing is not None and existing is not adapter:
            raise PluginError(
                f"two adapters claim vendor {vendor!r}: "
                f"{existing.__module__}.{existing.__qualname__} and "
                f"{adapter.__module__}.{adapter.__qualname__}"
            )
        self._adapters[vendor] = adapter

    def _load(self, name: str) -> None:
        ep = self._pending.pop(name)
        plugin = load_entry_point(self.plugin_manager, ep)
        if plugin is None:
            return
        others = [p for p in self.plugin_manager.get_plugins() if p is not plugin]
        caller = self.plugin_manager.subset_hook_caller("register_adapters", others)
        caller(register=self._register)

    def _load_all(self) -> None:
        for name in list(self._pending):
            self._load(name)

    @property
    def vendors(self) -> list[str]:
        self._load_all()
        return sorted(self._adapters)

    def get(self, vendor: str) -> type[Adapter]:
        if vendor not in self._adapters and vendor in self._pending:
            self._load(vendor)
        if vendor not in self._adapters:
            self._load_all()  # an entry point may be named differently from its vendor
        try:
            return self._adapters[vendor]
        except KeyError:
            raise AdapterNotFoundError(vendor, self.vendors) from None

    def __contains__(self, vendor: object) -> bool:
        return isinstance(vendor, str) and (vendor in self._adapters or vendor in self.vendors)
