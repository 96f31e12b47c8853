from __future__ import annotations

from collections.abc import Callable

import pytest

import engage
from engage import Adapter, Engage, PluginError
from engage._plugins import AdapterRegistry, make_plugin_manager
from tests.support import toyvendor

FIRST_PARTY = {"salesloft", "outreach", "salesforce"}


def test_first_party_adapters_register_through_the_entry_point_group() -> None:
    registry = AdapterRegistry(make_plugin_manager())
    assert set(registry.vendors) >= FIRST_PARTY
    for vendor in FIRST_PARTY:
        assert registry.get(vendor).__module__.startswith(f"engage_{vendor}")


def test_engage_plugins_restricts_what_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENGAGE_PLUGINS", "outreach")
    assert AdapterRegistry(make_plugin_manager()).vendors == ["outreach"]
    monkeypatch.setenv("ENGAGE_PLUGINS", "")
    assert AdapterRegistry(make_plugin_manager()).vendors == []
    monkeypatch.setenv("ENGAGE_PLUGINS", "outreach,salesforce")
    eng = Engage()
    assert eng.vendors == ["outreach", "salesforce"]


def test_a_plugin_from_a_test_module_registers_an_adapter() -> None:
    eng = Engage({"acme": {"vendor": "toy", "api_key": "k"}}, plugins=[toyvendor])
    assert "toy" in eng.vendors
    assert isinstance(eng.tenant("acme").adapter, toyvendor.ToyAdapter)


class MisspeltHook:
    @engage.hookimpl
    def register_adapter(self, register: Callable[[type[Adapter]], None]) -> None:
        raise AssertionError("never called")


class WrongArguments:
    @engage.hookimpl
    def register_adapters(self, register: object, extra: object) -> None:
        raise AssertionError("never called")


@pytest.mark.parametrize("plugin", [MisspeltHook(), WrongArguments()])
def test_a_broken_hook_fails_loudly(plugin: object) -> None:
    with pytest.raises(PluginError, match="invalid engage plugin"):
        make_plugin_manager([plugin], load_entrypoints=False)


class Duplicate(Adapter):
    vendor = "toy"


class RegistersDuplicate:
    @engage.hookimpl
    def register_adapters(self, register: Callable[[type[Adapter]], None]) -> None:
        register(Duplicate)


class RegistersJunk:
    @engage.hookimpl
    def register_adapters(self, register: Callable[[object], None]) -> None:
        register(object)


def test_two_adapters_for_one_vendor_are_refused() -> None:
    pm = make_plugin_manager([toyvendor, RegistersDuplicate()], load_entrypoints=False)
    with pytest.raises(PluginError, match="two adapters claim vendor 'toy'"):
        AdapterRegistry(pm)


def test_registering_something_that_is_not_an_adapter_is_refused() -> None:
    pm = make_plugin_manager([RegistersJunk()], load_entrypoints=False)
    with pytest.raises(PluginError, match="not an Adapter subclass"):
        AdapterRegistry(pm)


def test_capabilities_are_exactly_the_overridden_operations() -> None:
    caps = toyvendor.ToyAdapter.capabilities
    assert engage.Capability.TARGETS_LIST in caps
    assert engage.Capability.TASKS_COMPLETE_MANY in caps  # derived from tasks.complete
    assert engage.Capability.ENROLLMENTS_PAUSE not in caps
    assert engage.Capability.ENROLLMENTS_ENROLL_MANY not in caps
    assert Adapter.capabilities == frozenset()
