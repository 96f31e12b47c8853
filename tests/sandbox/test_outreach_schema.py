"""The Outreach emulator's responses checked against Outreach's own documents.

* the 2023-12 OpenAPI (MIT, copied into tests/reference/outreach/);
* the 2026 OpenAPI and the JSON hyper-schema, which carry no licence and are read
  in place from ``../shared`` (skipped when it is absent);
* the seed document of the Task resource (``../shared/seeds/003_*.txt``);
* Airbyte's real records (attribute names and value types).

The OpenAPI documents need three adaptations before a JSON Schema validator can
use them, each because the document contradicts Outreach's own examples:
attributes are made nullable (real records carry nulls, and the 2023 copy has no
``nullable``); the 2023 relationship ``oneOf`` becomes ``anyOf`` (its branches have
no ``required``, so every object matches both; each branch is made to require
the member it is titled after); and the 2023 ``type: array``
to-many relationships accept the ``{"links": {"related": url}}`` object that the
"Making requests" guide shows and the 2026 document declares.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from engage_sandbox import SandboxOptions, SandboxServer, create_app
from engage_sandbox.outreach import demo_token
from engage_sandbox.outreach._routes_task_actions import PARAMS
from engage_sandbox.outreach._state_schema import RESOURCES
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

REPO = Path(__file__).resolve().parents[2]
LOCAL = REPO / "tests" / "reference" / "outreach"
SHARED = REPO.parent / "shared"
SHARED_OUTREACH = SHARED / "reference" / "outreach"
NO_SHARED = "../shared (unlicensed Outreach spec, hyper-schema and seeds) is not present"

SAMPLES = [
    ("/users", "user"),
    ("/mailboxes", "mailbox"),
    ("/accounts", "account"),
    ("/prospects", "prospect"),
    ("/sequences", "sequence"),
    ("/sequenceSteps", "sequenceStep"),
    ("/sequenceStates", "sequenceState"),
    ("/tasks", "task"),
    ("/taskPriorities", "taskPriority"),
    ("/mailings", "mailing"),
    ("/calls", "call"),
]


def _any_of(node: Any) -> None:
    if isinstance(node, dict):
        if "oneOf" in node:
            node["anyOf"] = node.pop("oneOf")
        title = node.get("title")
        if title in {"data", "links"} and title in node.get("properties", {}):
            node["required"] = [title]
        for value in node.values():
            _any_of(value)
    elif isinstance(node, list):
        for value in node:
            _any_of(value)


def _adapt(spec: dict[str, Any]) -> dict[str, Any]:
    spec = copy.deepcopy(spec)
    schemas = spec["components"]["schemas"]
    for name, schema in schemas.items():
        props = schema.get("properties", {})
        if name.endswith("Relationships"):
            for rel_name, rel in list(props.items()):
                if rel.get("type") == "array":
                    props[rel_name] = {
                        "type": "object",
                        "properties": {"links": {"type": "object"}},
                    }
                _any_of(props[rel_name])
                data = props[rel_name].get("properties", {}).get("data")
                if isinstance(data, dict) and data.pop("nullable", False):
                    data["type"] = [data.get("type", "object"), "null"]
        elif not name.endswith("Response"):
            for prop in props.values():
                prop.pop("nullable", None)
                if isinstance(prop.get("type"), str):
                    prop["type"] = [prop["type"], "null"]
    return spec


def _validator(spec: dict[str, Any], path: str, method: str, status: str) -> Draft7Validator:
    registry: Registry[Any] = Registry().with_resource(
        "urn:outreach", Resource(contents=spec, specification=DRAFT7)
    )
    pointer = "/".join(
        p.replace("~", "~0").replace("/", "~1")
        for p in (
            "paths",
            path,
            method,
            "responses",
            status,
            "content",
            "application/vnd.api+json",
            "schema",
        )
    )
    return Draft7Validator({"$ref": f"urn:outreach#/{pointer}"}, registry=registry)


@pytest.fixture(scope="module")
def samples() -> Iterator[dict[str, Any]]:
    """One list and one member document per collection, plus action and error answers."""
    app = create_app("outreach", SandboxOptions(seed=9, size=0.1))
    with SandboxServer(app) as server:
        headers = {"Authorization": f"Bearer {demo_token(app)}"}
        with httpx.Client(base_url=f"{server.url}/api/v2", headers=headers) as c:
            docs: dict[str, Any] = {}
            for path, _ in SAMPLES:
                listing = c.get(path, params={"page[size]": "25"}).json()
                docs[f"GET {path}"] = listing
                member = listing["data"][0]["id"]
                docs[f"GET {path}/{{id}}"] = c.get(f"{path}/{member}").json()
            # Every write carries the media type, the body-less actions too.
            json_api = {"Content-Type": "application/vnd.api+json"}
            snooze = c.post("/tasks/1/actions/snooze", headers=json_api)
            docs["POST /tasks/{id}/actions/snooze"] = snooze.json()
            docs["422 /tasks/{id}/actions/updateNote"] = c.post(
                "/tasks/1/actions/updateOpportunityAssociation",
                params={"actionParams[opportunityAssociation]": "x"},
                headers=json_api,
            ).json()
            docs["404 /prospects/{id}"] = c.get("/prospects/999999").json()
            yield docs


def _check_spec(spec: dict[str, Any], docs: dict[str, Any]) -> None:
    adapted = _adapt(spec)
    schemas = spec["components"]["schemas"]
    for path, type_ in SAMPLES:
        for key, spec_path in ((f"GET {path}", path), (f"GET {path}/{{id}}", f"{path}/{{id}}")):
            _validator(adapted, spec_path, "get", "200").validate(docs[key])
        rows = docs[f"GET {path}"]["data"]
        attributes = set(schemas[type_]["properties"])
        relationships = set(schemas[f"{type_}Relationships"]["properties"])
        for row in rows:
            assert set(row["attributes"]) <= attributes, (
                type_,
                set(row["attributes"]) - attributes,
            )
            assert set(row["relationships"]) <= relationships, (
                type_,
                set(row["relationships"]) - relationships,
            )
    _validator(adapted, "/tasks/{id}/actions/snooze", "post", "200").validate(
        docs["POST /tasks/{id}/actions/snooze"]
    )
    _validator(adapted, "/tasks/{id}/actions/updateNote", "post", "422").validate(
        docs["422 /tasks/{id}/actions/updateNote"]
    )
    _validator(adapted, "/prospects/{id}", "get", "404").validate(docs["404 /prospects/{id}"])
    # The adapted schemas still bite: a string id in a linkage is rejected.
    broken = copy.deepcopy(docs["GET /tasks/{id}"])
    broken["data"]["relationships"]["owner"]["data"]["id"] = "one"
    assert not _validator(adapted, "/tasks/{id}", "get", "200").is_valid(broken)
    broken = copy.deepcopy(docs["GET /tasks/{id}"])
    broken["data"]["attributes"]["completed"] = "no"
    assert not _validator(adapted, "/tasks/{id}", "get", "200").is_valid(broken)


def test_responses_match_the_mit_2023_openapi(samples: dict[str, Any]) -> None:
    spec = json.loads((LOCAL / "outreach-openapi-2023-12.json").read_text())
    _check_spec(spec, samples)


@pytest.mark.skipif(not SHARED_OUTREACH.exists(), reason=NO_SHARED)
def test_responses_match_the_2026_openapi(samples: dict[str, Any]) -> None:
    spec = json.loads((SHARED_OUTREACH / "openapi" / "outreach-openapi.json").read_text())
    _check_spec(spec, samples)
    for plural in ("/sequenceStates/{id}/actions/finish", "/sequenceStates/{id}/actions/pause"):
        assert "post" in spec["paths"][plural]


@pytest.mark.skipif(not SHARED_OUTREACH.exists(), reason=NO_SHARED)
def test_types_filters_and_actions_match_the_hyper_schema(samples: dict[str, Any]) -> None:
    hyper = json.loads((SHARED_OUTREACH / "json-schema" / "outreach-hyper-schema.json").read_text())
    kinds = {"string": str, "boolean": bool, "number": (int, float), "integer": int, "array": list}
    for path, type_ in SAMPLES:
        defs = hyper["definitions"][type_]["definitions"]
        rdef = RESOURCES[type_]
        filterable = {k for k, v in defs.items() if isinstance(v, dict) and v.get("filterable")}
        sortable = {k for k, v in defs.items() if isinstance(v, dict) and v.get("sortable")}
        if type_ == "prospect":
            filterable.add("emails")  # the hyper-schema flags the array's items
        assert rdef.filterable <= filterable, (type_, rdef.filterable - filterable)
        assert rdef.sortable <= sortable, (type_, rdef.sortable - sortable)
        for row in samples[f"GET {path}"]["data"]:
            for name, value in row["attributes"].items():
                declared = defs[name].get("type")
                if value is not None and declared in kinds:
                    assert isinstance(value, kinds[declared]), (type_, name, value)
    links = {
        link["href"].rsplit("/", 1)[-1]: link
        for link in hyper["definitions"]["task"]["links"]
        if "/actions/" in link["href"]
    }
    for action, (required, optional) in PARAMS.items():
        assert set(links[action].get("requiredParams", [])) == required, action
        assert set(links[action].get("optionalParams", [])) == optional, action
    state_actions = {
        link["href"].rsplit("/", 1)[-1]
        for link in hyper["definitions"]["sequenceState"]["links"]
        if "/actions/" in link["href"]
    }
    assert state_actions == {"finish", "pause", "resume"}


def _seed_text() -> str:
    files = sorted((SHARED / "seeds").glob("003_*.txt"))
    return files[0].read_text()


@pytest.mark.skipif(not (SHARED / "seeds").exists(), reason=NO_SHARED)
def test_task_shape_and_relationship_filters_follow_seed_003(samples: dict[str, Any]) -> None:
    text = _seed_text()
    lines = text.splitlines()
    start = lines.index('{- "action": "string",')
    attrs = []
    for line in lines[start:]:
        attrs += re.findall(r'"(\w+)":', line)
        if line == "}":
            break
    rels = re.findall(
        r'^(?:\{- |\}, - |\], - )"(\w+)": [\{\[]', text[: text.index("METADATA")], re.M
    )
    task = samples["GET /tasks"]["data"][0]
    assert list(task["attributes"]) == attrs
    assert set(rels) <= set(task["relationships"])
    to_one = RESOURCES["task"].to_one
    for match in re.finditer(
        r"You can use (only the attribute id|attributes ([\w, ]+?)) to filter tasks by (\w+)", text
    ):
        rel = match.group(3)
        if rel not in to_one:
            assert rel in RESOURCES["task"].to_many
            assert RESOURCES["task"].to_many[rel].filterable
            continue
        documented = (
            {"id"} if match.group(2) is None else set(re.split(r", | and ", match.group(2)))
        )
        implemented = set(to_one[rel].filter_attrs)
        # byPersonaId/byStageId name prospect relationships the emulator does not hold.
        assert implemented <= documented, rel
        assert documented - implemented <= {"byPersonaId", "byStageId"}, rel
    for rel in re.findall(r"Relationship (\w+) cannot be used as a filter", text):
        assert not to_one[rel].filter_attrs


def test_attribute_names_and_types_match_airbyte_records(samples: dict[str, Any]) -> None:
    streams = {
        "tasks": "task",
        "users": "user",
        "calls": "call",
        "mailings": "mailing",
        "prospects": "prospect",
    }
    streams |= {"sequences": "sequence", "sequence_steps": "sequenceStep", "mailboxes": "mailbox"}
    plural = {v: f"/{RESOURCES[v].plural}" for v in streams.values()}
    seen: set[str] = set()
    for line in (LOCAL / "airbyte" / "expected_records.subset.jsonl").read_text().splitlines():
        record = json.loads(line)
        type_ = streams.get(record["stream"])
        if type_ is None or type_ in seen:
            continue
        seen.add(type_)
        ours = samples[f"GET {plural[type_]}"]["data"][0]["attributes"]
        real = record["data"]
        missing = set(ours) - set(real)
        assert not missing, (type_, missing)
        for name, value in ours.items():
            if value is not None and real[name] is not None:
                assert type(value) is type(real[name]) or {type(value), type(real[name])} <= {
                    int,
                    float,
                }, (
                    type_,
                    name,
                )
                if name.endswith("At"):
                    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", value), name
    assert {"task", "user", "prospect"} <= seen
