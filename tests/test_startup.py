"""Start-up stays cheap: what ``import engage`` and a first tenant load (issue 16).

Each check runs in a fresh interpreter and looks at ``sys.modules``: which
modules get imported is structural and does not depend on how loaded the
machine is (the timed numbers are in ``make bench``'s ``startup`` rows).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import engage

# Heavy or optional dependencies and vendor packages nobody needs for `import engage`.
HEAVY = (
    "anyio",
    "click",
    "engage._async",
    "engage._client",
    "engage.models",
    "engage_outreach",
    "engage_salesforce",
    "engage_salesloft",
    "engage_sandbox",
    "httpx",
    "limits",
    "pydantic",
    "pydantic_settings",
    "redis",
    "rich",
    "simple_salesforce",
    "sqlite3",
    "typer",
)
# A Salesloft tenant needs the transport and its own adapter, nothing of the others.
NOT_FOR_SALESLOFT = (
    "engage_outreach",
    "engage_salesforce",
    "engage_sandbox",
    "redis",
    "requests",  # simple-salesforce's HTTP stack
    "simple_salesforce",
    "typer",
)


def _loaded(code: str, names: tuple[str, ...]) -> list[str]:
    """The ``names`` present in ``sys.modules`` after running ``code`` in a new interpreter."""
    probe = (
        f"{code}\nimport json, sys\nprint(json.dumps([n for n in {names!r} if n in sys.modules]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


def test_import_engage_loads_no_heavy_module() -> None:
    assert _loaded("import engage", HEAVY) == []


def test_an_error_class_costs_no_model_or_transport() -> None:
    assert _loaded("from engage import RateLimitError, EngageError", HEAVY) == []


def test_a_salesloft_tenant_loads_neither_salesforce_nor_outreach() -> None:
    code = (
        "from engage import Engage\n"
        "eng = Engage({'x': {'vendor': 'salesloft', 'base_url': 'http://127.0.0.1:9',"
        " 'api_key': 'k'}})\n"
        "assert eng.tenant('x').vendor == 'salesloft'\n"
    )
    assert _loaded(code, NOT_FOR_SALESLOFT) == []


def test_the_change_feed_does_not_need_redis() -> None:
    code = "from engage import ChangeFeed, SQLiteCheckpointStore, RedisCheckpointStore"
    assert _loaded(code, ("redis", "simple_salesforce", "typer")) == []


def test_every_public_name_is_lazy_typed_and_resolves() -> None:
    """``__all__``, the lazy table and the ``TYPE_CHECKING`` imports name the same things."""
    source = Path(engage.__file__).read_text()
    typed: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for stmt in node.body:
                assert isinstance(stmt, ast.ImportFrom)
                typed |= {alias.asname or alias.name for alias in stmt.names}
                for alias in stmt.names:
                    assert engage._LAZY[alias.name] == stmt.module, alias.name
    assert typed == set(engage._LAZY) == set(engage.__all__)
    for name in engage.__all__:
        assert getattr(engage, name) is not None, name
    assert set(engage.__all__) <= set(dir(engage))


def test_submodules_and_version_stay_reachable() -> None:
    loaded = _loaded(
        "import engage\nassert engage.errors.EngageError and engage.models.Target\n"
        "assert isinstance(engage.__version__, str) and engage.__version__",
        ("engage.errors", "engage.models"),
    )
    assert loaded == ["engage.errors", "engage.models"]


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="NoSuchThing"):
        engage.NoSuchThing  # type: ignore[attr-defined]  # noqa: B018
