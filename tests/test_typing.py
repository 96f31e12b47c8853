"""A user's type checker catches their mistakes: mypy --strict and pyright, both.

``tests/typing/wrong_calls.py`` holds calls a checker must refuse, each line tagged
``# expect-error``; ``tests/typing/right_calls.py`` holds correct calls. Both
checkers run once per module (a few seconds each, mypy reusing the repo's cache)
and must report every tagged line and nothing else. The facades' signatures are
compared here too, so ``AsyncEngage`` cannot drift from ``Engage``.
"""

from __future__ import annotations

import inspect
import json
import re
import subprocess
import sys
import traceback
import typing
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from engage import AsyncEngage, ConfigurationError, Engage, TenantClient, TenantConfig

ROOT = Path(__file__).resolve().parent.parent
FILES = {
    "wrong": ROOT / "tests" / "typing" / "wrong_calls.py",
    "right": ROOT / "tests" / "typing" / "right_calls.py",
}
TAG = "# expect-error"
CHECKERS = ("mypy", "pyright")
# The executables next to this interpreter: the venv's own, never one from PATH.
BIN = Path(sys.executable).parent

Reports = dict[str, dict[str, set[int]]]  # checker -> file key -> lines with an error


def _tagged(path: Path) -> set[int]:
    lines = path.read_text().splitlines()
    return {number for number, line in enumerate(lines, 1) if line.rstrip().endswith(TAG)}


def _key_of(reported: str) -> str | None:
    """Which of FILES a report is about (None: a module they import, not judged here)."""
    for key, path in FILES.items():
        if Path(reported).resolve() == path:
            return key
    return None


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)


def _mypy() -> dict[str, set[int]]:
    done = _run(
        [
            str(BIN / "mypy"),
            "--strict",
            "--no-error-summary",
            "--show-error-codes",
            "--no-pretty",
            *(str(path) for path in FILES.values()),
        ]
    )
    found: dict[str, set[int]] = {key: set() for key in FILES}
    for line in done.stdout.splitlines():
        match = re.match(r"^(.+?):(\d+): error: ", line)
        if match and (key := _key_of(match[1])) is not None:
            found[key].add(int(match[2]))
    # 1 is "errors found"; anything else (a crash, a bad flag) is not a verdict.
    assert done.returncode in (0, 1), done.stdout + done.stderr
    assert found["wrong"], done.stdout + done.stderr
    return found


def _pyright() -> dict[str, set[int]]:
    done = _run(
        [
            str(BIN / "pyright"),
            "--outputjson",
            "--pythonpath",
            sys.executable,
            *(str(path) for path in FILES.values()),
        ]
    )
    assert done.returncode in (0, 1), done.stdout[-2000:] + done.stderr[-2000:]
    report = json.loads(done.stdout)
    found: dict[str, set[int]] = {key: set() for key in FILES}
    for diagnostic in report["generalDiagnostics"]:
        key = _key_of(diagnostic["file"])
        if diagnostic["severity"] == "error" and key is not None:
            found[key].add(diagnostic["range"]["start"]["line"] + 1)  # pyright counts from 0
    assert report["summary"]["filesAnalyzed"] == len(FILES), report["summary"]
    return found


@pytest.fixture(scope="module")
def reports() -> Reports:
    return {"mypy": _mypy(), "pyright": _pyright()}


def test_the_wrong_calls_cover_the_mistakes_users_make() -> None:
    tagged = _tagged(FILES["wrong"])
    assert len(tagged) >= 11
    assert not _tagged(FILES["right"])


@pytest.mark.parametrize("checker", CHECKERS)
def test_every_wrong_call_is_refused(reports: Reports, checker: str) -> None:
    missed = sorted(_tagged(FILES["wrong"]) - reports[checker]["wrong"])
    lines = FILES["wrong"].read_text().splitlines()
    assert not missed, f"{checker} accepts:\n" + "\n".join(
        f"  {n}: {lines[n - 1].strip()}" for n in missed
    )


@pytest.mark.parametrize("checker", CHECKERS)
def test_nothing_but_the_wrong_calls_is_refused(reports: Reports, checker: str) -> None:
    extra_wrong = sorted(reports[checker]["wrong"] - _tagged(FILES["wrong"]))
    assert not extra_wrong, f"{checker} refuses untagged lines {extra_wrong} of wrong_calls.py"
    assert not reports[checker]["right"], (
        f"{checker} refuses lines {sorted(reports[checker]['right'])} of right_calls.py"
    )


