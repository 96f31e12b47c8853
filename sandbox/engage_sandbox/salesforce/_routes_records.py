"""sObject rows over REST: create, read, update and delete with Salesforce's validation.

Object-level refusals follow each object's supported calls: ActionCadence
cannot be created, trackers can only be deleted and step trackers not even
that. Salesforce answers a DML call an object does not support with
INVALID_TYPE_FOR_OPERATION ("entity type cannot be inserted: Cadence
Tracker"), so the emulator does the same with HTTP 400; a read-only *field* on
a writable object is INVALID_FIELD_FOR_INSERT_UPDATE.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from . import _state_flow as flow
from ._errors import NOT_FOUND, ApiError
from ._state_ids import normalize
from ._state_query import serialize
from ._state_schema import (
    ID_TYPES,
    NUMBER_TYPES,
    OBJECTS,
    FieldSpec,
    ObjectSpec,
    object_ci,
    type_of_id,
)
from ._state_soql import parse_datetime
from ._state_store import Record, Store


def sobject(name: str, objects: Mapping[str, ObjectSpec] = OBJECTS) -> ObjectSpec:
    """The object ``name`` in the org's profile (``objects``)."""
    spec = object_ci(name, objects)
    if spec is None:
        raise ApiError(404, "NOT_FOUND", NOT_FOUND)
    return spec


def find(store: Store, spec: ObjectSpec, raw_id: str, *, deleted_error: bool = False) -> Record:
    record_id = normalize(raw_id)
    record = store.get(record_id) if record_id else None
    if record is None or store.type_of(record["Id"]) != spec.name:
        raise ApiError(404, "NOT_FOUND", NOT_FOUND)
    if record["IsDeleted"]:
        if deleted_error:
            raise ApiError(404, "ENTITY_IS_DELETED", "entity is deleted")
        raise ApiError(404, "NOT_FOUND", NOT_FOUND)
    return record


def render(
    store: Store, spec: ObjectSpec, record: Record, version: str, fields: str | None
) -> Record:
    out: Record = {
        "attributes": {
            "type": spec.name,
            "url": f"/services/data/v{version}/sobjects/{spec.name}/{record['Id']}",
        }
    }
    names = list(spec.fields)
    if fields:
        names = []
        for raw in fields.split(","):
            field = spec.field_ci(raw.strip())
            if field is None:
                raise ApiError(
                    400,
                    "INVALID_FIELD",
                    f"No such column '{raw.strip()}' on sobject of type {spec.name}",
                )
            names.append(field.name)
    for name in names:
        out[name] = serialize(record.get(name))
    return out


def _refused(spec: ObjectSpec, verb: str) -> ApiError:
    return ApiError(
        400, "INVALID_TYPE_FOR_OPERATION", f"entity type cannot be {verb}: {spec.label}"
    )


def _convert(store: Store, field: FieldSpec, value: Any) -> Any:
    if value is None:
        return None
    kind = field.type

    def bad() -> ApiError:
        return ApiError(
            400,
            "JSON_PARSER_ERROR",
            f"Cannot deserialize instance of {kind} from {type(value).__name__} value {value!r} "
            f"or request may be missing a required field",
        )

    if kind == "boolean":
        if not isinstance(value, bool):
            raise bad()
        return value
    if kind in NUMBER_TYPES:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise bad()
        return int(value) if kind == "int" else float(value)
    if not isinstance(value, str):
        raise bad()
    try:
        if kind == "date":
            return date.fromisoformat(value[:10])
        if kind == "datetime":
            return parse_datetime(value.replace("+0000", "Z"))
    except ValueError:
        raise bad() from None
    if kind in ID_TYPES:
        record_id = normalize(value)
        target = type_of_id(record_id) if record_id else None
        if record_id is None or target not in field.reference_to:
            raise ApiError(
                400,
                "FIELD_INTEGRITY_EXCEPTION",
                f"{field.label}: id value of incorrect type: {value}",
                [field.name],
            )
        found = store.get(record_id)
        if target in OBJECTS and (found is None or found["IsDeleted"]):
            raise ApiError(
                400, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", [field.name]
            )
        return record_id
    return value


