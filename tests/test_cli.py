from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from engage import Engage, TenantClient
from engage import _cli_config as cli_config
from engage import _cli_resources as cli_resources
from engage._matrix import capability_markdown
from engage.cli import build_cli
from tests.support import toyvendor

DOCS = Path(__file__).resolve().parents[1] / "docs"
runner = CliRunner()
app = build_cli()


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
    assert result.exit_code == 0, result.output
    assert "acme" in result.output and "outreach" in result.output
    assert "t-1234567890" not in result.output


def test_errors_print_one_line_and_exit_non_zero(tmp_path: Path) -> None:
    config = tmp_path / "engage.toml"
    config.write_text('[tenants.acme]\nvendor = "hubspot"\n')
    result = runner.invoke(app, ["tenants", "--config", str(config)], env={"COLUMNS": "200"})
    assert result.exit_code == 3  # configuration
    assert "no adapter for vendor 'hubspot'" in result.stdout
    assert result.stderr == "error: 1 of 1 tenants cannot be used: acme\n"


def test_unknown_sandbox_vendor() -> None:
    result = runner.invoke(app, ["sandbox", "serve", "--vendor", "hubspot"])
    assert result.exit_code == 2 and "no sandbox" in result.stderr


@pytest.fixture
def toy_cli(monkeypatch: pytest.MonkeyPatch, toy: TenantClient) -> TenantClient:
    monkeypatch.setattr(cli_resources, "_tenant", lambda config, name: toy)
    return toy


def test_resource_table_and_json_output(toy_cli: TenantClient) -> None:
    table = runner.invoke(app, ["targets", "list", "--tenant", "acme", "--limit", "3"])
    assert table.exit_code == 0, table.output
    assert "person3@example.com" in table.output and "person4@" not in table.output
    as_json = runner.invoke(app, ["targets", "get", "7", "--tenant", "acme", "--json"])
    record = json.loads(as_json.output)[0]
    assert record["email"] == "person7@example.com" and "raw" not in record
    found = runner.invoke(app, ["targets", "find", "nobody@example.com", "-t", "acme"])
    assert "(none)" in found.output


def test_bulk_write_and_one_line_errors(toy_cli: TenantClient) -> None:
    done = runner.invoke(app, ["tasks", "complete", "1", "2", "--tenant", "acme", "--json"])
    assert done.exit_code == 0, done.output
    assert [t["record"]["status"] for t in json.loads(done.output)] == ["completed", "completed"]
    missing = runner.invoke(app, ["targets", "get", "999", "--tenant", "acme"])
    assert missing.exit_code == 1
    assert "no such person" in missing.output and "code=not_found" in missing.output
    assert "[toy tenant=acme operation=targets.get status=404" in missing.output
    assert toyvendor.API_KEY not in missing.output
    unsupported = runner.invoke(app, ["enrollments", "pause", "1", "--tenant", "acme"])
    assert unsupported.exit_code == 1 and "does not support enrollments.pause" in unsupported.output
    bad_time = runner.invoke(app, ["tasks", "snooze", "1", "-t", "acme", "--until", "tomorrow"])
    assert bad_time.exit_code == 2 and "ISO-8601" in bad_time.output


GENERATED = "<!-- The reference below is generated: see tests/test_cli.py. -->\n\n"


def test_cli_reference_page_is_generated_from_the_typer_app(tmp_path: Path) -> None:
    """docs/cli.md is a guide, then the reference that typer writes from the app."""
    import subprocess
    import sys

    out = tmp_path / "cli.md"
    typer_cli = Path(sys.executable).with_name("typer")
    subprocess.run(
        [
            str(typer_cli),
            "tests.support.cli_app",
            "utils",
            "docs",
            "--name",
            "engage",
            "--output",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    page = (DOCS / "cli.md").read_text()
    assert GENERATED in page, "docs/cli.md lost the line that starts the generated reference"
    # Its usage lines are synopses, not commands to run: text blocks, not console ones.
    reference = out.read_text().replace("```console\n", "```text\n")
    assert page.split(GENERATED, 1)[1] == reference, (
        "docs/cli.md is stale: run `typer tests.support.cli_app utils docs --name engage"
        " --output ref.md` and put ref.md (```console -> ```text) after the generated-reference"
        " line"
    )


def test_doctor_reports_config_connectivity_and_headroom(
    monkeypatch: pytest.MonkeyPatch, toy_engage: Engage
) -> None:
    monkeypatch.setattr(cli_config, "open_engage", lambda config, retries=None: toy_engage)
    result = runner.invoke(app, ["doctor", "--tenant", "acme"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "vendor toy" in result.output and "sequences.list" not in result.output
    assert "targets.list answered" in result.output
    assert "99 left" in result.output


def test_doctor_fails_on_bad_credentials(monkeypatch: pytest.MonkeyPatch, toy_transport) -> None:
    bad = Engage(
        {"acme": {"vendor": "toy", "api_key": "wrong-key-123456"}},
        plugins=[toyvendor],
        http_transport=toy_transport,
    )
    monkeypatch.setattr(cli_config, "open_engage", lambda config, retries=None: bad)
    result = runner.invoke(app, ["doctor", "--tenant", "acme"])
    assert result.exit_code == 4 and "credentials" in result.output
    assert result.stderr.startswith("error: tenant 'acme': credentials failed: ")
    assert "wrong-key-123456" not in result.output
    unknown = runner.invoke(app, ["doctor", "--tenant", "nobody"])
    assert unknown.exit_code == 3 and "no tenant named 'nobody'" in unknown.output


def test_demo_runs_the_contract_on_the_three_sandboxes() -> None:
    result = runner.invoke(app, ["demo"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "One workflow, every vendor" in result.output
    for vendor in ("salesloft", "outreach", "salesforce"):
        assert f"demo-{vendor}" in result.output
    assert "broke the contract" not in result.output
    assert "unsupported" in result.output  # Salesloft cannot pause
