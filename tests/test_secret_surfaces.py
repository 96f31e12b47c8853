"""No secret on any surface: tracebacks captured with locals, dumps, reprs, config errors, CLI.

Error trackers capture every frame's local variables by default, and read an
exception's hidden ``__context__``; both are surfaces a secret can leak to.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from engage_testing import AppTransport
from typer.testing import CliRunner

from engage import (
    AuthError,
    ConfigurationError,
    Engage,
    EngageError,
    EngageSettings,
    MemoryTokenStore,
    ReauthorizationRequired,
)
from engage.cli import build_cli
from engage.config import TenantConfig
from tests.support import toyvendor

SECRETS = (toyvendor.CLIENT_SECRET, toyvendor.FIRST_REFRESH_TOKEN, toyvendor.API_KEY)


def _oauth(**extra: Any) -> dict[str, Any]:
    return {
        "vendor": "toy",
        "client_id": toyvendor.CLIENT_ID,
        "client_secret": toyvendor.CLIENT_SECRET,
        "refresh_token": toyvendor.FIRST_REFRESH_TOKEN,
        **extra,
    }


TESTS = str(Path(__file__).resolve().parent)


def _everything_about(exc: BaseException) -> str:
    """What an error tracker could show: the chain (hidden context too), and the locals
    of every frame outside these tests (the tests' own frames hold the secrets on purpose)."""
    parts = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        shown = traceback.TracebackException.from_exception(current, capture_locals=True)
        parts.append("".join(shown.format_exception_only()))
        parts.append(repr(current))
        for frame in shown.stack:
            if not frame.filename.startswith(TESTS):
                parts.append(f"{frame.filename}:{frame.lineno} {frame.locals}")
        current = current.__cause__ or current.__context__
    return "\n".join(parts)


def _assert_clean(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


def _engage(transport: httpx.BaseTransport) -> Engage:
    return Engage(
        {"acme": _oauth()},
        plugins=[toyvendor],
        http_transport=transport,
        token_store=MemoryTokenStore(),
        sleep=lambda _: None,
    )


def _token_endpoint(answer: Callable[[httpx.Request], httpx.Response]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            return answer(request)
        return httpx.Response(200, json={"id": 1})

    return httpx.MockTransport(handle)


def _refused(request: httpx.Request) -> httpx.Response:
    return httpx.Response(400, json={"error": "invalid_grant"})


def _unreachable(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("no answer", request=request)


def _html(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, text="<html>maintenance</html>")


def _no_token(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"token_type": "bearer", "expires_in": "soon"})


@pytest.mark.parametrize(
    ("answer", "kind"),
    [
        (_refused, ReauthorizationRequired),
        (_unreachable, AuthError),
        (_html, AuthError),
        (_no_token, AuthError),
    ],
    ids=["invalid_grant", "no answer", "html", "no access_token"],
)
def test_a_failed_refresh_leaks_nothing_through_traceback_locals(
    answer: Callable[[httpx.Request], httpx.Response], kind: type[AuthError]
) -> None:
    eng = _engage(_token_endpoint(answer))
    with pytest.raises(kind) as failed:
        eng.tenant("acme").targets.get("1")
    eng.close()
    _assert_clean(_everything_about(failed.value))


def test_config_errors_carry_no_secret_in_their_cause_or_context() -> None:
    bad_tenant = {"vendor": "toy", "name": "", "client_secret": toyvendor.CLIENT_SECRET}
    with pytest.raises(ConfigurationError) as bad_config:
        Engage({"": bad_tenant})
    bad_settings = _oauth(base_url=12345)  # wrong type beside the secrets
    eng = Engage({"acme": bad_settings}, plugins=[toyvendor])
    with pytest.raises(ConfigurationError) as wrong_type:
        eng.tenant("acme")
    # The frames that received the caller's own dict hold it, as any function's
    # would; what engage adds (message, cause, hidden context) must not.
    for failure in (bad_config.value, wrong_type.value):
        assert failure.__context__ is None and failure.__cause__ is None
        _assert_clean(str(failure) + repr(failure))


def test_dumps_and_reprs_of_every_config_mask_secrets() -> None:
    config = TenantConfig(name="acme", **_oauth(api_key=toyvendor.API_KEY))
    settings = EngageSettings(tenants={"acme": _oauth()}, token_store="memory")
    eng = Engage({"acme": _oauth()}, plugins=[toyvendor], token_store=MemoryTokenStore())
    adapter_settings = eng.tenant("acme").adapter.settings
    texts = [
        config.model_dump_json(),
        str(config.model_dump()),
        repr(config),
        settings.model_dump_json(),
        repr(settings),
        adapter_settings.model_dump_json(),
        repr(adapter_settings),
        repr(eng.tenant("acme")),
    ]
    eng.close()
    for text in texts:
        _assert_clean(text)
    assert "**********" in config.model_dump_json()


def test_cli_output_on_a_bad_config_shows_no_secret(tmp_path: Path) -> None:
    config = tmp_path / "engage.toml"
    config.write_text(
        "[tenants.acme]\n"
        'vendor = "nosuchvendor"\n'
        f'client_secret = "{toyvendor.CLIENT_SECRET}"\n'
        f'refresh_token = "{toyvendor.FIRST_REFRESH_TOKEN}"\n'
    )
    result = CliRunner().invoke(build_cli(), ["tenants", "--config", str(config)])
    _assert_clean(result.output)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        _assert_clean(_everything_about(result.exception))


def test_a_vendor_error_with_the_token_in_flight_leaks_nothing(tmp_path: Path) -> None:
    """An access-token request refused: the error, its cause and every frame stay clean."""
    transport = AppTransport(toyvendor.create_app())
    eng = Engage(
        {"acme": {"vendor": "toy", "api_key": toyvendor.API_KEY}},
        plugins=[toyvendor],
        http_transport=transport,
        sleep=lambda _: None,
    )
    with pytest.raises(EngageError) as failed:
        eng.tenant("acme").targets.get("999999")
    eng.close()
    _assert_clean(_everything_about(failed.value))


def test_the_suite_wide_scan_would_catch_each_kind_of_leak() -> None:
    """tests/conftest.py runs this scan around every test; here it must find leaks."""
    import logging

    from engage.config import tenant_config
    from tests.support.secret_scan import scanning

    with scanning("scan-self-test") as leaks:  # not under "engage": the suite's scan runs too
        logging.getLogger("scan-self-test.http").debug("sent %s", toyvendor.API_KEY)
        InputError = __import__("engage").InputError
        try:
            raise InputError(f"bad key {toyvendor.CLIENT_SECRET}")
        except InputError:
            pass
        # A library frame holding a secret in a local, as an error tracker sees it.
        with pytest.raises(ConfigurationError):
            tenant_config("x", {"vendor": "", "api_key": toyvendor.FIRST_REFRESH_TOKEN})
    kinds = " ".join(leaks)
    assert "log:" in kinds and "InputError" in kinds and "tenant_config.data" in kinds
    # Engage itself raises the same error from a frame that holds no secret.
    with scanning() as clean, pytest.raises(ConfigurationError):
        Engage({"x": {"vendor": "", "api_key": toyvendor.FIRST_REFRESH_TOKEN}})
    assert clean == []