def values_from(store: Store, spec: ObjectSpec, body: Any, *, creating: bool) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ApiError(
            400, "JSON_PARSER_ERROR", "Cannot deserialize instance of sObject from non-object value"
        )
    values: dict[str, Any] = {}
    locked: list[str] = []
    for raw, value in body.items():
        if raw == "attributes":
            continue
        field = spec.field_ci(raw)
        if field is None:
            raise ApiError(
                400, "INVALID_FIELD", f"No such column '{raw}' on sobject of type {spec.name}"
            )
        if not (field.createable if creating else field.updateable):
            locked.append(field.name)
            continue
        values[field.name] = _convert(store, field, value)
    if locked:
        raise ApiError(
            400,
            "INVALID_FIELD_FOR_INSERT_UPDATE",
            f"Unable to create/update fields: {', '.join(locked)}. Please check the security "
            "settings of this field and verify that it is read/write for your profile or "
            "permission set.",
            locked,
        )
    missing = [
        f.name
        for f in spec.fields.values()
        if f.required
        and (values.get(f.name) in (None, "") if creating or f.name in values else False)
    ]
    if missing:
        raise ApiError(
            400,
            "REQUIRED_FIELD_MISSING",
            f"Required fields are missing: [{', '.join(missing)}]",
            missing,
        )
    return values


def _defaults(spec: ObjectSpec, values: dict[str, Any], user: str) -> dict[str, Any]:
    defaults: dict[str, Any] = {}
    if "OwnerId" in spec.fields and spec.fields["OwnerId"].defaulted:
        defaults["OwnerId"] = user
    per_object: dict[str, dict[str, Any]] = {
        "Lead": {"Status": "Open - Not Contacted"},
        "Task": {"Status": "Not Started", "Priority": "Normal", "TaskSubtype": "Task"},
        "ActionCadenceStep": {
            "GraphState": "Included",
            "DayGroup": 0,
            "MinuteGroup": 0,
            "SubCadenceName": "",
        },
        "User": {"IsActive": True},
    }
    defaults |= per_object.get(spec.name, {})
    return defaults | values


def create(store: Store, spec: ObjectSpec, body: Any, user: str, now: datetime) -> Record:
    if not spec.createable:
        raise _refused(spec, "inserted")
    values = values_from(store, spec, body, creating=True)
    record = store.insert(spec.name, _defaults(spec, values, user), user_id=user, now=now)
    cadence = store.get(record.get("ActionCadenceId")) if spec.name == "ActionCadenceStep" else None
    if cadence is not None:
        cadence["TotalSteps"] = (cadence["TotalSteps"] or 0) + 1
    return record


def update(
    store: Store, spec: ObjectSpec, record: Record, body: Any, user: str, now: datetime
) -> None:
    if not spec.updateable:
        raise _refused(spec, "updated")
    store.update(record, values_from(store, spec, body, creating=False), user_id=user, now=now)


def delete(store: Store, spec: ObjectSpec, record: Record, user: str, now: datetime) -> None:
    if not spec.deletable:
        raise _refused(spec, "deleted")
    doomed: list[Record] = [record]
    if spec.name == "ActionCadence":
        doomed += flow.steps_of(store, record["Id"])
        doomed += [
            t for t in store.rows("ActionCadenceTracker") if t["ActionCadenceId"] == record["Id"]
        ]
    elif spec.name in {"Lead", "Contact"}:
        doomed += store.lookup("ActionCadenceTracker", "TargetId", record["Id"])
    elif spec.name == "ActionCadenceTracker" and record["State"] in flow.ACTIVE_STATES:
        cadence = store.get(record["ActionCadenceId"])
        if cadence is not None:
            cadence["ActiveTargets"] = max(0, (cadence["ActiveTargets"] or 0) - 1)
    trackers = [t for t in doomed if store.type_of(t["Id"]) == "ActionCadenceTracker"]
    for tracker in trackers:
        doomed += store.lookup("ActionCadenceStepTracker", "ActionCadenceTrackerId", tracker["Id"])
    for item in doomed:
        if not item["IsDeleted"]:
            store.delete(item, user_id=user, now=now)
            store.timers.discard(item["Id"])
