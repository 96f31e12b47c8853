"""The repository's shape, held by tests: one adapter layout, public APIs only, no import circles.

Every adapter (the three first-party ones and the toy vendor of these tests)
has the same modules with the same roles, so the mapping for any vendor in
either direction is in one named file:

========================  =====================================================
``__init__.py``           the plugin: ``register_adapters`` and the public names
``_settings.py``          the tenant settings model (``VendorSettings``)
``_wire.py``              tolerant models of the vendor's payloads
``_read.py``              vendor payload -> neutral record (pure, no I/O)
``_write.py``             neutral input or query -> vendor request (pure, no I/O)
``_protocol.py``          the vendor's protocol told to ``engage.transport``:
                          errors, rate headers, costs, pacing, auth
``_api.py``               the tenant's session: requests, envelopes, paging
``_adapter.py``           the ``Adapter`` subclass: the operations
``_ops_<area>.py``        optional: one area's operations, used by composition
``_protocol_<part>.py``   optional: a large protocol part (e.g. SOQL)
``_read_<area>.py``,      optional: a mapping split by area
``_write_<area>.py``
========================  =====================================================
"""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import pytest

from engage import Adapter

ROOT = Path(__file__).resolve().parent.parent
ADAPTERS = sorted(p for p in (ROOT / "adapters").glob("*/engage_*") if p.is_dir())
TOY = ROOT / "tests" / "support" / "toy" / "engage_toy"
ALL_ADAPTERS = [*ADAPTERS, TOY]

REQUIRED = {
    "__init__.py",
    "_settings.py",
    "_wire.py",
    "_read.py",
    "_write.py",
    "_protocol.py",
    "_api.py",
    "_adapter.py",
}
OPTIONAL_PREFIXES = ("_ops_", "_protocol_", "_read_", "_write_")
PURE = ("_read", "_write")  # mapping modules: no I/O, no session, no operations


def _imports(path: Path) -> list[tuple[str, int]]:
    """(module, level) of every import in ``path``."""
    found: list[tuple[str, int]] = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [(alias.name, 0) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.module or "", node.level))
            if node.module is None or (node.level and node.module == ""):
                found += [(alias.name, node.level) for alias in node.names]
    return found


def test_every_adapter_is_found() -> None:
    names = {p.name for p in ALL_ADAPTERS}
    assert {"engage_salesloft", "engage_outreach", "engage_salesforce", "engage_toy"} <= names


@pytest.mark.parametrize("package", ALL_ADAPTERS, ids=lambda p: p.name)
def test_adapter_modules_follow_the_layout(package: Path) -> None:
    modules = {p.name for p in package.glob("*.py")}
    missing = REQUIRED - modules
    assert not missing, f"{package.name} lacks {sorted(missing)}"
    strays = sorted(m for m in modules - REQUIRED if not m.startswith(OPTIONAL_PREFIXES))
    assert not strays, f"{package.name}: {strays} fit no role of the layout"


@pytest.mark.parametrize("package", ALL_ADAPTERS, ids=lambda p: p.name)
def test_mapping_modules_do_no_io(package: Path) -> None:
    for path in package.glob("*.py"):
        if not path.stem.startswith(PURE):
            continue
        for module, level in _imports(path):
            name = module.rsplit(".", 1)[-1]
            assert module not in {"httpx", "requests", "simple_salesforce"}, (path, module)
            assert not (level and name.startswith(("_api", "_protocol", "_adapter", "_ops_"))), (
                f"{path.relative_to(ROOT)} imports {module}: mapping must stay pure"
            )


@pytest.mark.parametrize("package", ALL_ADAPTERS, ids=lambda p: p.name)
def test_no_adapter_imports_a_private_engage_module(package: Path) -> None:
    for path in package.glob("*.py"):
        for module, level in _imports(path):
            if level:
                continue
            parts = module.split(".")
            assert not (parts[0] == "engage" and any(p.startswith("_") for p in parts[1:])), (
                f"{path.relative_to(ROOT)} imports {module}: use engage or engage.transport"
            )


@pytest.mark.parametrize("package", ADAPTERS, ids=lambda p: p.name)
def test_the_adapter_class_composes_instead_of_mixing_in(package: Path) -> None:
    module = importlib.import_module(f"{package.name}._adapter")
    classes = [
        obj
        for obj in vars(module).values()
        if inspect.isclass(obj)
        and issubclass(obj, Adapter)
        and obj is not Adapter
        and obj.__module__ == module.__name__
    ]
    assert len(classes) == 1, f"{module.__name__} should define exactly one Adapter"
    assert classes[0].__bases__ == (Adapter,), (
        f"{classes[0].__qualname__} should subclass Adapter alone; "
        "areas of operations are composed (_ops_<area>.py), not mixed in"
    )


def _core_graph() -> dict[str, set[str]]:
    package = ROOT / "engage"
    modules: dict[str, Path] = {}
    for path in package.rglob("*.py"):
        rel = path.relative_to(ROOT).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        base = name.split(".") if is_package else name.split(".")[:-1]
        # Every import counts, those under TYPE_CHECKING and inside functions too:
        # a circle the type checker or a late import hides is still a circle.
        for node in ast.walk(ast.parse(path.read_text())):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                prefix = base[: len(base) - node.level + 1] if node.level else []
                mod = ".".join([*prefix, *(node.module.split(".") if node.module else [])])
                targets = [mod, *(f"{mod}.{alias.name}" for alias in node.names)]
            for target in targets:
                if target in modules and target != name:
                    graph[name].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_core_has_no_import_circles() -> None:
    # A package's __init__ re-exporting its children is not a circle of its own.
    graph = {
        name: {t for t in targets if not name.startswith(t + ".") and not t.startswith(name + ".")}
        for name, targets in _core_graph().items()
    }
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c"]]
