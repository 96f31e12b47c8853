"""Baselines for the CPU benchmark: a flat pydantic model and a msgspec struct per payload.

Both are inferred from the records themselves (every top-level field, typed
from the JSON values seen: str, int, float, bool, ISO datetimes, one level of
nested objects, lists as lists of anything), so each baseline validates the
same bytes engage reads, with the types a hand-written "just use pydantic" or
"just use msgspec" client would declare, and no mapping to a neutral model.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

import msgspec
from pydantic import BaseModel, ConfigDict, Field, create_model

ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def records_key(body: dict[str, Any]) -> str:
    """The envelope key holding the records: Salesloft and Outreach ``data``, Salesforce
    ``records`` (the longest list of objects)."""
    lists = [(len(v), k) for k, v in body.items() if isinstance(v, list)]
    if not lists:
        raise ValueError(f"no list of records among {sorted(body)}")
    return max(lists)[1]


def _scalar(values: list[Any]) -> Any:
    kinds = {type(v) for v in values if v is not None}
    optional = any(v is None for v in values)
    if kinds == {str} and all(ISO.match(v) for v in values if v is not None):
        base: Any = datetime
    elif kinds == {str}:
        base = str
    elif kinds == {bool}:
        base = bool
    elif kinds == {int}:
        base = int
    elif kinds <= {int, float} and kinds:
        base = float
    elif kinds == {list}:
        base = list[Any]
    else:
        base = Any
    return base | None if optional and base is not Any else base


def _fields(rows: list[dict[str, Any]], depth: int) -> dict[str, list[Any]]:
    seen: dict[str, list[Any]] = {}
    for row in rows:
        for key, value in row.items():
            seen.setdefault(key, []).append(value)
    for values in seen.values():
        values.extend([None] * (len(rows) - len(values)))  # a key some rows lack
    return seen


def _pydantic_type(name: str, values: list[Any], depth: int) -> Any:
    dicts = [v for v in values if isinstance(v, dict)]
    if dicts and len(dicts) + values.count(None) == len(values) and depth < 1:
        model = flat_model(f"{name}_", dicts, depth + 1)
        return model | None if None in values else model
    if dicts:
        return dict[str, Any] | None if None in values else dict[str, Any]
    return _scalar(values)


def flat_model(name: str, rows: list[dict[str, Any]], depth: int = 0) -> type[BaseModel]:
    fields: dict[str, Any] = {}
    for i, (key, values) in enumerate(_fields(rows, depth).items()):
        annotation = _pydantic_type(f"{name}_{i}", values, depth)
        fields[f"f{i}"] = (annotation, Field(None, alias=key))
    config = ConfigDict(extra="ignore")
    return create_model(f"Flat_{_ident(name)}", __config__=config, **fields)


def _msgspec_type(name: str, values: list[Any], depth: int) -> Any:
    dicts = [v for v in values if isinstance(v, dict)]
    if dicts and len(dicts) + values.count(None) == len(values) and depth < 1:
        struct = flat_struct(f"{name}_", dicts, depth + 1)
        return struct | None if None in values else struct
    if dicts:
        return dict[str, Any] | None if None in values else dict[str, Any]
    return _scalar(values)


def flat_struct(name: str, rows: list[dict[str, Any]], depth: int = 0) -> type[msgspec.Struct]:
    seen = _fields(rows, depth)
    # Field names must be identifiers; the JSON keys come back through ``rename``.
    fields = [
        (f"f{i}", _msgspec_type(f"{name}_{i}", values, depth), None)
        for i, values in enumerate(seen.values())
    ]
    renames = {f"f{i}": key for i, key in enumerate(seen)}
    return msgspec.defstruct(f"Flat_{_ident(name)}", fields, rename=renames)


def _ident(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name)


def decoders(name: str, bodies: list[bytes]) -> dict[str, list[Callable[[bytes], Any]]]:
    """For each page, a ``pydantic`` and a ``msgspec`` decoder of its bytes into typed
    records (one shape per envelope key: an entity may read more than one endpoint)."""
    parsed = [json.loads(b) for b in bodies]
    keys = [records_key(body) for body in parsed]
    by_key: dict[str, dict[str, Callable[[bytes], Any]]] = {}
    for key in dict.fromkeys(keys):
        rows = [row for body, k in zip(parsed, keys, strict=True) if k == key for row in body[k]]
        label = _ident(f"{name}_{key}")
        record: Any = flat_model(label, rows)
        struct: Any = flat_struct(label, rows)
        fields: dict[str, Any] = {key: (list[record], ...)}
        envelope = create_model(f"Page_{label}", **fields)
        page = msgspec.defstruct(f"Page_{label}", [(key, list[struct])])
        by_key[key] = {
            "pydantic": envelope.model_validate_json,
            "msgspec": msgspec.json.Decoder(page).decode,
        }
    return {kind: [by_key[k][kind] for k in keys] for kind in ("pydantic", "msgspec")}
