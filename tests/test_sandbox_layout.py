"""The emulators' shape, held by tests: one module layout for every vendor.

Each emulator package ``engage_sandbox/<vendor>/`` has the same modules with
the same roles (as moto keeps one layout per service), so finding where an
emulator answers a token request, keeps its records or renders an error is the
same for every vendor:

========================  =====================================================
``__init__.py``           what is emulated and what is not (the docstring),
                          ``create_app``, ``tenant_settings``, ``SANDBOX`` and
                          the public constants (demo credentials)
``_auth.py``              demo credentials, the OAuth token endpoint(s),
                          bearer/session checks
``_data.py``              deterministic seed data
``_errors.py``            the vendor's error bodies and error responses
``_state.py``             the in-memory state of the emulated account
``_routes.py``            the route table (``make_routes``)
``_auth_<part>.py``,      optional: a part of one of the roles above, e.g.
``_data_<part>.py``,      ``_routes_<area>.py`` for one area's handlers or
``_errors_<part>.py``,    ``_state_store.py`` for the records themselves
``_state_<part>.py``,
``_routes_<part>.py``
========================  =====================================================

An emulator never imports engage's core (``engage``) nor an adapter
(``engage_salesloft``, ...): it is written from the vendor's documents and
checks the adapter, so it must not share the adapter's code or assumptions.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path
from types import ModuleType

import engage_sandbox
import pytest
from engage_sandbox import SandboxVendor, installed_sandboxes

PACKAGE = Path(engage_sandbox.__file__).resolve().parent
VENDORS = sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").is_file())

REQUIRED = {"__init__.py", "_auth.py", "_data.py", "_errors.py", "_state.py", "_routes.py"}
OPTIONAL_PREFIXES = ("_auth_", "_data_", "_errors_", "_state_", "_routes_")
PUBLIC = ("create_app", "tenant_settings", "SANDBOX")
# engage's core and the first-party adapters; any other ``engage_*`` distribution
# but the sandbox itself (a third-party adapter, engage_testing) is refused too.
FORBIDDEN_ROOTS = ("engage", "engage_salesloft", "engage_outreach", "engage_salesforce")


def _vendor_package(vendor: str) -> ModuleType:
    return importlib.import_module(f"engage_sandbox.{vendor}")


def _imports(path: Path) -> list[tuple[str, int]]:
    """(module, level) of every import in ``path``, including nested and lazy ones."""
    found: list[tuple[str, int]] = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [(alias.name, 0) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.module or "", node.level))
    return found


def _dynamic_imports(path: Path) -> list[str]:
    """String arguments of ``importlib.import_module(...)`` / ``__import__(...)`` calls."""
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        first = node.args[0]
        if name in {"import_module", "__import__"} and isinstance(first, ast.Constant):
            found.append(str(first.value))
    return found


def _forbidden(module: str) -> bool:
    root = module.split(".", 1)[0]
    return root in FORBIDDEN_ROOTS or (root.startswith("engage_") and root != "engage_sandbox")


def test_the_three_first_party_emulators_are_found() -> None:
    assert {"salesloft", "outreach", "salesforce"} <= set(VENDORS)


def test_every_emulator_package_is_a_registered_sandbox() -> None:
    installed = installed_sandboxes()
    for vendor in VENDORS:
        assert vendor in installed, f"engage_sandbox.{vendor} is not an engage.sandbox entry point"
        assert installed[vendor] is _vendor_package(vendor).SANDBOX


@pytest.mark.parametrize("vendor", VENDORS)
def test_emulator_modules_follow_the_layout(vendor: str) -> None:
    package = PACKAGE / vendor
    modules = {p.name for p in package.glob("*.py")}
    missing = REQUIRED - modules
    assert not missing, f"engage_sandbox.{vendor} lacks {sorted(missing)}"
    strays = sorted(m for m in modules - REQUIRED if not m.startswith(OPTIONAL_PREFIXES))
    assert not strays, f"engage_sandbox.{vendor}: {strays} fit no role of the layout"
    subpackages = sorted(
        p.name for p in package.iterdir() if p.is_dir() and p.name != "__pycache__"
    )
    assert not subpackages, f"engage_sandbox.{vendor}: subpackages {subpackages} fit no role"


@pytest.mark.parametrize("vendor", VENDORS)
def test_every_emulator_module_imports(vendor: str) -> None:
    for path in sorted((PACKAGE / vendor).glob("_*.py")):
        name = "" if path.stem == "__init__" else f".{path.stem}"
        importlib.import_module(f"engage_sandbox.{vendor}{name}")


@pytest.mark.parametrize("vendor", VENDORS)
def test_the_package_exposes_the_sandbox(vendor: str) -> None:
    package = _vendor_package(vendor)
    for name in PUBLIC:
        assert hasattr(package, name), f"engage_sandbox.{vendor} lacks {name}"
        assert name in package.__all__, f"engage_sandbox.{vendor}.__all__ lacks {name}"
    sandbox = package.SANDBOX
    assert isinstance(sandbox, SandboxVendor)
    assert sandbox.vendor == vendor
    assert sandbox.create_app is package.create_app
    assert sandbox.tenant_settings is package.tenant_settings
    assert (package.__doc__ or "").strip(), f"engage_sandbox.{vendor} says nothing it emulates"


@pytest.mark.parametrize("vendor", VENDORS)
def test_the_route_table_is_made_in_routes(vendor: str) -> None:
    routes = importlib.import_module(f"engage_sandbox.{vendor}._routes")
    assert callable(getattr(routes, "make_routes", None)), (
        f"engage_sandbox.{vendor}._routes has no make_routes"
    )


@pytest.mark.parametrize("vendor", VENDORS)
def test_no_emulator_module_imports_engage_or_an_adapter(vendor: str) -> None:
    for path in sorted((PACKAGE / vendor).glob("*.py")):
        where = path.relative_to(PACKAGE.parent)
        for module, level in _imports(path):
            assert level or not _forbidden(module), (
                f"{where} imports {module}: an emulator must not share code with engage "
                "or with the adapter it checks"
            )
            assert level <= 2, f"{where} imports from outside engage_sandbox (level {level})"
        for module in _dynamic_imports(path):
            assert not _forbidden(module), f"{where} imports {module} dynamically"
