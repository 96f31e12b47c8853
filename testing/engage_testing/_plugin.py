"""The pytest plugin (entry point ``pytest11: engage``).

Fixtures:

- ``engage_recorder(vendor, **options)``: a factory of :class:`Recorder` for
  the current test, with the cassette at
  ``<rootdir>/cassettes/<vendor>/<test module>/<test name>.yaml``.
- ``engage_tenant``: the tenant client for the vendor named by the test's
  ``@pytest.mark.engage_vendor("<vendor>")`` marker, recorded or replayed.
- ``engage_inprocess(vendor, **options)``: a factory of tenant clients on fresh
  emulators in this process (no socket, no cassette, every vendor alike),
  closed after the test.

``--record-mode`` (from pytest-recording) chooses: ``none`` (the default)
replays and fails on any unrecorded request; ``rewrite`` records afresh,
against the vendor's sandbox, or against a real account when
``ENGAGE_LIVE_TENANT_<VENDOR>`` names a tenant of the engage config
(``ENGAGE_CONFIG``); personal data is then pseudonymised.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from engage import TenantClient

from ._inprocess import inprocess_engage
from ._recorder import Recorder, live_tenant


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "engage_cassette_dir",
        "where engage cassettes live, relative to the rootdir",
        default="cassettes",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "engage_vendor(name): the vendor whose cassettes this test replays"
    )


def cassette_path(request: pytest.FixtureRequest, vendor: str) -> Path:
    root = Path(str(request.config.rootpath)) / str(request.config.getini("engage_cassette_dir"))
    module = request.node.module.__name__.rsplit(".", 1)[-1] if request.node.module else "tests"
    name = re.sub(r"[^\w.-]+", "_", request.node.name).strip("_")
    return root / vendor / module / f"{name}.yaml"


def _record_mode(request: pytest.FixtureRequest) -> str:
    try:
        mode = request.config.getoption("--record-mode")
    except ValueError:  # pytest-recording is not installed
        mode = None
    return str(mode or "none")


@pytest.fixture
def engage_recorder(request: pytest.FixtureRequest) -> Callable[..., Recorder]:
    """Make a :class:`Recorder` (use it as a context manager) for this test."""

    def make(vendor: str, **options: Any) -> Recorder:
        options.setdefault("record_mode", _record_mode(request))
        options.setdefault("cassette", cassette_path(request, vendor))
        if options["record_mode"] != "none" and "live" not in options:
            options["live"] = live_tenant(vendor)
        return Recorder(vendor=vendor, **options)

    return make


@pytest.fixture
def engage_tenant(
    request: pytest.FixtureRequest, engage_recorder: Callable[..., Recorder]
) -> Iterator[TenantClient]:
    """The tenant client of the vendor in ``@pytest.mark.engage_vendor(...)``."""
    marker = request.node.get_closest_marker("engage_vendor")
    if marker is None or not marker.args:
        raise pytest.UsageError("engage_tenant needs @pytest.mark.engage_vendor('<vendor>')")
    with engage_recorder(marker.args[0], **marker.kwargs) as recorder:
        yield recorder.tenant


@pytest.fixture
def engage_inprocess() -> Iterator[Callable[..., TenantClient]]:
    """Make a tenant client on a fresh in-process emulator: ``engage_inprocess("salesforce")``
    (keywords go to :func:`~engage_testing.inprocess_engage`)."""
    opened: list[Any] = []

    def make(vendor: str, **options: Any) -> TenantClient:
        engage, _ = inprocess_engage(vendor, **options)
        opened.append(engage)
        return engage.tenant(options.get("tenant", "test"))

    yield make
    for engage in opened:
        engage.close()


__all__ = ["cassette_path"]
