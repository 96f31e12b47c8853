"""Finding adapters: pluggy over the ``engage`` entry-point group."""

from __future__ import annotations

import os
from collections.abc import Iterable
from importlib.metadata import entry_points

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


def make_plugin_manager(
    extra_plugins: Iterable[object] = (),
    *,
    load_entrypoints: bool = True,
    only: str | None = None,
) -> pluggy.PluginManager:
    """A plugin manager with the entry-point plugins and ``extra_plugins`` registered.

    ``only`` restricts entry points by name (default: ``ENGAGE_PLUGINS``).
    Misspelt hooks and hooks with unknown arguments raise :class:`PluginError`.
    """
    pm = pluggy.PluginManager("engage")
    pm.add_hookspecs(hookspecs)
    allowed = _allowed_names(only if only is not None else os.environ.get("ENGAGE_PLUGINS"))
    try:
        if load_entrypoints:
            for ep in entry_points(group=ENTRY_POINT_GROUP):
                if allowed is not None and ep.name not in allowed:
                    continue
                if pm.get_plugin(ep.name) is not None:
                    continue
                try:
                    plugin = ep.load()
                except Exception as exc:
                    raise PluginError(f"plugin {ep.name!r} failed to import: {exc}") from exc
                pm.register(plugin, name=ep.name)
        for plugin in extra_plugins:
            pm.register(plugin)
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginError(f"invalid engage plugin: {exc}") from exc
    return pm


class AdapterRegistry:
    """The adapter classes the loaded plugins registered, by vendor name."""

    def __init__(self, pm: pluggy.PluginManager) -> None:
        self.plugin_manager = pm
        self._adapters: dict[str, type[Adapter]] = {}
        pm.hook.register_adapters(register=self._register)

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

    @property
    def vendors(self) -> list[str]:
        return sorted(self._adapters)

    def get(self, vendor: str) -> type[Adapter]:
        try:
            return self._adapters[vendor]
        except KeyError:
            raise AdapterNotFoundError(vendor, self.vendors) from None

    def __contains__(self, vendor: object) -> bool:
        return vendor in self._adapters
