"""Every write names Outreach's media type, the body-less actions too.

Outreach documents that a request without ``Content-Type: application/vnd.api+json``
is answered 415 (developers.outreach.io, "Making requests", Content Negotiation).
The emulator holds every write to that; these tests hold the adapter to it, live
against the in-process emulator and over every recorded Outreach cassette.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import engage_outreach
import pytest
import yaml
from engage_sandbox import SandboxOptions, create_app
from engage_sandbox.outreach import tenant_settings
from engage_testing import AppTransport

import engage
from engage import EnrollmentState, TaskStatus

MEDIA_TYPE = "application/vnd.api+json"
ORIGIN = "https://outreach.sandbox.engage.test"
CASSETTES = Path(__file__).resolve().parents[3] / "cassettes" / "outreach"
WHEN = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


@pytest.fixture
def app() -> Any:
    return create_app("outreach", SandboxOptions(seed=5, size=0.1))


@pytest.fixture
def wire(app: Any) -> AppTransport:
    return AppTransport(app)


@pytest.fixture
def tenant(wire: AppTransport) -> Iterator[Any]:
    eng = engage.Engage(
        {"t": {"vendor": "outreach", **tenant_settings(ORIGIN)}},
        plugins=[engage_outreach],
        load_entrypoints=False,
        http_transport=wire,
        sleep=lambda _: None,
    )
    yield eng.tenant("t")
    eng.close()


def _content_type(request: Any) -> str | None:
    value = request.headers.get("content-type")
    return None if value is None else str(value)


def test_every_body_less_action_passes_the_strict_emulator(tenant: Any, wire: AppTransport) -> None:
    target = tenant.targets.create(email="media@example.com", first_name="Media")
    enrollment = tenant.enrollments.enroll(target_id=target.id, sequence_id="1")
    (task,) = tenant.tasks.list(target_id=target.id, status="open").to_list()
    # The task actions: each a POST with its actionParams in the query, and no body.
    assert tenant.tasks.update_note(task.id, note="Say hi").note == "Say hi"
    assert tenant.tasks.reschedule(task.id, due_at=WHEN).due_at == WHEN
    assert tenant.tasks.snooze(task.id, until=WHEN + timedelta(days=1)).due_at
    assert tenant.tasks.reassign(task.id, owner_id="2").owner_id == "2"
    assert tenant.tasks.advance(task.id).status is TaskStatus.COMPLETED
    (call,) = tenant.tasks.list(target_id=target.id, status="open").to_list()
    assert tenant.tasks.complete(call.id, note="Spoke").status is TaskStatus.COMPLETED
    # The sequence-state actions.
    assert tenant.enrollments.pause(enrollment.id).state is EnrollmentState.PAUSED
    assert tenant.enrollments.resume(enrollment.id).state is EnrollmentState.ACTIVE
    assert tenant.enrollments.remove(enrollment.id).state is EnrollmentState.REMOVED
    writes = [r for r in wire.requests if r.method != "GET" and r.url.path.startswith("/api/v2")]
    body_less = [r for r in writes if not r.content]
    assert len(body_less) >= 9  # the nine actions above, at least
    assert {_content_type(r) for r in writes} == {MEDIA_TYPE}
    # Reads carry none: they need none, and the recordings stay as they were.
    reads = [r for r in wire.requests if r.method == "GET"]
    assert reads and all(_content_type(r) is None for r in reads)


def test_a_write_refused_for_its_media_type_is_typed(app: Any, tenant: Any) -> None:
    """What a product would see if a write went out bare: the documented 415 body
    (``details``, plural) read into the error's message and code."""
    app.state.kit.faults.add(
        status=415,
        method="POST",
        path="/api/v2/tasks/*",
        body={
            "errors": [
                {
                    "id": "unsupportedMediaType",
                    "title": "Unsupported Media Type",
                    "details": "Expected Content-Type header to be 'application/vnd.api+json'.",
                }
            ]
        },
    )
    with pytest.raises(engage.VendorError) as refused:
        tenant.tasks.snooze("1", until=WHEN)
    assert refused.value.status == 415 and refused.value.code == "unsupportedMediaType"
    assert "Expected Content-Type header" in refused.value.message


def _recorded_writes() -> list[tuple[str, str, str, Any]]:
    writes = []
    for path in sorted(CASSETTES.rglob("*.yaml")):
        for interaction in yaml.safe_load(path.read_text())["interactions"]:
            request = interaction["request"]
            if request["method"] == "GET" or "/api/v2" not in request["uri"]:
                continue  # reads, and the OAuth token endpoint (a form, by OAuth's rules)
            headers = {k.lower(): v for k, v in request["headers"].items()}
            name = str(path.relative_to(CASSETTES))
            writes.append((name, request["method"], request["uri"], headers.get("content-type")))
    return writes


def test_every_recorded_write_names_the_media_type() -> None:
    writes = _recorded_writes()
    assert any("/actions/" in uri for _, _, uri, _ in writes)  # body-less ones are there
    bare = [(name, method, uri) for name, method, uri, kind in writes if kind != [MEDIA_TYPE]]
    assert not bare, bare
