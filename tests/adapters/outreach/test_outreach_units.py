"""Parsing without a server: the seed 003 example, Airbyte's real records, error bodies."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from engage_outreach import _read as read
from engage_outreach._protocol import field_of, observe_rate, parse_error

from engage import ActivityKind, ConflictError, TaskKind, TaskOrigin, TaskStatus

REPO = Path(__file__).resolve().parents[3]
LOCAL = REPO / "tests" / "reference" / "outreach"
SEEDS = REPO.parent / "shared" / "seeds"
STREAMS = {
    "prospects": ("prospect", read.to_target),
    "sequences": ("sequence", read.to_sequence),
    "sequence_steps": ("sequenceStep", read.to_step),
    "tasks": ("task", read.to_task),
    "calls": ("call", read.to_call_activity),
    "mailings": ("mailing", read.to_mailing_activity),
}


def _seed_example() -> dict[str, Any]:
    """The seed's 'Created' response example, with the rendered ``- `` bullets removed."""
    files = sorted(SEEDS.glob("003_*.txt")) if SEEDS.exists() else []
    if not files:
        pytest.skip("../shared/seeds (seed 003) is not present")
    text = files[0].read_text()
    start = text.index('{- "data": {\n- "attributes"')
    lines, depth = [], 0
    for line in text[start:].splitlines():
        line = re.sub(r"^\{- ", "{", line)
        line = re.sub(r"^- ", "", line).replace(", - ", ", ")
        lines.append(line)
        depth += line.count("{") + line.count("[") - line.count("}") - line.count("]")
        if depth == 0:
            break
    doc: dict[str, Any] = json.loads("\n".join(lines))
    return doc


def test_the_seed_003_task_example_parses() -> None:
    doc = _seed_example()
    data = {**doc["data"], "id": 0, "type": "task"}
    task = read.to_task(data)
    assert task.id == "0" and task.owner_id == "0" and task.target_id == "0"
    assert task.kind is TaskKind.OTHER and task.vendor_kind == "string"  # unknown -> OTHER
    assert task.status is TaskStatus.OTHER and task.vendor_status == "string"
    assert task.origin is TaskOrigin.OTHER and task.due_at and task.due_at.tzinfo
    assert task.raw == data


def _relationship_types() -> dict[str, dict[str, str | None]]:
    spec = json.loads((LOCAL / "outreach-openapi-2023-12.json").read_text())
    out: dict[str, dict[str, str | None]] = {}
    for name, schema in spec["components"]["schemas"].items():
        if name.endswith("Relationships"):
            rels: dict[str, str | None] = {}
            for rel, body in schema.get("properties", {}).items():
                found = re.search(r'"enum": \["(\w+)"', json.dumps(body))
                rels[rel] = found.group(1) if found else None
            out[name.removesuffix("Relationships")] = rels
    return out


def _as_json_api(type_: str, flat: dict[str, Any], rels: dict[str, str | None]) -> dict[str, Any]:
    """Undo Airbyte's flattening: relationship ids back into JSON:API linkage."""
    attributes = {k: v for k, v in flat.items() if k != "id" and k not in rels}
    relationships: dict[str, Any] = {}
    for name, target in rels.items():
        value = flat.get(name)
        if isinstance(value, list):
            value = value[0] if len(value) == 1 else None
        if value is not None and target:
            relationships[name] = {"data": {"type": target, "id": value}}
    return {
        "type": type_,
        "id": flat["id"],
        "attributes": attributes,
        "relationships": relationships,
    }


def test_airbyte_records_rebuilt_as_json_api_parse() -> None:
    rels = _relationship_types()
    seen: set[str] = set()
    for line in (LOCAL / "airbyte" / "expected_records.subset.jsonl").read_text().splitlines():
        record = json.loads(line)
        if record["stream"] not in STREAMS:
            continue
        type_, mapper = STREAMS[record["stream"]]
        payload = _as_json_api(type_, record["data"], rels[type_])
        parsed: Any = mapper(payload)
        assert parsed.id == str(record["data"]["id"]) and parsed.raw == payload
        seen.add(record["stream"])
        if type_ == "prospect":
            assert parsed.email and "@" in parsed.email
        if type_ == "call":
            assert parsed.kind is ActivityKind.CALL and parsed.occurred_at
        if type_ == "task":
            assert parsed.kind is not TaskKind.OTHER and parsed.status is not TaskStatus.OTHER
    assert seen == set(STREAMS)


def _response(status: int, body: Any, **headers: str) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


def test_error_bodies() -> None:
    body = {
        "errors": [
            {
                "id": "validationError",
                "title": "Validation Error",
                "detail": "Emails taken.",
                "source": {"pointer": "/data/attributes/emails"},
            },
            {
                "id": "validationError",
                "title": "Validation Error",
                "detail": "Owner gone.",
                "source": {"pointer": "/data/relationships/owner"},
            },
        ]
    }
    details = parse_error(_response(422, body))
    assert details.code == "validationError" and details.message == "Emails taken.; Owner gone."
    assert details.fields == {"emails": ["Emails taken."], "owner": ["Owner gone."]}
    enrolled = {
        "errors": [{"id": "validationError", "detail": "Prospect 3 is already in this sequence."}]
    }
    assert parse_error(_response(422, enrolled)).kind is ConflictError
    oauth = parse_error(_response(400, {"error": "invalid_grant", "error_description": "No."}))
    assert (oauth.message, oauth.code) == ("No.", "invalid_grant")
    with pytest.raises(ValueError, match="not an Outreach"):
        parse_error(_response(500, ["?"]))
    assert field_of("/data") == "data" and field_of("/data/attributes/x/0") == "x"


def test_rate_headers() -> None:
    seen = observe_rate(
        _response(
            200,
            {},
            **{
                "X-RateLimit-Remaining": "42",
                "X-RateLimit-Limit": "10000",
                "X-RateLimit-Reset": "1767225600",
            },
        )
    )
    assert seen is not None and (seen.remaining, seen.limit, seen.reset_at) == (
        42,
        10000,
        1767225600,
    )
    assert observe_rate(_response(200, {})) is None
