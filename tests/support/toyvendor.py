"""The toy vendor, as the core tests use it: ``from tests.support import toyvendor``.

The toy is its own distribution, ``engage-toy`` in ``tests/support/toy`` (the
adapter ``engage_toy`` and the emulator ``engage_toy_sandbox``), shipped and
registered exactly as a third-party vendor would be; tests/test_distributions.py
installs its wheel in a fresh venv. It is deliberately not installed in the dev
venv (its vendor would show in every ``Engage().vendors``), so this shim puts it
on ``sys.path`` and re-exports its names. The module is itself an engage plugin
(it carries the ``register_adapters`` hookimpl): pass ``plugins=[toyvendor]``.
"""

from __future__ import annotations

import sys
from pathlib import Path

_TOY = str(Path(__file__).resolve().parent / "toy")
if _TOY not in sys.path:
    sys.path.insert(0, _TOY)

from engage_toy import ToyAdapter, ToySettings, register_adapters  # noqa: E402
from engage_toy_sandbox import (  # noqa: E402
    API_KEY,
    CLIENT_ID,
    CLIENT_SECRET,
    FIRST_REFRESH_TOKEN,
    SANDBOX,
    create_app,
)

__all__ = [
    "API_KEY",
    "CLIENT_ID",
    "CLIENT_SECRET",
    "FIRST_REFRESH_TOKEN",
    "SANDBOX",
    "ToyAdapter",
    "ToySettings",
    "create_app",
    "register_adapters",
]
