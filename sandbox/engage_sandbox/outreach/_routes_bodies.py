"""Reading JSON:API request documents: the resource object, its attributes and
relationship linkage, each checked against what the type allows to be written.
"""

from __future__ import annotations

from typing import Any

from ._errors import ApiError, invalid
from ._state_schema import RESOURCES, attr_kind
from ._state_store import Ref, Store, iso, parse_time

LIST_ATTRS = frozenset(
    {"emails", "tags", "homePhones", "mobilePhones", "otherPhones", "voipPhones", "workPhones"}
)


def resource_object(body: Any, type_: str, *, id_: int | None = None) -> dict[str, Any]:
    """The ``data`` member, with its ``type`` (and for updates ``id``) checked."""
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        raise ApiError(400, "The request body must be a JSON:API document with a 'data' object.")
    if data.get("type") != type_:
        raise ApiError(409, f"The resource object's type must be '{type_}'.")
    if id_ is not None and str(data.get("id")) != str(id_):
        raise ApiError(409, "The resource object's id does not match the URL.")
    return data


def attributes(data: dict[str, Any], type_: str) -> dict[str, Any]:
    """Writable attributes, each coerced to the stored form (timestamps normalised)."""
    raw = data.get("attributes") or {}
    if not isinstance(raw, dict):
        raise ApiError(400, "'attributes' must be an object.")
    allowed = RESOURCES[type_].writable
    out: dict[str, Any] = {}
    for name, value in raw.items():
        pointer = f"/data/attributes/{name}"
        if name not in allowed:
            raise invalid(f"'{name}' is not a writable attribute of {type_}.", pointer)
        out[name] = _coerce(name, value, pointer)
    return out


def _coerce(name: str, value: Any, pointer: str) -> Any:
    if value is None:
        return [] if name in LIST_ATTRS else None
    if name in LIST_ATTRS:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise invalid(f"'{name}' must be a list of strings.", pointer)
        return list(value)
    kind = attr_kind(name)
    if kind == "datetime":
        try:
            return iso(parse_time(str(value)))
        except ValueError as exc:
            raise invalid(f"'{name}' is not a valid date-time.", pointer) from exc
    if name in {"shouldRecordCall", "pinned"}:
        if not isinstance(value, bool):
            raise invalid(f"'{name}' must be a boolean.", pointer)
        return value
    if not isinstance(value, str):
        raise invalid(f"'{name}' must be a string.", pointer)
    return value


def relationships(data: dict[str, Any], type_: str, store: Store) -> dict[str, Ref | None]:
    """Writable to-one linkage, each pointing at an existing record of an allowed type."""
    raw = data.get("relationships") or {}
    if not isinstance(raw, dict):
        raise ApiError(400, "'relationships' must be an object.")
    rdef = RESOURCES[type_]
    out: dict[str, Ref | None] = {}
    for name, value in raw.items():
        pointer = f"/data/relationships/{name}"
        rel = rdef.to_one.get(name)
        if rel is None or not rel.writable:
            raise invalid(f"'{name}' is not a writable relationship of {type_}.", pointer)
        linkage = value.get("data") if isinstance(value, dict) else None
        if linkage is None:
            out[name] = None
            continue
        if not isinstance(linkage, dict):
            raise invalid(f"'{name}' must be a resource identifier.", pointer)
        target_type = linkage.get("type")
        try:
            target_id = int(linkage.get("id"))  # type: ignore[arg-type]
        except (TypeError, ValueError) as exc:
            raise invalid(f"'{name}' needs a numeric id.", pointer) from exc
        if target_type not in rel.targets:
            raise invalid(f"'{name}' must be a {' or '.join(rel.targets)}.", pointer)
        if target_type in RESOURCES and store.get(target_type, target_id) is None:
            raise invalid(f"Could not find '{target_type}' with ID '{target_id}'.", pointer)
        out[name] = (target_type, target_id)
    return out


def require(values: dict[str, Any], name: str, pointer_base: str, label: str) -> Any:
    value = values.get(name)
    if value is None or value == "":
        raise invalid(f"{label} can't be blank.", f"{pointer_base}/{name}")
    return value
