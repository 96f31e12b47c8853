from __future__ import annotations

from pathlib import Path

import pytest

from engage import (
    AdapterNotFoundError,
    ConfigurationError,
    Engage,
    EngageSettings,
    TenantConfig,
    TenantNotFoundError,
)
from engage.config import CallableTenantSource
from tests.support import toyvendor
from tests.support.toyvendor import ToySettings

TOML = """
[tenants.acme]
vendor = "toy"
api_key = "env:ACME_TOY_KEY"

[tenants.acme.transport]
timeout = 5
deadline = 20

[tenants.globex]
vendor = "toy"
api_key = "file:{secret}"
base_url = "https://eu.toy.test"
"""


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    secret = tmp_path / "globex.key"
    secret.write_text("globex-key-from-file\n")
    path = tmp_path / "engage.toml"
    path.write_text(TOML.format(secret=secret))
    return path


def test_toml_file_with_env_and_file_secret_refs(
    config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACME_TOY_KEY", "acme-key-from-env")
    eng = Engage.from_config(config_file, plugins=[toyvendor])
    assert eng.tenant_names() == ["acme", "globex"]
    acme = eng.tenant("acme")
    assert acme.vendor == "toy"
    assert acme.config.transport.timeout == 5 and acme.config.transport.deadline == 20
    settings = acme.adapter.settings
    assert isinstance(settings, ToySettings)
    assert settings.api_key is not None
    assert settings.api_key.get_secret_value() == "acme-key-from-env"
    globex = eng.tenant("globex").adapter.settings
    assert isinstance(globex, ToySettings)
    assert globex.api_key is not None
    assert globex.api_key.get_secret_value() == "globex-key-from-file"
    assert globex.base_url == "https://eu.toy.test"
    assert eng.tenant("acme") is acme  # one client per tenant


def test_missing_env_reference_is_a_configuration_error(
    config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ACME_TOY_KEY", raising=False)
    eng = Engage.from_config(config_file, plugins=[toyvendor])
    with pytest.raises(ConfigurationError, match="ACME_TOY_KEY is not set"):
        eng.tenant("acme")


def test_environment_variables_define_and_override_tenants(
    config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ENGAGE_TENANTS__INITECH__VENDOR", "toy")
    monkeypatch.setenv("ENGAGE_TENANTS__INITECH__API_KEY", "initech-key")
    eng = Engage.from_env(plugins=[toyvendor])
    assert eng.tenant_names() == ["initech"]
    assert eng.tenant("initech").vendor == "toy"
    monkeypatch.setenv("ENGAGE_CONFIG", str(config_file))
    monkeypatch.setenv("ACME_TOY_KEY", "k")
    settings = EngageSettings.load()
    assert set(settings.tenants) == {"acme", "globex", "initech"}


def test_unknown_tenant_lists_the_known_ones(config_file: Path) -> None:
    eng = Engage.from_config(config_file, plugins=[toyvendor])
    with pytest.raises(TenantNotFoundError) as info:
        eng.tenant("hooli")
    assert info.value.known == ("acme", "globex")
    assert "acme, globex" in str(info.value)


def test_unknown_vendor_lists_installed_adapters() -> None:
    eng = Engage({"acme": {"vendor": "hubspot"}}, plugins=[toyvendor])
    with pytest.raises(AdapterNotFoundError) as info:
        eng.tenant("acme")
    assert "toy" in info.value.known
    assert "salesloft" in info.value.known  # first-party adapters come by entry point
    assert "installed adapters:" in str(info.value)


def test_vendor_settings_are_validated_by_the_adapter_without_echoing_values() -> None:
    eng = Engage(
        {"acme": {"vendor": "toy", "api_key": "sekrit-value-1234", "api_kye": "typo"}},
        plugins=[toyvendor],
    )
    with pytest.raises(ConfigurationError) as info:
        eng.tenant("acme")
    message = str(info.value)
    assert "api_kye" in message and "toy settings" in message
    assert "sekrit-value-1234" not in message and "typo" not in message


def test_bad_transport_options_are_rejected() -> None:
    with pytest.raises(ConfigurationError, match="timeout"):
        Engage({"acme": {"vendor": "toy", "transport": {"timeout": -1}}})


def test_callable_tenant_source_backed_by_a_product_database() -> None:
    rows = {"acme": {"vendor": "toy", "api_key": "k1"}}
    lookups: list[str] = []

    def load(name: str) -> dict[str, object] | None:
        lookups.append(name)
        return rows.get(name)

    eng = Engage(CallableTenantSource(load, names=lambda: list(rows)), plugins=[toyvendor])
    assert eng.tenant("acme").vendor == "toy"
    assert eng.tenant_names() == ["acme"]
    with pytest.raises(TenantNotFoundError):
        eng.tenant("nobody")
    plain = Engage(load, plugins=[toyvendor])
    assert plain.tenant("acme").name == "acme"
    assert lookups.count("acme") == 2


def test_missing_config_file_is_reported() -> None:
    with pytest.raises(ConfigurationError, match="does not exist"):
        Engage.from_config("/nonexistent/engage.toml")


def test_tenant_config_repr_hides_secret_looking_settings() -> None:
    config = TenantConfig(name="a", vendor="toy", api_key="plain-secret-123", client_id="cid")
    text = repr(config)
    assert "plain-secret-123" not in text
    assert "cid" in text


def test_a_model_level_config_error_says_its_subject_once() -> None:
    import pydantic

    from engage.config import describe_validation_error

    class Window(pydantic.BaseModel):
        start: int
        end: int

        @pydantic.model_validator(mode="after")
        def ordered(self) -> Window:
            if self.end < self.start:
                raise ValueError("end is before start")
            return self

    with pytest.raises(pydantic.ValidationError) as info:
        Window(start=2, end=1)
    text = describe_validation_error("tenant 'acme' config", info.value)
    assert text == "tenant 'acme' config: end is before start"
    with pytest.raises(pydantic.ValidationError) as info:
        Window.model_validate({"start": "x", "end": 1})
    assert describe_validation_error("w", info.value).startswith("w: start: ")
