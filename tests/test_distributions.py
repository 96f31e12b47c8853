"""The distributions, installed the way a product installs them.

Each test builds wheels from this repository (``uv build``), makes a fresh venv
with nothing else in it, and runs commands from an empty directory, so no
repository file can help. Everything is offline: third-party packages come
from uv's cache, pinned by ``uv.lock`` (exported as a pylock file and cut down
to what each venv's wheels actually require).

- ``engage-core`` alone never changes how a product's own pytest runs, and its
  CLI works and says what to install for the commands it lacks.
- core + sandbox + the three adapters run ``engage demo``.
- the toy vendor, built from ``tests/support/toy`` as a third-party
  distribution, is found by ``engage adapters``, served by ``engage sandbox
  serve --vendor toy`` and passes the contract suite, with no core edits.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
TOY = ROOT / "tests" / "support" / "toy"


def _uv() -> str:
    found = shutil.which("uv") or str(Path.home() / ".local" / "bin" / "uv")
    assert Path(found).exists(), "uv is needed to build the wheels (make test installs it)"
    return found


def _run(
    args: Iterable[object], *, cwd: Path, env: dict[str, str] | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if check:
        assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done


class Wheels:
    """The built wheels, and the locked third-party packages they need."""

    def __init__(self, folder: Path, pylock: str) -> None:
        self.by_name = {canonicalize_name(p.name.split("-")[0]): p for p in folder.glob("*.whl")}
        head, *blocks = pylock.split("\n[[packages]]\n")
        self._head = head
        # A name can be locked twice, one version per Python range (markers tell).
        self._locked: dict[str, list[str]] = {}
        for block in blocks:
            self._locked.setdefault(_block_name(block), []).append(block)

    def requires(self, name: str) -> list[Requirement]:
        wheel = self.by_name.get(name)
        if wheel is None:
            return [Requirement(r) for r in importlib.metadata.requires(name) or []]
        with zipfile.ZipFile(wheel) as archive:
            meta = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
            text = archive.read(meta).decode()
        return [
            Requirement(line.split(":", 1)[1])
            for line in text.splitlines()
            if line.startswith("Requires-Dist:")
        ]

    def closure(self, roots: Iterable[str]) -> set[str]:
        """Every distribution the roots need (markers evaluated here, no extras)."""
        seen: set[str] = set()
        todo = [Requirement(r) for r in roots]
        while todo:
            req = todo.pop()
            if req.marker and not req.marker.evaluate({"extra": ""}):
                continue
            name = canonicalize_name(req.name)
            if name in seen:
                continue
            seen.add(name)
            for child in self.requires(name):
                extras = {""} | set(req.extras)
                if child.marker is None or any(child.marker.evaluate({"extra": e}) for e in extras):
                    todo.append(Requirement(str(child).split(";")[0]))
        return seen

    def pylock_for(self, names: set[str]) -> str:
        third_party = names - set(self.by_name)
        missing = third_party - set(self._locked)
        assert not missing, f"not in uv.lock: {missing}"
        return "\n[[packages]]\n".join(
            [self._head, *(b for n in sorted(third_party) for b in self._locked[n])]
        )


def _block_name(block: str) -> str:
    found = re.match(r'name = "([^"]+)"', block)
    assert found, block[:80]
    return canonicalize_name(found.group(1))


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> Wheels:
    uv = _uv()
    out = tmp_path_factory.mktemp("wheels")
    _run([uv, "build", "--offline", "--wheel", "--all-packages", "-o", out], cwd=ROOT)
    _run([uv, "build", "--offline", "--wheel", "-o", out, TOY], cwd=ROOT)
    lock = out / "pylock.all.toml"
    _run(
        [
            uv,
            "export",
            "--frozen",
            "--format",
            "pylock.toml",
            "--all-packages",
            "--all-groups",
            "--no-emit-workspace",
            "-q",
            "-o",
            lock,
        ],
        cwd=ROOT,
    )
    return Wheels(out, lock.read_text())


class Venv:
    def __init__(self, path: Path, home: Path, work: Path) -> None:
        self.path, self.home, self.work = path, home, work

    @property
    def env(self) -> dict[str, str]:
        keep = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("PYTEST", "ENGAGE", "VIRTUAL_ENV", "PYTHON", "UV_"))
        }
        return keep | {
            "PATH": f"{self.path / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
            "HOME": str(self.home),
            "XDG_DATA_HOME": str(self.home / "data"),
            "XDG_CONFIG_HOME": str(self.home / "config"),
            "COLUMNS": "200",
        }

    def run(self, *args: object, check: bool = True) -> subprocess.CompletedProcess[str]:
        return _run(
            [self.path / "bin" / str(args[0]), *args[1:]], cwd=self.work, env=self.env, check=check
        )

    def python(self, code: str) -> subprocess.CompletedProcess[str]:
        return self.run("python", "-c", code)


def _venv(wheels: Wheels, tmp: Path, dists: list[str], extra: Iterable[str] = ()) -> Venv:
    uv = _uv()
    path, home, work = tmp / "venv", tmp / "home", tmp / "work"
    home.mkdir()
    work.mkdir()
    _run([uv, "venv", "-q", "--python", sys.executable, path], cwd=tmp)
    env = {**os.environ, "VIRTUAL_ENV": str(path)}
    env.pop("UV_PROJECT_ENVIRONMENT", None)
    lock = tmp / "pylock.venv.toml"
    lock.write_text(wheels.pylock_for(wheels.closure([*dists, *extra])))
    _run([uv, "pip", "install", "-q", "--offline", "-r", lock], cwd=tmp, env=env)
    ours = [wheels.by_name[canonicalize_name(d)] for d in dists]
    _run([uv, "pip", "install", "-q", "--offline", "--no-deps", *ours], cwd=tmp, env=env)
    return Venv(path, home, work)


ADAPTERS = ["engage-salesloft", "engage-outreach", "engage-salesforce"]


@pytest.fixture(scope="module")
def core_only(wheels: Wheels, tmp_path_factory: pytest.TempPathFactory) -> Venv:
    return _venv(wheels, tmp_path_factory.mktemp("core"), ["engage-core"], ["pytest"])


def test_core_needs_no_sandbox_and_no_test_kit(wheels: Wheels) -> None:
    needed = wheels.closure(["engage-core"])
    assert not needed & {
        "starlette",
        "uvicorn",
        "python-multipart",
        "vcrpy",
        "pytest",
        "pytest-recording",
    }
    assert not needed & {"simple-salesforce", "zeep", "engage-sandbox", "engage-testing"}


def test_installing_the_core_leaves_a_products_pytest_alone(core_only: Venv) -> None:
    (core_only.work / "test_product.py").write_text("def test_sum():\n    assert 1 + 1 == 2\n")
    done = core_only.run("pytest", "-q", "-W", "error", "-p", "no:cacheprovider")
    assert "1 passed" in done.stdout
    plugins = core_only.run("pytest", "--trace-config", "-q", "-p", "no:cacheprovider").stdout
    assert "engage" not in plugins.lower().replace("engage-core", "")


def test_the_core_cli_works_and_names_what_to_install(core_only: Venv) -> None:
    helped = core_only.run("engage", "--help")
    assert "adapters" in helped.stdout and "demo" in helped.stdout
    demo = core_only.run("engage", "demo", check=False)
    assert demo.returncode == 2, demo
    assert "Traceback" not in demo.stdout + demo.stderr
    assert "pip install" in demo.stderr and "sandbox" in demo.stderr
    listed = core_only.run("engage", "adapters")
    assert "Traceback" not in listed.stdout + listed.stderr


def test_core_sandbox_and_adapters_run_the_demo(
    wheels: Wheels, tmp_path_factory: pytest.TempPathFactory
) -> None:
    venv = _venv(
        wheels, tmp_path_factory.mktemp("demo"), ["engage-core", "engage-sandbox", *ADAPTERS]
    )
    done = venv.run("engage", "demo")
    for vendor in ("salesloft", "outreach", "salesforce"):
        assert vendor in done.stdout
    assert "broke the contract" not in done.stderr
    # A product whose tenants are all on Salesloft pays for none of the others.
    probe = venv.python(
        "import sys, httpx, engage\n"
        "page = {'data': [], 'metadata': {'paging': {'per_page': 25, 'current_page': 1,"
        " 'next_page': None, 'prev_page': None}}}\n"
        "t = httpx.MockTransport(lambda r: httpx.Response(200, json=page))\n"
        "eng = engage.Engage({'a': {'vendor': 'salesloft', 'api_key': 'k'}}, http_transport=t)\n"
        "assert list(eng.tenant('a').targets.list(limit=5)) == []\n"
        "heavy = {'simple_salesforce', 'zeep', 'starlette', 'uvicorn', 'engage_salesforce',"
        " 'engage_outreach', 'engage_sandbox', 'vcr', 'pytest'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    assert probe.stdout.strip() == "[]", probe.stdout


@pytest.fixture(scope="module")
def with_toy(wheels: Wheels, tmp_path_factory: pytest.TempPathFactory) -> Venv:
    dists = ["engage-core", "engage-sandbox", "engage-testing", "engage-toy"]
    return _venv(wheels, tmp_path_factory.mktemp("toy"), dists)


def test_a_third_party_vendor_is_listed(with_toy: Venv) -> None:
    listed = with_toy.run("engage", "adapters")
    assert re.search(r"\btoy\b", listed.stdout), listed.stdout
    sandboxes = with_toy.run("engage", "sandbox", "list")
    assert re.search(r"\btoy\b", sandboxes.stdout), sandboxes.stdout


@pytest.fixture
def toy_server(with_toy: Venv) -> Iterator[str]:
    command = [str(with_toy.path / "bin" / "engage"), "sandbox", "serve", "--vendor", "toy"]
    log = with_toy.work / "serve.log"
    with (
        log.open("w") as errors,
        subprocess.Popen(
            command,
            cwd=with_toy.work,
            env=with_toy.env,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        ) as proc,
    ):
        assert proc.stdout is not None
        try:
            line = proc.stdout.readline()  # the server prints its URL once it listens
            found = re.search(r"http://[\w.:]+", line)
            assert found, f"engage sandbox serve said {line!r}: {log.read_text()}"
            yield found.group(0)
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def test_a_third_party_sandbox_serves_its_adapter(with_toy: Venv, toy_server: str) -> None:
    done = with_toy.python(
        "import engage, engage_toy_sandbox as s\n"
        f"eng = engage.Engage({{'a': {{'vendor': 'toy', 'api_key': s.API_KEY, 'base_url': {toy_server!r}}}}})\n"
        "people = list(eng.tenant('a').targets.list(limit=3))\n"
        "print(len(people), all(p.id for p in people))\n"
    )
    assert done.stdout.split() == ["3", "True"], done.stdout


def test_a_third_party_vendor_passes_the_contract_suite(with_toy: Venv) -> None:
    (with_toy.work / "test_toy_contract.py").write_text(
        "from engage_testing.contract import ContractSuite\n\n\n"
        "class TestToyContract(ContractSuite):\n"
        '    vendor = "toy"\n'
    )
    recorded = with_toy.run(
        "pytest", "-q", "-W", "error", "-p", "no:cacheprovider", "--record-mode=rewrite"
    )
    assert "1 passed" in recorded.stdout
    cassettes = list((with_toy.work / "cassettes").rglob("*.yaml"))
    assert cassettes, "recording wrote no cassette"
    replayed = with_toy.run(
        "pytest", "-q", "-W", "error", "-p", "no:cacheprovider", "--record-mode=none"
    )
    assert "1 passed" in replayed.stdout