@pytest.mark.parametrize("path", [42, b"engage.toml", ["engage.toml"]])
def test_a_config_path_of_another_type_is_a_configuration_error(path: object) -> None:
    """What the types refuse is refused at run time too, naming the type given."""
    with pytest.raises(ConfigurationError, match=type(path).__name__):
        Engage.from_config(path)  # type: ignore[arg-type]


# --- the facades' signatures --------------------------------------------------------


def _parameters(fn: Callable[..., object], *, drop: str = "") -> list[tuple[object, ...]]:
    hints = typing.get_type_hints(fn)
    return [
        (p.name, p.kind, p.default, hints.get(p.name))
        for p in inspect.signature(fn).parameters.values()
        if p.name != drop
    ]


def _async_only(fn: Callable[..., object]) -> inspect.Parameter:
    parameter = inspect.signature(fn).parameters["max_threads"]
    assert parameter.kind is inspect.Parameter.KEYWORD_ONLY and parameter.default == 64
    return parameter


@pytest.mark.parametrize("method", ["__init__", "from_config", "from_env"])
def test_async_engage_takes_exactly_what_engage_takes(method: str) -> None:
    """Same names, kinds, defaults and types, plus ``max_threads`` (keyword only)."""
    sync_fn, async_fn = getattr(Engage, method), getattr(AsyncEngage, method)
    _async_only(async_fn)
    assert _parameters(async_fn, drop="max_threads") == _parameters(sync_fn)


def test_a_bad_async_engage_config_leaves_no_secret_in_engage_frames() -> None:
    """Spelled-out arguments are locals: AsyncEngage drops them before raising, as
    Engage does, so an error tracker capturing frame locals sees no secret."""
    secret = "client-secret-never-shown"
    with pytest.raises(ConfigurationError) as info:
        AsyncEngage({"": {"vendor": "toy", "name": "", "client_secret": secret}})
    failure = info.value
    assert failure.__cause__ is None and failure.__context__ is None
    package = str(Path(inspect.getfile(Engage)).parent)
    frames = [f for f, _ in traceback.walk_tb(failure.__traceback__)]
    assert any(f.f_code.co_filename.startswith(package) for f in frames)
    for frame in frames:
        if frame.f_code.co_filename.startswith(package):
            assert secret not in repr(frame.f_locals), frame.f_code.co_name


def test_async_engage_repr_is_cheap_and_safe_half_built() -> None:
    client = AsyncEngage.__new__(AsyncEngage)  # as seen by a tracker when __init__ raised
    assert repr(client) == "AsyncEngage(open_tenants=[])"
    asked: list[str] = []

    class Source:  # a product's tenant database: a repr must not query it
        def get(self, name: str) -> TenantConfig | None:
            asked.append(f"get {name}")
            return None

        def names(self) -> list[str]:
            asked.append("names")
            return []

    assert repr(AsyncEngage(Source(), load_entrypoints=False)) == "AsyncEngage(open_tenants=[])"
    assert asked == []


def test_engage_options_are_the_constructor_keywords() -> None:
    """``from_config(**options)`` takes every keyword of ``Engage()`` but ``settings``."""
    from engage._client import EngageOptions

    keywords = {
        p.name: p
        for p in inspect.signature(Engage.__init__).parameters.values()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    }
    hints = typing.get_type_hints(Engage.__init__)
    options = typing.get_type_hints(EngageOptions)
    assert set(options) == set(keywords) - {"settings"}
    for name, hint in options.items():
        assert hint == hints[name], name
    assert not EngageOptions.__required_keys__


def test_no_public_method_of_the_facades_is_typed_any() -> None:
    """Every parameter and return of the facades' public methods has a real type; the
    one exception is ``raw`` (the vendor's own client, chosen by configuration)."""
    untyped: list[str] = []
    for cls in (Engage, AsyncEngage, TenantClient):
        for name, member in inspect.getmembers(cls):
            if name.startswith("_") and name != "__init__":
                continue
            fn = member.fget if isinstance(member, property) else member
            if not callable(fn) or name == "raw":
                continue
            for arg, hint in typing.get_type_hints(fn).items():
                if hint is typing.Any:
                    untyped.append(f"{cls.__name__}.{name}({arg})")
    assert untyped == []


def test_the_engage_tenant_fixture_is_a_tenant_client() -> None:
    from engage_testing import _plugin

    fixture = inspect.unwrap(_plugin.engage_tenant)
    hints = typing.get_type_hints(getattr(fixture, "__wrapped__", fixture))
    assert hints["return"] == Iterator[TenantClient]
