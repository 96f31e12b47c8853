"""The docs build cleanly and offline, and the adapter guide teaches only the public API."""

from __future__ import annotations

import hashlib
import html
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "adapters.md"
SNIPPET = re.compile(r'--8<-- "([^":]+)(?::(\d*))?(?::(\d*))?"')
DIAGRAM = ROOT / "docs" / "assets" / "concepts-model"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # --strict turns a broken link, nav entry or snippet path into a failure.
    out = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(out)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return out


def _text(page: Path) -> str:
    """A built page's text, as a reader sees it (highlighting spans removed)."""
    return html.unescape(re.sub(r"<[^>]+>", "", page.read_text()))


def test_the_docs_build_strictly(site: Path) -> None:
    assert (site / "index.html").is_file()


def test_the_site_loads_nothing_from_other_hosts(site: Path) -> None:
    """Offline, a CDN script or web font is a diagram left as raw text or a wrong font."""
    for page in site.rglob("*.html"):
        text = page.read_text()
        loaded = re.findall(
            r"<(?:script|img|link)\b[^>]*?(?:src|href)=\"(?:https?:)?//[^\"]*", text
        )
        assert not loaded, f"{page.relative_to(site)} loads {loaded}"
        assert 'class="mermaid"' not in text, f"{page.relative_to(site)} needs mermaid.js"


def test_the_capability_marks_are_theme_icons(site: Path) -> None:
    """No emoji font needed: the marks are inline SVGs from the theme's icon set."""
    page = (site / "capabilities" / "index.html").read_text()
    assert "✅" not in page and "❌" not in page
    assert page.count('class="twemoji engage-yes"') > 60
    assert page.count('class="twemoji engage-no"') > 5
    assert re.search(r'class="twemoji engage-yes"[^>]*><svg', page)


def test_the_concepts_diagram_is_its_committed_source(site: Path) -> None:
    svg = DIAGRAM.with_suffix(".svg").read_text()
    digest = hashlib.sha256(DIAGRAM.with_suffix(".mmd").read_bytes()).hexdigest()
    assert svg.startswith(f"<!-- source sha256: {digest} -->"), (
        "docs/assets/concepts-model.svg is stale: render concepts-model.mmd again (see its header)"
    )
    assert "<foreignObject" not in svg  # labels as SVG text: they show inside an <img> too
    assert 'src="../assets/concepts-model.svg"' in (site / "concepts" / "index.html").read_text()


def test_the_adapter_guide_shows_the_tested_toy_vendor() -> None:
    """Its code is included from the toy distribution that test_distributions installs."""
    text = GUIDE.read_text()
    included = re.findall(r'--8<-- "([^":]+)', text)
    assert {Path(p).parent.name for p in included} >= {"engage_toy", "engage_toy_sandbox"}
    for path in included:
        assert path.startswith("tests/support/toy/"), path
        assert (ROOT / path).is_file(), path


def test_the_built_adapter_guide_shows_every_included_line(site: Path) -> None:
    """The worked example is on the page itself, not only in tests/."""
    page = re.sub(r"\s+", " ", _text(site / "adapters" / "index.html"))
    snippets = SNIPPET.findall(GUIDE.read_text())
    assert len(snippets) >= 8
    for path, start, end in snippets:
        lines = (ROOT / path).read_text().splitlines()
        shown = lines[int(start or 1) - 1 : int(end) if end else len(lines)]
        assert any(line.strip() for line in shown), path
        for line in shown:
            assert re.sub(r"\s+", " ", line.strip()) in page, f"{path}: {line!r} is not shown"


def test_the_adapter_guide_never_sends_authors_to_private_modules() -> None:
    code = "\n".join(re.findall(r"```\w*\n(.*?)```", GUIDE.read_text(), re.S))
    assert not re.search(r"\bengage\._", code)
    prose = re.sub(r"```.*?```", "", GUIDE.read_text(), flags=re.S)
    for mention in re.findall(r"`(engage\._[\w.*]*)`", prose):
        assert mention == "engage._*", f"docs/adapters.md points authors at {mention}"
