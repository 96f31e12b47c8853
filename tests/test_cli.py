from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from engage import Engage
from engage._matrix import capability_markdown
from engage.cli import app

DOCS = Path(__file__).resolve().parents[1] / "docs"
runner = CliRunner()


def test_capability_matrix_page_is_generated_from_the_adapters() -> None:
    eng = Engage()
    adapters = {vendor: eng.adapter_class(vendor) for vendor in eng.vendors}
    expected = capability_markdown(adapters)
    assert (DOCS / "capabilities.md").read_text() == expected, (
        "docs/capabilities.md is stale: run `engage capabilities --markdown > docs/capabilities.md`"
    )
    result = runner.invoke(app, ["capabilities", "--markdown"])
    assert result.exit_code == 0 and result.output == expected


def test_adapters_lists_the_installed_vendors() -> None:
    result = runner.invoke(app, ["adapters"])
    assert result.exit_code == 0
    for vendor in ("salesloft", "outreach", "salesforce"):
        assert vendor in result.output


def test_tenants_from_a_config_file(tmp_path: Path) -> None:
    config = tmp_path / "engage.toml"
    config.write_text('[tenants.acme]\nvendor = "outreach"\naccess_token = "t-1234567890"\n')
    result = runner.invoke(app, ["tenants", "--config", str(config)])
    assert "acme" in result.output and "outreach" in result.output
    assert "t-1234567890" not in result.output


def test_errors_print_one_line_and_exit_non_zero(tmp_path: Path) -> None:
    config = tmp_path / "engage.toml"
    config.write_text('[tenants.acme]\nvendor = "hubspot"\n')
    result = runner.invoke(app, ["tenants", "--config", str(config)])
    assert result.exit_code == 1
    assert "no adapter for vendor 'hubspot'" in result.output


def test_unknown_sandbox_vendor() -> None:
    result = runner.invoke(app, ["sandbox", "serve", "--vendor", "hubspot"])
    assert result.exit_code == 2 and "no sandbox" in result.output
