"""The emulator's prospect notes and its fixed demo refresh token.

``/prospectNotes`` is in Outreach's 2026 reference (create, read, filter by
prospect and ``createdAt``); the demo refresh token lets a configured tenant
start against a fresh emulator without a consent step.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from engage_sandbox import SandboxOptions, SandboxServer, create_app
from engage_sandbox.outreach import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_REFRESH_TOKEN,
    demo_token,
)

MEDIA = "application/vnd.api+json"
SPEC = (
    Path(__file__).resolve().parents[3] / "shared/reference/outreach/openapi/outreach-openapi.json"
)


@pytest.fixture
def server() -> Iterator[tuple[SandboxServer, Any]]:
    app = create_app("outreach", SandboxOptions(seed=5, size=0.1))
    with SandboxServer(app) as srv:
        yield srv, app


def _note(client: httpx.Client, attributes: dict[str, Any], prospect: int = 1) -> httpx.Response:
    body = {
        "data": {
            "type": "prospectNote",
            "attributes": attributes,
            "relationships": {"prospect": {"data": {"type": "prospect", "id": prospect}}},
        }
    }
    return client.post(
        "/api/v2/prospectNotes", content=json.dumps(body), headers={"Content-Type": MEDIA}
    )


def test_prospect_notes_are_created_read_and_filtered(
    server: tuple[SandboxServer, Any],
) -> None:
    srv, app = server
    headers = {"Authorization": f"Bearer {demo_token(app)}"}
    with httpx.Client(base_url=srv.url, headers=headers) as client:
        made = _note(client, {"message": "Met at the fair", "opportunityAssociationRule": None})
        assert made.status_code == 201, made.text
        data = made.json()["data"]
        assert data["type"] == "prospectNote"
        assert data["attributes"] == {
            "createdAt": data["attributes"]["createdAt"],
            "message": "Met at the fair",
            "noteType": "note",
            "pinned": False,
        }
        assert data["relationships"]["prospect"]["data"] == {"type": "prospect", "id": 1}
        assert data["relationships"]["creator"]["data"] == {"type": "user", "id": 1}
        listed = client.get(
            "/api/v2/prospectNotes",
            params={"filter[prospect][id]": "1", "filter[createdAt]": "neginf..inf"},
        ).json()
        assert [row["id"] for row in listed["data"]] == [data["id"]]
        bad = _note(client, {"message": "x", "noteType": "lunch"})
        assert bad.status_code == 422
        assert bad.json()["errors"][0]["source"]["pointer"] == "/data/attributes/noteType"
        blank = _note(client, {"pinned": True})
        assert blank.json()["errors"][0]["source"]["pointer"] == "/data/attributes/message"
        assert client.get("/api/v2/prospectNotes", params={"filter[creator][id]": "1"}).is_error


@pytest.mark.skipif(not SPEC.exists(), reason="../shared (the 2026 Outreach spec) is absent")
def test_prospect_note_shape_matches_the_2026_openapi(server: tuple[SandboxServer, Any]) -> None:
    schemas = json.loads(SPEC.read_text())["components"]["schemas"]
    srv, app = server
    headers = {"Authorization": f"Bearer {demo_token(app)}"}
    with httpx.Client(base_url=srv.url, headers=headers) as client:
        data = _note(client, {"message": "hello", "pinned": True}).json()["data"]
    assert set(data["attributes"]) <= set(schemas["prospectNote"]["properties"])
    assert "opportunityAssociationRule" not in data["attributes"]  # write-only
    assert set(data["relationships"]) <= set(schemas["prospectNoteRelationships"]["properties"])


def test_the_demo_refresh_token_works_on_a_fresh_start_and_is_not_spent(
    server: tuple[SandboxServer, Any],
) -> None:
    srv, _ = server
    form = {
        "grant_type": "refresh_token",
        "refresh_token": DEMO_REFRESH_TOKEN,
        "client_id": DEMO_CLIENT_ID,
        "client_secret": DEMO_CLIENT_SECRET,
    }
    with httpx.Client(base_url=srv.url) as client:
        first = client.post("/oauth/token", data=form).json()
        second = client.post("/oauth/token", data=form).json()
        assert first["access_token"] != second["access_token"]
        me = client.get(
            "/api/v2", headers={"Authorization": f"Bearer {second['access_token']}"}
        ).json()
        assert me["meta"]["user"]["id"] == 1
        rotated = {**form, "refresh_token": first["refresh_token"]}
        assert client.post("/oauth/token", data=rotated).status_code == 200
        assert client.post("/oauth/token", data=rotated).status_code == 400  # spent
