"""The live-verification scenario, run over HTTP against each vendor's emulator.

The emulators stand in for a real account here: the point is that the scenario
runs end to end, reports what it saw, notices a behaviour that differs from the
adapter's assumptions, and leaves nothing behind.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from engage_sandbox import SandboxOptions, SandboxServer, sandbox_for
from engage_testing._verify import Verification, verify_tenant
from typer.testing import CliRunner

from engage import Engage
from engage._transport import MemoryTokenStore, NullPacer
from engage.cli import build_cli
from engage.config import TenantConfig

VENDORS = ("salesloft", "outreach", "salesforce")


@pytest.fixture(params=VENDORS)
def server(request: pytest.FixtureRequest) -> Iterator[SandboxServer]:
    sandbox = sandbox_for(request.param)
    live = SandboxServer(sandbox.create_app(SandboxOptions())).start()
    live.vendor = request.param  # type: ignore[attr-defined]
    try:
        yield live
    finally:
        live.stop()


def _config(server: SandboxServer) -> TenantConfig:
    vendor: str = server.vendor  # type: ignore[attr-defined]
    settings = sandbox_for(vendor).tenant_settings(server.url)
    return TenantConfig.model_validate({"name": "verify", "vendor": vendor, **settings})


def _first_sequence(config: TenantConfig) -> str:
    with Engage({config.name: config}, token_store=MemoryTokenStore(), pacer=NullPacer()) as eng:
        sequence = eng.tenant(config.name).sequences.list(limit=1).first()
    assert sequence is not None
    return sequence.id


def _run(server: SandboxServer, sequence_id: str | None) -> Verification:
    return verify_tenant(
        _config(server),
        sequence_id=sequence_id,
        engage_options={"token_store": MemoryTokenStore(), "pacer": NullPacer()},
        now=server.kit.clock.now,
    )


def _outcomes(verification: Verification) -> dict[str, str]:
    return {f.check: f.outcome for f in verification.findings}


def test_the_scenario_confirms_the_adapters_assumptions_and_cleans_up(
    server: SandboxServer,
) -> None:
    config = _config(server)
    verification = _run(server, _first_sequence(config))
    outcomes = _outcomes(verification)
    details = {f.check: f.detail for f in verification.findings}
    assert verification.ok, verification.findings
    for check in (
        "401: a wrong credential is an AuthError",
        "404: a missing record is a NotFoundError",
        "create a scratch target",
        "enroll twice returns the existing enrollment",
        "steps of a sequence (the org accepts the query and its order)",
        "task reads (the fields asked for exist in this account)",
        "a task's due date is kept as sent",
        "clean-up",
    ):
        assert outcomes[check] == "confirmed", (check, details[check])
    # What the vendor said is in the report: the status and the error body seen.
    assert "-> 401" in details["401: a wrong credential is an AuthError"] or (
        "-> 400" in details["401: a wrong credential is an AuthError"]  # a refused refresh
    )
    assert outcomes["rate-limit headers"] == "observed"
    assert details["rate-limit headers"] != "none seen"
    # The scratch target is gone: its email finds nothing any more.
    email = next(f.detail for f in verification.findings if f.check == "create a scratch target")
    assert email


def test_without_a_sequence_nothing_is_enrolled(server: SandboxServer) -> None:
    outcomes = _outcomes(_run(server, None))
    assert outcomes["enroll twice returns the existing enrollment"] == "skipped"
    assert outcomes["completing a sequence step's task"] == "skipped"
    assert outcomes["clean-up"] == "confirmed"


def test_a_behaviour_that_differs_is_reported_and_fails_the_run() -> None:
    sandbox = sandbox_for("salesloft")
    server = SandboxServer(sandbox.create_app(SandboxOptions())).start()
    server.vendor = "salesloft"  # type: ignore[attr-defined]
    try:
        # This "vendor" answers a missing person with 403 instead of 404.
        server.kit.faults.add(method="GET", path="/v2/people/9*", status=403, times=0)
        verification = _run(server, None)
    finally:
        server.stop()
    finding = next(f for f in verification.findings if f.check.startswith("404"))
    assert finding.outcome == "differs"
    assert "PermissionDeniedError" in finding.detail and "403" in finding.detail
    assert not verification.ok


def test_the_cli_runs_the_scenario_from_a_config(tmp_path: Path) -> None:
    sandbox = sandbox_for("salesloft")
    server = SandboxServer(sandbox.create_app(SandboxOptions())).start()
    try:
        settings = sandbox.tenant_settings(server.url)
        lines = ["[tenants.live]", 'vendor = "salesloft"']
        lines += [f"{key} = {json.dumps(value)}" for key, value in settings.items()]
        config = tmp_path / "engage.toml"
        config.write_text("\n".join(lines) + "\n")
        sequence = _first_sequence(
            TenantConfig.model_validate({"name": "live", "vendor": "salesloft", **settings})
        )
        runner = CliRunner()
        args = ["cassettes", "verify", "live", "--config", str(config), "--json"]
        result = runner.invoke(build_cli(), [*args, "--sequence", sequence])
    finally:
        server.stop()
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["ok"] is True and report["vendor"] == "salesloft"
    assert {f["outcome"] for f in report["findings"]} <= {"confirmed", "observed", "skipped"}
    assert settings["api_key"] not in result.output


def test_an_unknown_tenant_is_one_clear_line(tmp_path: Path) -> None:
    config = tmp_path / "engage.toml"
    config.write_text('[tenants.other]\nvendor = "salesloft"\napi_key = "k"\n')
    result = CliRunner().invoke(
        build_cli(), ["cassettes", "verify", "nope", "--config", str(config)]
    )
    assert result.exit_code == 3  # the CLI's configuration family
    assert "nope" in result.output and "Traceback" not in result.output
